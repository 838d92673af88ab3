import { block } from "../../terraform/stack-document";
import { describe } from "../terraform-values";
import { Problem, ResourceRule, verdictOf } from "../types";

/** Step Functions can only deliver logs to groups under this prefix without a size-limited resource policy. */
const VENDED_LOGS_PREFIX = "/aws/vendedlogs/states/";

export const sfnFullExecutionLogging: ResourceRule = {
  id: "sfn-full-execution-logging",
  scope: "resource",
  title:
    "State machines log to a /aws/vendedlogs/states/ log group: ALL events with execution data outside production; in production ALL without execution data, or ERROR",
  explanation:
    "A Standard workflow's execution history is kept 90 days and is not searchable; an Express workflow keeps none, so its log is the only record of its executions. Logs at level ALL show every transition of every order, and with execution data every state's input and output. In production those inputs and outputs are customer ids, items and amounts, kept for the log retention period: there, level ALL must leave execution data out (ERROR may keep it, for failed executions only). Vended-logs groups avoid the CloudWatch Logs resource-policy size limit that breaks delivery once many state machines log.",
  fix: `Set logging_configuration { level = "ALL", include_execution_data = true (false in production), log_destination = "\${aws_cloudwatch_log_group.<g>.arn}:*" } with the group named ${VENDED_LOGS_PREFIX}<name>.`,
  mirrors: ["CKV_AWS_285", "AwsSolutions-SF1"],
  resourceTypes: ["aws_sfn_state_machine"],
  check(machine, stack) {
    const logging = block(machine.config.logging_configuration);
    if (!logging) return verdictOf([{ message: "has no logging_configuration" }]);
    const problems: Problem[] = [];
    const level = stack.resolve(logging.level);
    const withData = stack.resolve(logging.include_execution_data);
    if (!stack.isProduction) {
      if (level !== "ALL")
        problems.push({ message: `logging_configuration.level is ${describe(level)}, not "ALL"`, subject: "level" });
      if (withData !== true)
        problems.push({
          message: `logging_configuration.include_execution_data is ${describe(withData)}, not true`,
          subject: "include_execution_data",
        });
    } else if (level !== "ALL" && level !== "ERROR") {
      problems.push({
        message: `logging_configuration.level is ${describe(level)}, not "ALL" (or "ERROR" in production)`,
        subject: "level",
      });
    } else if (level === "ALL" && withData !== false) {
      problems.push({
        message: `logging_configuration.include_execution_data is ${describe(withData)} at level "ALL" in production: every order's customer, items and amounts would be logged`,
        subject: "include_execution_data",
      });
    }
    const group = stack.referenced(logging.log_destination, "aws_cloudwatch_log_group");
    if (!group || group.reference.attribute !== "arn") {
      problems.push({
        message: `log_destination is ${describe(logging.log_destination)}, not a log group ARN of this stack`,
        subject: "log_destination",
      });
    } else if (typeof group.config.name !== "string" || !group.config.name.startsWith(VENDED_LOGS_PREFIX)) {
      problems.push({
        message: `its log group ${group.address} is named ${describe(group.config.name)}, outside ${VENDED_LOGS_PREFIX}`,
        subject: "log_destination",
      });
    }
    return verdictOf(problems);
  },
};
