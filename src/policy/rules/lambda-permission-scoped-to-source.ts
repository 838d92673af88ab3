import { describe } from "../terraform-values";
import { COMPLIANT, NOT_APPLICABLE, ResourceRule, nonCompliant } from "../types";

export const lambdaPermissionScopedToSource: ResourceRule = {
  id: "lambda-permission-scoped-to-source",
  scope: "resource",
  title:
    "Lambda permissions for AWS services name the source and its account (source_arn, source_account); none is public",
  explanation:
    'A permission granted to a service principal without source_arn lets that service invoke the function on behalf of any resource, in any account (the confused-deputy problem); source_account pins the source to this account even where an ARN could be recreated elsewhere; principal "*" makes the function public.',
  fix: 'Set source_arn to the one resource allowed to invoke (for EventBridge, the rule\'s ARN) and source_account to its account, and never grant principal "*".',
  mirrors: ["CKV_AWS_364", "AVD-AWS-0067", "CKV_AWS_301"],
  resourceTypes: ["aws_lambda_permission"],
  check(permission, stack) {
    const principal = stack.resolve(permission.config.principal);
    if (principal === "*") return nonCompliant('principal is "*": anyone may invoke the function', "principal");
    if (typeof principal !== "string" || !principal.endsWith(".amazonaws.com")) return NOT_APPLICABLE;
    const sourceArn = permission.config.source_arn;
    if (typeof sourceArn !== "string" || sourceArn === "") {
      return nonCompliant(
        `grants ${principal} without source_arn (${describe(sourceArn)}): any ${principal} resource, in any account, may invoke the function`,
      );
    }
    const sourceAccount = permission.config.source_account;
    if (typeof sourceAccount !== "string" || sourceAccount === "") {
      return nonCompliant(
        `grants ${principal} without source_account (${describe(sourceAccount)}): the source is not pinned to an account`,
        "source_account",
      );
    }
    return COMPLIANT;
  },
};
