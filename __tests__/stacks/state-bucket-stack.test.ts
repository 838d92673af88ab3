import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Testing } from "cdktf";
import { StateBucketStack } from "../../src/stacks/state-bucket-stack";

describe("StateBucketStack (bootstrap)", () => {
  const app = Testing.app();
  const stack = new StateBucketStack(app, "state-bootstrap", {
    backend: {
      bucket: "team-orders-state",
      region: "eu-west-1",
      keyPrefix: "orders",
      kmsKeyAlias: "alias/team-orders-state",
      deployers: ["arn:aws:iam::111111111111:role/orders-deployer"],
    },
    allowedAccountIds: ["111111111111"],
  });
  const text = Testing.synth(stack);
  const json = JSON.parse(text);

  test("keeps its own state locally: the bucket cannot hold the state that creates it", () => {
    expect(json.terraform.backend).toEqual({ local: { path: "terraform.tfstate" } });
  });

  test("creates the configured bucket, protected from destroy", () => {
    expect(text).toHaveResourceWithProperties(S3Bucket, {
      bucket: "team-orders-state",
      lifecycle: { prevent_destroy: true },
    });
  });

  test("applies to the configured account only", () => {
    expect(json.provider.aws[0].allowed_account_ids).toEqual(["111111111111"]);
  });

  test("versioned, encrypted by default with its own rotating key under the alias the backends name, with every public access block on", () => {
    expect(text).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: "Enabled" } });
    const [key = ""] = Object.keys(json.resource.aws_kms_key);
    expect(json.resource.aws_kms_key[key]).toMatchObject({
      enable_key_rotation: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(Object.values(json.resource.aws_kms_alias)[0]).toMatchObject({
      name: "alias/team-orders-state",
      target_key_id: `\${aws_kms_key.${key}.key_id}`,
    });
    expect(text).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: "aws:kms",
            kms_master_key_id: `\${aws_kms_key.${key}.arn}`,
          },
          bucket_key_enabled: true,
        },
      ],
    });
    expect(text).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
  });

  const bucketPolicy = () =>
    JSON.parse((Object.values(json.resource.aws_s3_bucket_policy)[0] as { policy: string }).policy);

  test("refuses requests without TLS", () => {
    expect(bucketPolicy().Statement[0]).toMatchObject({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": false } },
    });
  });

  test("refuses puts that do not ask for SSE-KMS, and state access by anyone but the deployers", () => {
    const [, puts, principals] = bucketPolicy().Statement;
    expect(puts).toMatchObject({
      Effect: "Deny",
      Action: ["s3:PutObject"],
      Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    });
    expect(principals).toMatchObject({
      Effect: "Deny",
      Condition: { ArnNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/orders-deployer"] } },
    });
    expect(principals.Action).toEqual(expect.arrayContaining(["s3:GetObject", "s3:PutObject"]));
    expect(principals.Action).not.toContain("s3:PutBucketPolicy");
  });

  test("the key may be used by the deployers only, and is administered by the account", () => {
    const key = Object.keys(json.resource.aws_kms_key)[0];
    const keyPolicy = Object.values(json.resource.aws_kms_key_policy)[0] as { key_id: string; policy: string };
    expect(keyPolicy.key_id).toBe(`\${aws_kms_key.${key}.key_id}`);
    const policy = JSON.parse(keyPolicy.policy);
    // The account is read from the key's ARN: the stack calls no AWS data source, so it plans offline.
    expect(json.data).toBeUndefined();
    expect(json.locals.account_id).toBe(`\${element(split(":", aws_kms_key.${key}.arn), 4)}`);
    expect(policy.Statement[0]).toMatchObject({
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::${local.account_id}:root" },
    });
    expect(policy.Statement[1]).toMatchObject({
      Effect: "Deny",
      Action: expect.arrayContaining(["kms:Decrypt", "kms:GenerateDataKey*"]),
      Condition: { ArnNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/orders-deployer"] } },
    });
  });
});
