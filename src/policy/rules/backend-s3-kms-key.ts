import { block } from "../../terraform/stack-document";
import { describe } from "../terraform-values";
import { NOT_APPLICABLE, StackRule, nonCompliant, COMPLIANT } from "../types";

/** What the S3 backend accepts as kms_key_id: a key id, key ARN, alias name or alias ARN (not the AWS-managed aws/s3). */
const KMS_KEY =
  /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key\/[0-9a-f-]{36}|alias\/[A-Za-z0-9/_-]+)|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|alias\/[A-Za-z0-9/_-]+)$/;

export const backendS3KmsKey: StackRule = {
  id: "backend-s3-kms-key",
  scope: "stack",
  address: "terraform.backend.s3",
  title: "An S3 state backend encrypts state with a customer-managed KMS key (kms_key_id)",
  explanation:
    "With encrypt alone Terraform asks S3 for SSE-S3 (AES256): any principal of the account with s3:GetObject reads the state, which holds every resource's attributes. Under a customer-managed key, reading state also takes kms:Decrypt, which the key policy gives the deployers only.",
  fix: "Set kms_key_id in the s3 backend to the bootstrap stack's key (useS3StateBackend sets the configured alias, ORDERS_STATE_KMS_KEY_ALIAS).",
  mirrors: [],
  check(stack) {
    const s3 = block(stack.backend?.s3);
    if (!s3) return NOT_APPLICABLE;
    const key = s3.kms_key_id;
    if (typeof key !== "string" || key === "")
      return nonCompliant(`kms_key_id is ${describe(key)}: state is written with SSE-S3, not SSE-KMS`, "kms_key_id");
    if (/(^|:)alias\/aws\//.test(key))
      return nonCompliant(
        `kms_key_id ${describe(key)} is an AWS-managed key, whose policy no deployer list can narrow`,
        "kms_key_id",
      );
    if (!KMS_KEY.test(key))
      return nonCompliant(`kms_key_id ${describe(key)} is not a KMS key id, key ARN, alias or alias ARN`, "kms_key_id");
    return COMPLIANT;
  },
};
