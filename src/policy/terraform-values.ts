/**
 * Reading values of synthesized Terraform JSON: `${...}` references to other resources, and the few
 * expressions the stacks use over variables (`${var.x}`, `${var.x ? "a" : "b"}`), which are evaluated
 * with the variables' defaults. Anything else is reported as an expression the check cannot evaluate.
 */

/** A value that depends on an expression the policy check does not evaluate. */
export class Unresolved {
  constructor(readonly expression: string) {}
}

/** A reference to another resource's attribute: `${aws_iam_role.x.arn}` (optionally followed by text, e.g. `:*`). */
export interface Reference {
  /** Resource type; data sources are `data.<type>`. */
  readonly type: string;
  readonly name: string;
  readonly attribute: string;
  /** Text after the reference, e.g. `:*` in a log destination. */
  readonly suffix: string;
}

const REFERENCE = /^\$\{((?:data\.)?[a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_.[\]"*-]+)\}(.*)$/s;

/** The resource a string refers to, when the string is one reference (plus an optional literal suffix). */
export function parseReference(value: unknown): Reference | undefined {
  if (typeof value !== "string") return undefined;
  const match = REFERENCE.exec(value);
  if (!match || match[1] === "var" || match[1] === "local") return undefined;
  const [, type, name, attribute, suffix] = match;
  if (suffix.includes("${")) return undefined;
  return { type, name, attribute, suffix };
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
  const variable = VARIABLE.exec(value);
  if (variable) return defaults.has(variable[1]) ? defaults.get(variable[1]) : new Unresolved(value);
  const conditional = CONDITIONAL.exec(value);
  if (conditional && defaults.has(conditional[1])) {
    const chosen = defaults.get(conditional[1]) === true ? conditional[2] : conditional[3];
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

/** A nested block as a single object: cdktf renders blocks as objects or as one-element lists. */
export function block(value: unknown): Readonly<Record<string, unknown>> | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first !== null && typeof first === "object" && !Array.isArray(first)
    ? (first as Record<string, unknown>)
    : undefined;
}

/** Every element of a list block (or the one block given as an object). */
export function blocks(value: unknown): readonly Readonly<Record<string, unknown>>[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.filter((v): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v));
}

/** A value for a message: strings quoted, expressions shown as written. */
export function describe(value: unknown): string {
  if (value instanceof Unresolved) return `the expression ${value.expression}`;
  if (value === undefined) return "unset";
  return JSON.stringify(value);
}
