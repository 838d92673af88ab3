import { evaluateStack } from "../../../src/policy/evaluate";
import type { PolicyRule, Verdict } from "../../../src/policy/types";
import type { StackDocument } from "../../../src/terraform/stack-document";

type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** A synthesized stack holding `resources`, with the given variables, aws provider tags and backend. */
export function stackJson(
  resources: Resources,
  extra: { variables?: Record<string, unknown>; environmentTag?: string; backend?: Record<string, unknown> } = {},
): StackDocument {
  return {
    resource: resources,
    variable: Object.fromEntries(
      Object.entries(extra.variables ?? {}).map(([name, value]) => [name, { default: value }]),
    ),
    provider: extra.environmentTag
      ? { aws: [{ default_tags: [{ tags: { environment: extra.environmentTag } }] }] }
      : {},
    terraform: extra.backend ? { backend: extra.backend } : {},
  };
}

/** The rule's verdict on the resource at `address` (or, for a stack rule, on the stack). */
export function judge(rule: PolicyRule, json: StackDocument, address?: string, stackName = "orders-dev"): Verdict {
  const target = address ?? (rule.scope === "stack" ? rule.address : undefined);
  const result = evaluateStack(stackName, json, [rule]).find((r) => r.address === target);
  if (!result) throw new Error(`rule ${rule.id} did not judge ${target}`);
  return result.verdict;
}

/** The problem messages of a verdict (empty unless non-compliant). */
export function messages(verdict: Verdict): string[] {
  return verdict.status === "non-compliant" ? verdict.problems.map((p) => p.message) : [];
}

/** The verdict's status and messages, for one readable assertion. */
export function outcome(verdict: Verdict): { status: Verdict["status"]; messages: string[] } {
  return { status: verdict.status, messages: messages(verdict) };
}
