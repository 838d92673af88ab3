import { ACTIONS_WITHOUT_RESOURCE_SCOPE } from "../../iam/policy-document";
import {
  POLICY_HOLDING_TYPES,
  allowStatementsOf,
  isWildcardResource,
  policyDocumentsOf,
  statementName,
} from "../iam-document";
import { NOT_APPLICABLE, Problem, ResourceRule, verdictOf } from "../types";

const UNSCOPABLE = new Set(ACTIONS_WITHOUT_RESOURCE_SCOPE.map((a) => a.toLowerCase()));

export const iamWildcardResourceOnlyForUnscopableActions: ResourceRule = {
  id: "iam-wildcard-resource-only-for-unscopable-actions",
  scope: "resource",
  title: 'Resource "*" only for actions AWS cannot scope (ACTIONS_WITHOUT_RESOURCE_SCOPE)',
  explanation:
    'Resource "*" grants an action on every table, queue or function in the account. Only actions that AWS authorizes solely on "*" (X-Ray writes, log delivery) may use it; a Terraform reference such as ${aws_dynamodb_table.orders.arn} names one resource.',
  fix: "Name the resource's ARN (a reference to it), or, for an action that truly takes no resource, add it to ACTIONS_WITHOUT_RESOURCE_SCOPE in src/iam/policy-document.ts with the AWS documentation that says so.",
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
