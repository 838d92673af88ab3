import { block } from "../../terraform/stack-document";
import { bucketCompanions } from "../s3-bucket-companions";
import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

export const s3VersioningEnabled: ResourceRule = {
  id: "s3-versioning-enabled",
  scope: "resource",
  title: "Buckets keep object versions (versioning Enabled)",
  explanation:
    "The state bucket holds every environment's Terraform state: versioning is how a state overwritten by a bad apply, or deleted, is recovered.",
  fix: 'Add an aws_s3_bucket_versioning for the bucket with versioning_configuration { status = "Enabled" }.',
  mirrors: ["CKV_AWS_21", "AVD-AWS-0090"],
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, stack) {
    if (stack.resolve(block(bucket.config.versioning)?.enabled) === true) return COMPLIANT;
    const enabled = bucketCompanions(bucket, "aws_s3_bucket_versioning", stack).some(
      (v) => stack.resolve(block(v.config.versioning_configuration)?.status) === "Enabled",
    );
    return enabled ? COMPLIANT : nonCompliant('has no aws_s3_bucket_versioning with status "Enabled"');
  },
};
