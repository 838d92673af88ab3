/**
 * Values for a stack's variables as given on a command line: `--var-file FILE` and `--var name=value`,
 * kept in the order given, because Terraform applies them in that order (a later one wins).
 */
import * as path from "node:path";

export type VariableInput = { readonly file: string } | { readonly name: string; readonly value: string };

/** `name=value` as a variable input; undefined when it does not look like that. */
export function parseAssignment(text: string): VariableInput | undefined {
  const eq = text.indexOf("=");
  if (eq < 1) return undefined;
  return { name: text.slice(0, eq), value: text.slice(eq + 1) };
}

/** Terraform's `-var-file` and `-var` arguments, in the same order. */
export function variableArgs(inputs: readonly VariableInput[]): string[] {
  return inputs.map((input) =>
    "file" in input ? `-var-file=${path.resolve(input.file)}` : `-var=${input.name}=${input.value}`,
  );
}
