import { Cost, costPerMillionOrders, usagePerOrder } from "../cost/cost-model";
import { US_EAST_1 } from "../cost/prices";
import { RunSummary } from "../orders/load";
import { causeMessage, OrderOutcome } from "../orders/order-driver";
import { formatInventory } from "../runtime/inventory";
import { LocalRuntime } from "../runtime/runtime";
import { TraceRecord } from "../runtime/trace";
import { USAGE_NOTES, type Usage } from "../runtime/usage";
import type { RawEventOutcome } from "../orders/raw-events";

/** What runs, with which variables, where: printed when the runtime has started. */
export function startupReport(runtime: LocalRuntime, stackFile: string, startedMs: number): string[] {
  const vars = Object.entries(runtime.variables.values)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([k, v]) =>
        `${k}=${JSON.stringify(v)}${runtime.variables.origins[k] === "default" ? "" : ` (${runtime.variables.origins[k]})`}`,
    );
  return [
    `Stack ${runtime.stackName} from ${stackFile}: region ${runtime.region}, account 000000000000 (local)`,
    `Variables: ${vars.join(", ")}`,
    ...runtime.variables.warnings.map((w) => `warning: ${w}`),
    ...formatInventory(runtime.inventory),
    ...(runtime.notEmulated.length > 0
      ? ["Streams and pipes, not emulated:", ...runtime.notEmulated.map((line) => `  ${line}`)]
      : []),
    `Endpoints: DynamoDB ${runtime.endpoints.dynamodb} (dynalite), EventBridge PutEvents ${runtime.endpoints.eventbridge}, SQS and Step Functions ${runtime.endpoints.sqs}`,
    `Retry waits x${runtime.clock.scale} (1 s waits ${runtime.clock.scaled(1000)} ms). Started in ${(startedMs / 1000).toFixed(1)} s.`,
    ...iamLines(runtime),
  ];
}

/** How IAM runs, and what it does not evaluate. */
function iamLines(runtime: LocalRuntime): string[] {
  const { mode, notEvaluated } = runtime.iam;
  const how =
    mode === "enforce"
      ? "enforced: every call is authorized against the stack's identity, resource and trust policies, and denied as AWS would"
      : mode === "warn"
        ? "warn: calls AWS would deny go through, each reported once on stderr"
        : "off: every call is allowed";
  return [`IAM ${how}.`, ...(mode === "off" ? [] : [`  Not evaluated: ${notEvaluated.join("; ")}.`])];
}

const short = (arn: string) => arn.split(":").pop() ?? arn;

/** One line per step an order took: its events, rules, executions, states and invocations. */
export function orderPath(all: readonly TraceRecord[], outcome: OrderOutcome): string[] {
  const lines = steps(all);
  lines.push(
    `Result: ${outcome.status}${outcome.error ? ` (${outcome.error.name}: ${truncate(outcome.error.message, 160)})` : ""} in ${outcome.latencyMs} ms`,
  );
  return lines;
}

/** One line per step a raw event (--event) set off, then whether the bus took it. */
export function eventPath(all: readonly TraceRecord[], outcome: RawEventOutcome): string[] {
  const lines = steps(all);
  const { EventId, ErrorCode, ErrorMessage } = outcome.result;
  lines.push(
    EventId
      ? `Result: accepted as event ${EventId}`
      : `Result: refused by the bus (${ErrorCode}${ErrorMessage ? `: ${truncate(ErrorMessage, 160)}` : ""})`,
  );
  return lines;
}

