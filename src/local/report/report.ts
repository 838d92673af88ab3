import * as fs from "node:fs";
import * as path from "node:path";
import { renderReport, type ReportPage } from "./html";
import { pathCounts, transitionsOf } from "./paths";
import { edgeKey, stateGraph, type GraphDefinition } from "./state-graph";
import { orderTimeline } from "./timeline";
import type { RunSummary } from "../orders/load";
import type { OrderOutcome } from "../orders/order-driver";
import type { LocalRuntime } from "../runtime/runtime";
import type { InvocationRecord, RunRecorder } from "./recorder";

/** Orders whose timeline the page holds at most: the first of each outcome. */
const MAX_TIMELINES = 8;

export interface RunResult {
  readonly outcomes: readonly OrderOutcome[];
  readonly summary: RunSummary;
  readonly wallMs: number;
  readonly interrupted: boolean;
  /** The run in a line, for the page's heading. */
  readonly subtitle: string;
}

/** Everything the page shows, from the runtime's definitions and final state and what the recorder kept. */
export async function reportPage(
  runtime: LocalRuntime,
  recorder: RunRecorder,
  run: RunResult,
  now: Date = new Date(),
): Promise<ReportPage> {
  const definitions = new Map(
    runtime.model.stateMachines.map((sm) => [sm.name, sm.definition as unknown as GraphDefinition]),
  );
  const stateMachines = [...definitions].map(([name, definition]) => ({
    name,
    graph: stateGraph(definition),
    counts: pathCounts(
      [...recorder.executions.values()].filter((e) => e.stateMachine === name),
      definition,
    ),
  }));
  const snapshot = await runtime.snapshot();
  const claimed = new Set<InvocationRecord>();
  const timelines = timelineOrders(run.outcomes, recorder).map((outcome) => {
    const timeline = orderTimeline(outcome, recorder, definitions, claimed);
    const executionPath = [...recorder.executions.values()]
      .filter((e) => outcome.orderId !== null && e.orderId === outcome.orderId)
      .flatMap((e) =>
        transitionsOf(e, definitions.get(e.stateMachine) as GraphDefinition).map((t) => edgeKey(t.from, t.to, t.kind)),
      );
    return { ...timeline, path: executionPath };
  });
  const breakdown = new Map<string, { status: string; reason: string; count: number }>();
  for (const o of run.outcomes) {
    if (!o.error) continue;
    const key = `${o.status} ${o.error.name}`;
    const entry = breakdown.get(key) ?? { status: o.status, reason: o.error.name, count: 0 };
    entry.count++;
    breakdown.set(key, entry);
  }
  return {
    title: `${runtime.stackName}: ${run.summary.submitted} order(s) run locally`,
    generatedAt: now.toISOString(),
    subtitle: run.subtitle,
    interrupted: run.interrupted,
    stateMachines,
    summary: { ...run.summary, wallMs: run.wallMs },
    breakdown: [...breakdown.values()].sort((a, b) => b.count - a.count),
    latencies: run.outcomes.map((o) => ({ ms: o.latencyMs, status: o.status })),
    timelines,
    deadLetters: snapshot.deadLetterQueues,
    tables: snapshot.tables,
  };
}

/**
 * The orders to draw a timeline of: the first of each outcome (status and reason) among those the
 * recorder kept, a failed one that ran its workflow first, so the page opens on a path that failed.
 */
function timelineOrders(outcomes: readonly OrderOutcome[], recorder: RunRecorder): OrderOutcome[] {
  const firstOfEach = new Map<string, OrderOutcome>();
  for (const o of outcomes) {
    if (o.orderId !== null && !recorder.orderRecords.has(o.orderId)) continue;
    const key = `${o.status} ${o.error?.name ?? ""}`;
    if (!firstOfEach.has(key)) firstOfEach.set(key, o);
  }
  const ranAWorkflow = (o: OrderOutcome) => [...recorder.executions.values()].some((e) => e.orderId === o.orderId);
  const rank = (o: OrderOutcome) => (o.status === "FAILED" && ranAWorkflow(o) ? 0 : o.status === "COMPLETED" ? 1 : 2);
  return [...firstOfEach.values()].sort((a, b) => rank(a) - rank(b) || a.index - b.index).slice(0, MAX_TIMELINES);
}

/** Writes the page (the directory is made when missing). */
export function writeReport(file: string, page: ReportPage): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, renderReport(page));
}
