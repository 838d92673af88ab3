import { block } from "../../terraform/stack-document";
import { describe } from "../terraform-values";
import { Problem, ResourceRule, verdictOf } from "../types";

export const eventbridgeTargetRetryAndDlq: ResourceRule = {
  id: "eventbridge-target-retry-and-dlq",
  scope: "resource",
  title: "Every EventBridge target has a retry policy and a dead-letter queue",
  explanation:
    "When EventBridge cannot deliver to a target (throttling, a missing permission, a deleted function) it retries, then drops the event unless the target has a dead-letter queue: an order would be accepted and never processed.",
  fix: "Set retry_policy { maximum_retry_attempts, maximum_event_age_in_seconds } and dead_letter_config { arn = <an SQS queue of this stack> } on the target (EventRoute does).",
  mirrors: ["serverless-rules ES4000 (aws_cloudwatch_event_target_no_dlq)"],
  resourceTypes: ["aws_cloudwatch_event_target"],
  check(target, stack) {
    const problems: Problem[] = [];
    const retry = block(target.config.retry_policy);
    if (!retry) {
      problems.push({ message: "has no retry_policy", subject: "retry_policy" });
    } else {
      const attempts = stack.resolve(retry.maximum_retry_attempts);
      const age = stack.resolve(retry.maximum_event_age_in_seconds);
      if (typeof attempts !== "number" || attempts < 1)
        problems.push({
          message: `retry_policy.maximum_retry_attempts is ${describe(attempts)}, so it never retries`,
          subject: "retry_policy",
        });
      if (typeof age !== "number")
        problems.push({
          message: `retry_policy.maximum_event_age_in_seconds is ${describe(age)}`,
          subject: "retry_policy",
        });
    }
    const dlq = block(target.config.dead_letter_config)?.arn;
    if (!dlq)
      problems.push({
        message: "has no dead_letter_config: undeliverable events are dropped",
        subject: "dead_letter_config",
      });
    else if (!stack.referenced(dlq, "aws_sqs_queue")) {
      problems.push({
        message: `dead_letter_config.arn is ${describe(dlq)}, not an SQS queue of this stack`,
        subject: "dead_letter_config",
      });
    }
    return verdictOf(problems);
  },
};