function steps(all: readonly TraceRecord[]): string[] {
  // An invocation is recorded when it ends; it is shown where it began.
  const began = (r: TraceRecord) => (r.kind === "function-invoked" ? r.at - r.durationMs : r.at);
  // At the same millisecond: an execution starts, then a state is entered before what it does; an execution ends last.
  const rank = (r: TraceRecord) =>
    r.kind === "execution-started"
      ? -1
      : r.kind === "state" && r.event === "entered"
        ? 0
        : r.kind === "execution-finished"
          ? 2
          : 1;
  const records = all
    .map((r, i) => ({ r, i }))
    .sort((a, b) => began(a.r) - began(b.r) || rank(a.r) - rank(b.r) || a.i - b.i)
    .map((x) => x.r);
  const start = records[0] ? began(records[0]) : 0;
  const lines: string[] = [];
  const at = (r: TraceRecord) => `+${String(began(r) - start).padStart(5)} ms`;
  for (const r of records) {
    switch (r.kind) {
      case "function-invoked":
        lines.push(
          `${at(r)}  ${r.invocationType === "Event" ? "async " : ""}invoke ${r.functionName} (${r.durationMs} ms)` +
            (r.errorType
              ? ` -> ${r.errorType}${r.injected ? ` [injected ${r.injected}]` : ""}: ${truncate(r.errorMessage ?? "", 100)}`
              : " -> ok"),
        );
        break;
      case "event-accepted":
        lines.push(`${at(r)}  event "${r.detailType}" from ${r.source} on ${r.bus}`);
        break;
      case "event-rejected":
        lines.push(`${at(r)}  event "${r.detailType}" refused by ${r.bus}: ${r.errorCode} ${r.message}`);
        break;
      case "event-unmatched":
        lines.push(`${at(r)}  event "${r.detailType}" matched no rule on ${r.bus}`);
        break;
      case "rule-matched":
        lines.push(`${at(r)}  rule ${r.rule} -> ${short(r.target)}`);
        break;
      case "delivery-failed":
        lines.push(
          `${at(r)}  delivery by ${r.rule} to ${short(r.target)} failed (attempt ${r.attempt}): ${r.errorCode}${r.willRetry ? ", retrying" : ""}`,
        );
        break;
      case "dead-lettered":
        lines.push(`${at(r)}  dead letter in ${r.queue} from ${r.source}: ${truncate(r.reason, 120)}`);
        break;
      case "dropped":
        lines.push(`${at(r)}  dropped by ${r.source}: ${truncate(r.reason, 120)}`);
        break;
      case "execution-started":
        lines.push(`${at(r)}  execution ${short(r.executionArn)} of ${r.stateMachine} started`);
        break;
      case "state":
        if (r.event === "entered") lines.push(`${at(r)}    state ${r.state}`);
        else if (r.event === "retried") lines.push(`${at(r)}    state ${r.state} retried`);
        else if (r.event === "caught") lines.push(`${at(r)}    state ${r.state} caught the error`);
        else if (r.event === "failed")
          lines.push(
            `${at(r)}    state ${r.state} failed: ${r.error}${r.cause ? ` (${truncate(causeMessage(r.cause), 100)})` : ""}`,
          );
        break;
      case "execution-finished":
        lines.push(
          `${at(r)}  execution ${short(r.executionArn)} ${r.status}${r.error ? `: ${r.error}${r.cause ? ` (${truncate(causeMessage(r.cause), 100)})` : ""}` : ""}`,
        );
        break;
      default:
        break;
    }
  }
  return lines;
}

function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** The run's summary, for people; `cpuMs` is the CPU time every thread of the runtime spent while the orders ran. */
export function summaryLines(summary: RunSummary, wallMs: number, cpuMs?: number): string[] {
  const lines = [
    `Submitted ${summary.submitted}: completed ${summary.completed}, failed ${summary.failed}, rejected ${summary.rejected} in ${(wallMs / 1000).toFixed(1)} s`,
    `Throughput ${summary.throughputPerSecond} orders/s; latency p50 ${summary.latencyMs.p50} ms, p95 ${summary.latencyMs.p95} ms, p99 ${summary.latencyMs.p99} ms`,
  ];
  if (cpuMs !== undefined && summary.submitted > 0) {
    lines.push(
      `CPU ${(cpuMs / summary.submitted).toFixed(1)} ms per order (all threads: functions, dynalite, bus, state machines, V8)`,
    );
  }
  return lines;
}

/** What the measured orders used, priced: the stack's own workflow type, and the other one for comparison. */
export interface PricedUsage {
  readonly orders: number;
  readonly usage: Usage;
  readonly cost: Cost;
  /** The same work with every state machine priced as the other type. */
  readonly otherType: { readonly type: "STANDARD" | "EXPRESS"; readonly cost: Cost };
}

export async function pricedUsage(runtime: LocalRuntime, orders: number): Promise<PricedUsage> {
  const usage = await runtime.usage.usage();
  const types = new Set(Object.values(usage.stepFunctions).map((m) => m.type));
  const other = types.has("EXPRESS") && !types.has("STANDARD") ? "STANDARD" : "EXPRESS";
  return {
    orders,
    usage,
    cost: costPerMillionOrders(usage, orders),
    otherType: { type: other, cost: costPerMillionOrders(usage, orders, { workflowType: other }) },
  };
}

/** What `--json`'s summary carries of the priced usage. */
export function pricedSummary(priced: PricedUsage) {
  return { cost: priced.cost, usagePerOrder: usagePerOrder(priced.usage, priced.orders) };
}

