import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { StateBackendSettings } from "../config/app-config";
import { tlsOnlyBucketPolicy } from "../iam/bucket-policy";

export interface StateBucketStackProps {
  /** The bucket to create and its region. */
  readonly backend: StateBackendSettings;
}

/**
 * Bootstrap: the S3 bucket the environment stacks keep their state in, hardened (versioned, encrypted,
 * private, TLS only, owner-enforced), with its own state kept locally since the bucket cannot hold it yet.
 */
export class StateBucketStack extends TerraformStack {
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: StateBucketStackProps) {
    super(scope, id);
    new LocalBackend(this, { path: "terraform.tfstate" });
    new AwsProvider(this, "aws", {
      region: props.backend.region,
      defaultTags: [{ tags: { project: "orders-pipeline", purpose: "terraform-state", "managed-by": "cdktf" } }],
    });
    this.bucket = new S3Bucket(this, "state-bucket", {
      bucket: props.backend.bucket,
      lifecycle: { preventDestroy: true },
    });
    new S3BucketVersioningA(this, "versioning", {
      bucket: this.bucket.id,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      bucket: this.bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }],
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
    new S3BucketPolicy(this, "tls-only", {
      bucket: this.bucket.id,
      policy: JSON.stringify(tlsOnlyBucketPolicy(this.bucket.arn)),
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
    new TerraformOutput(this, "state_bucket_name", { value: this.bucket.bucket, description: "Bucket holding the environment stacks' state." });
  }
}
