import { END, START, edgeKey, isTerminal, type EdgeKind, type GraphDefinition } from "./state-graph";
import type { ExecutionPath } from "./recorder";

/** How often each transition and each state was taken, over every execution of a run. */
export interface PathCounts {
  readonly executions: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** By edgeKey: executions that took it, and how many of those ended FAILED (or timed out, or aborted). */
  readonly edges: Readonly<Record<string, { readonly count: number; readonly failed: number }>>;
  readonly states: Readonly<Record<string, StateCounts>>;
}

interface StateCounts {
  readonly entered: number;
  /** Attempts that ended in an error (each is then retried, caught, or fails the execution). */
  readonly errors: number;
  readonly retried: number;
  readonly caught: number;
  /** Errors the state neither retried nor caught: the execution failed there (a Fail state's own failure is not counted). */
  readonly failed: number;
}

/** A transition an execution took. */
export interface Transition {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
}

/**
 * The transitions of one execution: from Start to its first state, then from each state to the next
 * one entered (through a Catch when the state caught an error, a Choice rule or Default for a Choice
 * state, Next otherwise), then to End when it stopped in a terminal state.
 */
export function transitionsOf(execution: ExecutionPath, definition: GraphDefinition): Transition[] {
  const transitions: Transition[] = [];
  let current: string | undefined;
  let caught = false;
  for (const step of execution.steps) {
    if (step.event === "caught") caught = true;
    if (step.event !== "entered") continue;
    if (current === undefined) transitions.push({ from: START, to: step.state, kind: "start" });
    else transitions.push({ from: current, to: step.state, kind: kindOf(definition, current, step.state, caught) });
    current = step.state;
    caught = false;
  }
  // A terminal state ends the execution, a Fail state too (as a failure); a Task that fails uncaught has no way out.
  const last = current === undefined ? undefined : definition.States[current];
  if (
    current !== undefined &&
    last &&
    isTerminal(last) &&
    (last.Type === "Fail" || !endedInFailure(execution)) &&
    execution.status !== undefined
  ) {
    transitions.push({ from: current, to: END, kind: "end" });
  }
  return transitions;
}

/** Whether the execution stopped on an error its state did not handle (its last step is a failed attempt). */
const endedInFailure = (execution: ExecutionPath) => execution.steps.at(-1)?.event === "failed";

function kindOf(definition: GraphDefinition, from: string, to: string, caught: boolean): EdgeKind {
  const state = definition.States[from];
  if (caught) return "catch";
  if (state?.Type === "Choice") return state.Choices?.some((c) => c.Next === to) ? "choice" : "default";
  return "next";
}

export function pathCounts(executions: Iterable<ExecutionPath>, definition: GraphDefinition): PathCounts {
  const edges: Record<string, { count: number; failed: number }> = {};
  const states: Record<string, { entered: number; errors: number; retried: number; caught: number; failed: number }> =
    {};
  const stateOf = (name: string) => (states[name] ??= { entered: 0, errors: 0, retried: 0, caught: 0, failed: 0 });
  const byStatus: Record<string, number> = {};
  let count = 0;
  for (const execution of executions) {
    count++;
    const status = execution.status ?? "RUNNING";
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    const failed = status !== "SUCCEEDED" && status !== "RUNNING";
    for (const t of transitionsOf(execution, definition)) {
      const e = (edges[edgeKey(t.from, t.to, t.kind)] ??= { count: 0, failed: 0 });
      e.count++;
      if (failed) e.failed++;
    }
    for (const step of execution.steps) {
      const s = stateOf(step.state);
      // A Fail state fails the execution by design: that is its job, not an error of it.
      if (definition.States[step.state]?.Type === "Fail" && step.event === "failed") continue;
      if (step.event === "entered") s.entered++;
      else if (step.event === "failed") s.errors++;
      else if (step.event === "retried") s.retried++;
      else if (step.event === "caught") s.caught++;
    }
    const last = execution.steps.at(-1);
    if (last && endedInFailure(execution) && definition.States[last.state]?.Type !== "Fail")
      stateOf(last.state).failed++;
  }
  return { executions: count, byStatus, edges, states };
}
