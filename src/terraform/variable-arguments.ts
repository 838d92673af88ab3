/**
 * `--var NAME=VALUE` and `--var-file FILE` as the project's command lines take them, kept in the
 * order given: Terraform applies `-var` and `-var-file` in command-line order, the later winning
 * (https://developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence).
 * `npm run local` resolves them itself (src/local/runtime/terraform/variables.ts); the offline plan
 * hands them to terraform in the same order (terraformVariableFlags).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UserInputError } from "../user-input-error";

/** One `--var` or `--var-file` of a command line. */
export type VariableArgument =
  | { readonly kind: "var"; readonly name: string; readonly value: string }
  | { readonly kind: "var-file"; readonly file: string };

/** A malformed `--var`, or a `--var-file` that does not exist. */
export class VariableArgumentError extends UserInputError {
  override readonly name = "VariableArgumentError";
}

/**
 * `name=value` split at the first `=`, as terraform splits `-var`: the value may hold `=` and
 * spaces; a name ending in a space is refused with the form meant (checked with terraform 1.11.4:
 * `terraform plan -var 's =1'`).
 */
export function parseVarAssignment(text: string): { name: string; value: string } {
  const eq = text.indexOf("=");
  if (eq < 0)
    throw new VariableArgumentError(`--var "${text}" is not correctly specified: it must look like name=value.`);
  const name = text.slice(0, eq);
  const value = text.slice(eq + 1);
  if (name.endsWith(" ")) {
    throw new VariableArgumentError(
      `--var "${text}": variable name "${name}" is invalid due to trailing space; did you mean --var "${name.trimEnd()}=${value.trimStart()}"?`,
    );
  }
  return { name, value };
}

/** The parts of a `node:util` parseArgs token (`tokens: true`) read here. */
export interface OptionToken {
  readonly kind: string;
  readonly name?: string;
  readonly value?: string | undefined;
}

/** The `--var` and `--var-file` options among parseArgs tokens, in command-line order; files must exist and be files. */
export function variableArguments(tokens: readonly OptionToken[]): VariableArgument[] {
  const out: VariableArgument[] = [];
  for (const token of tokens) {
    if (token.kind !== "option" || token.value === undefined) continue;
    if (token.name === "var") out.push({ kind: "var", ...parseVarAssignment(token.value) });
    else if (token.name === "var-file") {
      if (!fs.existsSync(token.value)) throw new VariableArgumentError(`--var-file ${token.value}: no such file`);
      if (!fs.statSync(token.value).isFile()) throw new VariableArgumentError(`--var-file ${token.value}: not a file`);
      out.push({ kind: "var-file", file: token.value });
    }
  }
  return out;
}

/** The same arguments as terraform's own flags, in the same order (files made absolute). */
export function terraformVariableFlags(args: readonly VariableArgument[]): string[] {
  return args.map((a) => (a.kind === "var" ? `-var=${a.name}=${a.value}` : `-var-file=${path.resolve(a.file)}`));
}
