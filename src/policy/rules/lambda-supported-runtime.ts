import { describe } from "../terraform-values";
import { NOT_APPLICABLE, COMPLIANT, ResourceRule, nonCompliant } from "../types";

/**
 * Last day of support of each Lambda runtime the check knows (AWS Lambda runtime deprecation
 * schedule). A runtime missing from this table is reported as unknown, so a new one is added here
 * deliberately, with its date.
 */
const LAMBDA_RUNTIME_END_OF_SUPPORT: Readonly<Record<string, string>> = {
  "nodejs24.x": "2028-04-30",
  "nodejs22.x": "2027-04-30",
  "nodejs20.x": "2026-04-30",
  "nodejs18.x": "2025-09-01",
  "nodejs16.x": "2024-06-12",
  "python3.13": "2029-06-30",
  "python3.12": "2028-10-31",
  "python3.11": "2026-06-30",
  "python3.10": "2026-06-30",
  "python3.9": "2025-12-15",
  java21: "2029-06-30",
  java17: "2026-06-30",
  "provided.al2023": "2029-06-30",
  "provided.al2": "2026-06-30",
};

/** Builds the rule for a given day; the stack check uses today. */
export function lambdaSupportedRuntimeOn(today: () => Date): ResourceRule {
  return {
    id: "lambda-supported-runtime",
    scope: "resource",
    title: "Functions run on a Lambda runtime that is still supported",
    explanation:
      "A runtime past its end of support gets no security patches, and Lambda later blocks creating and updating functions on it. nodejs22.x is current; nodejs20.x reached end of support on 2026-04-30.",
    fix: "Set the function's runtime to a supported one (LAMBDA_RUNTIME in src/bundling/handler-bundles.ts, and the esbuild target with it).",
    mirrors: ["CKV_AWS_363", "AwsSolutions-L1", "serverless-rules E2531 (aws_lambda_function_eol_runtime)"],
    resourceTypes: ["aws_lambda_function"],
    check(fn, stack) {
      if (fn.config.package_type === "Image") return NOT_APPLICABLE;
      const runtime = stack.resolve(fn.config.runtime);
      if (typeof runtime !== "string") {
        return nonCompliant(`runtime is ${describe(runtime)}; name a supported runtime such as "nodejs22.x"`);
      }
      const endOfSupport = LAMBDA_RUNTIME_END_OF_SUPPORT[runtime];
      if (endOfSupport === undefined)
        return nonCompliant(`runtime "${runtime}" is not a runtime the check knows to be supported`);
      if (today().toISOString().slice(0, 10) >= endOfSupport) {
        return nonCompliant(`runtime "${runtime}" reached end of support on ${endOfSupport}`);
      }
      return COMPLIANT;
    },
  };
}

export const lambdaSupportedRuntime = lambdaSupportedRuntimeOn(() => new Date());
