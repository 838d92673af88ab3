/** The policy over a set of synthesized stacks: rules, then the reviewed exceptions. */
import { Finding, evaluateStack, findingsOf } from "./evaluate";
import { ALL_RULES } from "./rules";
import { Excepted, Suppression, applySuppressions, invalidSuppressions } from "./suppression-matching";
import { SUPPRESSIONS } from "./suppressions";
import type { SynthesizedStack } from "../terraform/stack-document";
import type { PolicyRule } from "./types";

export interface PolicyConfiguration {
  /** Default: every rule (`ALL_RULES`). */
  readonly rules?: readonly PolicyRule[];
  /** Default: the reviewed list in src/policy/suppressions.ts. */
  readonly suppressions?: readonly Suppression[];
}

export interface PolicyOutcome {
  readonly stackNames: readonly string[];
  readonly ruleCount: number;
  readonly violations: readonly Finding[];
  readonly excepted: readonly Excepted[];
  readonly stale: readonly Suppression[];
  /** Problems of the suppression list itself. */
  readonly invalid: readonly string[];
  readonly passed: boolean;
}

export function checkStacks(
  stacks: readonly Pick<SynthesizedStack, "name" | "document">[],
  configuration: PolicyConfiguration = {},
): PolicyOutcome {
  const rules = configuration.rules ?? ALL_RULES;
  const suppressions = configuration.suppressions ?? SUPPRESSIONS;
  const invalid = invalidSuppressions(suppressions, rules);
  const findings = stacks.flatMap((s) => findingsOf(evaluateStack(s.name, s.document, rules)));
  const stackNames = stacks.map((s) => s.name);
  const { violations, excepted, stale } = applySuppressions(findings, suppressions, stackNames);
  return {
    stackNames,
    ruleCount: rules.length,
    violations,
    excepted,
    stale,
    invalid,
    passed: violations.length === 0 && stale.length === 0 && invalid.length === 0,
  };
}
