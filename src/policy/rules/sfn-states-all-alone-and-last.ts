import { allStates, checkDefinition } from "../state-machine-definition";
import type { ResourceRule } from "../types";

export const sfnStatesAllAloneAndLast: ResourceRule = {
  id: "sfn-states-all-alone-and-last",
  scope: "resource",
  title: "States.ALL appears only alone, in the last Retry or Catch entry",
  explanation:
    "Step Functions takes the first matching retrier or catcher, so a States.ALL entry before others hides them, and Step Functions rejects States.ALL combined with other error names.",
  fix: 'Move the States.ALL entry to the end of the list and give it ErrorEquals ["States.ALL"] only.',
  mirrors: ["Amazon States Language specification (error names)"],
  resourceTypes: ["aws_sfn_state_machine"],
  check(machine, stack) {
    return checkDefinition(machine, stack, (root, problems) => {
      for (const { path, state } of allStates(root)) {
        for (const [field, entries] of [
          ["Retry", state.Retry ?? []],
          ["Catch", state.Catch ?? []],
        ] as const) {
          entries.forEach((entry, i) => {
            const errors = entry.ErrorEquals ?? [];
            if (!errors.includes("States.ALL")) return;
            if (errors.length > 1)
              problems.push({ message: `${path} ${field}[${i}] combines States.ALL with other errors`, subject: path });
            if (i !== entries.length - 1)
              problems.push({ message: `${path} ${field}[${i}] on States.ALL is not the last entry`, subject: path });
          });
        }
      }
    });
  },
};
