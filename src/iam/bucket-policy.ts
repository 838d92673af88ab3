import { PolicyDocument, PolicyStatement, denyInsecureTransport, policyDocument } from "./policy-document";

/** Object actions on state: reading, writing, deleting and the lock file, in every version. */
const STATE_OBJECT_ACTIONS = [
  "s3:GetObject",
  "s3:GetObjectVersion",
  "s3:PutObject",
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
];

export interface StateBucketPolicyOptions {
  /** IAM role or user ARNs that alone may read, write and list state; empty: no principal restriction. */
  readonly deployers: readonly string[];
}

/**
 * Policy of the state bucket: no request without TLS; no object written without SSE-KMS (a put that asks
 * for no encryption, or for SSE-S3, is refused); and, when deployers are configured, no principal but them
 * reads, writes or lists state. Bucket management (policy, encryption settings) is not denied, so a
 * misconfigured deployer list cannot lock the account out of its own bucket.
 */
export function stateBucketPolicy(bucketArn: string, options: StateBucketPolicyOptions): PolicyDocument {
  const objects = `${bucketArn}/*`;
  const statements: PolicyStatement[] = [
    denyInsecureTransport(["s3:*"], [bucketArn, objects]),
    {
      Sid: "DenyPutsWithoutKms",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["s3:PutObject"],
      Resource: [objects],
      // A missing header does not equal "aws:kms" either: unencrypted puts are refused too.
      Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    },
  ];
  if (options.deployers.length > 0) {
    statements.push({
      Sid: "DenyStateToOtherPrincipals",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: [...STATE_OBJECT_ACTIONS, "s3:ListBucket"],
      Resource: [bucketArn, objects],
      Condition: { ArnNotEquals: { "aws:PrincipalArn": [...options.deployers] } },
    });
  }
  return policyDocument(statements);
}
