/**
 * The subset of Terraform's expression language that a synthesized cdktf stack uses, evaluated
 * locally: string templates (`"${var.project_name}-dev-orders"`, `$${` escapes), references
 * (`var.x`, `aws_sqs_queue.q.arn`, `data.archive_file.z.output_path`), literals, lists, objects,
 * arithmetic, comparisons, `&&`/`||`/`!`, the conditional operator and a few built-in functions.
 * Anything outside that subset is an error that names the construct, never a silent guess.
 */

/** A value only known after apply (e.g. a zip's hash); it poisons whatever uses it. */
export class UnknownValue {
  constructor(readonly reason: string) {}
  toString(): string {
    return `(known after apply: ${this.reason})`;
  }
}

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value } | UnknownValue;

/** A Terraform expression the local runtime cannot read or evaluate. */
export class ExpressionError extends Error {
  override readonly name = "ExpressionError";
}

/** Looks up a reference such as `["var", "project_name"]` or `["aws_sqs_queue", "q", "arn"]`. */
export type ReferenceLookup = (traversal: readonly (string | number)[]) => Value;

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { t: "num"; v: number }
  | { t: "str"; parts: TemplatePart[] }
  | { t: "id"; v: string }
  | { t: "op"; v: string }
  | { t: "eof" };

type TemplatePart = string | Node;

const OPERATORS = ["==", "!=", "<=", ">=", "&&", "||", "=>", "...", "<", ">", "+", "-", "*", "/", "%", "!", "?", ":", "(", ")", "[", "]", "{", "}", ",", ".", "="];

class Lexer {
  private pos = 0;
  constructor(private readonly src: string) {}

  tokens(): Token[] {
    const out: Token[] = [];
    for (;;) {
      const token = this.next();
      out.push(token);
      if (token.t === "eof") return out;
    }
  }

  private skipSpaceAndComments(): void {
    const s = this.src;
    for (;;) {
      const c = s[this.pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") this.pos++;
      else if (c === "#" || (c === "/" && s[this.pos + 1] === "/")) {
        while (this.pos < s.length && s[this.pos] !== "\n") this.pos++;
      } else if (c === "/" && s[this.pos + 1] === "*") {
        const end = s.indexOf("*/", this.pos + 2);
        if (end < 0) throw new ExpressionError("unterminated /* comment");
        this.pos = end + 2;
      } else return;
    }
  }

  private next(): Token {
    this.skipSpaceAndComments();
    const s = this.src;
    if (this.pos >= s.length) return { t: "eof" };
    const c = s[this.pos] as string;
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(s.slice(this.pos)) as RegExpExecArray;
      this.pos += m[0].length;
      return { t: "num", v: Number(m[0]) };
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(s.slice(this.pos)) as RegExpExecArray;
      this.pos += m[0].length;
      return { t: "id", v: m[0] };
    }
    if (c === '"') {
      this.pos++;
      return { t: "str", parts: this.readTemplate('"') };
    }
    if (c === "<" && s[this.pos + 1] === "<") throw new ExpressionError("heredoc strings (<<EOT) are not supported here; use a quoted string");
    for (const op of OPERATORS) {
      if (s.startsWith(op, this.pos)) {
        this.pos += op.length;
        return { t: "op", v: op };
      }
    }
    throw new ExpressionError(`unexpected character "${c}" at ${this.pos + 1} in: ${s}`);
  }

