import {
  actionMatches,
  isWildcardAction,
  isWildcardResource,
  parsePolicy,
  policyDocumentsOf,
  statementName,
  trustPolicyOf,
} from "../iam-document";
import { describe } from "../terraform-values";
import { NOT_APPLICABLE, Problem, ResourceRule, SynthesizedResource, nonCompliant, verdictOf } from "../types";
import type { StackContext } from "../stack-context";

const ALLOWED_ACTION = "states:StartExecution";

export const eventbridgeTargetRoleLeastPrivilege: ResourceRule = {
  id: "eventbridge-target-role-least-privilege",
  scope: "resource",
  title: "A target's role is trusted by events.amazonaws.com only and may only start specific state machines",
  explanation:
    "EventBridge assumes the target's role to deliver. A role trusted by another service (the state machine's own role, say) fails delivery, and a role allowed more than states:StartExecution on named state machines gives every rule on the bus those extra powers.",
  fix: `Give the target its own role: trust policy for events.amazonaws.com alone, one inline policy allowing ${ALLOWED_ACTION} on the state machine's ARN, no managed policies (EventRoute does).`,
  mirrors: ["CKV_AWS_60 (trust)", "CKV_AWS_355 (resource scope)"],
  resourceTypes: ["aws_cloudwatch_event_target"],
  check(target, stack) {
    const roleArn = target.config.role_arn;
    if (roleArn === undefined || roleArn === null) {
      return stack.referenced(target.config.arn, "aws_sfn_state_machine")
        ? nonCompliant("starts a state machine but has no role_arn")
        : NOT_APPLICABLE;
    }
    const role = stack.referenced(roleArn, "aws_iam_role");
    if (!role)
      return nonCompliant(`role_arn is ${describe(roleArn)}, not a role of this stack whose policies can be checked`);
    return verdictOf([...trustProblems(role, stack), ...permissionProblems(role, stack)]);
  },
};

function trustProblems(role: SynthesizedResource, stack: StackContext): Problem[] {
  const trust = parsePolicy(stack, trustPolicyOf(role)?.text);
  if (!trust.ok) return [{ message: `${role.address} trust policy ${trust.error}`, subject: "trust" }];
  const principals = trust.statements.filter((s) => s.effect === "Allow").flatMap((s) => s.principals);
  const others = principals.filter((p) => !(p.kind === "Service" && p.value === "events.amazonaws.com"));
  if (others.length === 0 && principals.length > 0) return [];
  return [
    {
      message: `${role.address} is trusted by ${others.map((p) => `${p.kind} ${p.value}`).join(", ") || "nobody"}, not events.amazonaws.com alone`,
      subject: "trust",
    },
  ];
}

function permissionProblems(role: SynthesizedResource, stack: StackContext): Problem[] {
  const problems: Problem[] = [];
  const attachedTo = (r: SynthesizedResource) => stack.refersTo(r.config.role, role, "name");
  for (const attachment of stack.resources("aws_iam_role_policy_attachment").filter(attachedTo)) {
    problems.push({
      message: `${role.address} has a managed policy attached (${attachment.address})`,
      subject: "permissions",
    });
  }
  const documents = [...stack.resources("aws_iam_role_policy").filter(attachedTo), role].flatMap((holder) =>
    policyDocumentsOf(holder).map((doc) => ({ holder, doc })),
  );
  for (const { holder, doc } of documents) {
    const policy = parsePolicy(stack, doc.text);
    if (!policy.ok) {
      problems.push({ message: `${holder.address} ${doc.argument} ${policy.error}`, subject: "permissions" });
      continue;
    }
    for (const s of policy.statements.filter((st) => st.effect === "Allow")) {
      const extra = [
        ...s.actions.filter((a) => isWildcardAction(a) || !actionMatches(a, ALLOWED_ACTION)),
        ...s.notActions.map((a) => `NotAction ${a}`),
      ];
      if (extra.length > 0)
        problems.push({
          message: `${holder.address} ${statementName(s)} allows ${extra.join(", ")}, not only ${ALLOWED_ACTION}`,
          subject: s.label,
        });
      const broad = [...s.resources.filter(isWildcardResource), ...s.notResources.map((r) => `NotResource ${r}`)];
      if (broad.length > 0)
        problems.push({
          message: `${holder.address} ${statementName(s)} applies to ${broad.join(", ")}, not to specific state machines`,
          subject: s.label,
        });
    }
  }
  return problems;
}
