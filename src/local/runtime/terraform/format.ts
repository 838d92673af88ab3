/**
 * Terraform's `format()`: Go's fmt verbs as go-cty's stdlib implements them
 * (https://developer.hashicorp.com/terraform/language/functions/format): `%%`, `%v`, `%#v`, `%t`,
 * `%b`, `%d`, `%o`, `%x`, `%X`, `%e`, `%E`, `%f`, `%g`, `%G`, `%s`, `%q`, with the flags `-`, `+`,
 * space, `0` and `#`, a width, a precision and explicit argument indexes `%[n]`. Anything else is an
 * error, as in Terraform.
 */
import { ExpressionError, Value, formatNumber, isUnknown, toNumber, toStringValue, typeName } from "./values";

interface Spec {
  readonly minus: boolean;
  readonly plus: boolean;
  readonly space: boolean;
  readonly zero: boolean;
  readonly sharp: boolean;
  readonly width?: number;
  readonly precision?: number;
}

const VERB = /%([-+# 0]*)(?:\[(\d+)\])?(\d+)?(?:\.(\d*))?(?:\[(\d+)\])?(.)?/y;

export function formatFunction(specValue: Value, args: readonly Value[]): Value {
  const format = toStringValue(specValue, "format string");
  if (args.some((a) => a === null)) return null;
  const unknown = args.find(isUnknown);
  if (unknown) return unknown;
  let out = "";
  let next = 0;
  let used = 0;
  for (let i = 0; i < format.length;) {
    const c = format[i] as string;
    if (c !== "%") {
      out += c;
      i++;
      continue;
    }
    VERB.lastIndex = i;
    const m = VERB.exec(format) as RegExpExecArray;
    const [whole, flags = "", index1, width, precision, index2, verb] = m;
    if (verb === undefined)
      throw new ExpressionError(`format: unterminated format verb at offset ${i} in ${JSON.stringify(format)}`);
    if (verb === "%" && whole === "%%") {
      out += "%";
      i += 2;
      continue;
    }
    const index = index2 ?? index1;
    if (index !== undefined) next = Number(index) - 1;
    if (next >= args.length || next < 0) {
      throw new ExpressionError(
        `format: not enough arguments for "${whole}" at ${i}: need index ${next + 1} but have ${args.length} total`,
      );
    }
    const spec: Spec = {
      minus: flags.includes("-"),
      plus: flags.includes("+"),
      space: flags.includes(" "),
      zero: flags.includes("0"),
      sharp: flags.includes("#"),
      ...(width !== undefined ? { width: Number(width) } : {}),
      ...(precision !== undefined ? { precision: precision === "" ? 0 : Number(precision) } : {}),
    };
    out += formatOne(verb, spec, args[next] as Value, whole, i);
    next++;
    used = Math.max(used, next);
    i += whole.length;
  }
  if (used < args.length) throw new ExpressionError(`format: too many arguments; only ${used} used by format string`);
  return out;
}

function formatOne(verb: string, spec: Spec, arg: Value, whole: string, at: number): string {
  const fail = (need: string) => new ExpressionError(`format: unsupported value for "${whole}" at ${at}: ${need}`);
  switch (verb) {
    case "v":
      if (spec.sharp) return pad(JSON.stringify(arg), spec);
      if (typeof arg === "number") return pad(formatFloat(arg, "g", undefined, spec), spec, true);
      if (typeof arg === "string") return pad(arg, spec);
      if (typeof arg === "boolean") return pad(String(arg), spec);
      return pad(JSON.stringify(arg), spec);
    case "t":
      if (typeof arg === "boolean") return String(arg);
      if (arg === "true" || arg === "false") return arg;
      throw fail("bool required");
    case "s": {
      if (typeof arg !== "string" && typeof arg !== "number" && typeof arg !== "boolean") throw fail("string required");
      const text = toStringValue(arg);
      return pad(spec.precision === undefined ? text : [...text].slice(0, spec.precision).join(""), spec);
    }
    case "q": {
      if (typeof arg !== "string" && typeof arg !== "number" && typeof arg !== "boolean") throw fail("string required");
      return pad(goQuote(toStringValue(arg)), spec);
    }
    case "d":
    case "b":
    case "o":
    case "x":
    case "X": {
      const n = numberArg(arg, fail);
      if (!Number.isInteger(n)) throw fail("an integer is required");
      return pad(formatInteger(n, verb, spec), spec, true);
    }
    case "e":
    case "E":
    case "f":
    case "g":
    case "G":
      return pad(formatFloat(numberArg(arg, fail), verb, spec.precision, spec), spec, true);
    default:
      throw new ExpressionError(`format: unsupported format verb '${verb}' in "${whole}" at offset ${at}`);
  }
}

function numberArg(arg: Value, fail: (need: string) => ExpressionError): number {
  try {
    return toNumber(arg, "format argument");
  } catch {
    throw fail(`a number is required, got ${typeName(arg)}`);
  }
}

function sign(negative: boolean, spec: Spec): string {
  if (negative) return "-";
  return spec.plus ? "+" : spec.space ? " " : "";
}

function formatInteger(n: number, verb: string, spec: Spec): string {
  const base = { d: 10, b: 2, o: 8, x: 16, X: 16 }[verb as "d"];
  let digits = BigInt(Math.abs(n)).toString(base);
  if (verb === "X") digits = digits.toUpperCase();
  if (spec.precision !== undefined) digits = digits.padStart(spec.precision, "0");
  const prefix = spec.sharp ? { d: "", b: "0b", o: "0", x: "0x", X: "0X" }[verb as "d"] : "";
  return sign(n < 0, spec) + prefix + digits;
}

/** Go's %e/%f/%g of a float64 (shortest digits for %g without a precision). */
function formatFloat(n: number, verb: string, precision: number | undefined, spec: Spec): string {
  const upper = verb === "E" || verb === "G";
  const negative = n < 0 || Object.is(n, -0);
  const a = Math.abs(n);
  let body: string;
  if (!Number.isFinite(a)) body = Number.isNaN(a) ? "NaN" : "Inf";
  else if (verb === "e" || verb === "E") body = goExponent(a.toExponential(precision ?? 6));
  else if (verb === "f")
    body =
      a >= 1e21
        ? `${formatNumber(Math.trunc(a))}${precision === 0 ? "" : `.${"0".repeat(precision ?? 6)}`}`
        : a.toFixed(precision ?? 6);
  else {
    // %g: significant digits (shortest, or the precision), %e when the exponent is < -4 or >= the precision (6 when shortest).
    const p = precision === undefined ? undefined : Math.max(precision, 1);
    const exponential = p === undefined ? a.toExponential() : a.toExponential(p - 1);
    const e = exponential.indexOf("e");
    let mantissa = exponential.slice(0, e);
    const exp = Number(exponential.slice(e + 1));
    if (!spec.sharp && mantissa.includes(".")) mantissa = mantissa.replace(/\.?0+$/, "");
    if (exp < -4 || exp >= (p ?? 6)) body = goExponent(`${mantissa}e${exp < 0 ? "-" : "+"}${Math.abs(exp)}`);
    else body = placeDecimal(mantissa.replace(".", ""), exp);
  }
  if (upper) body = body.toUpperCase();
  return sign(negative && !(a === 0 && !Object.is(n, -0)), spec) + body;
}

/** Digits `d1d2d3...` with the decimal exponent of d1, written positionally. */
function placeDecimal(digits: string, exp: number): string {
  if (exp < 0) return `0.${"0".repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const fraction = digits.slice(exp + 1);
  return fraction ? `${whole}.${fraction}` : whole;
}

/** JavaScript writes `1.5e+3`; Go writes at least two exponent digits: `1.5e+03`. */
function goExponent(text: string): string {
  return text.replace(/e([+-])(\d)$/, "e$10$2");
}

/** Pads to the width; `0` pads numbers after their sign, `-` pads on the right. */
function pad(text: string, spec: Spec, numeric = false): string {
  const width = spec.width ?? 0;
  const length = [...text].length;
  if (length >= width) return text;
  const fill = width - length;
  if (spec.minus) return text + " ".repeat(fill);
  if (spec.zero) {
    const signLength = numeric && /^[-+ ]/.test(text) ? 1 : 0;
    return text.slice(0, signLength) + "0".repeat(fill) + text.slice(signLength);
  }
  return " ".repeat(fill) + text;
}

/** Go's strconv.Quote: JSON's escapes, but `\a`, `\v` and `\x..` for other control characters. */
function goQuote(text: string): string {
  return JSON.stringify(text)
    .replace(/\\u00([0-9a-f]{2})/g, (_m, hex: string) => ({ "07": "\\a", "0b": "\\v" })[hex] ?? `\\x${hex}`)
    .replace(/\u007f/g, "\\x7f");
}
