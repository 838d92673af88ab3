import { bucketCompanions } from "../s3-bucket-companions";
import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

const SETTINGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"] as const;

export const s3PublicAccessFullyBlocked: ResourceRule = {
  id: "s3-public-access-fully-blocked",
  scope: "resource",
  title: "Buckets block public access with all four settings",
  explanation:
    "The public access block overrides any ACL or policy that would make the bucket or its objects public; all four settings are needed to close both ACLs and policies. Terraform state holds resource attributes and sometimes secrets.",
  fix: `Add an aws_s3_bucket_public_access_block for the bucket with ${SETTINGS.join(", ")} all true.`,
  mirrors: [
    "CKV_AWS_53",
    "CKV_AWS_54",
    "CKV_AWS_55",
    "CKV_AWS_56",
    "CKV2_AWS_6",
    "AVD-AWS-0086",
    "AVD-AWS-0087",
    "AVD-AWS-0091",
    "AVD-AWS-0093",
    "AVD-AWS-0094",
    "AwsSolutions-S2",
  ],
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, stack) {
    const blocks = bucketCompanions(bucket, "aws_s3_bucket_public_access_block", stack);
    if (blocks.length === 0) return nonCompliant("has no aws_s3_bucket_public_access_block");
    const off = SETTINGS.filter((s) => !blocks.some((b) => stack.resolve(b.config[s]) === true));
    return off.length === 0 ? COMPLIANT : nonCompliant(`public access block leaves ${off.join(", ")} off`);
  },
};
