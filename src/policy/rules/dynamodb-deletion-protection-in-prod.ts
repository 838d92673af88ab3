import { describe } from "../terraform-values";
import { COMPLIANT, NOT_APPLICABLE, ResourceRule, nonCompliant } from "../types";

export const dynamodbDeletionProtectionInProd: ResourceRule = {
  id: "dynamodb-deletion-protection-in-prod",
  scope: "resource",
  title: "Production tables refuse deletion (deletion_protection_enabled)",
  explanation:
    "A production table holds every order; a mistaken destroy or a replacement in a plan would delete it with its point-in-time backups. Deletion protection makes DynamoDB refuse. A stack is production when its aws provider's default environment tag (or its name) says prod.",
  fix: "Set deletion_protection_enabled = true on production tables (the prod profile's deletionProtection).",
  mirrors: [],
  resourceTypes: ["aws_dynamodb_table"],
  check(table, stack) {
    if (!stack.isProduction) return NOT_APPLICABLE;
    const protectedTable = stack.resolve(table.config.deletion_protection_enabled);
    return protectedTable === true
      ? COMPLIANT
      : nonCompliant(
          `deletion_protection_enabled is ${describe(protectedTable)} in the ${stack.environment} environment`,
        );
  },
};
