import { PolicyDocument, policyDocument } from "./policy-document";

/** AWS's default key policy statement: the account administers the key, so IAM policies keep working. */
function accountAdministersKey(accountId: string) {
  return {
    Sid: "AccountAdministersKey",
    Effect: "Allow" as const,
    Principal: { AWS: `arn:aws:iam::${accountId}:root` },
    Action: ["kms:*"],
    Resource: ["*"],
  };
}

/**
 * Policy of the key encrypting the alarm topic: the account administers the key (AWS's default key
 * policy, so IAM policies keep working), and CloudWatch may use it to publish alarms from this account
 * only. A key policy's resource is always the key itself, written `*`.
 */
export function alarmTopicKeyPolicy(accountId: string): PolicyDocument {
  return policyDocument([
    accountAdministersKey(accountId),
    {
      Sid: "CloudWatchAlarmsPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: ["*"],
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    },
  ]);
}

/** What a backend does with the state key: encrypt and decrypt state, under S3's bucket key. */
const STATE_KEY_USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/**
 * Policy of the key encrypting Terraform state: the account administers it (AWS's default key policy, so
 * IAM policies keep working) and, when deployers are configured, no other principal may use it to encrypt
 * or decrypt: state stays unreadable to them even with s3:GetObject. Administration is not denied, so a
 * wrong deployer list cannot orphan the key.
 */
export function stateKeyPolicy(accountId: string, deployers: readonly string[]): PolicyDocument {
  return policyDocument([
    accountAdministersKey(accountId),
    ...(deployers.length > 0
      ? [
          {
            Sid: "OnlyDeployersUseKey",
            Effect: "Deny" as const,
            Principal: { AWS: "*" },
            Action: STATE_KEY_USE,
            Resource: ["*"],
            Condition: { ArnNotEquals: { "aws:PrincipalArn": [...deployers] } },
          },
        ]
      : []),
  ]);
}
