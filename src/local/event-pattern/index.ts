/**
 * EventBridge event patterns, matched as EventBridge matches them (it runs aws/event-ruler): values and
 * `exactly`, `prefix` and `suffix` (also with `equals-ignore-case`), `equals-ignore-case`, `wildcard`,
 * `anything-but` in every form, `numeric`, `cidr` (IPv4 and IPv6), `exists`, `$or`; arrays of objects
 * matched element by element; invalid patterns refused with EventBridge's reason.
 *
 * Use `compileEventPattern` once (it throws EventPatternError) and `matches` per event. EventBridge Pipes
 * filter criteria use the same semantics.
 */
import { CompiledPattern, compileEventPattern } from "./compile";
import { matches } from "./match";

export { CompiledPattern, compileEventPattern } from "./compile";
export { EventPatternError } from "./error";
export { matches } from "./match";

export type EventPatternInput = Readonly<Record<string, unknown>>;

const compiledPatterns = new WeakMap<object, CompiledPattern>();

/** Whether `event` matches `pattern`, compiling the pattern on first use. Throws EventPatternError. */
export function matchesEventPattern(pattern: EventPatternInput, event: unknown): boolean {
  if (typeof pattern !== "object" || pattern === null) return matches(compileEventPattern(pattern), event);
  let compiled = compiledPatterns.get(pattern);
  if (!compiled) {
    compiled = compileEventPattern(pattern);
    compiledPatterns.set(pattern, compiled);
  }
  return matches(compiled, event);
}

/** The names of the patterns in `patterns` that `event` matches. */
export function matchingPatterns<K extends string>(
  patterns: Readonly<Record<K, EventPatternInput>>,
  event: unknown,
): K[] {
  return (Object.keys(patterns) as K[]).filter((name) => matchesEventPattern(patterns[name], event));
}
