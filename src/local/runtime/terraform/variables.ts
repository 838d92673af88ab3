/**
 * The values of a stack's variables, as `terraform plan` would set them
 * (https://developer.hashicorp.com/terraform/language/values/variables#variable-definition-precedence),
 * every rule checked with terraform 1.11.4 (__tests__/local/runtime/variables.test.ts):
 * - precedence, later winning: `TF_VAR_<name>`, `terraform.tfvars`, `terraform.tfvars.json`,
 *   `*.auto.tfvars(.json)` of the stack directory in lexical order, then `--var` and `--var-file`
 *   in command-line order;
 * - `null` for a variable with `nullable = false` means its default;
 * - an undeclared name is ignored in the environment, a warning in a file, an error as `--var`;
 * - `--var` and `TF_VAR_` values are literal text for primitive (and `any`) types, HCL otherwise;
 * - each value converted to the declared type, then checked by every `validation` block.
 */
import * as path from "node:path";
import { StackDocument, VariableDeclaration } from "../../../terraform/stack-document";
import { VariableArgument } from "../../../terraform/variable-arguments";
import { UserInputError } from "../../../user-input-error";
import { ExpressionError, Value, evaluate, parseLiteral, parseTemplate } from "./expression";
import { autoLoadedVarFiles, readVarFile } from "./tfvars";
import { TypeConstraint, convertToType, isPrimitiveOrAny, parseTypeConstraint } from "./variable-types";

/** A variable value that is missing, of the wrong type, or refused by the variable's validation. */
export class VariableError extends UserInputError {
  override readonly name = "VariableError";
}

/** Where variable values come from. */
export interface VariableSources {
  /** Environment to read `TF_VAR_<name>` from. Default: none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The stack directory, whose `terraform.tfvars` and `*.auto.tfvars` terraform loads by itself. Default: none. */
  readonly directory?: string;
  /** `--var` and `--var-file`, in command-line order. */
  readonly arguments?: readonly VariableArgument[];
}

/** Where a value came from: "default", "environment", "--var", or the file's path. */
type VariableOrigin = string;

export interface ResolvedVariables {
  readonly values: Readonly<Record<string, Value>>;
  readonly origins: Readonly<Record<string, VariableOrigin>>;
  /** Values for undeclared variables found in files: terraform warns and goes on. */
  readonly warnings: readonly string[];
}

interface Assignment {
  readonly value: Value;
  /** A `--var` or `TF_VAR_` value: text, read according to the variable's type. */
  readonly text: boolean;
  readonly origin: VariableOrigin;
}

export function resolveVariables(document: StackDocument, sources: VariableSources = {}): ResolvedVariables {
  const declared = document.variable ?? {};
  const assigned = new Map<string, Assignment>();
  const undeclaredInFiles = new Map<string, string>();
  const undeclaredOnCommandLine: string[] = [];

  for (const [key, value] of Object.entries(sources.env ?? {})) {
    const name = key.slice("TF_VAR_".length);
    if (key.startsWith("TF_VAR_") && value !== undefined && name in declared)
      assigned.set(name, { value, text: true, origin: "environment" });
  }
  const fromFile = (file: string) => {
    const shown = shortPath(file);
    for (const [name, value] of Object.entries(readVarFile(file))) {
      if (name in declared) assigned.set(name, { value, text: false, origin: shown });
      else undeclaredInFiles.set(name, shown);
    }
  };
  if (sources.directory) for (const file of autoLoadedVarFiles(sources.directory)) fromFile(file);
  for (const arg of sources.arguments ?? []) {
    if (arg.kind === "var-file") fromFile(arg.file);
    else if (arg.name in declared) assigned.set(arg.name, { value: arg.value, text: true, origin: "--var" });
    else undeclaredOnCommandLine.push(arg.name);
  }
  if (undeclaredOnCommandLine.length > 0) {
    const known = Object.keys(declared).sort().join(", ") || "none";
    const names = undeclaredOnCommandLine.map((n) => `"${n}"`).join(", ");
    throw new VariableError(`--var ${names}: the stack declares no such variable (declared: ${known}).`);
  }

  const values: Record<string, Value> = {};
  const origins: Record<string, VariableOrigin> = {};
  for (const [name, decl] of Object.entries(declared)) {
    const type = typeOf(name, decl);
    const given = assigned.get(name);
    let value = given ? valueOf(name, given, type) : null;
    let origin = given?.origin ?? "default";
    if (value === null && (!given || decl.nullable === false)) {
      if (decl.default === undefined && !given) {
        throw new VariableError(
          `Variable ${name} has no default: give it with --var ${name}=..., a --var-file or TF_VAR_${name}.`,
        );
      }
      if ((decl.default ?? null) === null && decl.nullable === false) {
        throw new VariableError(
          `Variable ${name}${given ? ` (from ${origin})` : ""} must not be null: it is declared nullable = false and has no default.`,
        );
      }
      value = convert(name, (decl.default ?? null) as Value, type, "default");
      origin = "default";
    }
    values[name] = value;
    origins[name] = origin;
  }
  for (const [name, decl] of Object.entries(declared)) checkValidations(name, decl, values);

  const warnings = [...undeclaredInFiles].map(
    ([name, file]) =>
      `Value for undeclared variable: the stack does not declare "${name}", but ${file} sets it; the value is ignored.`,
  );
  return { values, origins, warnings };
}

/** A file as the user would name it: relative to the working directory when under it. */
function shortPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

function typeOf(name: string, decl: VariableDeclaration): TypeConstraint {
  try {
    return parseTypeConstraint(decl.type);
  } catch (error) {
    throw new VariableError(`Variable ${name}: ${(error as Error).message}.`, { cause: error });
  }
}

function valueOf(name: string, given: Assignment, type: TypeConstraint): Value {
  let value = given.value;
  if (given.text && !isPrimitiveOrAny(type)) {
    try {
      value = parseLiteral(value as string);
    } catch (error) {
      throw new VariableError(`Variable ${name} (from ${given.origin}): ${(error as Error).message}.`, {
        cause: error,
      });
    }
  }
  return convert(name, value, type, given.origin);
}

function convert(name: string, value: Value, type: TypeConstraint, origin: VariableOrigin): Value {
  try {
    return convertToType(value, type);
  } catch (error) {
    throw new VariableError(`Invalid value for variable ${name} (from ${origin}): ${(error as Error).message}.`, {
      cause: error,
    });
  }
}

/** Every validation block of a variable; all failing ones are reported, as terraform reports them. */
function checkValidations(name: string, decl: VariableDeclaration, values: Readonly<Record<string, Value>>): void {
  const failed: string[] = [];
  for (const rule of decl.validation ?? []) {
    let ok: Value;
    try {
      ok = evaluate(parseTemplate(rule.condition), {
        lookup: ([root, key]) => {
          if (root === "var" && typeof key === "string" && key in values) return values[key] as Value;
          throw new ExpressionError(`a validation can only refer to variables, not ${root}.${String(key)}`);
        },
      });
    } catch (error) {
      throw new VariableError(
        `Variable ${name}: its validation "${rule.condition}" cannot be evaluated locally (${(error as Error).message}).`,
      );
    }
    if (ok !== true) failed.push(rule.error_message);
  }
  if (failed.length > 0)
    throw new VariableError(
      `Invalid value for variable ${name} (${JSON.stringify(values[name])}): ${failed.join(" ")}`,
    );
}
