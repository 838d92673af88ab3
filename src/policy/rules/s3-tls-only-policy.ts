import { PolicyStatementView, parsePolicy } from "../iam-document";
import { bucketArns, bucketCompanions } from "../s3-bucket-companions";
import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

export const s3TlsOnlyPolicy: ResourceRule = {
  id: "s3-tls-only-policy",
  scope: "resource",
  title: "Bucket policies deny every request made without TLS (aws:SecureTransport false)",
  explanation:
    "S3 still answers plain HTTP: without a Deny on aws:SecureTransport = false, a misconfigured client can send or read state unencrypted on the wire.",
  fix: 'Attach a bucket policy with { "Effect": "Deny", "Principal": { "AWS": "*" }, "Action": "s3:*", "Resource": [<bucket arn>, <bucket arn>/*], "Condition": { "Bool": { "aws:SecureTransport": false } } } (denyInsecureTransport in src/iam/policy-document.ts).',
  mirrors: ["AwsSolutions-S10"],
  resourceTypes: ["aws_s3_bucket"],
  check(bucket, stack) {
    const arns = bucketArns(bucket);
    const texts = [
      bucket.config.policy,
      ...bucketCompanions(bucket, "aws_s3_bucket_policy", stack).map((p) => p.config.policy),
    ].filter((t) => t !== undefined);
    const deniesPlainHttp = (s: PolicyStatementView) =>
      s.effect === "Deny" &&
      s.principals.some((p) => p.value === "*") &&
      s.actions.some((a) => a === "*" || a.toLowerCase() === "s3:*") &&
      deniesInsecureTransport(s.condition) &&
      s.resources.some((r) => arns.bucket.includes(r)) &&
      s.resources.some((r) => arns.objects.includes(r));
    const found = texts.some((text) => {
      const policy = parsePolicy(stack, text);
      return policy.ok && policy.statements.some(deniesPlainHttp);
    });
    return found
      ? COMPLIANT
      : nonCompliant("no bucket policy denies s3:* on the bucket and its objects when aws:SecureTransport is false");
  },
};

function deniesInsecureTransport(condition: PolicyStatementView["condition"]): boolean {
  const bool = condition?.Bool ?? condition?.bool;
  const value = bool?.["aws:SecureTransport"];
  return (
    value === false || value === "false" || (Array.isArray(value) && value.length === 1 && String(value[0]) === "false")
  );
}
