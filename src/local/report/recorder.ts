import type { Trace, TraceRecord } from "../runtime/trace";

/** One step of an execution, as the trace recorded it. */
export interface ExecutionStep {
  readonly state: string;
  readonly event: "entered" | "exited" | "failed" | "retried" | "caught";
  readonly at: number;
  readonly error?: string;
  readonly cause?: string;
}

/** One execution: which order it ran, the states it went through, how it ended. */
export interface ExecutionPath {
  readonly executionArn: string;
  readonly stateMachine: string;
  readonly orderId?: string;
  readonly startedAt: number;
  readonly steps: ExecutionStep[];
  finishedAt?: number;
  status?: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
  error?: string;
  cause?: string;
}

export type InvocationRecord = Extract<TraceRecord, { kind: "function-invoked" }>;

/** Limits that keep a long load run's recording small. */
const MAX_ORDERS_WITH_RECORDS = 200;
const MAX_INVOCATIONS = 100_000;

/**
 * Listens to the runtime's trace during a run and keeps what the report draws: every execution's
 * path through the states (all of them, for the counts), and for the first orders everything the
 * trace ties to them (events, rules, deliveries, dead letters), plus the function invocations.
 */
export class RunRecorder {
  readonly executions = new Map<string, ExecutionPath>();
  /** Records tied to an order by its id, in order, for the first orders of the run. */
  readonly orderRecords = new Map<string, TraceRecord[]>();
  readonly invocations: InvocationRecord[] = [];
  private readonly eventOrders = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(trace: Trace) {
    this.unsubscribe = trace.subscribe((record) => this.observe(record));
  }

  close(): void {
    this.unsubscribe();
  }

  private keep(orderId: string | undefined, record: TraceRecord): void {
    if (!orderId) return;
    let records = this.orderRecords.get(orderId);
    if (!records) {
      if (this.orderRecords.size >= MAX_ORDERS_WITH_RECORDS) return;
      this.orderRecords.set(orderId, (records = []));
    }
    records.push(record);
  }

  private observe(record: TraceRecord): void {
    switch (record.kind) {
      case "event-accepted": {
        const orderId = orderIdOf(record.detail);
        if (orderId) this.eventOrders.set(record.eventId, orderId);
        this.keep(orderId, record);
        return;
      }
      case "event-unmatched":
      case "rule-matched":
      case "delivery-failed":
      case "delivered":
        this.keep(this.eventOrders.get(record.eventId), record);
        return;
      case "dead-lettered":
      case "dropped":
        if (record.eventId) this.keep(this.eventOrders.get(record.eventId), record);
        return;
      case "execution-started": {
        const orderId = orderIdOf((record.input as { detail?: unknown } | null)?.detail);
        this.executions.set(record.executionArn, {
          executionArn: record.executionArn,
          stateMachine: record.stateMachine,
          ...(orderId ? { orderId } : {}),
          startedAt: record.at,
          steps: [],
        });
        this.keep(orderId, { ...record, input: null });
        return;
      }
      case "state": {
        const execution = this.executions.get(record.executionArn);
        execution?.steps.push({
          state: record.state,
          event: record.event,
          at: record.at,
          ...(record.error !== undefined ? { error: record.error } : {}),
          ...(record.cause !== undefined ? { cause: record.cause } : {}),
        });
        return;
      }
      case "execution-finished": {
        const execution = this.executions.get(record.executionArn);
        if (!execution) return;
        execution.finishedAt = record.at;
        execution.status = record.status;
        if (record.error !== undefined) execution.error = record.error;
        if (record.cause !== undefined) execution.cause = record.cause;
        this.keep(execution.orderId, { ...record, input: null, output: undefined });
        return;
      }
      case "function-invoked":
        if (this.invocations.length < MAX_INVOCATIONS) this.invocations.push(record);
        return;
      default:
        return;
    }
  }
}

function orderIdOf(detail: unknown): string | undefined {
  const id = (detail as { orderId?: unknown } | null | undefined)?.orderId;
  return typeof id === "string" ? id : undefined;
}
