import { block } from "../../terraform/stack-document";
import { describe } from "../terraform-values";
import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

export const dynamodbPointInTimeRecovery: ResourceRule = {
  id: "dynamodb-point-in-time-recovery",
  scope: "resource",
  title: "Tables have point-in-time recovery",
  explanation:
    "Point-in-time recovery restores a table to any second of the last 35 days after a bad deploy or a faulty write.",
  fix: "Set point_in_time_recovery { enabled = true } (DataTable does).",
  mirrors: ["CKV_AWS_28", "AVD-AWS-0024", "AwsSolutions-DDB3"],
  resourceTypes: ["aws_dynamodb_table"],
  check(table, stack) {
    const enabled = stack.resolve(block(table.config.point_in_time_recovery)?.enabled);
    return enabled === true
      ? COMPLIANT
      : nonCompliant(`point_in_time_recovery.enabled is ${describe(enabled)}, not true`);
  },
};
