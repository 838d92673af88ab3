import { block } from "../../terraform/stack-document";
import { describe } from "../terraform-values";
import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

export const lambdaActiveTracing: ResourceRule = {
  id: "lambda-active-tracing",
  scope: "resource",
  title: "Functions trace with X-Ray (tracing_config.mode Active)",
  explanation:
    "Active tracing samples requests and links each invocation to the state machine and the AWS calls it makes, which is how a slow or failing order is followed across services.",
  fix: 'Set tracing_config { mode = "Active" } (the Microservice construct does when xray_tracing_enabled is true, its default).',
  mirrors: ["CKV_AWS_50", "AVD-AWS-0066", "serverless-rules WS1000"],
  resourceTypes: ["aws_lambda_function"],
  check(fn, stack) {
    const mode = stack.resolve(block(fn.config.tracing_config)?.mode);
    return mode === "Active" ? COMPLIANT : nonCompliant(`tracing_config.mode is ${describe(mode)}, not "Active"`);
  },
};
