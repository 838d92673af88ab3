import { PolicyDocument, policyDocument } from "./policy-document";

/**
 * Policy of the key encrypting the alarm topic: the account administers the key (AWS's default key
 * policy, so IAM policies keep working), and CloudWatch may use it to publish alarms from this account
 * only. A key policy's resource is always the key itself, written `*`.
 */
export function alarmTopicKeyPolicy(accountId: string): PolicyDocument {
  return policyDocument([
    {
      Sid: "AccountAdministersKey",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${accountId}:root` },
      Action: ["kms:*"],
      Resource: ["*"],
    },
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
