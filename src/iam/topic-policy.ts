import { PolicyDocument, denyInsecureTransport, policyDocument } from "./policy-document";

/**
 * Policy of the alarm topic: CloudWatch may publish to it for alarms of this account only, and no request
 * without TLS is accepted. It replaces SNS's default topic policy; the account's own principals keep what
 * their IAM policies grant.
 */
export function alarmTopicPolicy(topicArn: string, accountId: string): PolicyDocument {
  return policyDocument([
    denyInsecureTransport(["sns:*"], [topicArn]),
    {
      Sid: "CloudWatchAlarmsPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["sns:Publish"],
      Resource: [topicArn],
      Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    },
  ]);
}
