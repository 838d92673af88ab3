import { arnMatches, RequestContext, wildcardRegex } from "./matching";

/** One condition value matched against one request value. */
type Matcher = (requestValue: string, policyValue: string, context: RequestContext | undefined) => boolean;

const num = (s: string) => (s.trim() === "" ? NaN : Number(s));
/** Dates as IAM reads them: ISO 8601, or epoch seconds. */
const date = (s: string) => (/^\d+$/.test(s) ? Number(s) * 1000 : Date.parse(s));
const compare =
  (parse: (s: string) => number, test: (a: number, b: number) => boolean): Matcher =>
  (r, p) => {
    const a = parse(r);
    const b = parse(p);
    return !Number.isNaN(a) && !Number.isNaN(b) && test(a, b);
  };

/** A condition value with its policy variables replaced; undefined when one has no value. */
function substitute(value: string, context: RequestContext | undefined): string | undefined {
  if (context === undefined || !value.includes("${")) return value;
  let missing = false;
  const out = value.replace(/\$\{([^}]*)\}/g, (_, inner: string) => {
    const t = inner.trim();
    if (t === "*" || t === "?" || t === "$") return t;
    const m = /^([^,]+?)\s*(?:,\s*'([^']*)')?$/.exec(t);
    const v = m ? context.get((m[1] as string).toLowerCase()) : undefined;
    const resolved = typeof v === "string" ? v : m?.[2];
    if (resolved === undefined) missing = true;
    return resolved ?? "";
  });
  return missing ? undefined : out;
}

const stringEquals: Matcher = (r, p, ctx) => substitute(p, ctx) === r;
const stringEqualsIgnoreCase: Matcher = (r, p, ctx) => substitute(p, ctx)?.toLowerCase() === r.toLowerCase();
const stringLike: Matcher = (r, p, ctx) => wildcardRegex(p, "", ctx)?.test(r) === true;
const arnLike: Matcher = (r, p, ctx) => {
  const v = substitute(p, ctx);
  return v !== undefined && arnMatches(v, r);
};

/** IPv4 or IPv6 address as a number and its width in bits. */
function parseIp(text: string): { value: bigint; bits: number } | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), bits: 32 };
  }
  if (!text.includes(":")) return undefined;
  let head = text;
  let tail4: bigint | undefined;
  const embedded = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (embedded) {
    const ip4 = parseIp(embedded[2] as string);
    if (!ip4) return undefined;
    tail4 = ip4.value;
    head = `${embedded[1]}0:0`;
  }
  const halves = head.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(halves[0] as string);
  const right = halves.length === 2 ? groups(halves[1] as string) : [];
  const fill = 8 - left.length - right.length;
  if ((halves.length === 1 && fill !== 0) || fill < 0) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? fill : 0).fill("0"), ...right];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  let value = all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  if (tail4 !== undefined) value = (value & ~0xffffffffn) | tail4;
  return { value, bits: 128 };
}

const ipAddress: Matcher = (r, p) => {
  const [net, prefixText] = p.split("/");
  const address = parseIp(r.trim());
  const network = parseIp((net as string).trim());
  if (!address || !network || address.bits !== network.bits) return false;
  const prefix = prefixText === undefined ? network.bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > network.bits) return false;
  const shift = BigInt(network.bits - prefix);
  return address.value >> shift === network.value >> shift;
};

