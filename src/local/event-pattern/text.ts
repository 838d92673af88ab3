import { EventPatternError } from "./error";

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * A `wildcard` value as event-ruler reads it: `*` is any run of characters, `\*` a literal star and
 * `\\` a literal backslash; two stars in a row, or a backslash before anything else, are refused.
 * Positions in the reasons count UTF-8 bytes of the value in quotes, as event-ruler's do.
 */
export function wildcardMatcher(pattern: string, path: string): (value: string) => boolean {
  const position = (index: number) => Buffer.byteLength(pattern.slice(0, index)) + 1;
  const segments = [""];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*") {
      if (pattern[i + 1] === "*")
        throw new EventPatternError(`Consecutive wildcard characters at pos ${position(i)}`, path);
      segments.push("");
    } else if (ch === "\\") {
      const next = pattern[i + 1];
      if (next !== "*" && next !== "\\")
        throw new EventPatternError(`Invalid escape character at pos ${position(i)}`, path);
      segments[segments.length - 1] += next;
      i++;
    } else {
      segments[segments.length - 1] += ch;
    }
  }
  return (value) => globMatches(segments, value);
}

/** Whether `value` is the literal `segments` with anything between them (linear, no backtracking). */
function globMatches(segments: readonly string[], value: string): boolean {
  const first = segments[0]!;
  if (segments.length === 1) return value === first;
  const last = segments[segments.length - 1]!;
  if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let from = first.length;
  const end = value.length - last.length;
  for (const middle of segments.slice(1, -1)) {
    const at = value.indexOf(middle, from);
    if (at < 0 || at + middle.length > end) return false;
    from = at + middle.length;
  }
  return true;
}

/**
 * `equals-ignore-case` as event-ruler builds it: each character of the pattern matches its lower-case
 * or its upper-case form (Locale.ROOT), whatever their lengths.
 */
export function ignoreCaseSource(pattern: string): string {
  let source = "";
  for (const ch of pattern) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    source += lower === upper ? escapeRegExp(lower) : `(?:${escapeRegExp(lower)}|${escapeRegExp(upper)})`;
  }
  return source;
}
