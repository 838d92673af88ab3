/**
 * Terraform values as the local evaluator holds them, and Terraform's automatic conversions between
 * primitive types (the rules of go-cty's `convert` package, which Terraform uses). Numbers are 64-bit
 * floats here where Terraform keeps 512-bit decimals: the stacks' numbers are small whole numbers.
 */
import { UserInputError } from "../../../user-input-error";

/** A value only known after apply (e.g. a zip's hash); it poisons whatever uses it. */
export class UnknownValue {
  constructor(readonly reason: string) {}
  toString(): string {
    return `(known after apply: ${this.reason})`;
  }
}

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value } | UnknownValue;

/** A Terraform expression the local runtime cannot read or evaluate. */
export class ExpressionError extends UserInputError {
  override readonly name = "ExpressionError";
}

export const isUnknown = (v: unknown): v is UnknownValue => v instanceof UnknownValue;

export function typeName(v: Value): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "list";
  if (isUnknown(v)) return "unknown";
  return typeof v === "object" ? "object" : typeof v;
}

/**
 * A number as Terraform writes it in a string: plain decimal, never an exponent
 * (`"${1e21}"` is `"1000000000000000000000"`, `"${5.50}"` is `"5.5"`).
 */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN";
  const text = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, lead, rest = "", expText] = m as unknown as [string, string, string, string | undefined, string];
  const digits = lead + rest;
  const exp = Number(expText);
  if (exp >= 0)
    return (
      sign +
      (digits.length <= exp + 1 ? digits.padEnd(exp + 1, "0") : `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`)
    );
  return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
}

/**
 * A string converted to a number as Terraform converts it (Go's `big.ParseFloat` in base 10): an
 * optional sign, decimal digits with an optional point and exponent, or `Inf`; nothing else, not
 * even surrounding spaces (`" 512"` and `0x200` are refused).
 */
export function parseNumberString(text: string): number | undefined {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number(text);
  if (/^[+-]?(Inf|inf)$/.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  return undefined;
}

/** Terraform's automatic conversion of a primitive to a string. */
export function toStringValue(v: Value, where = "value"): string {
  if (typeof v === "string") return v;
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "boolean") return String(v);
  if (isUnknown(v)) throw new ExpressionError(`${where} is ${v}`);
  throw new ExpressionError(`${where} must be a string, number or bool; got ${typeName(v)}`);
}

export function toNumber(v: Value, where: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "string") {
    const n = parseNumberString(v);
    if (n !== undefined) return n;
  }
  throw new ExpressionError(`${where} must be a number; got ${typeName(v)} ${JSON.stringify(v)}`);
}

/** Strings convert to bool as `true`/`1` and `false`/`0`, lowercase only. */
export function toBool(v: Value, where: string): boolean {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  if (typeof v === "string" && ["true", "false"].includes(v.toLowerCase())) {
    throw new ExpressionError(`${where} must be a bool; to convert from string, use lowercase "${v.toLowerCase()}"`);
  }
  throw new ExpressionError(`${where} must be a bool; got ${typeName(v)} ${JSON.stringify(v)}`);
}

export function equal(a: Value, b: Value): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
