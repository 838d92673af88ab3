import { BusinessError } from "../../contracts/errors";
import { allStates, checkDefinition, errorMatches, maxAttempts } from "../state-machine-definition";
import type { ResourceRule } from "../types";

const BUSINESS_ERRORS: readonly string[] = Object.values(BusinessError);

export const sfnBusinessErrorsNotRetried: ResourceRule = {
  id: "sfn-business-errors-not-retried",
  scope: "resource",
  title: `Business errors (${BUSINESS_ERRORS.join(", ")}) are never retried`,
  explanation:
    "A declined payment or missing stock does not change on a second try: retrying only delays the compensation and the customer's answer, and may charge twice. A retrier on States.ALL or States.TaskFailed catches them too unless an earlier retrier names them with MaxAttempts 0.",
  fix: "Retry only named transient errors; if a retrier must use States.ALL or States.TaskFailed, put a retrier naming the business errors with MaxAttempts 0 before it, and route them with Catch.",
  mirrors: [],
  resourceTypes: ["aws_sfn_state_machine"],
  check(machine, stack) {
    return checkDefinition(machine, stack, (root, problems) => {
      for (const { path, state } of allStates(root)) {
        const retry = state.Retry ?? [];
        for (const error of BUSINESS_ERRORS) {
          const index = retry.findIndex((r) => errorMatches(r.ErrorEquals, error));
          const retrier = retry[index];
          if (retrier !== undefined && maxAttempts(retrier) > 0) {
            problems.push({
              message: `${path} retries ${error} (Retry[${index}] on ${JSON.stringify(retrier.ErrorEquals ?? [])})`,
              subject: path,
            });
          }
        }
      }
    });
  },
};
