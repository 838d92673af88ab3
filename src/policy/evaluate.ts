/** Runs rules over one synthesized stack. */
import { ALL_RULES } from "./rules";
import { StackContext } from "./stack-context";
import type { StackDocument } from "../terraform/stack-document";
import type { PolicyRule, Problem, Verdict } from "./types";

/** A rule's verdict on one resource (or, for stack rules, on the stack setting at `address`). */
export interface RuleResult {
  readonly rule: PolicyRule;
  readonly stackName: string;
  readonly address: string;
  readonly constructPath?: string;
  readonly verdict: Verdict;
}

/** One problem a rule found, where it found it. */
export interface Finding {
  readonly rule: PolicyRule;
  readonly stackName: string;
  readonly address: string;
  readonly constructPath?: string;
  readonly problem: Problem;
}

export function evaluateStack(
  stackName: string,
  json: StackDocument,
  rules: readonly PolicyRule[] = ALL_RULES,
): RuleResult[] {
  const stack = new StackContext(stackName, json);
  const results: RuleResult[] = [];
  for (const rule of rules) {
    if (rule.scope === "stack") {
      results.push({ rule, stackName, address: rule.address, verdict: rule.check(stack) });
      continue;
    }
    for (const type of rule.resourceTypes) {
      for (const resource of stack.resources(type)) {
        results.push({
          rule,
          stackName,
          address: resource.address,
          constructPath: resource.constructPath,
          verdict: rule.check(resource, stack),
        });
      }
    }
  }
  return results;
}

/** Every problem of the non-compliant results. */
export function findingsOf(results: readonly RuleResult[]): Finding[] {
  return results.flatMap(({ verdict, ...where }) =>
    verdict.status === "non-compliant" ? verdict.problems.map((problem) => ({ ...where, problem })) : [],
  );
}
