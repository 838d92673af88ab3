import { AslScope, allStates, checkDefinition, successors } from "../state-machine-definition";
import type { ResourceRule } from "../types";

export const sfnFailurePathsEndInFail: ResourceRule = {
  id: "sfn-failure-paths-end-in-fail",
  scope: "resource",
  title: "Every path from a Catch ends in a Fail state, never in Succeed",
  explanation:
    "A caught error that ends in Succeed (or a state with End: true) makes a failed order look like a successful execution: ExecutionsFailed never counts it, so no alarm fires and nobody compensates or investigates.",
  fix: "Route each Catch through the compensation and status updates to a Fail state; keep Succeed for orders that completed.",
  mirrors: [],
  resourceTypes: ["aws_sfn_state_machine"],
  check(machine, stack) {
    return checkDefinition(machine, stack, (root, problems) => {
      for (const { path, state, scope } of allStates(root)) {
        (state.Catch ?? []).forEach((catcher, i) => {
          if (!catcher.Next) return;
          const errors = JSON.stringify(catcher.ErrorEquals ?? []);
          for (const ending of nonFailEndings(scope, catcher.Next)) {
            problems.push({ message: `${path} Catch[${i}] on ${errors} can end ${ending}`, subject: path });
          }
        });
      }
    });
  },
};

/** How the paths from `start` can end other than in a Fail state: "in Succeed state X", "at X (End: true)". */
function nonFailEndings(scope: AslScope, start: string): string[] {
  const states = scope.States ?? {};
  const endings: string[] = [];
  const seen = new Set<string>();
  const queue = [start];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const state = states[name];
    if (!state) {
      endings.push(`at ${name}, which is not a state of its scope`);
      continue;
    }
    if (state.Type === "Fail") continue;
    if (state.Type === "Succeed") endings.push(`in Succeed state ${name}`);
    else if (state.End === true) endings.push(`at ${name} (End: true)`);
    queue.push(...successors(state));
  }
  return endings;
}
