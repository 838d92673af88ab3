import { block } from "../../terraform/stack-document";
import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

export const lambdaInVpc: ResourceRule = {
  id: "lambda-in-vpc",
  scope: "resource",
  title: "Functions run inside a VPC",
  explanation:
    "A function attached to private subnets reaches the network only through routes and security groups you control, which matters when it talks to private resources or must not reach the internet.",
  fix: "Set vpc_config with private subnet_ids and security_group_ids (and VPC endpoints or NAT for the AWS APIs the function calls).",
  mirrors: ["CKV_AWS_117"],
  resourceTypes: ["aws_lambda_function"],
  check(fn) {
    const vpc = block(fn.config.vpc_config);
    const subnets = vpc?.subnet_ids;
    return Array.isArray(subnets) && subnets.length > 0 ? COMPLIANT : nonCompliant("has no vpc_config with subnets");
  },
};
