import { checkDefinition, taskStates } from "../state-machine-definition";
import type { ResourceRule } from "../types";

export const sfnTaskTimeouts: ResourceRule = {
  id: "sfn-task-timeouts",
  scope: "resource",
  title: "Every Task state has a timeout (TimeoutSeconds)",
  explanation:
    "A Task without a timeout waits as long as the execution may run (a year for Standard workflows; five minutes for Express, after which the whole execution times out) when a call hangs or a callback never comes: the order stays in flight and no alarm fires.",
  fix: "Give each Task TimeoutSeconds (above the function's own timeout) and retry States.Timeout where the task is idempotent.",
  mirrors: ["AWS Step Functions best practice: use timeouts to avoid stuck executions"],
  resourceTypes: ["aws_sfn_state_machine"],
  check(machine, stack) {
    return checkDefinition(machine, stack, (root, problems) => {
      for (const { path, state } of taskStates(root)) {
        if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined)
          problems.push({ message: `Task ${path} has no TimeoutSeconds`, subject: path });
      }
    });
  },
};
