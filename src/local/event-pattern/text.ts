import { EventPatternError } from "./error";

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/**
 * A `wildcard` value as event-ruler reads it: `*` is any run of characters, `\*` a literal star and
 * `\\` a literal backslash; two stars in a row, or a backslash before anything else, are refused.
 * Positions in the reasons count UTF-8 bytes of the value in quotes, as event-ruler's do.
 */
export function wildcardRegExp(pattern: string, path: string): RegExp {
  const position = (index: number) => Buffer.byteLength(pattern.slice(0, index)) + 1;
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*") {
      if (pattern[i + 1] === "*")
        throw new EventPatternError(`Consecutive wildcard characters at pos ${position(i)}`, path);
      source += "[^]*";
    } else if (ch === "\\") {
      const next = pattern[i + 1];
      if (next !== "*" && next !== "\\")
        throw new EventPatternError(`Invalid escape character at pos ${position(i)}`, path);
      source += escapeRegExp(next);
      i++;
    } else {
      source += escapeRegExp(ch);
    }
  }
  return new RegExp(`^${source}$`);
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
