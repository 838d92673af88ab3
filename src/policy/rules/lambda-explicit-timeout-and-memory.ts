import { Problem, ResourceRule, verdictOf } from "../types";

export const lambdaExplicitTimeoutAndMemory: ResourceRule = {
  id: "lambda-explicit-timeout-and-memory",
  scope: "resource",
  title: "Functions set their timeout and memory size explicitly",
  explanation:
    "Lambda's defaults (3 s, 128 MB) are rarely what a function needs: too short a timeout fails calls that would have succeeded, and CPU scales with memory. A deliberate value is also what the workflow's task timeouts are measured against.",
  fix: "Set timeout and memory_size on the function (Microservice: timeoutSeconds, memorySize).",
  mirrors: ["serverless-rules ES1006 (default timeout)", "serverless-rules ES1005 (default memory size)"],
  resourceTypes: ["aws_lambda_function"],
  check(fn) {
    const problems: Problem[] = [];
    if (fn.config.timeout === undefined || fn.config.timeout === null)
      problems.push({ message: "timeout is not set (Lambda defaults to 3 seconds)", subject: "timeout" });
    if (fn.config.memory_size === undefined || fn.config.memory_size === null) {
      problems.push({ message: "memory_size is not set (Lambda defaults to 128 MB)", subject: "memory_size" });
    }
    return verdictOf(problems);
  },
};
