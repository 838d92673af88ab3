import { block, blocks } from "../../terraform/stack-document";
import { bucketCompanions } from "../s3-bucket-companions";
import { COMPLIANT, NOT_APPLICABLE, ResourceRule, SynthesizedResource, nonCompliant } from "../types";
import type { StackContext } from "../stack-context";

/** A key id that names a customer-managed key, not an AWS-managed alias such as alias/aws/sqs. */
function isCustomerKey(value: unknown, stack: StackContext): boolean {
  const key = stack.resolve(value);
  return typeof key === "string" && key !== "" && !/^alias\/aws\//.test(key) && !/:alias\/aws\//.test(key);
}

/** Where each resource type takes its KMS key, and whether the check applies to it. */
const KEY_OF: Readonly<
  Record<string, (r: SynthesizedResource, stack: StackContext) => { applies: boolean; key: unknown; argument: string }>
> = {
  aws_lambda_function: (r) => {
    const variables = block(r.config.environment)?.variables;
    return {
      applies: typeof variables === "object" && variables !== null && Object.keys(variables).length > 0,
      key: r.config.kms_key_arn,
      argument: "kms_key_arn",
    };
  },
  aws_cloudwatch_log_group: (r) => ({ applies: true, key: r.config.kms_key_id, argument: "kms_key_id" }),
  aws_dynamodb_table: (r) => ({
    applies: true,
    key: block(r.config.server_side_encryption)?.kms_key_arn,
    argument: "server_side_encryption.kms_key_arn",
  }),
  aws_sqs_queue: (r) => ({ applies: true, key: r.config.kms_master_key_id, argument: "kms_master_key_id" }),
  aws_sns_topic: (r) => ({ applies: true, key: r.config.kms_master_key_id, argument: "kms_master_key_id" }),
  aws_s3_bucket: (r, stack) => {
    const keys = bucketCompanions(r, "aws_s3_bucket_server_side_encryption_configuration", stack).flatMap((c) =>
      blocks(c.config.rule).map((rule) => block(rule.apply_server_side_encryption_by_default)?.kms_master_key_id),
    );
    return {
      applies: true,
      key: keys.find((k) => isCustomerKey(k, stack)),
      argument: "apply_server_side_encryption_by_default.kms_master_key_id",
    };
  },
};

export const kmsCustomerManagedKey: ResourceRule = {
  id: "kms-customer-managed-key",
  scope: "resource",
  title: "Data at rest is encrypted with a customer-managed KMS key (not an AWS-managed or AWS-owned key)",
  explanation:
    "A customer-managed key adds a key policy of your own, rotation you control, cross-account sharing and the option to revoke access to the data by disabling the key.",
  fix: "Create an aws_kms_key (with rotation and a key policy) and set it as the resource's key argument.",
  mirrors: [
    "CKV_AWS_173",
    "CKV_AWS_158",
    "CKV_AWS_119",
    "CKV2_AWS_73",
    "AVD-AWS-0017",
    "AVD-AWS-0025",
    "AVD-AWS-0132",
    "AVD-AWS-0135",
    "AVD-AWS-0136",
  ],
  resourceTypes: Object.keys(KEY_OF),
  check(resource, stack) {
    const keyOf = KEY_OF[resource.type];
    if (!keyOf) return NOT_APPLICABLE;
    const { applies, key, argument } = keyOf(resource, stack);
    if (!applies) return NOT_APPLICABLE;
    return isCustomerKey(key, stack) ? COMPLIANT : nonCompliant(`${argument} names no customer-managed key`);
  },
};
