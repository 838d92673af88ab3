import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

export const sqsEncryptedAtRest: ResourceRule = {
  id: "sqs-encrypted-at-rest",
  scope: "resource",
  title: "Queues are encrypted at rest (SSE-SQS or a KMS key)",
  explanation:
    "Dead-letter queues hold whole events (order ids, customers, amounts) for up to 14 days; they must be encrypted at rest.",
  fix: "Set sqs_managed_sse_enabled = true, or kms_master_key_id (DeadLetterQueue sets SSE-SQS).",
  mirrors: ["CKV_AWS_27", "AVD-AWS-0096", "AwsSolutions-SQS2"],
  resourceTypes: ["aws_sqs_queue"],
  check(queue, stack) {
    if (stack.resolve(queue.config.sqs_managed_sse_enabled) === true) return COMPLIANT;
    const key = stack.resolve(queue.config.kms_master_key_id);
    if (typeof key === "string" && key !== "") return COMPLIANT;
    return nonCompliant("has neither sqs_managed_sse_enabled = true nor kms_master_key_id");
  },
};
