/**
 * Policy as code: security and reliability rules over the synthesized stacks, enforced at synth,
 * with reviewed exceptions. `applyPolicy(stack)` is what the app calls; the rest is for tests and tools.
 */
export { applyPolicy } from "./enforcement";
export type { PolicyOptions } from "./enforcement";
export { checkStacks } from "./check";
export type { PolicyConfiguration, PolicyOutcome, SynthesizedStack } from "./check";
export { evaluateStack, findingsOf } from "./evaluate";
export type { Finding, RuleResult } from "./evaluate";
export { PolicyViolationError, formatFailure, formatSummary } from "./report";
export { ALL_RULES } from "./rules";
export { SUPPRESSIONS } from "./suppressions";
export { MIN_REASON_LENGTH } from "./suppression-matching";
export type { Suppression } from "./suppression-matching";
export { StackContext } from "./stack-context";
export type { StackJson } from "./stack-context";
export type { PolicyRule, ResourceRule, StackRule, Verdict, Problem, SynthesizedResource } from "./types";
