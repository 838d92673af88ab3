import { functionNameInArn, functionNameOf } from "../../terraform/stack-document";
import type { OrderOutcome } from "../orders/order-driver";
import type { ExecutionPath, InvocationRecord, RunRecorder } from "./recorder";
import type { GraphDefinition, GraphState } from "./state-graph";

export type Tone = "ok" | "error" | "retry" | "neutral";

/** One line of an order's timeline: a span (`end` set) or a moment. */
interface TimelineRow {
  /** Which part of the system: Client, EventBridge, Step Functions, a function's name. */
  readonly service: string;
  readonly label: string;
  readonly start: number;
  readonly end?: number;
  readonly tone: Tone;
  readonly detail?: string;
}

export interface OrderTimeline {
  readonly orderId: string | null;
  readonly status: OrderOutcome["status"];
  readonly reason?: string;
  readonly start: number;
  readonly rows: readonly TimelineRow[];
}

/** The function a Task state invokes, by name, when it invokes one. */
export function functionOfState(state: GraphState & { readonly Parameters?: unknown }): string | undefined {
  const resource = state.Resource ?? "";
  const ref = resource.startsWith("arn:aws:states:::lambda:invoke")
    ? (state.Parameters as { FunctionName?: unknown } | undefined)?.FunctionName
    : /^arn:aws:lambda:/.test(resource)
      ? resource
      : undefined;
  if (typeof ref !== "string") return undefined;
  return functionNameOf(ref);
}

const short = (arn: string) => arn.split(":").pop() ?? arn;
/** Slack between the runtime's clock and the state machine library's timestamps, in ms. */
const SLACK_MS = 3;

/**
 * Everything one order set off, in time order: its submission and the Order service's invocations,
 * its events on the bus, the rules that matched and their deliveries, its execution with every state
 * and every attempt's invocation, the notifications, and its final status. Invocations carry no order
 * id: one made by a state is the invocation of that state's function that ended when the attempt
 * ended; one made for a rule's delivery is the next asynchronous invocation of that target.
 */
export function orderTimeline(
  outcome: OrderOutcome,
  recorder: RunRecorder,
  definitions: ReadonlyMap<string, GraphDefinition>,
  claimed: Set<InvocationRecord> = new Set(),
): OrderTimeline {
  const rows: TimelineRow[] = [];
  const finalAt = outcome.submittedAt + outcome.latencyMs;
  const tone: Tone = outcome.status === "COMPLETED" ? "ok" : "error";
  rows.push({
    service: "Client",
    label: `order submitted: ${outcome.status}`,
    start: outcome.submittedAt,
    end: finalAt,
    tone,
    ...(outcome.error ? { detail: `${outcome.error.name}: ${outcome.error.message}` } : {}),
  });
  for (const invocation of recorder.invocations.filter((i) => outcome.requestIds.includes(i.requestId))) {
    claimed.add(invocation);
    rows.push(invocationRow(invocation, "submit"));
  }

  const records = outcome.orderId ? (recorder.orderRecords.get(outcome.orderId) ?? []) : [];
  for (const r of records) {
    switch (r.kind) {
      case "event-accepted":
        rows.push({
          service: "EventBridge",
          label: `event "${r.detailType}" on ${r.bus}`,
          start: r.at,
          tone: "neutral",
          detail: `source ${r.source}, id ${r.eventId}`,
        });
        break;
      case "event-unmatched":
        rows.push({ service: "EventBridge", label: `"${r.detailType}" matched no rule`, start: r.at, tone: "error" });
        break;
      case "rule-matched":
        rows.push({
          service: "EventBridge",
          label: `rule ${r.rule} -> ${short(r.target)}`,
          start: r.at,
          tone: "neutral",
        });
        break;
      case "delivery-failed":
        rows.push({
          service: "EventBridge",
          label: `delivery to ${short(r.target)} failed (attempt ${r.attempt})`,
          start: r.at,
          tone: r.willRetry ? "retry" : "error",
          detail: `${r.errorCode}: ${r.message}`,
        });
        break;
      case "delivered": {
        rows.push({
          service: "EventBridge",
          label: `delivered to ${short(r.target)}${r.attempts > 1 ? ` after ${r.attempts} attempts` : ""}`,
          start: r.at,
          tone: "ok",
        });
        const fn = functionNameInArn(r.target);
        const invocation = fn
          ? nearest(
              recorder.invocations,
              claimed,
              (i) => i.functionName === fn && i.invocationType === "Event" && i.at - i.durationMs >= r.at - SLACK_MS,
              (i) => i.at - i.durationMs - r.at,
            )
          : undefined;
        if (invocation) rows.push(invocationRow(invocation, `rule ${r.rule}`));
        break;
      }
      case "dead-lettered":
        rows.push({ service: "SQS", label: `dead letter in ${r.queue}`, start: r.at, tone: "error", detail: r.reason });
        break;
      case "dropped":
        rows.push({ service: r.source, label: "dropped", start: r.at, tone: "error", detail: r.reason });
        break;
      default:
        break;
    }
  }

  const executions = [...recorder.executions.values()].filter((e) => outcome.orderId && e.orderId === outcome.orderId);
  for (const execution of executions)
    rows.push(...executionRows(execution, recorder, definitions.get(execution.stateMachine), claimed));

  rows.push({
    service: "Orders table",
    label: `final status ${outcome.status}`,
    start: finalAt,
    tone,
    ...(outcome.error ? { detail: outcome.error.name } : {}),
  });
  rows.sort((a, b) => a.start - b.start);
  return {
    orderId: outcome.orderId,
    status: outcome.status,
    ...(outcome.error ? { reason: outcome.error.name } : {}),
    start: outcome.submittedAt,
    rows,
  };
}

