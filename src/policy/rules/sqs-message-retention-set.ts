import { describe } from "../terraform-values";
import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

export const sqsMessageRetentionSet: ResourceRule = {
  id: "sqs-message-retention-set",
  scope: "resource",
  title: "Queues set how long they keep messages (message_retention_seconds)",
  explanation:
    "The default retention is 4 days: a dead-letter queue filled on a Friday evening can lose events before anyone redrives them. The retention is a decision: for dead-letter queues, the 14-day maximum.",
  fix: "Set message_retention_seconds (1209600, fourteen days, for dead-letter queues; DeadLetterQueue does).",
  mirrors: [],
  resourceTypes: ["aws_sqs_queue"],
  check(queue, stack) {
    const retention = stack.resolve(queue.config.message_retention_seconds);
    return typeof retention === "number" && retention >= 60
      ? COMPLIANT
      : nonCompliant(`message_retention_seconds is ${describe(retention)}; SQS would keep messages 4 days`);
  },
};
