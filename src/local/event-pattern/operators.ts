import { EventPatternError } from "./error";
import { IpRange, inRange, looksLikeIp, parseCidr, parseIp } from "./ip";
import { ignoreCaseSource, wildcardMatcher } from "./text";

/** A value at a leaf of an event: what a condition is tested against. */
export type Leaf = string | number | boolean | null;

/** One entry of a field's list in a pattern: a test of a leaf value, or `{ "exists": false }`. */
export type Condition = { readonly test: (value: Leaf) => boolean } | { readonly absent: true };

type Json = unknown;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** How Jackson shows a token in event-ruler's reasons. */
function tokenText(v: Json): string {
  if (v === undefined) return "]";
  if (Array.isArray(v)) return "[";
  if (isObject(v)) return "{";
  return String(v);
}

function comparable(n: number, path: string): number {
  if (!Number.isFinite(n)) throw new EventPatternError(`Cannot compare number : ${n}`, path);
  return n;
}

/** One entry of a field's list: a literal (string, number, true, false, null) or an operator object. */
export function condition(entry: Json, path: string): Condition {
  if (isObject(entry)) return operator(entry, path);
  if (typeof entry === "string") {
    // A string that spells an IP address matches that address in any notation (event-ruler).
    const ip = looksLikeIp(entry) ? parseIp(entry) : undefined;
    if (ip) return { test: (v) => typeof v === "string" && sameIp(v, ip) };
    return { test: (v) => v === entry };
  }
  if (typeof entry === "number") {
    // A number matches by value (event-ruler adds a numeric-equality matcher): 300 matches 3.0e2.
    const n = comparable(entry, path);
    return { test: (v) => v === n };
  }
  if (entry === null || typeof entry === "boolean") return { test: (v) => v === entry };
  throw new EventPatternError("Match value must be String, number, true, false, or null", path);
}

function sameIp(text: string, ip: readonly number[]): boolean {
  const other = parseIp(text);
  return other !== undefined && other.length === ip.length && other.every((b, i) => b === ip[i]);
}

function operator(expression: Record<string, unknown>, path: string): Condition {
  const keys = Object.keys(expression);
  if (keys.length === 0) throw new EventPatternError("Match expression name not found", path);
  const name = keys[0]!;
  const arg = expression[name];
  const onlyKey = (result: Condition, reason = "Only one key allowed in match expression"): Condition => {
    if (keys.length > 1) throw new EventPatternError(reason, path);
    return result;
  };
  const stringArg = (reason: string): string => {
    if (typeof arg !== "string") throw new EventPatternError(reason, path);
    return arg;
  };
  switch (name) {
    case "exactly": {
      const value = stringArg("exact match pattern must be a string");
      return onlyKey({ test: (v) => v === value });
    }
    case "prefix":
    case "suffix": {
      if (isObject(arg)) return onlyKey(affixIgnoringCase(name, arg, path));
      const affix = stringArg(`${name} match pattern must be a string`);
      return onlyKey({
        test: (v) => typeof v === "string" && (name === "prefix" ? v.startsWith(affix) : v.endsWith(affix)),
      });
    }
    case "equals-ignore-case": {
      const re = new RegExp(`^${ignoreCaseSource(stringArg("equals-ignore-case match pattern must be a string"))}$`);
      return onlyKey({ test: (v) => typeof v === "string" && re.test(v) });
    }
    case "wildcard": {
      const matchesWildcard = wildcardMatcher(stringArg("wildcard match pattern must be a string"), path);
      return onlyKey({ test: (v) => typeof v === "string" && matchesWildcard(v) });
    }
    case "numeric": {
      if (!Array.isArray(arg)) throw new EventPatternError("Value of numeric must be an array.", path);
      const inRangeOf = numericRange(arg, path);
      return onlyKey({ test: (v) => typeof v === "number" && inRangeOf(v) }, "Too many elements in numeric expression");
    }
    case "cidr": {
      // event-ruler's reason for a cidr that is not a string names prefix.
      const range: IpRange = parseCidr(stringArg("prefix match pattern must be a string"), path);
      return onlyKey({
        test: (v) => {
          const ip = typeof v === "string" ? parseIp(v) : undefined;
          return ip !== undefined && inRange(ip, range);
        },
      });
    }
    case "exists":
      if (typeof arg !== "boolean")
        throw new EventPatternError("exists match pattern must be either true or false.", path);
      return onlyKey(arg ? { test: () => true } : { absent: true });
    case "anything-but":
      return onlyKey(anythingBut(arg, path), "Too many elements in numeric expression");
    default:
      throw new EventPatternError(`Unrecognized match type ${name}`, path);
  }
}

function affixIgnoringCase(name: "prefix" | "suffix", arg: Record<string, unknown>, path: string): Condition {
  const keys = Object.keys(arg);
  const Name = name === "prefix" ? "Prefix" : "Suffix";
  if (keys.length === 0) throw new EventPatternError(`${Name} expression name not found`, path);
  if (keys[0] !== "equals-ignore-case") throw new EventPatternError(`Unsupported ${name} pattern: ${keys[0]}`, path);
  const affix = arg["equals-ignore-case"];
  if (typeof affix !== "string") throw new EventPatternError("equals-ignore-case match pattern must be a string", path);
  if (keys.length > 1) throw new EventPatternError("Only one key allowed in match expression", path);
  const source = ignoreCaseSource(affix);
  const re = new RegExp(name === "prefix" ? `^${source}` : `${source}$`);
  return { test: (v) => typeof v === "string" && re.test(v) };
}

