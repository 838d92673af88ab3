import {
  POLICY_HOLDING_TYPES,
  actionMatches,
  allowStatementsOf,
  isWildcardResource,
  policyDocumentsOf,
  statementName,
} from "../iam-document";
import { NOT_APPLICABLE, Problem, ResourceRule, verdictOf } from "../types";

/** Actions that let a principal grant itself more, whatever resource they name. */
const ESCALATION_ACTIONS = [
  "iam:CreatePolicyVersion",
  "iam:SetDefaultPolicyVersion",
  "iam:AttachRolePolicy",
  "iam:AttachUserPolicy",
  "iam:AttachGroupPolicy",
  "iam:PutRolePolicy",
  "iam:PutUserPolicy",
  "iam:PutGroupPolicy",
  "iam:UpdateAssumeRolePolicy",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:AddUserToGroup",
  "iam:DeleteRolePermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
] as const;

/** Actions that escalate when allowed on every resource (any role can be passed or assumed). */
const ESCALATION_ON_ANY_RESOURCE = ["iam:PassRole", "sts:AssumeRole"] as const;

export const iamNoPrivilegeEscalation: ResourceRule = {
  id: "iam-no-privilege-escalation",
  scope: "resource",
  title: "No policy allows privilege escalation (policy rewriting, or PassRole / AssumeRole on *)",
  explanation:
    "Whoever may write IAM policies, attach them, or pass and assume any role can make themselves administrator: one compromised function then owns the account.",
  fix: "Remove the IAM-writing actions; scope iam:PassRole and sts:AssumeRole to the named roles that need them (with iam:PassedToService where possible).",
  mirrors: ["CKV_AWS_286", "AVD-AWS-0342", "AVD-AWS-0347", "AVD-AWS-0349", "AVD-AWS-0351"],
  resourceTypes: POLICY_HOLDING_TYPES,
  check(resource, stack) {
    const documents = policyDocumentsOf(resource);
    if (documents.length === 0) return NOT_APPLICABLE;
    const problems: Problem[] = [];
    // Unreadable documents are reported by iam-no-wildcard-actions.
    for (const s of allowStatementsOf(stack, documents).statements) {
      const covers = (action: string) => s.actions.some((a) => actionMatches(a, action));
      const always = ESCALATION_ACTIONS.filter(covers);
      const anyResource = s.resources.some(isWildcardResource) || s.notResources.length > 0;
      const onStar = anyResource ? ESCALATION_ON_ANY_RESOURCE.filter(covers) : [];
      if (always.length > 0)
        problems.push({ message: `${statementName(s)} allows ${always.join(", ")}`, subject: s.label });
      if (onStar.length > 0)
        problems.push({
          message: `${statementName(s)} allows ${onStar.join(", ")} on every resource`,
          subject: s.label,
        });
    }
    return verdictOf(problems);
  },
};
