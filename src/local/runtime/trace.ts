/** What happened in the runtime, in order: the path an order took through the stack. */
export type TraceRecord = { readonly at: number } & (
  | {
      readonly kind: "event-accepted";
      readonly eventId: string;
      readonly bus: string;
      readonly source: string;
      readonly detailType: string;
      readonly detail: unknown;
    }
  | {
      readonly kind: "event-rejected";
      readonly bus: string;
      readonly source?: string;
      readonly detailType?: string;
      readonly errorCode: string;
      readonly message: string;
    }
  | { readonly kind: "event-unmatched"; readonly eventId: string; readonly bus: string; readonly detailType: string }
  | {
      readonly kind: "event-replayed";
      readonly eventId: string;
      readonly bus: string;
      readonly replayName: string;
      readonly detailType: string;
    }
  | { readonly kind: "rule-matched"; readonly eventId: string; readonly rule: string; readonly target: string }
  | {
      readonly kind: "delivery-failed";
      readonly eventId: string;
      readonly rule: string;
      readonly target: string;
      readonly attempt: number;
      readonly errorCode: string;
      readonly message: string;
      readonly willRetry: boolean;
    }
  | {
      readonly kind: "delivered";
      readonly eventId: string;
      readonly rule: string;
      readonly target: string;
      readonly attempts: number;
    }
  | {
      readonly kind: "dead-lettered";
      readonly queue: string;
      readonly source: string;
      readonly reason: string;
      readonly eventId?: string;
    }
  | { readonly kind: "dropped"; readonly source: string; readonly reason: string; readonly eventId?: string }
  | {
      readonly kind: "stream-record";
      readonly table: string;
      readonly eventName: string;
      readonly sequenceNumber: string;
      readonly keys: unknown;
    }
  | {
      readonly kind: "pipe-filtered";
      readonly pipe: string;
      readonly sequenceNumber: string;
      readonly eventName: string;
    }
  | {
      readonly kind: "pipe-delivered";
      readonly pipe: string;
      readonly sequenceNumbers: readonly string[];
      readonly eventIds: readonly string[];
      readonly attempts: number;
    }
  | {
      readonly kind: "pipe-failed";
      readonly pipe: string;
      readonly sequenceNumbers: readonly string[];
      readonly attempt: number;
      readonly errorCode: string;
      readonly message: string;
      readonly willRetry: boolean;
    }
  | {
      readonly kind: "execution-started";
      readonly executionArn: string;
      readonly stateMachine: string;
      readonly input: unknown;
    }
  | {
      /** RedriveExecution: the execution continues from `state`. */
      readonly kind: "execution-redriven";
      readonly executionArn: string;
      readonly stateMachine: string;
      readonly state: string;
      readonly redriveCount: number;
    }
  | {
      readonly kind: "state";
      readonly executionArn: string;
      readonly event: "entered" | "exited" | "failed" | "retried" | "caught";
      readonly state: string;
      readonly error?: string;
      readonly cause?: string;
    }
  | {
      /** One call of a Task state (each retry is another one), once it answered. */
      readonly kind: "task";
      readonly executionArn: string;
      readonly state: string;
      readonly resource: string;
      /** The Task's input, its Parameters applied. */
      readonly input: unknown;
      /** The Task error it failed with (`Lambda.ServiceException`, `DynamoDB.ConditionalCheckFailedException`). */
      readonly error?: string;
    }
  | {
      readonly kind: "execution-finished";
      readonly executionArn: string;
      readonly stateMachine: string;
      readonly status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
      readonly input: unknown;
      readonly output?: unknown;
      readonly error?: string;
      readonly cause?: string;
    }
  | {
      readonly kind: "function-invoked";
      readonly functionName: string;
      readonly requestId: string;
      readonly invocationType: "RequestResponse" | "Event";
      readonly durationMs: number;
      readonly errorType?: string;
      readonly errorMessage?: string;
      /** Set when the failure was injected (`--fail`) instead of running the code. */
      readonly injected?: "business" | "transient" | "crash";
    }
);

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
export type TraceInput = DistributiveOmit<TraceRecord, "at">;

/** Receives every record; `retain` keeps them in memory too (off for load runs). */
export class Trace {
  readonly records: TraceRecord[] = [];
  private readonly listeners = new Set<(record: TraceRecord) => void>();
  retain: boolean;

  constructor(options: { retain?: boolean } = {}) {
    this.retain = options.retain ?? true;
  }

  /** Records what happened; `at` (ms since the epoch) defaults to now. */
  emit(record: TraceInput, at: number = Date.now()): void {
    const full = { ...record, at } as TraceRecord;
    if (this.retain) this.records.push(full);
    for (const listener of this.listeners) listener(full);
  }

  /** Calls `listener` for every later record; returns the unsubscribe function. */
  subscribe(listener: (record: TraceRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Records from index `from` on (what one order set off, when orders run one at a time). */
  since(from: number): TraceRecord[] {
    return this.records.slice(from);
  }
}