/**
 * `numeric`: `["=", n]`, one bound (`">"`, `">="`, `"<"`, `"<="`), or a lower bound followed by an
 * upper bound, with event-ruler's reasons for anything else.
 */
function numericRange(terms: readonly Json[], path: string): (n: number) => boolean {
  const fail = (reason: string): never => {
    throw new EventPatternError(reason, path);
  };
  const [op, bound] = terms;
  if (typeof op !== "string") fail(`Invalid member in numeric match: ${tokenText(op)}`);
  const value = (label: string, v: Json): number =>
    typeof v === "number" ? comparable(v, path) : fail(`Value of ${label} must be numeric`);
  switch (op) {
    case "=": {
      const n = value("equals", bound);
      if (terms.length > 2) fail("Too many elements in numeric expression");
      return (v) => v === n;
    }
    case "<":
    case "<=": {
      const top = value(op, bound);
      if (terms.length > 2) fail("Too many elements in numeric expression");
      return op === "<" ? (v) => v < top : (v) => v <= top;
    }
    case ">":
    case ">=": {
      const bottom = value(op, bound);
      const above = op === ">" ? (v: number) => v > bottom : (v: number) => v >= bottom;
      if (terms.length === 2) return above;
      const upperOp = terms[2];
      if (typeof upperOp !== "string") fail(`Bad value in numeric range: ${tokenText(upperOp)}`);
      if (upperOp !== "<" && upperOp !== "<=") fail(`Bad numeric range operator: ${upperOp as string}`);
      const top = value(upperOp as string, terms[3]);
      if (terms.length > 4) fail("Too many terms in numeric range expression");
      if (!(bottom < top)) fail("Bottom must be less than top");
      return upperOp === "<" ? (v) => above(v) && v < top : (v) => above(v) && v <= top;
    }
    default:
      return fail(`Unrecognized numeric range operator: ${op as string}`);
  }
}

type AnythingButKind = "equals-ignore-case" | "prefix" | "suffix" | "wildcard";
const ANYTHING_BUT_KINDS: ReadonlySet<string> = new Set<AnythingButKind>([
  "equals-ignore-case",
  "prefix",
  "suffix",
  "wildcard",
]);

/**
 * `anything-but`: a string, a number, a list of only strings or only numbers, or one of
 * `equals-ignore-case`, `prefix`, `suffix`, `wildcard` with a string or a list of strings. It matches
 * every leaf that is not excluded, whatever its type: null, true and numbers pass a string exclusion
 * (event-ruler assumes an anything-but matched unless the value proves otherwise).
 */
function anythingBut(arg: Json, path: string): Condition {
  const fail = (reason: string): never => {
    throw new EventPatternError(reason, path);
  };
  let kind: AnythingButKind | undefined;
  let operand = arg;
  let secondKey = false;
  if (isObject(arg)) {
    const keys = Object.keys(arg);
    if (keys.length === 0) fail("Anything-But expression name not found");
    if (!ANYTHING_BUT_KINDS.has(keys[0]!)) fail(`Unsupported anything-but pattern: ${keys[0]}`);
    kind = keys[0] as AnythingButKind;
    operand = arg[kind];
    if (!Array.isArray(operand) && typeof operand !== "string" && typeof operand !== "number") {
      fail("Value of anything-but must be an array or single string/number value.");
    }
    // A second key is refused after the values are read, as event-ruler reads them.
    if (keys.length > 1) secondKey = true;
  } else if (!Array.isArray(operand) && typeof operand !== "string" && typeof operand !== "number") {
    fail("Value of anything-but must be an array or single string/number value.");
  }

  if (kind === undefined) {
    const values = Array.isArray(operand) ? operand : [operand];
    for (const v of values)
      if (typeof v !== "string" && typeof v !== "number")
        fail("Inside anything but list, start|null|boolean is not supported.");
    const strings = values.filter((v): v is string => typeof v === "string");
    const numbers = values.filter((v): v is number => typeof v === "number").map((n) => comparable(n, path));
    if (strings.length > 0 === numbers.length > 0) {
      fail("Inside anything but list, either all values are number or string, mixed type is not supported");
    }
    const excluded = new Set<Leaf>(strings.length > 0 ? strings : numbers);
    return { test: (v) => !excluded.has(v) };
  }

  const values = Array.isArray(operand) ? operand : [operand];
  const strings = values.map((v): string => {
    if (typeof v !== "string") {
      if (kind === "equals-ignore-case")
        fail("Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.");
      fail(
        kind === "wildcard"
          ? "wildcard match pattern must be a string"
          : "prefix/suffix match pattern must be a string",
      );
    }
    if ((kind === "prefix" || kind === "suffix") && v === "") fail("Null prefix/suffix not allowed");
    return v as string;
  });
  // event-ruler cannot build an anything-but of an empty set; this reason is the local runtime's.
  if (strings.length === 0) fail(`Inside anything-but/${kind} list, at least one value is required`);
  let excludes: (s: string) => boolean;
  switch (kind) {
    case "prefix":
      excludes = (s) => strings.some((p) => s.startsWith(p));
      break;
    case "suffix":
      excludes = (s) => strings.some((p) => s.endsWith(p));
      break;
    case "equals-ignore-case": {
      const re = new RegExp(`^(?:${strings.map(ignoreCaseSource).join("|")})$`);
      excludes = (s) => re.test(s);
      break;
    }
    case "wildcard": {
      const matchers = strings.map((w) => wildcardMatcher(w, path));
      excludes = (s) => matchers.some((m) => m(s));
      break;
    }
  }
  if (secondKey) fail("Too many elements in numeric expression");
  return { test: (v) => typeof v !== "string" || !excludes(v) };
}
