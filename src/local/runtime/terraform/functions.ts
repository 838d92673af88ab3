/**
 * The Terraform built-in functions the local evaluator knows, each with Terraform's semantics as
 * checked against terraform 1.11.4 (__tests__/local/runtime/terraform-differential.test.ts). A call
 * to any other function is an error naming it: never a guess. `can` and `try` live in the evaluator,
 * since they catch errors of their unevaluated arguments.
 */
import { formatFunction } from "./format";
import { ExpressionError, Value, equal, isUnknown, toBool, toNumber, toStringValue, typeName } from "./values";

type Fn = (args: Value[]) => Value;

function arity(name: string, args: Value[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new ExpressionError(`${name}() takes ${expected} argument${max === 1 ? "" : "s"}, got ${args.length}`);
  }
}

function list(name: string, v: Value | undefined): Value[] {
  if (!Array.isArray(v)) throw new ExpressionError(`${name}: a list is required, got ${typeName(v ?? null)}`);
  return v;
}

function wholeNumber(name: string, v: Value | undefined): number {
  const n = toNumber(v ?? null, `${name} index`);
  if (!Number.isInteger(n)) throw new ExpressionError(`${name}: invalid index: value must be a whole number`);
  return n;
}

const graphemes = new Intl.Segmenter("en", { granularity: "grapheme" });

/** Translates RE2 syntax that JavaScript spells differently; refuses what it cannot translate. */
function compileRegex(pattern: string): RegExp {
  let source = pattern.replace(/\(\?P</g, "(?<");
  let flags = "u";
  const leading = /^\(\?([imsU]+)\)/.exec(source);
  if (leading) {
    if ((leading[1] as string).includes("U"))
      throw new ExpressionError(`regex: the (?U) flag is not supported by the local runtime: ${pattern}`);
    flags += (leading[1] as string).replace(/[^ims]/g, "");
    source = source.slice(leading[0].length);
  }
  if (/\(\?[a-zA-Z]/.test(source.replace(/\\./g, "")))
    throw new ExpressionError(`regex: inline flags after the start are not supported by the local runtime: ${pattern}`);
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch (error) {
    throw new ExpressionError(`regex: invalid pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const named = (source.match(/\(\?<[A-Za-z_]/g) ?? []).length;
  const groups = new RegExp(`${source}|`, flags).exec("")?.length ?? 1;
  if (named > 0 && named < groups - 1)
    throw new ExpressionError(`regex: invalid regexp pattern: cannot mix both named and unnamed capture groups`);
  return re;
}

const FUNCTIONS: Readonly<Record<string, Fn>> = {
  abs: (args) => (arity("abs", args, 1), Math.abs(toNumber(args[0] as Value, "abs"))),
  ceil: (args) => (arity("ceil", args, 1), Math.ceil(toNumber(args[0] as Value, "ceil"))),
  floor: (args) => (arity("floor", args, 1), Math.floor(toNumber(args[0] as Value, "floor"))),
  max: (args) => (arity("max", args, 1, Infinity), Math.max(...args.map((a) => toNumber(a, "max")))),
  min: (args) => (arity("min", args, 1, Infinity), Math.min(...args.map((a) => toNumber(a, "min")))),
  contains: (args) => {
    arity("contains", args, 2);
    return list("contains", args[0]).some((item) => equal(item, args[1] as Value));
  },
  element: (args) => {
    arity("element", args, 2);
    const items = list("element", args[0]);
    const index = wholeNumber("element", args[1]);
    if (items.length === 0) throw new ExpressionError("element: cannot use element function with an empty list");
    // terraform 1.11.4 fails on a negative index (`element(["a", "b", "c"], -1)` panics); larger ones wrap around.
    if (index < 0) throw new ExpressionError("element: a negative index is not supported by terraform 1.11");
    return items[index % items.length] as Value;
  },
  format: (args) => (arity("format", args, 1, Infinity), formatFunction(args[0] as Value, args.slice(1))),
  join: (args) => {
    arity("join", args, 2, Infinity);
    const separator = toStringValue(args[0] as Value, "join separator");
    return args
      .slice(1)
      .flatMap((l) => list("join", l))
      .map((x) => toStringValue(x, "join element"))
      .join(separator);
  },
  length: (args) => {
    arity("length", args, 1);
    const v = args[0] as Value;
    if (typeof v === "string") return [...graphemes.segment(v)].length;
    if (Array.isArray(v)) return v.length;
    if (v && typeof v === "object") return Object.keys(v).length;
    throw new ExpressionError(`length: argument must be a string, list or map, got ${typeName(v)}`);
  },
  regex: (args) => {
    arity("regex", args, 2);
    const pattern = toStringValue(args[0] as Value, "regex pattern");
    const m = compileRegex(pattern).exec(toStringValue(args[1] as Value, "regex string"));
    if (!m) throw new ExpressionError("regex: pattern did not match any part of the given string");
    const group = (g: string | undefined): Value => (g === undefined ? null : g);
    if (m.groups) return Object.fromEntries(Object.entries(m.groups).map(([k, g]) => [k, group(g)]));
    return m.length > 1 ? m.slice(1).map(group) : m[0];
  },
  split: (args) => {
    arity("split", args, 2);
    const separator = toStringValue(args[0] as Value, "split separator");
    const text = toStringValue(args[1] as Value, "split string");
    return separator === "" ? [...text] : text.split(separator);
  },
  tobool: (args) => (arity("tobool", args, 1), args[0] === null ? null : toBool(args[0] as Value, "tobool")),
  tonumber: (args) => (arity("tonumber", args, 1), args[0] === null ? null : toNumber(args[0] as Value, "tonumber")),
  tostring: (args) => (
    arity("tostring", args, 1),
    args[0] === null ? null : toStringValue(args[0] as Value, "tostring")
  ),
};

export function callFunction(name: string, args: Value[]): Value {
  const fn = FUNCTIONS[name];
  if (!fn)
    throw new ExpressionError(
      `function ${name}() is not supported by the local runtime (it knows ${Object.keys(FUNCTIONS).concat("can", "try").sort().join(", ")})`,
    );
  const unknown = args.find(isUnknown);
  return unknown ?? fn(args);
}
