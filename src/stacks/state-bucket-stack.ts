import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { KmsKeyPolicy } from "@cdktf/provider-aws/lib/kms-key-policy";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Fn, LocalBackend, TerraformLocal, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { StateBackendSettings } from "../config/app-config";
import { stateBucketPolicy } from "../iam/bucket-policy";
import { stateKeyPolicy } from "../iam/key-policy";

export interface StateBucketStackProps {
  /** The bucket to create, its region, the key alias the backends name and the deployers. */
  readonly backend: StateBackendSettings;
  /** The only accounts the stack may be applied to. Default: any. */
  readonly allowedAccountIds?: readonly string[];
}

/**
 * Bootstrap: the S3 bucket the environment stacks keep their state in, hardened (versioned, private, TLS
 * only, owner-enforced, SSE-KMS under its own customer-managed key, puts without SSE-KMS refused, state
 * readable by the configured deployers only), with its own state kept locally since the bucket cannot hold
 * it yet.
 */
export class StateBucketStack extends TerraformStack {
  readonly bucket: S3Bucket;
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: StateBucketStackProps) {
    super(scope, id);
    const { backend } = props;
    new LocalBackend(this, { path: "terraform.tfstate" });
    new AwsProvider(this, "aws", {
      region: backend.region,
      ...(props.allowedAccountIds && props.allowedAccountIds.length > 0
        ? { allowedAccountIds: [...props.allowedAccountIds] }
        : {}),
      defaultTags: [{ tags: { project: "orders-pipeline", purpose: "terraform-state", "managed-by": "cdktf" } }],
    });
    this.key = new KmsKey(this, "state-key", {
      description: `Encrypts the Terraform state in ${backend.bucket}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      lifecycle: { preventDestroy: true },
    });
    // The account comes from the key's own ARN: no data source that calls AWS, so the stack plans offline;
    // a local keeps the reference plain (${local.account_id}) inside the JSON document.
    const account = new TerraformLocal(this, "account_id", Fn.element(Fn.split(":", this.key.arn), 4));
    account.overrideLogicalId("account_id");
    const accountId = account.asString;
    new KmsKeyPolicy(this, "state-key-policy", {
      keyId: this.key.keyId,
      policy: JSON.stringify(stateKeyPolicy(accountId, backend.deployers)),
    });
    new KmsAlias(this, "state-key-alias", { name: backend.kmsKeyAlias, targetKeyId: this.key.keyId });
    this.bucket = new S3Bucket(this, "state-bucket", {
      bucket: backend.bucket,
      lifecycle: { preventDestroy: true },
    });
    new S3BucketVersioningA(this, "versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: this.key.arn },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketPublicAccessBlock(this, "public-access-block", {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "ownership", {
      bucket: this.bucket.id,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketPolicy(this, "state-bucket-policy", {
      bucket: this.bucket.id,
      policy: JSON.stringify(stateBucketPolicy(this.bucket.arn, { deployers: backend.deployers })),
    });
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      bucket: this.bucket.id,
      rule: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    new TerraformOutput(this, "state_bucket_name", {
      value: this.bucket.bucket,
      description: "Bucket holding the environment stacks' state.",
    });
    new TerraformOutput(this, "state_key_arn", {
      value: this.key.arn,
      description: `KMS key the state is encrypted with (alias ${backend.kmsKeyAlias}).`,
    });
  }
}
