import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Testing } from "cdktf";
import { StateBucketStack } from "../../src/stacks/state-bucket-stack";

describe("StateBucketStack (bootstrap)", () => {
  const app = Testing.app();
  const stack = new StateBucketStack(app, "state-bootstrap", {
    backend: { bucket: "team-orders-state", region: "eu-west-1", keyPrefix: "orders" },
  });
  const text = Testing.synth(stack);
  const json = JSON.parse(text);

  test("keeps its own state locally: the bucket cannot hold the state that creates it", () => {
    expect(json.terraform.backend).toEqual({ local: { path: "terraform.tfstate" } });
  });

  test("creates the configured bucket, protected from destroy", () => {
    expect(text).toHaveResourceWithProperties(S3Bucket, { bucket: "team-orders-state", lifecycle: { prevent_destroy: true } });
  });

  test("versioned, KMS-encrypted, with every public access block on", () => {
    expect(text).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
    expect(text).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" }, bucket_key_enabled: true }],
    });
    expect(text).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  test("refuses requests without TLS", () => {
    const policy = JSON.parse((Object.values(json.resource.aws_s3_bucket_policy)[0] as { policy: string }).policy);
    expect(policy.Statement[0]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": false } } });
  });
});
