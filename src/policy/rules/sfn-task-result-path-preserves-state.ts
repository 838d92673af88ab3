import { checkDefinition, taskStates } from "../state-machine-definition";
import type { ResourceRule } from "../types";

export const sfnTaskResultPathPreservesState: ResourceRule = {
  id: "sfn-task-result-path-preserves-state",
  scope: "resource",
  title: 'Every Task keeps the execution state: ResultPath is set and is not "$"',
  explanation:
    'Without ResultPath (or with "$") a Task\'s result replaces the whole state, so later states lose the order (its id, items, amount) and compensations cannot run. ResultPath null keeps the input and discards the result.',
  fix: 'Give each Task its own ResultPath (e.g. "$.payment"), or null when the result is not needed.',
  mirrors: [],
  resourceTypes: ["aws_sfn_state_machine"],
  check(machine, stack) {
    return checkDefinition(machine, stack, (root, problems) => {
      for (const { path, state, queryLanguage } of taskStates(root)) {
        if (queryLanguage !== "JSONPath") continue;
        if (!("ResultPath" in state))
          problems.push({
            message: `Task ${path} has no ResultPath: its result replaces the whole state`,
            subject: path,
          });
        else if (state.ResultPath === "$")
          problems.push({
            message: `Task ${path} has ResultPath "$": its result replaces the whole state`,
            subject: path,
          });
      }
    });
  },
};
