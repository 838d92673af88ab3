/**
 * Reading values of synthesized Terraform JSON: `${...}` references to other resources, and the few
 * expressions the stacks use over variables (`${var.x}`, `${var.x ? "a" : "b"}`), which are evaluated
 * with the variables' defaults. Anything else is reported as an expression the check cannot evaluate.
 * (References themselves are read by src/terraform/stack-document.ts.)
 */
import { parseReference } from "../terraform/stack-document";

/** A value that depends on an expression the policy check does not evaluate. */
export class Unresolved {
  constructor(readonly expression: string) {}
}

/** Whether a string holds any Terraform interpolation. */
function hasInterpolation(value: string): boolean {
  return value.includes("${");
}

/** The string with every `${...}` interpolation replaced by `replacement` (for wildcard checks). */
export function withoutInterpolations(value: string, replacement = "REF"): string {
  let out = "";
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf("${", i);
    if (start < 0) return out + value.slice(i);
    out += value.slice(i, start) + replacement;
    let depth = 0;
    let j = start + 1;
    for (; j < value.length; j++) {
      if (value[j] === "{") depth++;
      else if (value[j] === "}" && --depth === 0) break;
    }
    i = j + 1;
  }
  return out;
}

const VARIABLE = /^\$\{var\.([A-Za-z0-9_-]+)\}$/;
const CONDITIONAL = /^\$\{\(?var\.([A-Za-z0-9_-]+)\)? \? (.+) : (.+)\}$/s;

/**
 * The value as Terraform would see it with every variable at its default: literals stay as they are,
 * `${var.x}` becomes x's default, `${var.x ? A : B}` picks A or B (literals), a reference to another
 * resource stays as written (it names that resource); anything else is `Unresolved`.
 */
export function resolveWithDefaults(value: unknown, defaults: ReadonlyMap<string, unknown>): unknown {
  if (typeof value !== "string" || !hasInterpolation(value) || parseReference(value) !== undefined) return value;
  const [, variable] = VARIABLE.exec(value) ?? [];
  if (variable !== undefined) return defaults.has(variable) ? defaults.get(variable) : new Unresolved(value);
  const conditional = CONDITIONAL.exec(value);
  // The three groups of CONDITIONAL take part in every match.
  const [, condition = "", whenTrue = "", whenFalse = ""] = conditional ?? [];
  if (conditional && defaults.has(condition)) {
    const chosen = defaults.get(condition) === true ? whenTrue : whenFalse;
    const literal = parseLiteral(chosen.trim());
    if (literal !== undefined) return literal.value;
  }
  return new Unresolved(value);
}

function parseLiteral(text: string): { value: unknown } | undefined {
  if (text === "null") return { value: null };
  if (text === "true" || text === "false") return { value: text === "true" };
  if (/^-?\d+(\.\d+)?$/.test(text)) return { value: Number(text) };
  if (/^"[^"\\]*"$/.test(text)) return { value: text.slice(1, -1) };
  return undefined;
}

/** A value for a message: strings quoted, expressions shown as written. */
export function describe(value: unknown): string {
  if (value instanceof Unresolved) return `the expression ${value.expression}`;
  if (value === undefined) return "unset";
  return JSON.stringify(value);
}
