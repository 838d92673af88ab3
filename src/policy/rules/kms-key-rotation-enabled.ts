import { COMPLIANT, NOT_APPLICABLE, ResourceRule, nonCompliant } from "../types";

export const kmsKeyRotationEnabled: ResourceRule = {
  id: "kms-key-rotation-enabled",
  scope: "resource",
  title: "Customer-managed symmetric keys rotate their key material yearly",
  explanation:
    "Automatic rotation replaces the key material every year while old ciphertext stays readable, limiting how much data one key version protects; KMS cannot rotate asymmetric or HMAC keys, so those are not applicable.",
  fix: "Set enable_key_rotation = true on the aws_kms_key.",
  mirrors: ["CKV_AWS_7", "AwsSolutions-KMS5"],
  resourceTypes: ["aws_kms_key"],
  check(key, stack) {
    const spec = stack.resolve(key.config.customer_master_key_spec);
    if (spec !== undefined && spec !== "SYMMETRIC_DEFAULT") return NOT_APPLICABLE;
    return stack.resolve(key.config.enable_key_rotation) === true
      ? COMPLIANT
      : nonCompliant("enable_key_rotation is not true");
  },
};
