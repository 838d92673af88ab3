import * as fs from "node:fs";
import { ExpressionError, Value, evaluate, parseLiteral, parseTemplate, parseTfvars } from "./expression";
import { StackDocument, VariableDeclaration } from "./stack";

/** A variable value that is missing, of the wrong type, or refused by the variable's validation. */
export class VariableError extends Error {
  override readonly name = "VariableError";
}

/** Where variable values come from, lowest precedence first (as Terraform orders them). */
export interface VariableSources {
  /** Environment to read `TF_VAR_<name>` from. Default: none. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** tfvars files (`.tfvars` in HCL, or `.tfvars.json`), applied in order. */
  readonly varFiles?: readonly string[];
  /** `--var name=value` pairs, applied last, in order. */
  readonly vars?: readonly (readonly [string, string])[];
}

/** Where each value came from, for the start-up report. */
export type VariableOrigin = "default" | "environment" | "var-file" | "--var";

export interface ResolvedVariables {
  readonly values: Readonly<Record<string, Value>>;
  readonly origins: Readonly<Record<string, VariableOrigin>>;
}

/** Parses `name=value` as `--var` takes it. */
export function parseVarAssignment(text: string): [string, string] {
  const eq = text.indexOf("=");
  if (eq < 1) throw new VariableError(`--var "${text}" must look like name=value.`);
  return [text.slice(0, eq).trim(), text.slice(eq + 1)];
}

/** Reads a tfvars file: HCL (`name = "value"`) or JSON when it ends in `.json`. */
export function readVarFile(file: string): Record<string, Value> {
  if (!fs.existsSync(file)) throw new VariableError(`--var-file ${file}: no such file.`);
  const text = fs.readFileSync(file, "utf8");
  try {
    if (file.endsWith(".json")) {
      const parsed = JSON.parse(text) as unknown;
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("must be a JSON object");
      return parsed as Record<string, Value>;
    }
    return parseTfvars(text);
  } catch (error) {
    throw new VariableError(`--var-file ${file}: ${(error as Error).message}`);
  }
}

/** Converts a value to the declared primitive type, as Terraform does for `-var` strings and tfvars. */
function convert(name: string, decl: VariableDeclaration, raw: Value, fromString: boolean): Value {
  const type = (decl.type ?? "any").replace(/\s+/g, "");
  if (raw === null) {
    if (decl.nullable === false) throw new VariableError(`Variable ${name} must not be null.`);
    return null;
  }
  switch (type) {
    case "string":
      if (typeof raw === "string") return raw;
      if (typeof raw === "number" || typeof raw === "boolean") return String(raw);
      break;
    case "number":
      if (typeof raw === "number") return raw;
      if (typeof raw === "string" && raw.trim() !== "" && Number.isFinite(Number(raw))) return Number(raw);
      break;
    case "bool":
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "false") return raw === "true";
      break;
    case "any":
      return raw;
    default:
      // Complex types: a `--var` or TF_VAR_ string holds an HCL value; tfvars values are already parsed.
      if (fromString && typeof raw === "string") {
        try {
          return parseLiteral(raw);
        } catch (error) {
          throw new VariableError(`Variable ${name} (${decl.type}): ${(error as Error).message}`);
        }
      }
      return raw;
  }
  throw new VariableError(`Variable ${name} must be a ${type}; got ${JSON.stringify(raw)}.`);
}

/**
 * The value of every variable the stack declares: its default, then `TF_VAR_<name>`, then the
 * tfvars files, then `--var`; each converted to its type and checked by its `validation` blocks.
 * Unknown names and a missing value without a default are errors, as with `terraform plan`.
 */
export function resolveVariables(document: StackDocument, sources: VariableSources = {}): ResolvedVariables {
  const declared = document.variable ?? {};
  const values: Record<string, Value> = {};
  const origins: Record<string, VariableOrigin> = {};
  const set = (name: string, raw: Value, origin: VariableOrigin, fromString: boolean) => {
    const decl = declared[name];
    if (!decl) {
      const known = Object.keys(declared).sort().join(", ") || "none";
      throw new VariableError(`Variable "${name}" (from ${origin}) is not declared by the stack; declared: ${known}.`);
    }
    values[name] = convert(name, decl, raw, fromString);
    origins[name] = origin;
  };
  for (const [name, decl] of Object.entries(declared)) {
    if (decl.default !== undefined) {
      values[name] = decl.default as Value;
      origins[name] = "default";
    }
  }
  for (const [key, value] of Object.entries(sources.env ?? {})) {
    if (key.startsWith("TF_VAR_") && value !== undefined && declared[key.slice(7)]) set(key.slice(7), value, "environment", true);
  }
  for (const file of sources.varFiles ?? []) {
    for (const [name, value] of Object.entries(readVarFile(file))) set(name, value, "var-file", false);
  }
  for (const [name, value] of sources.vars ?? []) set(name, value, "--var", true);

  for (const name of Object.keys(declared)) {
    if (!(name in values)) throw new VariableError(`Variable ${name} has no default: give it with --var ${name}=... or --var-file.`);
  }
  for (const [name, decl] of Object.entries(declared)) {
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
        throw new VariableError(`Variable ${name}: its validation "${rule.condition}" cannot be evaluated locally (${(error as Error).message}).`);
      }
      if (ok !== true) throw new VariableError(`Invalid value for variable ${name} (${JSON.stringify(values[name])}): ${rule.error_message}`);
    }
  }
  return { values, origins };
}
