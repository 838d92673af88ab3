/**
 * EventBridge event patterns, as documented in "Creating event patterns" and "Content
 * filtering" of the EventBridge user guide: exact values (strings, numbers, booleans,
 * null), prefix, suffix, equals-ignore-case, wildcard, anything-but (values, prefix,
 * suffix, equals-ignore-case, wildcard), numeric ranges, exists, IPv4 cidr and $or.
 *
 * Rules: every field of the pattern must match (AND); a field's array lists alternatives
 * (OR); an array in the event matches when any of its elements does; a field missing
 * from the event matches only `{ "exists": false }`.
 */

export type EventPatternInput = Readonly<Record<string, unknown>>;

export class EventPatternError extends Error {
  override readonly name = "EventPatternError";
}

type Json = unknown;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether `event` matches `pattern`. Throws EventPatternError for a malformed pattern. */
export function matchesEventPattern(pattern: EventPatternInput, event: unknown): boolean {
  if (!isObject(pattern)) throw new EventPatternError("an event pattern must be a JSON object");
  return matchObject(pattern, isObject(event) ? event : {}, "");
}

function matchObject(pattern: Record<string, unknown>, event: Record<string, unknown>, path: string): boolean {
  for (const [key, rule] of Object.entries(pattern)) {
    const where = path ? `${path}.${key}` : key;
    if (key === "$or") {
      if (!Array.isArray(rule) || rule.length < 2 || !rule.every(isObject)) {
        throw new EventPatternError(`${where} must be an array of at least two patterns`);
      }
      if (!rule.some((alternative) => matchObject(alternative as Record<string, unknown>, event, path))) return false;
      continue;
    }
    const present = Object.prototype.hasOwnProperty.call(event, key);
    const value = event[key];
    if (Array.isArray(rule)) {
      if (rule.length === 0) throw new EventPatternError(`${where} must list at least one value`);
      if (!matchLeaf(rule, present, value, where)) return false;
    } else if (isObject(rule)) {
      if (!matchObject(rule, isObject(value) ? value : {}, where)) return false;
    } else {
      throw new EventPatternError(`${where} must be an array of values or a nested pattern`);
    }
  }
  return true;
}

function matchLeaf(conditions: readonly Json[], present: boolean, value: unknown, where: string): boolean {
  for (const condition of conditions) validateCondition(condition, where);
  const existsCondition = conditions.find((c) => isObject(c) && "exists" in c) as { exists: boolean } | undefined;
  if (!present) return existsCondition?.exists === false;
  // exists matches leaf values only (not nested objects).
  if (existsCondition?.exists === true && !isObject(value)) return true;
  const values = Array.isArray(value) ? value : [value];
  return conditions.some((condition) => !(isObject(condition) && "exists" in condition) && values.some((v) => matchCondition(condition, v)));
}

const OPERATORS = new Set(["prefix", "suffix", "equals-ignore-case", "wildcard", "anything-but", "numeric", "exists", "cidr"]);

function validateCondition(condition: Json, where: string): void {
  if (!isObject(condition)) {
    if (condition === null || ["string", "number", "boolean"].includes(typeof condition)) return;
    throw new EventPatternError(`${where}: values must be strings, numbers, booleans, null or operator objects`);
  }
  const keys = Object.keys(condition);
  if (keys.length !== 1 || !OPERATORS.has(keys[0]!)) {
    throw new EventPatternError(`${where}: unknown matcher ${JSON.stringify(condition)}`);
  }
  const [op] = keys as [string];
  const arg = condition[op];
  switch (op) {
    case "exists":
      if (typeof arg !== "boolean") throw new EventPatternError(`${where}: exists takes true or false`);
      break;
    case "numeric":
      parseNumeric(arg, where);
      break;
    case "prefix":
    case "suffix":
      if (typeof arg !== "string" && !(isObject(arg) && typeof arg["equals-ignore-case"] === "string" && Object.keys(arg).length === 1)) {
        throw new EventPatternError(`${where}: ${op} takes a string or { "equals-ignore-case": string }`);
      }
      break;
    case "equals-ignore-case":
    case "wildcard":
    case "cidr":
      if (typeof arg !== "string") throw new EventPatternError(`${where}: ${op} takes a string`);
      if (op === "cidr") parseCidr(arg, where);
      break;
    case "anything-but":
      if (isObject(arg)) {
        const inner = Object.keys(arg);
        if (inner.length !== 1 || !["prefix", "suffix", "equals-ignore-case", "wildcard"].includes(inner[0]!)) {
          throw new EventPatternError(`${where}: anything-but takes values or one of prefix, suffix, equals-ignore-case, wildcard`);
        }
      } else if (Array.isArray(arg)) {
        if (arg.length === 0 || !arg.every((v) => typeof v === "string" || typeof v === "number")) {
          throw new EventPatternError(`${where}: anything-but takes a non-empty list of strings or numbers`);
        }
      } else if (typeof arg !== "string" && typeof arg !== "number") {
        throw new EventPatternError(`${where}: anything-but takes a string, a number or a list of them`);
      }
      break;
  }
}

