import { dynamodbDeletionProtectionInProd } from "../../../src/policy/rules/dynamodb-deletion-protection-in-prod";
import { dynamodbEncryptedWithKms } from "../../../src/policy/rules/dynamodb-encrypted-with-kms";
import { dynamodbPointInTimeRecovery } from "../../../src/policy/rules/dynamodb-point-in-time-recovery";
import { sqsEncryptedAtRest } from "../../../src/policy/rules/sqs-encrypted-at-rest";
import { sqsMessageRetentionSet } from "../../../src/policy/rules/sqs-message-retention-set";
import { judge, messages, stackJson } from "../support/judge";

const Q = "aws_sqs_queue.dlq";
const queue = (config: Record<string, unknown>) => stackJson({ aws_sqs_queue: { dlq: { name: "dlq", ...config } } });

describe("sqs-encrypted-at-rest", () => {
  it("accepts SSE-SQS or a KMS key", () => {
    expect(judge(sqsEncryptedAtRest, queue({ sqs_managed_sse_enabled: true }), Q).status).toBe("compliant");
    expect(judge(sqsEncryptedAtRest, queue({ kms_master_key_id: "${aws_kms_key.k.arn}" }), Q).status).toBe("compliant");
  });

  it("fails a queue with neither", () => {
    expect(messages(judge(sqsEncryptedAtRest, queue({ sqs_managed_sse_enabled: false }), Q))).toEqual([
      "has neither sqs_managed_sse_enabled = true nor kms_master_key_id",
    ]);
  });
});

describe("sqs-message-retention-set", () => {
  it("accepts an explicit retention, fails the default", () => {
    expect(judge(sqsMessageRetentionSet, queue({ message_retention_seconds: 1209600 }), Q).status).toBe("compliant");
    expect(messages(judge(sqsMessageRetentionSet, queue({}), Q))).toEqual([
      "message_retention_seconds is unset; SQS would keep messages 4 days",
    ]);
  });
});

const T = "aws_dynamodb_table.orders";
const table = (config: Record<string, unknown>, extra: { environmentTag?: string } = {}, stackName = "orders-dev") => ({
  json: stackJson(
    {
      aws_dynamodb_table: {
        orders: {
          name: "orders",
          point_in_time_recovery: { enabled: true },
          server_side_encryption: { enabled: true },
          deletion_protection_enabled: false,
          ...config,
        },
      },
    },
    extra,
  ),
  stackName,
});

describe("dynamodb-point-in-time-recovery and dynamodb-encrypted-with-kms", () => {
  it("accept a table with both", () => {
    const { json } = table({});
    expect([dynamodbPointInTimeRecovery, dynamodbEncryptedWithKms].map((rule) => judge(rule, json, T).status)).toEqual([
      "compliant",
      "compliant",
    ]);
  });

  it("fail a table without them", () => {
    const { json } = table({ point_in_time_recovery: undefined, server_side_encryption: { enabled: false } });
    expect(
      [dynamodbPointInTimeRecovery, dynamodbEncryptedWithKms].map((rule) => messages(judge(rule, json, T))),
    ).toEqual([
      ["point_in_time_recovery.enabled is unset, not true"],
      ["server_side_encryption.enabled is false, not true"],
    ]);
  });
});

describe("dynamodb-deletion-protection-in-prod", () => {
  it("does not apply outside production", () => {
    const { json, stackName } = table({}, { environmentTag: "dev" });
    expect(judge(dynamodbDeletionProtectionInProd, json, T, stackName).status).toBe("not-applicable");
  });

  it("fails an unprotected table when the environment tag says prod", () => {
    const { json } = table({}, { environmentTag: "prod" });
    expect(messages(judge(dynamodbDeletionProtectionInProd, json, T, "orders-blue"))).toEqual([
      "deletion_protection_enabled is false in the prod environment",
    ]);
  });

  it("takes the environment from the stack name when there is no tag", () => {
    const { json } = table({});
    expect(judge(dynamodbDeletionProtectionInProd, json, T, "orders-prod").status).toBe("non-compliant");
    expect(
      judge(dynamodbDeletionProtectionInProd, table({ deletion_protection_enabled: true }).json, T, "orders-prod")
        .status,
    ).toBe("compliant");
  });
});
