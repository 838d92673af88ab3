import { COMPLIANT, ResourceRule, nonCompliant } from "../types";

export const lambdaReservedConcurrency: ResourceRule = {
  id: "lambda-reserved-concurrency",
  scope: "resource",
  title: "Functions reserve (and so cap) their concurrency",
  explanation:
    "Reserved concurrency guarantees a function capacity in the account and caps how far it scales, which protects downstream systems and other functions sharing the account's concurrency pool.",
  fix: "Set reserved_concurrent_executions to the function's planned peak.",
  mirrors: ["CKV_AWS_115"],
  resourceTypes: ["aws_lambda_function"],
  check(fn) {
    const reserved = fn.config.reserved_concurrent_executions;
    return reserved !== undefined && reserved !== null && reserved !== -1
      ? COMPLIANT
      : nonCompliant("has no reserved_concurrent_executions; it scales into the account's shared pool without a cap");
  },
};