function matchCondition(condition: Json, value: unknown): boolean {
  if (!isObject(condition)) {
    if (typeof condition === "number") return typeof value === "number" && value === condition;
    return value === condition;
  }
  const [op] = Object.keys(condition) as [string];
  const arg = condition[op];
  switch (op) {
    case "prefix":
      return typeof value === "string" && (typeof arg === "string" ? value.startsWith(arg) : value.toLowerCase().startsWith(ignoreCase(arg)));
    case "suffix":
      return typeof value === "string" && (typeof arg === "string" ? value.endsWith(arg) : value.toLowerCase().endsWith(ignoreCase(arg)));
    case "equals-ignore-case":
      return typeof value === "string" && value.toLowerCase() === (arg as string).toLowerCase();
    case "wildcard":
      return typeof value === "string" && wildcardRegExp(arg as string).test(value);
    case "numeric":
      return typeof value === "number" && parseNumeric(arg, "").every(([operator, bound]) => compare(value, operator, bound));
    case "cidr":
      return typeof value === "string" && inCidr(value, arg as string);
    case "anything-but":
      return matchAnythingBut(arg, value);
    default:
      return false;
  }
}

function ignoreCase(arg: unknown): string {
  return String((arg as Record<string, unknown>)["equals-ignore-case"]).toLowerCase();
}

function matchAnythingBut(arg: unknown, value: unknown): boolean {
  if (isObject(arg)) {
    if (typeof value !== "string") return false;
    return !matchCondition(arg, value);
  }
  const excluded = Array.isArray(arg) ? arg : [arg];
  if (typeof value !== "string" && typeof value !== "number") return false;
  return !excluded.some((x) => x === value);
}

function wildcardRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "\\" && (pattern[i + 1] === "*" || pattern[i + 1] === "\\")) {
      source += `\\${pattern[++i]}`;
    } else if (ch === "*") {
      source += ".*";
    } else {
      source += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(`^${source}$`, "s");
}

type NumericOp = "=" | "<" | "<=" | ">" | ">=";

function parseNumeric(arg: unknown, where: string): [NumericOp, number][] {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0 || arg.length > 4) {
    throw new EventPatternError(`${where}: numeric takes [operator, number] or a range [">", a, "<", b]`);
  }
  const pairs: [NumericOp, number][] = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const bound = arg[i + 1];
    if (!["=", "<", "<=", ">", ">="].includes(op as string) || typeof bound !== "number" || !Number.isFinite(bound)) {
      throw new EventPatternError(`${where}: numeric operators are =, <, <=, >, >= followed by a number`);
    }
    pairs.push([op as NumericOp, bound]);
  }
  return pairs;
}

function compare(value: number, op: NumericOp, bound: number): boolean {
  switch (op) {
    case "=":
      return value === bound;
    case "<":
      return value < bound;
    case "<=":
      return value <= bound;
    case ">":
      return value > bound;
    case ">=":
      return value >= bound;
  }
}

function ipv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    n = n * 256 + Number(part);
  }
  return n;
}

function parseCidr(cidr: string, where: string): [number, number] {
  const [address, bits] = cidr.split("/");
  const base = address === undefined ? undefined : ipv4(address);
  const size = Number(bits);
  if (base === undefined || !Number.isInteger(size) || size < 0 || size > 32) {
    throw new EventPatternError(`${where}: cidr must be an IPv4 block such as 10.0.0.0/24`);
  }
  return [base, size];
}

function inCidr(value: string, cidr: string): boolean {
  const ip = ipv4(value);
  if (ip === undefined) return false;
  const [base, size] = parseCidr(cidr, "");
  const block = 2 ** (32 - size);
  return Math.floor(ip / block) === Math.floor(base / block);
}

/** The names of the patterns in `patterns` that `event` matches. */
export function matchingPatterns<K extends string>(patterns: Readonly<Record<K, EventPatternInput>>, event: unknown): K[] {
  return (Object.keys(patterns) as K[]).filter((name) => matchesEventPattern(patterns[name], event));
}
