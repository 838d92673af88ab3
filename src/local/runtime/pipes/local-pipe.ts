import { type CompiledPattern, compileEventPattern, matches } from "../../event-pattern";
import { Activity } from "../activity";
import { Clock } from "../clock";
import { Trace } from "../trace";
import { checkInputTemplate, renderInputTemplate } from "./input-template";
import type { StreamRecord } from "../dynamodb/streams";
import type { PutEventsRequestEntry, PutEventsResult } from "../eventbridge/put-events";
import type { DeclaredPipe } from "../stack-model";

export interface LocalPipeOptions {
  readonly spec: DeclaredPipe;
  /** The target bus's name. */
  readonly busName: string;
  /** Puts entries on the target bus as the pipe's role; throws on a refused request. */
  readonly putEvents: (entries: PutEventsRequestEntry[]) => Promise<PutEventsResult>;
  /** Sends to the pipe's dead-letter queue as the pipe's role: the denial message, or undefined. */
  readonly sendToDeadLetter: (queueArn: string, body: string) => string | undefined;
  readonly clock: Clock;
  readonly trace: Trace;
  readonly activity: Activity;
}

/** First retry of a failed batch after 1 s, doubling up to 60 s (nominal; scaled by the clock). */
const BACKOFF_MS = { first: 1_000, max: 60_000 } as const;

/**
 * An EventBridge Pipe from a DynamoDB stream to an event bus. Records that match none of the filters
 * are dropped before batching
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html); the rest
 * go in batches of at most `batch_size`, one batch at a time, in stream order. Each record becomes one
 * entry whose Detail is the input template rendered for it (the record itself without a template). A
 * batch whose request fails, or with any failed entry, is retried whole with exponential backoff
 * until `maximum_retry_attempts` or `maximum_record_age_in_seconds` (nominal time); then the batch's
 * description goes to the dead-letter queue and the pipe reads on
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-concurrency.html).
 */
export class LocalPipe {
  private readonly filters: readonly CompiledPattern[];
  private readonly waiting: StreamRecord[] = [];
  private draining = false;
  /** Counters: records read, filtered out, delivered, dead-lettered; batches retried. */
  readonly stats = { read: 0, filtered: 0, delivered: 0, deadLettered: 0, retries: 0 };

  constructor(private readonly options: LocalPipeOptions) {
    this.filters = options.spec.filters.map((f) => compileEventPattern(f));
    if (options.spec.inputTemplate !== undefined) checkInputTemplate(options.spec.inputTemplate);
  }

  get name(): string {
    return this.options.spec.name;
  }

