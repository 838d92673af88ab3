import {
  POLICY_HOLDING_TYPES,
  allowStatementsOf,
  isWildcardAction,
  policyDocumentsOf,
  statementName,
} from "../iam-document";
import { NOT_APPLICABLE, Problem, ResourceRule, verdictOf } from "../types";

export const iamNoWildcardActions: ResourceRule = {
  id: "iam-no-wildcard-actions",
  scope: "resource",
  title: 'Allow statements name their actions: no "*", "service:*", "service:Get*" or NotAction',
  explanation:
    "A wildcard grants every action the service has or will add, including destructive and permission-changing ones; NotAction in an Allow grants everything else. Least privilege means naming the calls the code makes.",
  fix: "List the exact actions (e.g. dynamodb:GetItem, dynamodb:PutItem) in the statement; build statements with src/iam/policy-document.ts.",
  mirrors: ["CKV_AWS_63", "CKV_AWS_62", "CKV_AWS_72", "AVD-AWS-0057", "AwsSolutions-IAM5"],
  resourceTypes: POLICY_HOLDING_TYPES,
  check(resource, stack) {
    const documents = policyDocumentsOf(resource);
    if (documents.length === 0) return NOT_APPLICABLE;
    const { statements, unreadable } = allowStatementsOf(stack, documents);
    const problems: Problem[] = [...unreadable];
    for (const s of statements) {
      const wildcards = s.actions.filter(isWildcardAction);
      if (wildcards.length > 0)
        problems.push({
          message: `${statementName(s)} allows ${wildcards.map((a) => JSON.stringify(a)).join(", ")}`,
          subject: s.label,
        });
      if (s.notActions.length > 0)
        problems.push({
          message: `${statementName(s)} uses NotAction in an Allow, granting every other action`,
          subject: s.label,
        });
    }
    return verdictOf(problems);
  },
};
