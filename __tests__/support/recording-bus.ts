/**
 * The runtime's EventBridge (runtime/eventbridge/bus.ts) for tests that look at what was put on it:
 * every accepted event recorded as a rule target receives it, every PutEvents call kept, and failures
 * to inject in front of the bus (whole requests, or single entries) for the publish-failure paths.
 */
import { Activity } from "../../src/local/runtime/activity";
import { LocalEventBridge } from "../../src/local/runtime/eventbridge/bus";
import { AwsServiceError } from "../../src/local/runtime/service-error";
import { LocalQueues } from "../../src/local/runtime/sqs/queues";
import { Trace } from "../../src/local/runtime/trace";
import type { EventBridgeEnvelope } from "../../src/contracts/events";
import type {
  PutEventsCaller,
  PutEventsRequestEntry,
  PutEventsResult,
  PutEventsResultEntry,
} from "../../src/local/runtime/eventbridge/put-events";

/** One event the bus accepted, as a rule target receives it. */
export interface RecordedEvent {
  readonly busName: string;
  readonly event: EventBridgeEnvelope;
}

/** A failure to apply to the next PutEvents call. */
export interface PutEventsFault {
  /** Fail the whole call: HTTP status and error type (e.g. 500 InternalException). */
  readonly request?: { readonly status: number; readonly type: string; readonly message?: string };
  /** Fail entries of the call with this code (all entries unless `indexes` is given). */
  readonly entries?: {
    readonly errorCode: string;
    readonly errorMessage?: string;
    readonly indexes?: readonly number[];
  };
}

export interface RecordingBusOptions {
  /** The buses besides `default`. */
  readonly busNames: readonly string[];
  readonly account?: { readonly accountId: string; readonly region: string };
}

export class RecordingBus {
  readonly events: RecordedEvent[] = [];
  /** Every PutEvents call, accepted or not, in order. */
  readonly calls: { readonly entries: readonly PutEventsRequestEntry[]; readonly error?: string }[] = [];
  readonly trace = new Trace();
  readonly bus: LocalEventBridge;
  private readonly activity = new Activity();
  private readonly faults: PutEventsFault[] = [];

  constructor(options: RecordingBusOptions) {
    // One rule per bus that matches every event: its deliveries are the record.
    const rules = ["default", ...options.busNames].map((busName) => ({
      name: `record-${busName}`,
      arn: `arn:aws:events:us-east-1:000000000000:rule/${busName}/record`,
      busName,
      pattern: {},
      enabled: true,
      targets: [{ id: "record", arn: "record", retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 } }],
    }));
    this.bus = new LocalEventBridge({
      busNames: options.busNames,
      rules,
      matcher: () => true,
      dispatch: async ({ rule, event }) => void this.events.push({ busName: rule.busName, event }),
      queues: new LocalQueues(),
      account: options.account ?? { accountId: "000000000000", region: "us-east-1" },
      trace: this.trace,
      activity: this.activity,
    });
  }

  /** Queues faults; each applies to one subsequent PutEvents call, in order. */
  failNext(...faults: PutEventsFault[]): this {
    this.faults.push(...faults);
    return this;
  }

  /** PutEvents on the bus, after the next fault; resolves once its events are recorded. */
  async putEvents(entries: readonly PutEventsRequestEntry[], caller?: PutEventsCaller): Promise<PutEventsResult> {
    const fault = this.faults.shift();
    if (fault?.request) {
      const { status, type, message = "injected failure" } = fault.request;
      this.calls.push({ entries, error: type });
      throw new AwsServiceError(type, message, { statusCode: status });
    }
    const failed = (index: number) =>
      fault?.entries !== undefined && (!fault.entries.indexes || fault.entries.indexes.includes(index));
    const passed = entries.filter((_, index) => !failed(index));
    let answered: PutEventsResult = { Entries: [], FailedEntryCount: 0 };
    try {
      if (passed.length > 0 || entries.length === 0) answered = await this.bus.putEvents(passed, caller);
    } catch (error) {
      this.calls.push({ entries, error: (error as Error).name });
      throw error;
    }
    await this.activity.idle();
    const results = [...answered.Entries];
    const merged = entries.map((_, index): PutEventsResultEntry =>
      failed(index)
        ? { ErrorCode: fault!.entries!.errorCode, ErrorMessage: fault!.entries!.errorMessage ?? "injected failure" }
        : (results.shift() as PutEventsResultEntry),
    );
    this.calls.push({ entries });
    return { Entries: merged, FailedEntryCount: merged.filter((r) => r.ErrorCode).length };
  }
}
