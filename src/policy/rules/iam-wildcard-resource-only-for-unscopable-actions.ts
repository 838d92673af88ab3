import {
  POLICY_HOLDING_TYPES,
  allowStatementsOf,
  isWildcardResource,
  policyDocumentsOf,
  statementName,
} from "../iam-document";
import { NOT_APPLICABLE, Problem, ResourceRule, verdictOf } from "../types";

/**
 * The actions AWS authorizes only on `Resource "*"`, reviewed here on their own: the rule checks what the
 * builders grant (src/iam/policy-document.ts), so it must not take their list as its truth.
 */
const UNSCOPABLE = new Set(
  [
    // X-Ray's segment upload and sampling have no resource type: "*" only
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    // Vended-log delivery, as Step Functions needs it for execution logs: its documented policy grants
    // these on "*" because they take no log group (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
  ].map((a) => a.toLowerCase()),
);

export const iamWildcardResourceOnlyForUnscopableActions: ResourceRule = {
  id: "iam-wildcard-resource-only-for-unscopable-actions",
  scope: "resource",
  title: 'Resource "*" only for actions AWS cannot scope (X-Ray writes, vended-log delivery)',
  explanation:
    'Resource "*" grants an action on every table, queue or function in the account. Only actions that AWS authorizes solely on "*" (X-Ray writes, log delivery) may use it; a Terraform reference such as ${aws_dynamodb_table.orders.arn} names one resource.',
  fix: "Name the resource's ARN (a reference to it), or, for an action that truly takes no resource, add it to this rule's list (src/policy/rules/iam-wildcard-resource-only-for-unscopable-actions.ts) and to ACTIONS_WITHOUT_RESOURCE_SCOPE in src/iam/policy-document.ts, with the AWS documentation that says so.",
  mirrors: ["CKV_AWS_355", "CKV_AWS_290", "AVD-AWS-0057", "AwsSolutions-IAM5"],
  resourceTypes: POLICY_HOLDING_TYPES,
  check(resource, stack) {
    const documents = policyDocumentsOf(resource).filter((d) => d.kind === "identity");
    if (documents.length === 0) return NOT_APPLICABLE;
    const { statements, unreadable } = allowStatementsOf(stack, documents);
    const problems: Problem[] = [...unreadable];
    for (const s of statements) {
      const wildcard = s.resources.some(isWildcardResource) || s.notResources.length > 0;
      if (!wildcard) continue;
      const scopable = s.actions.filter((a) => !UNSCOPABLE.has(a.toLowerCase()));
      if (scopable.length > 0)
        problems.push({
          message: `${statementName(s)} allows ${scopable.join(", ")} on every resource`,
          subject: s.label,
        });
    }
    return verdictOf(problems);
  },
};
