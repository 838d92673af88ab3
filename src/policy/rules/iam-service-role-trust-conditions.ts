import { parseReference } from "../../terraform/stack-document";
import { conditionValues, parsePolicy } from "../iam-document";
import { withoutInterpolations } from "../terraform-values";
import { NOT_APPLICABLE, Problem, ResourceRule, nonCompliant, verdictOf } from "../types";

/**
 * Services that set aws:SourceAccount and aws:SourceArn when they assume a role, and what the source is:
 * EventBridge the rule ("Using IAM policy conditions in Amazon EventBridge"), Step Functions the state
 * machine (Step Functions developer guide, "Creating an IAM role for your state machine"), EventBridge
 * Pipes the pipe (EventBridge user guide, "Amazon EventBridge Pipes permissions": the execution role's
 * trust policy with aws:SourceArn and aws:SourceAccount).
 */
const SOURCE_OF: Readonly<
  Record<string, { readonly arnService: string; readonly resourceType: string; readonly what: string }>
> = {
  "events.amazonaws.com": { arnService: "events", resourceType: "aws_cloudwatch_event_rule", what: "rule" },
  "states.amazonaws.com": { arnService: "states", resourceType: "aws_sfn_state_machine", what: "state machine" },
  "pipes.amazonaws.com": { arnService: "pipes", resourceType: "aws_pipes_pipe", what: "pipe" },
};

export const iamServiceRoleTrustConditions: ResourceRule = {
  id: "iam-service-role-trust-conditions",
  scope: "resource",
  title:
    "Roles assumed by EventBridge, EventBridge Pipes or Step Functions trust them only for one source of this account (aws:SourceAccount, aws:SourceArn)",
  explanation:
    "A trust policy that names only the service lets that service assume the role on behalf of any rule or state machine, in any account that learns the role's ARN (the cross-service confused deputy). aws:SourceAccount and aws:SourceArn pin it to the one rule or state machine the role exists for. Lambda execution roles are outside this rule: AWS does not document these keys for Lambda assuming an execution role, and a condition it never meets would stop every function.",
  fix: 'Add "Condition": { "StringEquals": { "aws:SourceAccount": <account> }, "ArnEquals": { "aws:SourceArn": <the rule or state machine ARN> } } to the trust statement (ServiceRole\'s trustedSource).',
  mirrors: ["prowler iam_role_cross_service_confused_deputy_prevention"],
  resourceTypes: ["aws_iam_role"],
  check(role, stack) {
    const trust = parsePolicy(stack, role.config.assume_role_policy);
    if (!trust.ok) return nonCompliant(`assume_role_policy ${trust.error}`);
    const problems: Problem[] = [];
    let applies = false;
    for (const statement of trust.statements.filter((s) => s.effect === "Allow")) {
      for (const principal of statement.principals.filter((p) => p.kind === "Service")) {
        const source = SOURCE_OF[principal.value];
        if (!source) continue;
        applies = true;
        const accounts = conditionValues(statement, /^StringEquals$/i, "aws:SourceAccount");
        if (accounts.length !== 1 || withoutInterpolations(accounts[0] ?? "") === "*") {
          problems.push({
            message: `trusts ${principal.value} without aws:SourceAccount naming one account (StringEquals)`,
            subject: "aws:SourceAccount",
          });
        }
        const arns = conditionValues(statement, /^Arn(Equals|Like)$/i, "aws:SourceArn");
        const namesOneSource = (arn: string) => {
          const reference = parseReference(arn);
          if (reference)
            return reference.type === source.resourceType && reference.attribute === "arn" && reference.suffix === "";
          const parts = withoutInterpolations(arn).split(":");
          return parts[0] === "arn" && parts[2] === source.arnService && !parts.slice(3).join(":").includes("*");
        };
        if (arns.length !== 1 || !namesOneSource(arns[0] ?? "")) {
          problems.push({
            message: `trusts ${principal.value} without aws:SourceArn naming one ${source.what} (ArnEquals), found ${arns.length === 0 ? "none" : JSON.stringify(arns)}`,
            subject: "aws:SourceArn",
          });
        }
      }
    }
    return applies ? verdictOf(problems) : NOT_APPLICABLE;
  },
};
