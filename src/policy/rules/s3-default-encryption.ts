import { block, blocks } from "../../terraform/stack-document";
import { bucketCompanions } from "../s3-bucket-companions";
import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

const ALGORITHMS = ["aws:kms", "aws:kms:dsse", "AES256"];

export const s3DefaultEncryption: ResourceRule = {
  id: "s3-default-encryption",
  scope: "resource",
  title: "Buckets declare default server-side encryption",
  explanation:
    "S3 encrypts new objects with SSE-S3 by default, but a declared SSE configuration (SSE-KMS here, with a bucket key) makes the choice explicit, reviewable and logged in CloudTrail through KMS.",
  fix: 'Add an aws_s3_bucket_server_side_encryption_configuration with rule { apply_server_side_encryption_by_default { sse_algorithm = "aws:kms" } bucket_key_enabled = true }.',
  mirrors: ["CKV_AWS_19", "CKV_AWS_145", "AVD-AWS-0088", "AwsSolutions-S3"],
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, stack) {
    const configurations = [
      ...blocks(bucket.config.server_side_encryption_configuration),
      ...bucketCompanions(bucket, "aws_s3_bucket_server_side_encryption_configuration", stack).map((c) => c.config),
    ];
    const encrypted = configurations.some((c) =>
      blocks(c.rule).some((rule) =>
        ALGORITHMS.includes(String(stack.resolve(block(rule.apply_server_side_encryption_by_default)?.sse_algorithm))),
      ),
    );
    return encrypted ? COMPLIANT : nonCompliant("has no server-side encryption configuration naming an algorithm");
  },
};
