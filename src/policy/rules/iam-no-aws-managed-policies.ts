import { COMPLIANT, NOT_APPLICABLE, ResourceRule, nonCompliant } from "../types";

const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\//;

export const iamNoAwsManagedPolicies: ResourceRule = {
  id: "iam-no-aws-managed-policies",
  scope: "resource",
  title: "No AWS-managed policy is attached to a role, user or group",
  explanation:
    "AWS-managed policies are written for every customer: most grant whole services on every resource (AmazonDynamoDBFullAccess, AWSLambda_FullAccess) and change when AWS updates them. Inline policies built beside the resource grant what the code does.",
  fix: "Replace the attachment with an inline policy of the exact actions on the exact resources (ServiceRole statements).",
  mirrors: ["AwsSolutions-IAM4", "CKV_AWS_274", "CKV2_AWS_56"],
  resourceTypes: [
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
    "aws_iam_role",
  ],
  check(resource) {
    const arns = resource.type === "aws_iam_role" ? resource.config.managed_policy_arns : [resource.config.policy_arn];
    if (!Array.isArray(arns) || arns.length === 0) return NOT_APPLICABLE;
    const managed = arns.filter((arn): arn is string => typeof arn === "string" && AWS_MANAGED_POLICY.test(arn));
    return managed.length === 0 ? COMPLIANT : nonCompliant(`attaches the AWS-managed ${managed.join(", ")}`);
  },
};
