import { block } from "../../terraform/stack-document";
import { describe } from "../terraform-values";
import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

export const sfnXrayTracing: ResourceRule = {
  id: "sfn-xray-tracing",
  scope: "resource",
  title: "State machines trace executions with X-Ray",
  explanation:
    "Tracing links each execution to the functions and service calls of its states, end to end with the functions' own traces.",
  fix: "Set tracing_configuration { enabled = true } (OrderWorkflow does when xray_tracing_enabled is true, its default).",
  mirrors: ["CKV_AWS_284", "AwsSolutions-SF2", "serverless-rules WS5000"],
  resourceTypes: ["aws_sfn_state_machine"],
  check(machine, stack) {
    const enabled = stack.resolve(block(machine.config.tracing_configuration)?.enabled);
    return enabled === true
      ? COMPLIANT
      : nonCompliant(`tracing_configuration.enabled is ${describe(enabled)}, not true`);
  },
};