  /** A record of the pipe's source stream. */
  receive(record: StreamRecord): void {
    if (!this.options.spec.running) return;
    this.stats.read++;
    if (this.filters.length > 0 && !this.filters.some((f) => matches(f, record))) {
      this.stats.filtered++;
      this.options.trace.emit({
        kind: "pipe-filtered",
        pipe: this.name,
        sequenceNumber: record.dynamodb.SequenceNumber,
        eventName: record.eventName,
      });
      return;
    }
    this.waiting.push(record);
    if (!this.draining) {
      this.draining = true;
      // The pipe polls: records that arrive together (in one turn of the event loop) share a batch.
      void this.options.activity.track(new Promise((resolve) => setImmediate(resolve)).then(() => this.drain()));
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) await this.deliver(this.waiting.splice(0, this.options.spec.batchSize));
    } finally {
      this.draining = false;
    }
  }

  private entryOf(record: StreamRecord): PutEventsRequestEntry {
    const { spec } = this.options;
    const reserved = {
      "aws.pipes.pipe-arn": spec.arn,
      "aws.pipes.pipe-name": spec.name,
      "aws.pipes.source-arn": spec.sourceArn,
      "aws.pipes.target-arn": spec.targetArn,
      "aws.pipes.event.ingestion-time": new Date().toISOString(),
    };
    return {
      ...(spec.eventBus.source !== undefined ? { Source: spec.eventBus.source } : {}),
      ...(spec.eventBus.detailType !== undefined ? { DetailType: spec.eventBus.detailType } : {}),
      Detail:
        spec.inputTemplate === undefined
          ? JSON.stringify(record)
          : renderInputTemplate(spec.inputTemplate, record, reserved),
      EventBusName: this.options.busName,
      Resources: [],
    };
  }

  private async deliver(batch: StreamRecord[]): Promise<void> {
    const { spec, trace, clock } = this.options;
    const sequenceNumbers = batch.map((r) => r.dynamodb.SequenceNumber);
    let waitedMs = 0;
    for (let attempt = 1; ; attempt++) {
      let failure: { code: string; message: string };
      try {
        const result = await this.options.putEvents(batch.map((r) => this.entryOf(r)));
        if (result.FailedEntryCount === 0) {
          this.stats.delivered += batch.length;
          trace.emit({
            kind: "pipe-delivered",
            pipe: this.name,
            sequenceNumbers,
            eventIds: result.Entries.map((e) => e.EventId as string),
            attempts: attempt,
          });
          return;
        }
        const failed = result.Entries.find((e) => e.ErrorCode) as { ErrorCode: string; ErrorMessage?: string };
        failure = { code: failed.ErrorCode, message: failed.ErrorMessage ?? "" };
      } catch (error) {
        failure = { code: (error as Error).name, message: (error as Error).message };
      }
      const backoff = Math.min(BACKOFF_MS.max, BACKOFF_MS.first * 2 ** (attempt - 1));
      const retriesLeft = spec.maximumRetryAttempts < 0 || attempt <= spec.maximumRetryAttempts;
      const young = spec.maximumRecordAgeSeconds < 0 || waitedMs + backoff <= spec.maximumRecordAgeSeconds * 1000;
      const willRetry = retriesLeft && young;
      trace.emit({
        kind: "pipe-failed",
        pipe: this.name,
        sequenceNumbers,
        attempt,
        errorCode: failure.code,
        message: failure.message,
        willRetry,
      });
      if (!willRetry) return this.giveUp(batch, attempt, failure);
      this.stats.retries++;
      waitedMs += backoff;
      await clock.sleep(backoff);
    }
  }

  /**
   * What a stream source's dead-letter queue receives: a description of the batch, not its records
   * (the shape Lambda documents for stream sources, "Retaining records of asynchronous invocations":
   * DDBStreamBatchInfo); the records stay readable in the stream for 24 hours.
   */
  private giveUp(batch: StreamRecord[], attempts: number, failure: { code: string; message: string }): void {
    const { spec, trace } = this.options;
    const first = batch[0] as StreamRecord;
    const last = batch[batch.length - 1] as StreamRecord;
    const reason = `${failure.code}: ${failure.message}`;
    if (!spec.deadLetterArn) {
      trace.emit({ kind: "dropped", source: `pipe ${this.name}`, reason });
      return;
    }
    const body = JSON.stringify({
      requestContext: {
        requestId: first.eventID,
        functionArn: spec.targetArn,
        condition: "RetryAttemptsExhausted",
        approximateInvokeCount: attempts,
      },
      responseContext: { errorCode: failure.code, errorMessage: failure.message },
      version: "1.0",
      timestamp: new Date().toISOString(),
      DDBStreamBatchInfo: {
        shardId: "shardId-00000000000000000000-00000000",
        startSequenceNumber: first.dynamodb.SequenceNumber,
        endSequenceNumber: last.dynamodb.SequenceNumber,
        approximateArrivalOfFirstRecord: new Date(first.dynamodb.ApproximateCreationDateTime * 1000).toISOString(),
        approximateArrivalOfLastRecord: new Date(last.dynamodb.ApproximateCreationDateTime * 1000).toISOString(),
        batchSize: batch.length,
        streamArn: spec.sourceArn,
      },
    });
    const denial = this.options.sendToDeadLetter(spec.deadLetterArn, body);
    if (denial) {
      trace.emit({
        kind: "dropped",
        source: `pipe ${this.name}`,
        reason: `${reason}; the dead-letter queue refused it: ${denial}`,
      });
      return;
    }
    this.stats.deadLettered += batch.length;
    trace.emit({ kind: "dead-lettered", queue: spec.deadLetterArn, source: `pipe ${this.name}`, reason });
  }
}
