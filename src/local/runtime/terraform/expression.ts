/**
 * The subset of Terraform's expression language that a synthesized cdktf stack uses, evaluated
 * locally: string templates (`"${var.project_name}-dev-orders"`, `$${` escapes), references
 * (`var.x`, `aws_sqs_queue.q.arn`, `data.archive_file.z.output_path`), literals, lists, objects,
 * arithmetic, comparisons, `&&`/`||`/`!`, the conditional operator, heredocs, template directives
 * (`%{ if }`, `%{ for }`, strip markers), and the built-in
 * functions of ./functions.ts; and .tfvars bodies as Terraform reads them. Anything outside that
 * subset is an error that names the construct, never a silent guess.
 */

import { callFunction } from "./functions";
import {
  ExpressionError,
  UnknownValue,
  Value,
  equal,
  isUnknown,
  toBool,
  toNumber,
  toStringValue,
  typeName,
} from "./values";

export { ExpressionError, UnknownValue, toStringValue };
export type { Value };

/** Looks up a reference such as `["var", "project_name"]` or `["aws_sqs_queue", "q", "arn"]`. */
type ReferenceLookup = (traversal: readonly (string | number)[]) => Value;

// ---------------------------------------------------------------------------------------------
// Tokens

type Token = (
  | { t: "num"; v: number }
  | { t: "str"; parts: TemplatePart[] }
  | { t: "id"; v: string }
  | { t: "op"; v: string }
  | { t: "nl" }
  | { t: "eof" }
) & { at: number };

type TemplatePart = string | Node;

const OPERATORS = [
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "=>",
  "...",
  "<",
  ">",
  "+",
  "-",
  "*",
  "/",
  "%",
  "!",
  "?",
  ":",
  "(",
  ")",
  "[",
  "]",
  "{",
  "}",
  ",",
  ".",
  "=",
];

