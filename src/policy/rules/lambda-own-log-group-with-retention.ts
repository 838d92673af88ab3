import { block } from "../../terraform/stack-document";
import { Unresolved, describe } from "../terraform-values";
import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

export const lambdaOwnLogGroupWithRetention: ResourceRule = {
  id: "lambda-own-log-group-with-retention",
  scope: "resource",
  title: "Functions log to their own log group, created by the stack with a retention period",
  explanation:
    "Without logging_config.log_group pointing at a managed log group, Lambda creates /aws/lambda/<name> itself on first invocation: it never expires, is not removed with the stack, and its retention is nobody's decision.",
  fix: "Create an aws_cloudwatch_log_group with retention_in_days and set the function's logging_config.log_group to its name (the Microservice construct does).",
  mirrors: ["serverless-rules WS1004", "CKV_AWS_66 (on the log group)"],
  resourceTypes: ["aws_lambda_function"],
  check(fn, stack) {
    const logGroup = block(fn.config.logging_config)?.log_group;
    if (logGroup === undefined)
      return nonCompliant(
        "has no logging_config.log_group; Lambda would create an unmanaged log group that never expires",
      );
    const group = stack.referenced(logGroup, "aws_cloudwatch_log_group");
    if (!group)
      return nonCompliant(
        `logging_config.log_group is ${describe(logGroup)}, not a reference to an aws_cloudwatch_log_group of this stack`,
      );
    const retention = stack.resolve(group.config.retention_in_days);
    if (retention instanceof Unresolved || typeof retention !== "number" || retention <= 0) {
      return nonCompliant(
        `its log group ${group.address} has retention_in_days ${describe(retention)}, so its events never expire`,
      );
    }
    return COMPLIANT;
  },
};