function executionRows(
  execution: ExecutionPath,
  recorder: RunRecorder,
  definition: GraphDefinition | undefined,
  claimed: Set<InvocationRecord>,
): TimelineRow[] {
  const end = execution.finishedAt ?? execution.steps.at(-1)?.at ?? execution.startedAt;
  const rows: TimelineRow[] = [
    {
      service: "Step Functions",
      label: `execution ${short(execution.executionArn)} ${execution.status ?? "RUNNING"}`,
      start: execution.startedAt,
      end,
      tone: execution.status === "SUCCEEDED" ? "ok" : execution.status ? "error" : "neutral",
      ...(execution.error ? { detail: `${execution.error}${execution.cause ? `: ${execution.cause}` : ""}` } : {}),
    },
  ];
  let visit: { state: string; start: number; attemptStart: number; errors: number } | undefined;
  const closeVisit = (at: number, how: "exited" | "caught" | "failed", error?: string) => {
    if (!visit) return;
    rows.push({
      service: "Step Functions",
      label: `state ${visit.state}${how === "exited" ? "" : how === "caught" ? ": error caught" : ": failed"}`,
      start: visit.start,
      end: at,
      tone: how === "exited" ? (visit.errors > 0 ? "retry" : "ok") : "error",
      ...(error ? { detail: error } : {}),
    });
  };
  for (const step of execution.steps) {
    const state = definition?.States[step.state];
    const fn = state ? functionOfState(state) : undefined;
    const attemptEnded = () => {
      if (!visit || !fn) return;
      const from = visit.attemptStart;
      const invocation = nearest(
        recorder.invocations,
        claimed,
        (i) => i.functionName === fn && i.at - i.durationMs >= from - SLACK_MS && i.at <= step.at + SLACK_MS,
        (i) => step.at - i.at,
      );
      if (invocation) rows.push(invocationRow(invocation, `state ${step.state}`));
    };
    switch (step.event) {
      case "entered":
        visit = { state: step.state, start: step.at, attemptStart: step.at, errors: 0 };
        break;
      case "failed":
        attemptEnded();
        if (visit) visit.errors++;
        {
          const final = step === execution.steps.at(-1);
          rows.push({
            service: "Step Functions",
            label: `state ${step.state}: ${step.error ?? "error"}`,
            start: step.at,
            tone: final ? "error" : "retry",
            ...(step.cause ? { detail: step.cause } : {}),
          });
          if (final) closeVisit(step.at, "failed", step.error);
        }
        break;
      case "retried":
        if (visit) visit.attemptStart = step.at;
        rows.push({ service: "Step Functions", label: `state ${step.state} retried`, start: step.at, tone: "retry" });
        break;
      case "caught":
        closeVisit(step.at, "caught");
        visit = undefined;
        break;
      case "exited":
        attemptEnded();
        closeVisit(step.at, "exited");
        visit = undefined;
        break;
    }
  }
  return rows;
}

/** The unclaimed record that fits and is closest by `distance` (absolute); it is claimed. */
function nearest(
  all: readonly InvocationRecord[],
  claimed: Set<InvocationRecord>,
  fits: (i: InvocationRecord) => boolean,
  distance: (i: InvocationRecord) => number,
): InvocationRecord | undefined {
  let best: InvocationRecord | undefined;
  for (const i of all) {
    if (claimed.has(i) || !fits(i)) continue;
    if (!best || Math.abs(distance(i)) < Math.abs(distance(best))) best = i;
  }
  if (best) claimed.add(best);
  return best;
}

function invocationRow(i: InvocationRecord, by: string): TimelineRow {
  return {
    service: i.functionName,
    label: `${i.invocationType === "Event" ? "async invoke" : "invoke"} for ${by}: ${i.errorType ?? "ok"}${i.injected ? ` (injected ${i.injected})` : ""}`,
    start: i.at - i.durationMs,
    end: i.at,
    tone: i.errorType ? "error" : "ok",
    detail: `request ${i.requestId}, ${i.durationMs} ms${i.errorMessage ? `: ${i.errorMessage}` : ""}`,
  };
}
