import { kmsCustomerManagedKey } from "../../../src/policy/rules/kms-customer-managed-key";
import { kmsKeyPolicyNotPublic } from "../../../src/policy/rules/kms-key-policy-not-public";
import { kmsKeyRotationEnabled } from "../../../src/policy/rules/kms-key-rotation-enabled";
import { judge, messages, stackJson } from "../support/judge";

describe("kms-customer-managed-key", () => {
  it("accepts resources naming a customer-managed key", () => {
    const json = stackJson({
      aws_sqs_queue: { q: { kms_master_key_id: "${aws_kms_key.orders.arn}" } },
      aws_dynamodb_table: {
        t: { server_side_encryption: { enabled: true, kms_key_arn: "${aws_kms_key.orders.arn}" } },
      },
      aws_cloudwatch_log_group: {
        g: { kms_key_id: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
      },
    });
    for (const address of ["aws_sqs_queue.q", "aws_dynamodb_table.t", "aws_cloudwatch_log_group.g"]) {
      expect([address, judge(kmsCustomerManagedKey, json, address).status]).toEqual([address, "compliant"]);
    }
  });

  it("fails AWS-managed aliases, SSE-SQS and missing keys", () => {
    const json = stackJson({
      aws_sns_topic: { alarms: { kms_master_key_id: "alias/aws/sns" } },
      aws_sqs_queue: { dlq: { sqs_managed_sse_enabled: true } },
      aws_dynamodb_table: { t: { server_side_encryption: { enabled: true } } },
    });
    expect(messages(judge(kmsCustomerManagedKey, json, "aws_sns_topic.alarms"))).toEqual([
      "kms_master_key_id names no customer-managed key",
    ]);
    expect(judge(kmsCustomerManagedKey, json, "aws_sqs_queue.dlq").status).toBe("non-compliant");
    expect(messages(judge(kmsCustomerManagedKey, json, "aws_dynamodb_table.t"))).toEqual([
      "server_side_encryption.kms_key_arn names no customer-managed key",
    ]);
  });

  it("checks a function's key only when it has environment variables", () => {
    const json = stackJson({
      aws_lambda_function: {
        bare: { function_name: "bare" },
        configured: { function_name: "c", environment: { variables: { TABLE: "t" } } },
      },
    });
    expect(judge(kmsCustomerManagedKey, json, "aws_lambda_function.bare").status).toBe("not-applicable");
    expect(judge(kmsCustomerManagedKey, json, "aws_lambda_function.configured").status).toBe("non-compliant");
  });

  it("reads an S3 bucket's key from its encryption configuration", () => {
    const bucket = (key?: string) =>
      stackJson({
        aws_s3_bucket: { state: { bucket: "state" } },
        aws_s3_bucket_server_side_encryption_configuration: {
          sse: {
            bucket: "${aws_s3_bucket.state.id}",
            rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: key } }],
          },
        },
      });
    expect(judge(kmsCustomerManagedKey, bucket(), "aws_s3_bucket.state").status).toBe("non-compliant");
    expect(judge(kmsCustomerManagedKey, bucket("${aws_kms_key.state.arn}"), "aws_s3_bucket.state").status).toBe(
      "compliant",
    );
  });
});

describe("kms-key-rotation-enabled", () => {
  const key = (config: Record<string, unknown>) => stackJson({ aws_kms_key: { k: { description: "k", ...config } } });
  const K = "aws_kms_key.k";

  it("accepts a rotating symmetric key, fails one that does not rotate", () => {
    expect(judge(kmsKeyRotationEnabled, key({ enable_key_rotation: true }), K).status).toBe("compliant");
    expect(messages(judge(kmsKeyRotationEnabled, key({}), K))).toEqual(["enable_key_rotation is not true"]);
  });

  it("does not apply to asymmetric keys, which KMS cannot rotate", () => {
    expect(judge(kmsKeyRotationEnabled, key({ customer_master_key_spec: "RSA_2048" }), K).status).toBe(
      "not-applicable",
    );
  });
});

describe("kms-key-policy-not-public", () => {
  const key = (statement: Record<string, unknown>) =>
    stackJson({
      aws_kms_key: {
        k: {
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Sid: "Use", Effect: "Allow", Action: "kms:Decrypt", Resource: "*", ...statement }],
          }),
        },
      },
    });
  const K = "aws_kms_key.k";

  it("accepts the account root and a conditioned service principal", () => {
    expect(judge(kmsKeyPolicyNotPublic, key({ Principal: { AWS: "arn:aws:iam::123456789012:root" } }), K).status).toBe(
      "compliant",
    );
    expect(
      judge(
        kmsKeyPolicyNotPublic,
        key({ Principal: "*", Condition: { StringEquals: { "kms:CallerAccount": "123456789012" } } }),
        K,
      ).status,
    ).toBe("compliant");
  });

  it('fails Principal "*" without a condition', () => {
    expect(messages(judge(kmsKeyPolicyNotPublic, key({ Principal: { AWS: "*" } }), K))).toEqual([
      'statement "Use" allows Principal "*" without a condition',
    ]);
  });
});
