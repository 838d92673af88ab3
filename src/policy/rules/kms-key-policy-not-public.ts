import { parsePolicy, statementName } from "../iam-document";
import { NOT_APPLICABLE, Problem, ResourceRule, nonCompliant, verdictOf } from "../types";

export const kmsKeyPolicyNotPublic: ResourceRule = {
  id: "kms-key-policy-not-public",
  scope: "resource",
  title: 'Key policies grant no one "*" without a condition',
  explanation:
    'A key policy statement allowing Principal "*" lets any AWS account use or manage the key, and with it decrypt what it protects, unless a condition confines it.',
  fix: "Name the account (arn:aws:iam::<account>:root), role or service principal that uses the key, with aws:SourceAccount or aws:SourceArn conditions for services.",
  mirrors: ["CKV_AWS_33"],
  resourceTypes: ["aws_kms_key", "aws_kms_key_policy"],
  check(key, stack) {
    if (key.config.policy === undefined) return NOT_APPLICABLE;
    const policy = parsePolicy(stack, key.config.policy);
    if (!policy.ok) return nonCompliant(`policy ${policy.error}`);
    const problems: Problem[] = policy.statements
      .filter((s) => s.effect === "Allow" && s.principals.some((p) => p.value === "*") && !s.condition)
      .map((s) => ({ message: `${statementName(s)} allows Principal "*" without a condition`, subject: s.label }));
    return verdictOf(problems);
  },
};