/** Line and column of an offset, for messages. */
function lineOf(src: string, at: number): string {
  const before = src.slice(0, at);
  const line = before.split("\n").length;
  return `line ${line}`;
}

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
      if (c === " " || c === "\t" || c === "\r") this.pos++;
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
    const at = this.pos;
    if (this.pos >= s.length) return { t: "eof", at };
    const c = s[this.pos] as string;
    if (c === "\n") {
      this.pos++;
      return { t: "nl", at };
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(s.slice(this.pos)) as RegExpExecArray;
      this.pos += m[0].length;
      return { t: "num", v: Number(m[0]), at };
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(s.slice(this.pos)) as RegExpExecArray;
      this.pos += m[0].length;
      return { t: "id", v: m[0], at };
    }
    if (c === '"') {
      this.pos++;
      return { t: "str", parts: this.readTemplate('"'), at };
    }
    if (c === "<" && s[this.pos + 1] === "<") return { t: "str", parts: this.readHeredoc(), at };
    for (const op of OPERATORS) {
      if (s.startsWith(op, this.pos)) {
        this.pos += op.length;
        return { t: "op", v: op, at };
      }
    }
    throw new ExpressionError(`unexpected character "${c}" at ${lineOf(s, at)} in: ${s}`);
  }

  /**
   * `<<EOT` ... `EOT`, or `<<-EOT` with the common leading whitespace of its lines removed: each line
   * keeps its newline, backslashes are literal, `${...}` interpolates
   * (https://developer.hashicorp.com/terraform/language/expressions/strings#heredoc-strings).
   */
  private readHeredoc(): TemplatePart[] {
    const s = this.src;
    const opener = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\r?\n/.exec(s.slice(this.pos));
    if (!opener)
      throw new ExpressionError(`a heredoc must start with <<NAME or <<-NAME and a newline, at ${lineOf(s, this.pos)}`);
    const [header, flush, marker] = opener as unknown as [string, string, string];
    const lines: string[] = [];
    let at = this.pos + header.length;
    for (;;) {
      if (at >= s.length)
        throw new ExpressionError(`unterminated heredoc <<${flush}${marker}: no closing line "${marker}"`);
      const end = s.indexOf("\n", at);
      const line = (end < 0 ? s.slice(at) : s.slice(at, end)).replace(/\r$/, "");
      at = end < 0 ? s.length : end + 1;
      if (line.trim() === marker) {
        this.pos = end < 0 ? s.length : end;
        break;
      }
      lines.push(line);
    }
    let body = lines;
    if (flush) {
      const indents = lines.filter((l) => l.trim() !== "").map((l) => (/^[ \t]*/.exec(l) as RegExpExecArray)[0].length);
      const strip = indents.length ? Math.min(...indents) : 0;
      body = lines.map((l) => l.slice(Math.min(strip, (/^[ \t]*/.exec(l) as RegExpExecArray)[0].length)));
    }
    return new Lexer(body.map((l) => `${l}\n`).join("")).readTemplate("");
  }

  /**
   * Reads template text up to `end` (a quote, or the end of input when ""): literal text, `${...}`
   * interpolations and `%{ if }` / `%{ for }` directives, with `~` strip markers
   * (https://developer.hashicorp.com/terraform/language/expressions/strings#directives).
   */
  readTemplate(end: '"' | ""): TemplatePart[] {
    const s = this.src;
    const items: (TemplatePart | Directive)[] = [];
    let text = "";
    let stripNext = false;
    const flush = () => {
      if (text) items.push(text);
      text = "";
    };
    const add = (chars: string) => {
      if (stripNext) {
        chars = chars.replace(/^\s+/, "");
        if (chars) stripNext = false;
      }
      text += chars;
    };
    /** The inside of `${...}` or `%{...}` starting at `this.pos`, with its strip markers. */
    const inner = () => {
      const close = this.findClosingBrace();
      let body = s.slice(this.pos, close);
      this.pos = close + 1;
      const stripBefore = body.startsWith("~");
      const stripAfter = body.endsWith("~");
      body = body.slice(stripBefore ? 1 : 0, stripAfter && body.length > 1 ? -1 : undefined);
      if (stripBefore) text = text.replace(/\s+$/, "");
      flush();
      return { body, stripAfter };
    };
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
      if (end !== "" && c === "\n")
        throw new ExpressionError(`a quoted string cannot span lines (use a heredoc), at ${lineOf(s, this.pos)}`);
      if ((c === "$" || c === "%") && s[this.pos + 1] === c && s[this.pos + 2] === "{") {
        add(`${c}{`);
        this.pos += 3;
      } else if ((c === "$" || c === "%") && s[this.pos + 1] === "{") {
        this.pos += 2;
        const { body, stripAfter } = inner();
        items.push(c === "$" ? parseExpression(body) : parseDirective(body, s));
        stripNext = stripAfter;
      } else if (end === '"' && c === "\\") {
        const e = s[this.pos + 1];
        const map: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\" };
        const hex = e === "u" ? 4 : e === "U" ? 8 : 0;
        if (hex) {
          const digits = s.slice(this.pos + 2, this.pos + 2 + hex);
          if (!new RegExp(`^[0-9a-fA-F]{${hex}}$`).test(digits))
            throw new ExpressionError(`invalid escape \\${e}${digits} in: ${s}`);
          add(String.fromCodePoint(parseInt(digits, 16)));
          this.pos += 2 + hex;
        } else if (e !== undefined && map[e] !== undefined) {
          add(map[e]);
          this.pos += 2;
        } else throw new ExpressionError(`unknown escape \\${e} in: ${s}`);
      } else {
        add(c);
        this.pos++;
      }
    }
    flush();
    const parts = nestDirectives(items, s);
    if (parts.length === 0) parts.push("");
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

/** A template directive as read, before `if`/`for` are nested with their bodies. */
type Directive =
  | { readonly d: "if"; readonly test: Node }
  | { readonly d: "else" | "endif" | "endfor" }
  | { readonly d: "for"; readonly key?: string; readonly value: string; readonly collection: Node };

function parseDirective(body: string, src: string): Directive {
  const text = body.trim();
  if (text === "else" || text === "endif" || text === "endfor") return { d: text };
  const ifMatch = /^if\s+([^]+)$/.exec(text);
  if (ifMatch) return { d: "if", test: parseExpression(ifMatch[1] as string) };
  const forMatch = /^for\s+([A-Za-z_][\w-]*)(?:\s*,\s*([A-Za-z_][\w-]*))?\s+in\s+([^]+)$/.exec(text);
  if (forMatch) {
    const [, first, second, collection] = forMatch as unknown as [string, string, string | undefined, string];
    return {
      d: "for",
      ...(second !== undefined ? { key: first } : {}),
      value: second ?? first,
      collection: parseExpression(collection),
    };
  }
  throw new ExpressionError(`unknown template directive %{${body}} in: ${src}`);
}

