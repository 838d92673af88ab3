import { block } from "../../terraform/stack-document";
import { COMPLIANT, ResourceRule, SynthesizedResource, nonCompliant } from "../types";
import type { StackContext } from "../stack-context";

export const lambdaFailureDestination: ResourceRule = {
  id: "lambda-failure-destination",
  scope: "resource",
  title: "Functions keep failed asynchronous invocations (dead-letter queue or on-failure destination)",
  explanation:
    "When an asynchronous invocation (EventBridge, SNS, S3) fails after Lambda's retries, the event is dropped unless the function has a dead-letter queue or an on-failure destination. Synchronous callers get the error back instead, and retry on their side.",
  fix: "Add an aws_lambda_function_event_invoke_config with destination_config.on_failure (Microservice: asyncFailureQueueName), or dead_letter_config.target_arn.",
  mirrors: ["CKV_AWS_116", "serverless-rules ES1007"],
  resourceTypes: ["aws_lambda_function"],
  check(fn, stack) {
    if (block(fn.config.dead_letter_config)?.target_arn) return COMPLIANT;
    const configured = stack
      .resources("aws_lambda_function_event_invoke_config")
      .some(
        (c) =>
          isFunction(c.config.function_name, fn, stack) &&
          block(block(c.config.destination_config)?.on_failure)?.destination,
      );
    if (configured) return COMPLIANT;
    const invokers = asynchronousInvokers(fn, stack);
    return nonCompliant(
      invokers.length > 0
        ? `has no dead-letter queue or on-failure destination, and ${invokers.join(", ")} ${invokers.length === 1 ? "invokes" : "invoke"} it asynchronously`
        : "has no dead-letter queue or on-failure destination (no asynchronous invoker in this stack)",
    );
  },
};

function isFunction(value: unknown, fn: SynthesizedResource, stack: StackContext): boolean {
  const target = stack.referenced(value, "aws_lambda_function");
  return target ? target.address === fn.address : value === fn.config.function_name;
}

/** Event targets and service permissions that invoke the function asynchronously. */
function asynchronousInvokers(fn: SynthesizedResource, stack: StackContext): string[] {
  const targets = stack.resources("aws_cloudwatch_event_target").filter((t) => isFunction(t.config.arn, fn, stack));
  const permissions = stack
    .resources("aws_lambda_permission")
    .filter(
      (p) => isFunction(p.config.function_name, fn, stack) && /\.amazonaws\.com$/.test(String(p.config.principal)),
    );
  return [...targets, ...permissions].map((r) => r.address);
}
