import type { ContextValue } from "./policy";

/** A request's condition keys, lower-cased. */
export type RequestContext = ReadonlyMap<string, ContextValue>;

const compiled = new Map<string, RegExp>();

const escape = (s: string) => s.replace(/[.+^${}()|[\]\\*?]/g, "\\$&");

/**
 * A wildcard text as a regular expression: `*` any run of characters, `?` one character, and with
 * policy variables (`${aws:username}`, `${key, 'default'}`, `${*}`, `${?}`, `${$}`) replaced by the
 * request's values, taken literally. Undefined when a variable has no value and no default: IAM then
 * treats the element as not matching.
 */
export function wildcardRegex(text: string, flags: "" | "i", context?: RequestContext): RegExp | undefined {
  const withVariables = context !== undefined && text.includes("${");
  const cacheKey = `${flags}\u0000${text}`;
  if (!withVariables) {
    const hit = compiled.get(cacheKey);
    if (hit) return hit;
  }
  let source = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (withVariables && c === "$" && text[i + 1] === "{") {
      const end = text.indexOf("}", i);
      if (end > 0) {
        const inner = text.slice(i + 2, end).trim();
        i = end;
        if (inner === "*" || inner === "?" || inner === "$") {
          source += escape(inner);
          continue;
        }
        const m = /^([^,]+?)\s*(?:,\s*'([^']*)')?$/.exec(inner);
        const value = m ? context.get((m[1] as string).toLowerCase()) : undefined;
        const resolved = typeof value === "string" ? value : m?.[2];
        if (resolved === undefined) return undefined;
        source += escape(resolved);
        continue;
      }
    }
    source += c === "*" ? ".*" : c === "?" ? "." : escape(c);
  }
  const regex = new RegExp(`^${source}$`, `s${flags}`);
  if (!withVariables) compiled.set(cacheKey, regex);
  return regex;
}

/** Action matching: `service:Action` with wildcards, case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === "*") return true;
  return wildcardRegex(pattern, "i")?.test(action) === true;
}

/** The six colon-separated parts of an ARN (the last keeps its colons), or undefined. */
function arnParts(arn: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(":", start);
    if (colon < 0) return undefined;
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  parts.push(arn.slice(start));
  return parts;
}

/**
 * ARN matching as the Resource element and the Arn* condition operators do it: case-sensitive, each
 * of the six colon-delimited parts matched on its own with `*` and `?`, so a wildcard does not run
 * across a colon in the first five; an ARN pattern of fewer parts matches nothing. A pattern that
 * does not start with `arn:` (`*`) is matched as a whole.
 */
export function arnMatches(pattern: string, arn: string, context?: RequestContext): boolean {
  if (pattern === "*") return true;
  if (!pattern.startsWith("arn:")) return wildcardRegex(pattern, "", context)?.test(arn) === true;
  const p = arnParts(pattern);
  if (!p) return false;
  const a = arnParts(arn);
  if (!a) return false;
  return p.every((part, i) => wildcardRegex(part, "", context)?.test(a[i] as string) === true);
}