/** Nests the bodies of `%{ if }` ... `%{ endif }` and `%{ for }` ... `%{ endfor }`. */
function nestDirectives(items: readonly (TemplatePart | Directive)[], src: string): TemplatePart[] {
  let i = 0;
  const isDirective = (x: TemplatePart | Directive | undefined): x is Directive =>
    typeof x === "object" && x !== null && "d" in x;
  const sequence = (closers: readonly string[]): TemplatePart[] => {
    const out: TemplatePart[] = [];
    while (i < items.length) {
      const item = items[i] as TemplatePart | Directive;
      if (!isDirective(item)) {
        out.push(item);
        i++;
        continue;
      }
      if (closers.includes(item.d)) return out;
      i++;
      if (item.d === "if") {
        const then = sequence(["else", "endif"]);
        let otherwise: TemplatePart[] = [];
        if (isDirective(items[i]) && (items[i] as Directive).d === "else") {
          i++;
          otherwise = sequence(["endif"]);
        }
        expectCloser("endif");
        out.push({ k: "tif", test: item.test, then, else: otherwise });
      } else if (item.d === "for") {
        const body = sequence(["endfor"]);
        expectCloser("endfor");
        out.push({
          k: "tfor",
          ...(item.key !== undefined ? { key: item.key } : {}),
          value: item.value,
          collection: item.collection,
          body,
        });
      } else throw new ExpressionError(`%{ ${item.d} } without its opening directive in: ${src}`);
    }
    if (closers.length > 0) throw new ExpressionError(`%{ ${closers[closers.length - 1]} } is missing in: ${src}`);
    return out;
  };
  const expectCloser = (closer: string) => {
    const item = items[i];
    if (!isDirective(item) || item.d !== closer) throw new ExpressionError(`%{ ${closer} } is missing in: ${src}`);
    i++;
  };
  return sequence([]);
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

export type Node =
  | { k: "lit"; v: Value }
  | { k: "tpl"; parts: TemplatePart[] }
  | { k: "tif"; test: Node; then: TemplatePart[]; else: TemplatePart[] }
  | { k: "tfor"; key?: string; value: string; collection: Node; body: TemplatePart[] }
  | { k: "ref"; root: string; steps: Step[] }
  | { k: "index"; target: Node; steps: Step[] }
  | { k: "call"; name: string; args: Node[] }
  | { k: "unary"; op: string; arg: Node }
  | { k: "bin"; op: string; left: Node; right: Node }
  | { k: "cond"; test: Node; then: Node; else: Node }
  | { k: "list"; items: Node[] }
  | { k: "obj"; entries: [Node, Node][] };

type Step = { attr: string } | { index: Node };

const PRECEDENCE: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  ">": 4,
  "<=": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

class Parser {
  private i = 0;
  /** Open brackets: newlines inside them do not end anything. */
  private depth = 0;
  constructor(
    private readonly toks: Token[],
    private readonly src: string,
    /** In a body (a .tfvars file) a newline ends an argument; elsewhere newlines are space. */
    private readonly lines = false,
  ) {}

  parseWhole(): Node {
    const node = this.expression();
    if (this.peek().t !== "eof") throw this.error("unexpected input after the expression");
    return node;
  }

  /**
   * `name = expr` arguments, one a line, as in a .tfvars file: quoted names, blocks and an argument
   * set twice are refused, as Terraform refuses them.
   */
  parseBody(): Map<string, { node: Node; line: string }> {
    const out = new Map<string, { node: Node; line: string }>();
    for (;;) {
      while ((this.toks[this.i] as Token).t === "nl") this.i++;
      const key = this.take();
      if (key.t === "eof") return out;
      const line = lineOf(this.src, key.at);
      if (key.t === "str") throw new ExpressionError(`${line}: argument names must not be quoted`);
      if (key.t !== "id") throw new ExpressionError(`${line}: expected a variable name`);
      const after = this.peek();
      if (after.t === "id" || after.t === "str" || (after.t === "op" && after.v === "{"))
        throw new ExpressionError(`${line}: blocks are not allowed here (${key.v} { ... }); write ${key.v} = value`);
      if (!this.isOp("=")) throw new ExpressionError(`${line}: expected "=" after ${key.v}`);
      this.i++;
      const first = out.get(key.v);
      if (first)
        throw new ExpressionError(
          `${line}: ${key.v} was already set at ${first.line}; each argument may be set only once`,
        );
      out.set(key.v, { node: this.expression(), line });
      const end = this.toks[this.i] as Token;
      if (end.t !== "nl" && end.t !== "eof")
        throw new ExpressionError(
          `${line}: unexpected ${describe(end)} after the value of ${key.v}; an argument must end with a newline`,
        );
    }
  }

  private skipNewlines(): void {
    if (this.lines && this.depth === 0) return;
    while ((this.toks[this.i] as Token).t === "nl") this.i++;
  }
  private peek(): Token {
    this.skipNewlines();
    return this.toks[this.i] as Token;
  }
  private take(): Token {
    this.skipNewlines();
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
  private open(): void {
    this.depth++;
  }
  private close(v: string): void {
    this.expectOp(v);
    this.depth--;
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
        this.open();
        if (this.isOp("*")) throw this.error("splat expressions ([*]) are not supported");
        const index = this.expression();
        this.close("]");
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
        return t.parts.length === 1 && typeof t.parts[0] === "string"
          ? { k: "lit", v: t.parts[0] }
          : { k: "tpl", parts: t.parts };
      case "id": {
        if (t.v === "true") return { k: "lit", v: true };
        if (t.v === "false") return { k: "lit", v: false };
        if (t.v === "null") return { k: "lit", v: null };
        if (t.v === "for") throw this.error("for expressions are not supported");
        if (this.isOp("(")) {
          this.i++;
          this.open();
          const args: Node[] = [];
          while (!this.isOp(")")) {
            args.push(this.expression());
            if (this.isOp("...")) throw this.error("argument expansion (...) is not supported");
            if (!this.isOp(")")) this.expectOp(",");
          }
          this.close(")");
          return { k: "call", name: t.v, args };
        }
        return { k: "ref", root: t.v, steps: [] };
      }
      case "op":
        if (t.v === "(") {
          this.open();
          const inner = this.expression();
          this.close(")");
          return inner;
        }
        if (t.v === "[") {
          this.open();
          const items: Node[] = [];
          while (!this.isOp("]")) {
            items.push(this.expression());
            if (!this.isOp("]")) this.expectOp(",");
          }
          this.close("]");
          return { k: "list", items };
        }
        if (t.v === "{") {
          this.open();
          const entries: [Node, Node][] = [];
          while (!this.isOp("}")) {
            const keyTok = this.peek();
            let key: Node;
            if (
              keyTok.t === "id" &&
              (this.toks[this.i + 1] as Token).t === "op" &&
              ["=", ":"].includes((this.toks[this.i + 1] as { v: string }).v)
            ) {
              this.i++;
              key = { k: "lit", v: keyTok.v };
            } else key = this.expression();
            if (this.isOp("=") || this.isOp(":")) this.i++;
            else throw this.error('expected "=" or ":" in an object');
            entries.push([key, this.expression()]);
            if (this.isOp(",")) this.i++;
          }
          this.close("}");
          return { k: "obj", entries };
        }
        throw this.error(`unexpected "${t.v}"`);
      case "nl":
      case "eof":
        throw this.error("unexpected end of expression");
    }
  }
}

function describe(t: Token): string {
  if (t.t === "id") return `"${t.v}"`;
  if (t.t === "op") return `"${t.v}"`;
  if (t.t === "num") return `${t.v}`;
  return t.t === "str" ? "a string" : "input";
}

// ---------------------------------------------------------------------------------------------
// Evaluation

export interface EvaluateOptions {
  readonly lookup: ReferenceLookup;
  /** Why function calls are refused here (a tfvars file allows none); default: allowed. */
  readonly noFunctions?: string;
}

export function evaluate(node: Node, options: EvaluateOptions): Value {
  const ev = (n: Node) => evaluate(n, options);
  switch (node.k) {
    case "lit":
      return node.v;
    case "tpl": {
      const only = node.parts[0];
      if (node.parts.length === 1 && typeof only !== "string" && only?.k !== "tif" && only?.k !== "tfor")
        return ev(only as Node);
      return render(node.parts, options);
    }
    case "tif": {
      const test = ev(node.test);
      if (isUnknown(test)) return test;
      return render(toBool(test, "condition of %{ if }") ? node.then : node.else, options);
    }
    case "tfor": {
      const collection = ev(node.collection);
      if (isUnknown(collection)) return collection;
      if (collection === null || typeof collection !== "object") {
        throw new ExpressionError(`%{ for } needs a list or map, got ${typeName(collection)}`);
      }
      // Maps are iterated in lexical order of their keys, as Terraform iterates them.
      const entries: [Value, Value][] = Array.isArray(collection)
        ? collection.map((v, i) => [i, v])
        : Object.keys(collection)
            .sort()
            .map((k) => [k, (collection as Record<string, Value>)[k] as Value]);
      let out = "";
      for (const [key, value] of entries) {
        const bindings: Record<string, Value> = {
          [node.value]: value,
          ...(node.key !== undefined ? { [node.key]: key } : {}),
        };
        const rendered = render(node.body, withBindings(options, bindings));
        if (isUnknown(rendered)) return rendered;
        out += rendered as string;
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
      if (options.noFunctions) throw new ExpressionError(`${node.name}(): ${options.noFunctions}`);
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
      return callFunction(node.name, node.args.map(ev));
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
        case "%": {
          const divisor = toNumber(r, node.op);
          if (divisor === 0) throw new ExpressionError(`division by zero (${node.op})`);
          return node.op === "/" ? toNumber(l, "/") / divisor : toNumber(l, "%") % divisor;
        }
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

/** Template parts concatenated: literal text, interpolated values as strings, directives rendered. */
function render(parts: readonly TemplatePart[], options: EvaluateOptions): Value {
  let out = "";
  for (const part of parts) {
    if (typeof part === "string") out += part;
    else {
      const v = evaluate(part, options);
      if (isUnknown(v)) return v;
      out += toStringValue(v, "an interpolated value");
    }
  }
  return out;
}

/** Options whose lookup sees a `%{ for }` directive's variables first. */
function withBindings(options: EvaluateOptions, bindings: Readonly<Record<string, Value>>): EvaluateOptions {
  return {
    ...options,
    lookup: (traversal) => {
      const [root, ...steps] = traversal;
      if (typeof root !== "string" || !(root in bindings)) return options.lookup(traversal);
      let v = bindings[root] as Value;
      for (const step of steps) v = isUnknown(v) ? v : indexValue(v, step);
      return v;
    },
  };
}

/** `value[key]` or `value.key`, with Terraform's errors for missing keys. */
export function indexValue(v: Value, key: Value | string): Value {
  if (Array.isArray(v)) {
    const i = toNumber(key as Value, "a list index");
    if (!Number.isInteger(i) || i < 0 || i >= v.length)
      throw new ExpressionError(`index ${i} is out of range (list of ${v.length})`);
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

const NO_REFERENCES: ReferenceLookup = () => {
  throw new ExpressionError("variables are not allowed here");
};

/**
 * Parses and evaluates a constant HCL value, as Terraform reads a `-var` or `TF_VAR_` value of a
 * complex type: literals, operators and templates, but no variables and no function calls.
 */
export function parseLiteral(text: string): Value {
  return evaluate(parseExpression(text), { lookup: NO_REFERENCES, noFunctions: "function calls are not allowed here" });
}

/**
 * Parses a .tfvars body as Terraform does: one `name = value` a line (comments, heredocs and
 * constant expressions allowed; a UTF-8 byte order mark skipped); quoted names, blocks, an argument
 * set twice, variables and function calls refused.
 */
export function parseTfvars(text: string): Record<string, Value> {
  const source = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const body = new Parser(new Lexer(source).tokens(), source, true).parseBody();
  const out: Record<string, Value> = {};
  for (const [name, { node, line }] of body) {
    try {
      out[name] = evaluate(node, {
        lookup: NO_REFERENCES,
        noFunctions: "function calls are not allowed in a tfvars file",
      });
    } catch (error) {
      if (error instanceof ExpressionError)
        throw new ExpressionError(`${line}: ${name}: ${error.message}`, { cause: error });
      throw error;
    }
  }
  return out;
}
