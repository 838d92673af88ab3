import { parsePolicy, statementName } from "../iam-document";
import { describe } from "../terraform-values";
import { COMPLIANT, Problem, ResourceRule, nonCompliant, verdictOf } from "../types";

/** Condition keys that confine a `*` principal to known accounts. */
const CONFINING_KEYS = ["aws:principalorgid", "aws:principalaccount", "aws:sourceaccount", "aws:sourceorgid"];

function confinesPrincipal(
  condition: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined,
): boolean {
  return Object.values(condition ?? {}).some((keys) =>
    Object.keys(keys).some((k) => CONFINING_KEYS.includes(k.toLowerCase())),
  );
}

export const eventbridgeBusPolicyNotPublic: ResourceRule = {
  id: "eventbridge-bus-policy-not-public",
  scope: "resource",
  title: 'No event bus policy or permission lets any principal ("*") in',
  explanation:
    'A bus policy with Principal "*" lets any AWS account put events on the bus (forging "Order Created" events that start real sagas) or manage its rules, unless a condition confines it to your organization or accounts.',
  fix: "Name the accounts or services that need access, or add a Condition on aws:PrincipalOrgID.",
  mirrors: ["cdk-nag EventBusOpenAccess"],
  resourceTypes: ["aws_cloudwatch_event_bus_policy", "aws_cloudwatch_event_permission"],
  check(resource, stack) {
    if (resource.type === "aws_cloudwatch_event_permission") {
      const principal = stack.resolve(resource.config.principal);
      if (principal !== "*") return COMPLIANT;
      return resource.config.condition
        ? COMPLIANT
        : nonCompliant(`grants principal ${describe(principal)} without a condition`);
    }
    const policy = parsePolicy(stack, resource.config.policy);
    if (!policy.ok) return nonCompliant(`policy ${policy.error}`);
    const problems: Problem[] = policy.statements
      .filter(
        (s) => s.effect === "Allow" && s.principals.some((p) => p.value === "*") && !confinesPrincipal(s.condition),
      )
      .map((s) => ({
        message: `${statementName(s)} allows Principal "*" without an organization or account condition`,
        subject: s.label,
      }));
    return verdictOf(problems);
  },
};