  /** Reads template text up to `end` (a quote, or the end of input when ""), with `${...}` parts. */
  readTemplate(end: '"' | ""): TemplatePart[] {
    const s = this.src;
    const parts: TemplatePart[] = [];
    let text = "";
    for (;;) {
      if (this.pos >= s.length) {
        if (end === "") break;
        throw new ExpressionError(`unterminated string in: ${s}`);
      }
      const c = s[this.pos] as string;
      if (end !== "" && c === end) {
        this.pos++;
        break;
      }
      if (c === "$" && s[this.pos + 1] === "$" && s[this.pos + 2] === "{") {
        text += "${";
        this.pos += 3;
      } else if (c === "%" && s[this.pos + 1] === "%" && s[this.pos + 2] === "{") {
        text += "%{";
        this.pos += 3;
      } else if (c === "%" && s[this.pos + 1] === "{") {
        throw new ExpressionError(`template directives (%{ ... }) are not supported: ${s}`);
      } else if (c === "$" && s[this.pos + 1] === "{") {
        if (text) parts.push(text);
        text = "";
        this.pos += 2;
        const start = this.pos;
        const close = this.findClosingBrace();
        const inner = new Parser(new Lexer(s.slice(start, close)).tokens(), s.slice(start, close)).parseWhole();
        parts.push(inner);
        this.pos = close + 1;
      } else if (end === '"' && c === "\\") {
        const e = s[this.pos + 1];
        const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };
        if (e === "u") {
          text += String.fromCharCode(parseInt(s.slice(this.pos + 2, this.pos + 6), 16));
          this.pos += 6;
        } else if (e !== undefined && map[e] !== undefined) {
          text += map[e];
          this.pos += 2;
        } else throw new ExpressionError(`unknown escape \\${e} in: ${s}`);
      } else {
        text += c;
        this.pos++;
      }
    }
    if (text || parts.length === 0) parts.push(text);
    return parts;
  }

  /** Position of the `}` closing the interpolation that starts at `this.pos`, skipping strings and nested braces. */
  private findClosingBrace(): number {
    const s = this.src;
    let depth = 0;
    for (let i = this.pos; i < s.length; i++) {
      const c = s[i];
      if (c === '"') {
        for (i++; i < s.length && s[i] !== '"'; i++) if (s[i] === "\\") i++;
      } else if (c === "{") depth++;
      else if (c === "}") {
        if (depth === 0) return i;
        depth--;
      }
    }
    throw new ExpressionError(`unterminated \${ in: ${s}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

export type Node =
  | { k: "lit"; v: Value }
  | { k: "tpl"; parts: TemplatePart[] }
  | { k: "ref"; root: string; steps: Step[] }
  | { k: "index"; target: Node; steps: Step[] }
  | { k: "call"; name: string; args: Node[] }
  | { k: "unary"; op: string; arg: Node }
  | { k: "bin"; op: string; left: Node; right: Node }
  | { k: "cond"; test: Node; then: Node; else: Node }
  | { k: "list"; items: Node[] }
  | { k: "obj"; entries: [Node, Node][] };

type Step = { attr: string } | { index: Node };

const PRECEDENCE: Record<string, number> = { "||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6 };

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly src: string,
  ) {}

  parseWhole(): Node {
    const node = this.expression();
    if (this.peek().t !== "eof") throw this.error("unexpected input after the expression");
    return node;
  }

  /** `name = expr` pairs, as in a .tfvars file. */
  parseBody(): Record<string, Node> {
    const out: Record<string, Node> = {};
    while (this.peek().t !== "eof") {
      const key = this.take();
      if (key.t !== "id" && key.t !== "str") throw this.error("expected a variable name");
      const name = key.t === "id" ? key.v : templateText(key.parts);
      this.expectOp("=");
      out[name] = this.expression();
    }
    return out;
  }

  private peek(): Token {
    return this.toks[this.i] as Token;
  }
  private take(): Token {
    return this.toks[this.i++] as Token;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === "op" && t.v === v;
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw this.error(`expected "${v}"`);
    this.i++;
  }
  private error(message: string): ExpressionError {
    return new ExpressionError(`${message} in: ${this.src}`);
  }

  private expression(): Node {
    const test = this.binary(1);
    if (this.isOp("?")) {
      this.i++;
      const then = this.expression();
      this.expectOp(":");
      const otherwise = this.expression();
      return { k: "cond", test, then, else: otherwise };
    }
    return test;
  }

  private binary(min: number): Node {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      const prec = t.t === "op" ? PRECEDENCE[t.v] : undefined;
      if (prec === undefined || prec < min) return left;
      this.i++;
      const right = this.binary(prec + 1);
      left = { k: "bin", op: (t as { v: string }).v, left, right };
    }
  }

  private unary(): Node {
    if (this.isOp("!") || this.isOp("-")) {
      const op = (this.take() as { v: string }).v;
      return { k: "unary", op, arg: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private steps(): Step[] {
    const steps: Step[] = [];
    for (;;) {
      if (this.isOp(".")) {
        this.i++;
        const t = this.take();
        if (t.t === "id") steps.push({ attr: t.v });
        else if (t.t === "num") steps.push({ index: { k: "lit", v: t.v } });
        else if (t.t === "op" && t.v === "*") throw this.error("splat expressions (.*) are not supported");
        else throw this.error("expected an attribute name after '.'");
      } else if (this.isOp("[")) {
        this.i++;
        if (this.isOp("*")) throw this.error("splat expressions ([*]) are not supported");
        const index = this.expression();
        this.expectOp("]");
        steps.push({ index });
      } else return steps;
    }
  }

  private postfix(node: Node): Node {
    const steps = this.steps();
    if (steps.length === 0) return node;
    if (node.k === "ref") return { k: "ref", root: node.root, steps: [...node.steps, ...steps] };
    return { k: "index", target: node, steps };
  }

  private primary(): Node {
    const t = this.take();
    switch (t.t) {
      case "num":
        return { k: "lit", v: t.v };
      case "str":
        return t.parts.length === 1 && typeof t.parts[0] === "string" ? { k: "lit", v: t.parts[0] } : { k: "tpl", parts: t.parts };
      case "id": {
        if (t.v === "true") return { k: "lit", v: true };
        if (t.v === "false") return { k: "lit", v: false };
        if (t.v === "null") return { k: "lit", v: null };
        if (t.v === "for") throw this.error("for expressions are not supported");
        if (this.isOp("(")) {
          this.i++;
          const args: Node[] = [];
          while (!this.isOp(")")) {
            args.push(this.expression());
            if (this.isOp("...")) throw this.error("argument expansion (...) is not supported");
            if (!this.isOp(")")) this.expectOp(",");
          }
          this.i++;
          return { k: "call", name: t.v, args };
        }
        return { k: "ref", root: t.v, steps: [] };
      }
      case "op":
        if (t.v === "(") {
          const inner = this.expression();
          this.expectOp(")");
          return inner;
        }
        if (t.v === "[") {
          const items: Node[] = [];
          while (!this.isOp("]")) {
            items.push(this.expression());
            if (!this.isOp("]")) this.expectOp(",");
          }
          this.i++;
          return { k: "list", items };
        }
        if (t.v === "{") {
          const entries: [Node, Node][] = [];
          while (!this.isOp("}")) {
            const keyTok = this.peek();
            let key: Node;
            if (keyTok.t === "id" && (this.toks[this.i + 1] as Token).t === "op" && ["=", ":"].includes((this.toks[this.i + 1] as { v: string }).v)) {
              this.i++;
              key = { k: "lit", v: keyTok.v };
            } else key = this.expression();
            if (this.isOp("=") || this.isOp(":")) this.i++;
            else throw this.error('expected "=" or ":" in an object');
            entries.push([key, this.expression()]);
            if (this.isOp(",")) this.i++;
          }
          this.i++;
          return { k: "obj", entries };
        }
        throw this.error(`unexpected "${t.v}"`);
      case "eof":
        throw this.error("unexpected end of expression");
    }
  }
}

function templateText(parts: TemplatePart[]): string {
  if (parts.some((p) => typeof p !== "string")) throw new ExpressionError("a name cannot hold an interpolation");
  return parts.join("");
}

// ---------------------------------------------------------------------------------------------
// Evaluation

const isUnknown = (v: unknown): v is UnknownValue => v instanceof UnknownValue;

function typeName(v: Value): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "list";
  return typeof v === "object" ? "object" : typeof v;
}

/** Terraform's automatic conversion of a primitive to a string. */
export function toStringValue(v: Value, where = "value"): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (isUnknown(v)) throw new ExpressionError(`${where} is ${v}`);
  throw new ExpressionError(`${where} must be a string, number or bool; got ${typeName(v)}`);
}

function toNumber(v: Value, where: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  throw new ExpressionError(`${where} must be a number; got ${typeName(v)} ${JSON.stringify(v)}`);
}

function toBool(v: Value, where: string): boolean {
  if (typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  throw new ExpressionError(`${where} must be a bool; got ${typeName(v)} ${JSON.stringify(v)}`);
}

function equal(a: Value, b: Value): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** RE2 syntax is close enough to JavaScript's for the patterns Terraform validations use. */
function compileRegex(pattern: string): RegExp {
  try {
    return new RegExp(pattern, "u");
  } catch (error) {
    throw new ExpressionError(`invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`);
  }
}

type Fn = (args: Value[]) => Value;

const FUNCTIONS: Record<string, Fn> = {
  regex: ([pattern, text]) => {
    const m = compileRegex(toStringValue(pattern as Value, "regex pattern")).exec(toStringValue(text as Value, "regex string"));
    if (!m) throw new ExpressionError("regex: pattern did not match");
    if (m.groups) return { ...m.groups } as Value;
    return m.length > 1 ? (m.slice(1) as Value) : m[0];
  },
  contains: ([list, value]) => {
    if (!Array.isArray(list)) throw new ExpressionError("contains: first argument must be a list");
    return list.some((item) => equal(item, value as Value));
  },
  length: ([v]) => {
    if (typeof v === "string") return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (v && typeof v === "object") return Object.keys(v).length;
    throw new ExpressionError("length: argument must be a string, list or object");
  },
  floor: ([v]) => Math.floor(toNumber(v as Value, "floor")),
  ceil: ([v]) => Math.ceil(toNumber(v as Value, "ceil")),
  abs: ([v]) => Math.abs(toNumber(v as Value, "abs")),
  min: (args) => Math.min(...args.map((a) => toNumber(a, "min"))),
  max: (args) => Math.max(...args.map((a) => toNumber(a, "max"))),
  lower: ([v]) => toStringValue(v as Value, "lower").toLowerCase(),
  upper: ([v]) => toStringValue(v as Value, "upper").toUpperCase(),
  trimspace: ([v]) => toStringValue(v as Value, "trimspace").trim(),
  tostring: ([v]) => (v === null ? null : toStringValue(v as Value, "tostring")),
  tonumber: ([v]) => (v === null ? null : toNumber(v as Value, "tonumber")),
  tobool: ([v]) => (v === null ? null : toBool(v as Value, "tobool")),
  join: ([sep, list]) => {
    if (!Array.isArray(list)) throw new ExpressionError("join: second argument must be a list");
    return list.map((x) => toStringValue(x, "join element")).join(toStringValue(sep as Value, "join separator"));
  },
  // Wraps around past the end (https://developer.hashicorp.com/terraform/language/functions/element).
  element: ([list, index]) => {
    if (!Array.isArray(list) || list.length === 0) throw new ExpressionError("element: first argument must be a non-empty list");
    const i = toNumber(index as Value, "element index");
    if (!Number.isInteger(i) || i < 0) throw new ExpressionError("element: the index must be a whole number of at least 0");
    return list[i % list.length] as Value;
  },
  split: ([sep, text]) => toStringValue(text as Value, "split").split(toStringValue(sep as Value, "split separator")),
  replace: ([text, search, repl]) => {
    const s = toStringValue(search as Value, "replace search");
    const r = toStringValue(repl as Value, "replace replacement");
    const t = toStringValue(text as Value, "replace");
    if (s.length > 1 && s.startsWith("/") && s.endsWith("/")) return t.replace(new RegExp(s.slice(1, -1), "gu"), r);
    return t.split(s).join(r);
  },
  substr: ([text, offset, length]) => {
    const chars = [...toStringValue(text as Value, "substr")];
    const o = toNumber(offset as Value, "substr offset");
    const l = toNumber(length as Value, "substr length");
    return chars.slice(o, l < 0 ? undefined : o + l).join("");
  },
  format: ([spec, ...args]) => {
    let n = 0;
    return toStringValue(spec as Value, "format").replace(/%[sdv%]/g, (m) => (m === "%%" ? "%" : toStringValue(args[n++] as Value, "format argument")));
  },
  coalesce: (args) => {
    const found = args.find((a) => a !== null && a !== "");
    if (found === undefined) throw new ExpressionError("coalesce: no non-null, non-empty argument");
    return found;
  },
  concat: (lists) => lists.flatMap((l) => {
    if (!Array.isArray(l)) throw new ExpressionError("concat: arguments must be lists");
    return l;
  }),
  lookup: ([map, key, fallback]) => {
    if (!map || typeof map !== "object" || Array.isArray(map)) throw new ExpressionError("lookup: first argument must be a map");
    const k = toStringValue(key as Value, "lookup key");
    const found = (map as Record<string, Value>)[k];
    if (found !== undefined) return found;
    if (fallback !== undefined) return fallback;
    throw new ExpressionError(`lookup: no key "${k}" and no default`);
  },
  jsonencode: ([v]) => JSON.stringify(v),
  jsondecode: ([v]) => JSON.parse(toStringValue(v as Value, "jsondecode")) as Value,
};

export interface EvaluateOptions {
  readonly lookup: ReferenceLookup;
}

export function evaluate(node: Node, options: EvaluateOptions): Value {
  const ev = (n: Node) => evaluate(n, options);
  switch (node.k) {
    case "lit":
      return node.v;
    case "tpl": {
      if (node.parts.length === 1 && typeof node.parts[0] !== "string") return ev(node.parts[0] as Node);
      let out = "";
      for (const part of node.parts) {
        if (typeof part === "string") out += part;
        else {
          const v = ev(part);
          if (isUnknown(v)) return v;
          out += toStringValue(v, "an interpolated value");
        }
      }
      return out;
    }
    case "ref": {
      const steps = node.steps.map((s) => {
        if ("attr" in s) return s.attr;
        const v = ev(s.index);
        if (isUnknown(v)) throw new ExpressionError(`an index is ${v}`);
        return typeof v === "number" ? v : toStringValue(v, "an index");
      });
      return options.lookup([node.root, ...steps]);
    }
    case "index": {
      let v = ev(node.target);
      for (const s of node.steps) {
        if (isUnknown(v)) return v;
        const key = "attr" in s ? s.attr : ev(s.index);
        v = indexValue(v, key);
      }
      return v;
    }
    case "call": {
      if (node.name === "can") {
        try {
          const v = ev(node.args[0] as Node);
          return isUnknown(v) ? v : true;
        } catch (error) {
          if (error instanceof ExpressionError) return false;
          throw error;
        }
      }
      if (node.name === "try") {
        for (const arg of node.args) {
          try {
            return ev(arg);
          } catch (error) {
            if (!(error instanceof ExpressionError)) throw error;
          }
        }
        throw new ExpressionError("try: no argument could be evaluated");
      }
      const fn = FUNCTIONS[node.name];
      if (!fn) throw new ExpressionError(`function ${node.name}() is not supported by the local runtime`);
      const args = node.args.map(ev);
      const unknown = args.find(isUnknown);
      return unknown ?? fn(args);
    }
    case "unary": {
      const v = ev(node.arg);
      if (isUnknown(v)) return v;
      return node.op === "!" ? !toBool(v, "operand of !") : -toNumber(v, "operand of -");
    }
    case "bin": {
      if (node.op === "&&" || node.op === "||") {
        const l = ev(node.left);
        if (isUnknown(l)) return l;
        const lb = toBool(l, `left operand of ${node.op}`);
        if (node.op === "&&" && !lb) return false;
        if (node.op === "||" && lb) return true;
        const r = ev(node.right);
        return isUnknown(r) ? r : toBool(r, `right operand of ${node.op}`);
      }
      const l = ev(node.left);
      const r = ev(node.right);
      if (isUnknown(l)) return l;
      if (isUnknown(r)) return r;
      switch (node.op) {
        case "==":
          return equal(l, r);
        case "!=":
          return !equal(l, r);
        case "<":
          return toNumber(l, "<") < toNumber(r, "<");
        case ">":
          return toNumber(l, ">") > toNumber(r, ">");
        case "<=":
          return toNumber(l, "<=") <= toNumber(r, "<=");
        case ">=":
          return toNumber(l, ">=") >= toNumber(r, ">=");
        case "+":
          return toNumber(l, "+") + toNumber(r, "+");
        case "-":
          return toNumber(l, "-") - toNumber(r, "-");
        case "*":
          return toNumber(l, "*") * toNumber(r, "*");
        case "/":
          return toNumber(l, "/") / toNumber(r, "/");
        case "%":
          return toNumber(l, "%") % toNumber(r, "%");
      }
      throw new ExpressionError(`operator ${node.op} is not supported`);
    }
    case "cond": {
      const t = ev(node.test);
      if (isUnknown(t)) return t;
      return toBool(t, "condition of ?:") ? ev(node.then) : ev(node.else);
    }
    case "list":
      return node.items.map(ev);
    case "obj": {
      const out: Record<string, Value> = {};
      for (const [k, v] of node.entries) out[toStringValue(ev(k), "an object key")] = ev(v);
      return out;
    }
  }
}

/** `value[key]` or `value.key`, with Terraform's errors for missing keys. */
export function indexValue(v: Value, key: Value | string): Value {
  if (Array.isArray(v)) {
    const i = toNumber(key as Value, "a list index");
    if (!Number.isInteger(i) || i < 0 || i >= v.length) throw new ExpressionError(`index ${i} is out of range (list of ${v.length})`);
    return v[i] as Value;
  }
  if (v && typeof v === "object" && !isUnknown(v)) {
    const k = toStringValue(key as Value, "a key");
    if (!(k in v)) throw new ExpressionError(`no attribute or key "${k}"`);
    return (v as Record<string, Value>)[k] as Value;
  }
  throw new ExpressionError(`cannot index a ${typeName(v)} with ${JSON.stringify(key)}`);
}

const templateCache = new Map<string, Node>();

/** Parses a string as it appears in cdk.tf.json: literal text with `${...}` interpolations. */
export function parseTemplate(text: string): Node {
  let node = templateCache.get(text);
  if (!node) {
    const parts = new Lexer(text).readTemplate("");
    node = parts.length === 1 && typeof parts[0] === "string" ? { k: "lit", v: parts[0] } : { k: "tpl", parts };
    if (templateCache.size > 5000) templateCache.clear();
    templateCache.set(text, node);
  }
  return node;
}

/** Whether a string holds an interpolation (after escapes). */
export function hasInterpolation(text: string): boolean {
  return parseTemplate(text).k !== "lit";
}

/** Parses a bare expression such as `var.a == 0 || var.b`. */
export function parseExpression(text: string): Node {
  return new Parser(new Lexer(text).tokens(), text).parseWhole();
}

/** Parses and evaluates a bare HCL value with no references (a tfvars value, a `--var` of a complex type). */
export function parseLiteral(text: string): Value {
  return evaluate(parseExpression(text), {
    lookup: (t) => {
      throw new ExpressionError(`a value cannot refer to ${t.join(".")}`);
    },
  });
}

/** Parses a .tfvars body (`name = value` lines, comments) into values. */
export function parseTfvars(text: string): Record<string, Value> {
  const body = new Parser(new Lexer(text).tokens(), "the tfvars file").parseBody();
  const out: Record<string, Value> = {};
  for (const [name, node] of Object.entries(body)) {
    out[name] = evaluate(node, {
      lookup: (t) => {
        throw new ExpressionError(`${name}: a tfvars value cannot refer to ${t.join(".")}`);
      },
    });
  }
  return out;
}
