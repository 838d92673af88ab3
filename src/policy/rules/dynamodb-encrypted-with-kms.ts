import { block } from "../../terraform/stack-document";
import { describe } from "../terraform-values";
import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

export const dynamodbEncryptedWithKms: ResourceRule = {
  id: "dynamodb-encrypted-with-kms",
  scope: "resource",
  title: "Tables are encrypted with a KMS key (server_side_encryption enabled)",
  explanation:
    "With server-side encryption enabled the table's key is a KMS key in the account (aws/dynamodb, or a customer key), so its use appears in CloudTrail and access to it follows IAM; otherwise DynamoDB uses a key owned by AWS that the account cannot see.",
  fix: "Set server_side_encryption { enabled = true } (DataTable does).",
  mirrors: ["CKV_AWS_119 (its KMS part)"],
  resourceTypes: ["aws_dynamodb_table"],
  check(table, stack) {
    const enabled = stack.resolve(block(table.config.server_side_encryption)?.enabled);
    return enabled === true
      ? COMPLIANT
      : nonCompliant(`server_side_encryption.enabled is ${describe(enabled)}, not true`);
  },
};