/** Each operator: what a match is, and whether the operator is the negation of it. */
const OPERATORS: Readonly<Record<string, { readonly match: Matcher; readonly negated: boolean }>> = {
  StringEquals: { match: stringEquals, negated: false },
  StringNotEquals: { match: stringEquals, negated: true },
  StringEqualsIgnoreCase: { match: stringEqualsIgnoreCase, negated: false },
  StringNotEqualsIgnoreCase: { match: stringEqualsIgnoreCase, negated: true },
  StringLike: { match: stringLike, negated: false },
  StringNotLike: { match: stringLike, negated: true },
  NumericEquals: { match: compare(num, (a, b) => a === b), negated: false },
  NumericNotEquals: { match: compare(num, (a, b) => a === b), negated: true },
  NumericLessThan: { match: compare(num, (a, b) => a < b), negated: false },
  NumericLessThanEquals: { match: compare(num, (a, b) => a <= b), negated: false },
  NumericGreaterThan: { match: compare(num, (a, b) => a > b), negated: false },
  NumericGreaterThanEquals: { match: compare(num, (a, b) => a >= b), negated: false },
  DateEquals: { match: compare(date, (a, b) => a === b), negated: false },
  DateNotEquals: { match: compare(date, (a, b) => a === b), negated: true },
  DateLessThan: { match: compare(date, (a, b) => a < b), negated: false },
  DateLessThanEquals: { match: compare(date, (a, b) => a <= b), negated: false },
  DateGreaterThan: { match: compare(date, (a, b) => a > b), negated: false },
  DateGreaterThanEquals: { match: compare(date, (a, b) => a >= b), negated: false },
  Bool: { match: (r, p) => r.toLowerCase() === p.toLowerCase(), negated: false },
  BinaryEquals: { match: (r, p) => r === p, negated: false },
  IpAddress: { match: ipAddress, negated: false },
  NotIpAddress: { match: ipAddress, negated: true },
  ArnEquals: { match: arnLike, negated: false },
  ArnLike: { match: arnLike, negated: false },
  ArnNotEquals: { match: arnLike, negated: true },
  ArnNotLike: { match: arnLike, negated: true },
};

export const CONDITION_OPERATORS: readonly string[] = [...Object.keys(OPERATORS), "Null"];

export interface ParsedOperator {
  readonly set?: "ForAnyValue" | "ForAllValues";
  readonly base: string;
  readonly ifExists: boolean;
}

/** `ForAllValues:StringLikeIfExists` -> its parts; undefined for an operator IAM does not know. */
export function parseOperator(operator: string): ParsedOperator | undefined {
  const m = /^(?:(ForAnyValue|ForAllValues):)?(.+?)(IfExists)?$/.exec(operator);
  if (!m) return undefined;
  const base = m[2] as string;
  if (!(base in OPERATORS) && base !== "Null") return undefined;
  if (base === "Null" && (m[1] || m[3])) return undefined;
  return { ...(m[1] ? { set: m[1] as "ForAnyValue" | "ForAllValues" } : {}), base, ifExists: m[3] !== undefined };
}

/**
 * One condition (operator, key, values) against the request, as the IAM User Guide's condition
 * pages define it: several values are ORed; a missing key fails a positive operator and passes a
 * negated one, unless `...IfExists` (then it passes); `Null` tests presence; `ForAnyValue:` needs
 * one request value to match, `ForAllValues:` every one (and passes on a missing or empty key).
 */
export function conditionHolds(
  condition: { readonly operator: string; readonly key: string; readonly values: readonly string[] },
  context: RequestContext,
  variables: boolean,
): boolean {
  const op = parseOperator(condition.operator) as ParsedOperator;
  const raw = context.get(condition.key.toLowerCase());
  const requestValues = raw === undefined ? [] : typeof raw === "string" ? [raw] : raw;
  const present = requestValues.length > 0;
  if (op.base === "Null") return condition.values.some((v) => (v.toLowerCase() === "true" ? !present : present));
  if (!present && op.ifExists) return true;
  const { match, negated } = OPERATORS[op.base] as (typeof OPERATORS)[string];
  const vars = variables ? context : undefined;
  const matchesAny = (r: string) => condition.values.some((p) => match(r, p, vars));
  const accepts = (r: string) => (negated ? !matchesAny(r) : matchesAny(r));
  if (op.set === "ForAllValues") return requestValues.every(accepts);
  if (op.set === "ForAnyValue") return requestValues.some(accepts);
  if (!present) return negated;
  return negated ? !requestValues.some(matchesAny) : requestValues.some(matchesAny);
}