const SERVICE_NAMES: Readonly<Record<string, string>> = {
  lambda: "Lambda",
  stepFunctions: "Step Functions",
  dynamodb: "DynamoDB",
  eventbridge: "EventBridge",
  pipes: "EventBridge Pipes",
  sqs: "SQS",
  cloudwatchLogs: "CloudWatch Logs",
  xray: "X-Ray",
};

/** The cost table of the text summary: dollars per million orders by service, and the usage behind them. */
export function costLines(priced: PricedUsage): string[] {
  const { cost, otherType, usage, orders } = priced;
  const per = usagePerOrder(usage, orders);
  const total = cost.perMillionOrders;
  const rows = Object.entries(cost.byService)
    .sort((a, b) => b[1] - a[1])
    .map(
      ([service, usd]) =>
        `  ${(SERVICE_NAMES[service] ?? service).padEnd(18)} ${`$${usd.toFixed(2)}`.padStart(10)}  ${total > 0 ? `${((usd / total) * 100).toFixed(1).padStart(5)} %` : ""}`,
    );
  const unread = Object.values(US_EAST_1).filter((p) => !p.read).length;
  return [
    `Cost per million orders (us-east-1, prices of ${cost.pricesAsOf}, free tiers left out), from the work ${orders === 1 ? "this order" : `these ${orders} orders`} used:`,
    ...rows,
    `  ${"total".padEnd(18)} ${`$${total.toFixed(2)}`.padStart(10)}`,
    `  As ${otherType.type}: $${otherType.cost.perMillionOrders.toFixed(2)} (Step Functions $${(otherType.cost.byService.stepFunctions ?? 0).toFixed(2)})`,
    `  Per order: ${per.stateTransitions} state transitions, ${per.writeRequestUnits} WRU, ${per.readRequestUnits} RRU, ${per.dynamodbRequests} DynamoDB requests, ${per.logKiB} KiB of logs`,
    `  SDK calls per order: ${Object.entries(per.sdkCallsByFunction)
      .map(([caller, n]) => `${caller} ${n}`)
      .join(", ")}; service integrations: ${Object.entries(per.integrationCallsByCaller)
      .map(([caller, n]) => `${caller} ${n}`)
      .join(", ")}`,
    `  How: ${USAGE_NOTES.join("; ")}.`,
    `  ${unread} of ${Object.keys(US_EAST_1).length} prices are transcriptions of pages that could not be read (src/local/cost/prices.ts).`,
  ];
}

/** Failure reasons and how often each occurred. */
export function failureBreakdown(outcomes: readonly OrderOutcome[]): string[] {
  const counts = new Map<string, number>();
  for (const o of outcomes)
    if (o.error) counts.set(`${o.status} ${o.error.name}`, (counts.get(`${o.status} ${o.error.name}`) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${String(n).padStart(5)}  ${k}`);
}

/** The `--json` document; `events` (the --event entries) only when some were put. */
export function jsonDocument(
  outcomes: readonly OrderOutcome[],
  summary: RunSummary,
  events: readonly RawEventOutcome[] = [],
) {
  return {
    orders: outcomes.map((o) => ({ orderId: o.orderId, status: o.status, error: o.error })),
    summary,
    ...(events.length > 0
      ? {
          events: events.map((e) => ({
            source: e.entry.Source,
            detailType: e.entry.DetailType,
            eventId: e.result.EventId ?? null,
            errorCode: e.result.ErrorCode ?? null,
          })),
        }
      : {}),
  };
}

/** A progress bar for load runs, on stderr: redrawn in place on a terminal, a line per 10% otherwise. */
export class Progress {
  private done = 0;
  private lastDecile = -1;
  private readonly counts = { COMPLETED: 0, FAILED: 0, REJECTED: 0 };
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  tick(outcome: OrderOutcome): void {
    this.done++;
    this.counts[outcome.status]++;
    const rate = this.done / Math.max(0.001, (Date.now() - this.started) / 1000);
    const width = 30;
    const filled = Math.round((this.done / this.total) * width);
    const text = `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${this.done}/${this.total}  completed ${this.counts.COMPLETED}  failed ${this.counts.FAILED}  rejected ${this.counts.REJECTED}  ${rate.toFixed(0)} orders/s`;
    if (this.out.isTTY) {
      this.out.write(`\r${text}`);
      if (this.done === this.total) this.out.write("\n");
    } else {
      const decile = Math.floor((this.done / this.total) * 10);
      if (decile !== this.lastDecile) {
        this.lastDecile = decile;
        this.out.write(`${text}\n`);
      }
    }
  }
}
