import { BusinessError } from "../../contracts/errors";
import {
  AslRetrier,
  checkDefinition,
  errorMatches,
  isLambdaTask,
  maxAttempts,
  taskStates,
} from "../state-machine-definition";
import type { ResourceRule } from "../types";

/** The Lambda service errors AWS recommends every Lambda task retries (Step Functions best practices). */
export const LAMBDA_SERVICE_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
] as const;

const BUSINESS_ERRORS: readonly string[] = Object.values(BusinessError);

/** Whether the first retrier that applies to `error` retries it at least once. */
function retries(retry: readonly AslRetrier[] | undefined, error: string): boolean {
  const first = (retry ?? []).find((r) => errorMatches(r.ErrorEquals, error));
  return first !== undefined && maxAttempts(first) > 0;
}

export const sfnTaskRetriesTransientErrors: ResourceRule = {
  id: "sfn-task-retries-transient-errors",
  scope: "resource",
  title: "Every Task retries transient errors (Lambda tasks: the Lambda service errors)",
  explanation:
    "Throttling and service errors are routine at scale. A Task without a retrier fails the order on the first blip; Lambda tasks in particular must retry Lambda.ServiceException, AWSLambdaException, SdkClientException and TooManyRequestsException.",
  fix: 'Add a Retry entry with backoff and jitter for the integration\'s transient errors, e.g. { "ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"], "IntervalSeconds": 1, "MaxAttempts": 5, "BackoffRate": 2, "JitterStrategy": "FULL" }.',
  mirrors: ["AWS Step Functions best practice: handle transient Lambda service exceptions"],
  resourceTypes: ["aws_sfn_state_machine"],
  check(machine, stack) {
    return checkDefinition(machine, stack, (root, problems) => {
      for (const { path, state } of taskStates(root)) {
        if (isLambdaTask(state)) {
          const missing = LAMBDA_SERVICE_ERRORS.filter((error) => !retries(state.Retry, error));
          if (missing.length > 0)
            problems.push({ message: `Lambda task ${path} does not retry ${missing.join(", ")}`, subject: path });
        } else {
          const retriesSomething = (state.Retry ?? []).some(
            (r) => maxAttempts(r) > 0 && (r.ErrorEquals ?? []).some((e) => !BUSINESS_ERRORS.includes(e)),
          );
          if (!retriesSomething) problems.push({ message: `Task ${path} retries no transient error`, subject: path });
        }
      }
    });
  },
};
