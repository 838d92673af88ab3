import { backendS3EncryptedAndLocked } from "../../../src/policy/rules/backend-s3-encrypted-and-locked";
import { s3DefaultEncryption } from "../../../src/policy/rules/s3-default-encryption";
import { s3PublicAccessFullyBlocked } from "../../../src/policy/rules/s3-public-access-fully-blocked";
import { s3TlsOnlyPolicy } from "../../../src/policy/rules/s3-tls-only-policy";
import { s3VersioningEnabled } from "../../../src/policy/rules/s3-versioning-enabled";
import { judge, messages, stackJson } from "../support/judge";

const B = "aws_s3_bucket.state";
const BUCKET = "${aws_s3_bucket.state.id}";
const TLS_ONLY = JSON.stringify({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["s3:*"],
      Resource: ["${aws_s3_bucket.state.arn}", "${aws_s3_bucket.state.arn}/*"],
      Condition: { Bool: { "aws:SecureTransport": false } },
    },
  ],
});

/** The hardened state bucket of the bootstrap stack, with `omit` companions left out. */
function bucket(omit: string[] = [], changes: Record<string, Record<string, unknown>> = {}) {
  const companions: Record<string, Record<string, Record<string, unknown>>> = {
    aws_s3_bucket_versioning: { v: { bucket: BUCKET, versioning_configuration: { status: "Enabled" } } },
    aws_s3_bucket_public_access_block: {
      pab: {
        bucket: BUCKET,
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      },
    },
    aws_s3_bucket_policy: { tls: { bucket: BUCKET, policy: TLS_ONLY } },
    aws_s3_bucket_server_side_encryption_configuration: {
      sse: {
        bucket: BUCKET,
        rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms" }, bucket_key_enabled: true }],
      },
    },
  };
  for (const type of omit) delete companions[type];
  for (const [type, config] of Object.entries(changes)) companions[type] = { x: { bucket: BUCKET, ...config } };
  return stackJson({ aws_s3_bucket: { state: { bucket: "orders-terraform-state" } }, ...companions });
}

const S3_RULES = [s3VersioningEnabled, s3PublicAccessFullyBlocked, s3TlsOnlyPolicy, s3DefaultEncryption];

describe("the S3 bucket rules", () => {
  it("all accept the hardened state bucket", () => {
    expect(S3_RULES.map((rule) => judge(rule, bucket(), B).status)).toEqual([
      "compliant",
      "compliant",
      "compliant",
      "compliant",
    ]);
  });

  it("each fails the bucket without its companion resource", () => {
    const bare = bucket([
      "aws_s3_bucket_versioning",
      "aws_s3_bucket_public_access_block",
      "aws_s3_bucket_policy",
      "aws_s3_bucket_server_side_encryption_configuration",
    ]);
    expect(S3_RULES.map((rule) => messages(judge(rule, bare, B)))).toEqual([
      ['has no aws_s3_bucket_versioning with status "Enabled"'],
      ["has no aws_s3_bucket_public_access_block"],
      ["no bucket policy denies s3:* on the bucket and its objects when aws:SecureTransport is false"],
      ["has no server-side encryption configuration naming an algorithm"],
    ]);
  });

  it("do not count companions of another bucket", () => {
    const json = stackJson({
      aws_s3_bucket: { state: { bucket: "orders-terraform-state" }, logs: { bucket: "logs" } },
      aws_s3_bucket_versioning: {
        v: { bucket: "${aws_s3_bucket.logs.id}", versioning_configuration: { status: "Enabled" } },
      },
    });
    expect(judge(s3VersioningEnabled, json, B).status).toBe("non-compliant");
  });
});

describe("s3-public-access-fully-blocked", () => {
  it("names the settings left off", () => {
    const partial = bucket(["aws_s3_bucket_public_access_block"], {
      aws_s3_bucket_public_access_block: {
        block_public_acls: true,
        block_public_policy: false,
        ignore_public_acls: true,
      },
    });
    expect(messages(judge(s3PublicAccessFullyBlocked, partial, B))).toEqual([
      "public access block leaves block_public_policy, restrict_public_buckets off",
    ]);
  });
});

describe("s3-tls-only-policy", () => {
  it("fails a policy that covers the objects but not the bucket, or allows instead of denies", () => {
    const objectsOnly = TLS_ONLY.replace('"${aws_s3_bucket.state.arn}",', "");
    expect(
      judge(s3TlsOnlyPolicy, bucket(["aws_s3_bucket_policy"], { aws_s3_bucket_policy: { policy: objectsOnly } }), B)
        .status,
    ).toBe("non-compliant");
    const allow = TLS_ONLY.replace('"Deny"', '"Allow"');
    expect(
      judge(s3TlsOnlyPolicy, bucket(["aws_s3_bucket_policy"], { aws_s3_bucket_policy: { policy: allow } }), B).status,
    ).toBe("non-compliant");
  });
});

describe("backend-s3-encrypted-and-locked", () => {
  const withBackend = (backend: Record<string, unknown>) => stackJson({}, { backend });

  it("accepts an encrypted, locked S3 backend; does not apply to a local one", () => {
    expect(
      judge(
        backendS3EncryptedAndLocked,
        withBackend({ s3: { bucket: "b", key: "k", encrypt: true, use_lockfile: true } }),
      ).status,
    ).toBe("compliant");
    expect(judge(backendS3EncryptedAndLocked, withBackend({ local: { path: "terraform.tfstate" } })).status).toBe(
      "not-applicable",
    );
  });

  it("fails an S3 backend without encryption or locking", () => {
    expect(messages(judge(backendS3EncryptedAndLocked, withBackend({ s3: { bucket: "b", key: "k" } })))).toEqual([
      "encrypt is unset, not true",
      "use_lockfile is unset, not true: applies are not locked",
    ]);
  });
});
