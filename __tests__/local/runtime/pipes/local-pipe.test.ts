/**
 * The local EventBridge Pipe from a DynamoDB stream to a bus, with a fake bus and dead-letter queue:
 * filtering before batching and batches of at most batch_size
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-event-filtering.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-concurrency.html), a failed
 * batch retried whole until maximum_retry_attempts, then its description sent to the dead-letter queue
 * (the stream-source record Lambda documents: DDBStreamBatchInfo).
 */
import { ORDER_CREATED_FILTER, ORDER_CREATED_INPUT_TEMPLATE } from "../../../../src/contracts/outbox";
import { Activity } from "../../../../src/local/runtime/activity";
import { Clock } from "../../../../src/local/runtime/clock";
import { LocalPipe } from "../../../../src/local/runtime/pipes/local-pipe";
import { Trace } from "../../../../src/local/runtime/trace";
import type { StreamRecord } from "../../../../src/local/runtime/dynamodb/streams";
import type { PutEventsRequestEntry, PutEventsResult } from "../../../../src/local/runtime/eventbridge/put-events";
import type { DeclaredPipe } from "../../../../src/local/runtime/stack-model";

const STREAM = "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/1970-01-01T00:00:00.000";
const spec = (overrides: Partial<DeclaredPipe> = {}): DeclaredPipe => ({
  address: "aws_pipes_pipe.outbox",
  name: "orders-created",
  arn: "arn:aws:pipes:us-east-1:000000000000:pipe/orders-created",
  roleArn: "arn:aws:iam::000000000000:role/pipe",
  sourceArn: STREAM,
  targetArn: "arn:aws:events:us-east-1:000000000000:event-bus/orders",
  running: true,
  batchSize: 10,
  maximumRetryAttempts: 2,
  maximumRecordAgeSeconds: 3600,
  deadLetterArn: "arn:aws:sqs:us-east-1:000000000000:pipe-dlq",
  filters: [ORDER_CREATED_FILTER],
  inputTemplate: ORDER_CREATED_INPUT_TEMPLATE,
  eventBus: { source: "orders.order-service", detailType: "Order Created" },
  notEmulated: [],
  ...overrides,
});

let sequence = 0;
const record = (eventName: StreamRecord["eventName"], status: string, n = ++sequence): StreamRecord => {
  const orderId = `ord_${String(n).padStart(32, "0")}`;
  return {
    eventID: `e${n}`,
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: "us-east-1",
    dynamodb: {
      ApproximateCreationDateTime: 1_700_000_000,
      Keys: { orderId: { S: orderId } },
      NewImage: {
        orderId: { S: orderId },
        customerId: { S: "c" },
        status: { S: status },
        currency: { S: "USD" },
        createdAt: { S: "2026-01-01T00:00:00.000Z" },
      },
      SequenceNumber: String(1000 + n),
      SizeBytes: 100,
      StreamViewType: "NEW_IMAGE",
    },
    eventSourceARN: STREAM,
  };
};

function pipeWith(
  putEvents: (entries: PutEventsRequestEntry[]) => Promise<PutEventsResult>,
  overrides: Partial<DeclaredPipe> = {},
) {
  const activity = new Activity();
  const trace = new Trace();
  const deadLetters: { queueArn: string; body: string }[] = [];
  const pipe = new LocalPipe({
    spec: spec(overrides),
    busName: "orders",
    putEvents,
    sendToDeadLetter: (queueArn, body) => void deadLetters.push({ queueArn, body }),
    clock: new Clock(0),
    trace,
    activity,
  });
  return { pipe, activity, trace, deadLetters };
}

const accepted = (entries: PutEventsRequestEntry[]): PutEventsResult => ({
  Entries: entries.map((_, i) => ({ EventId: `id-${i}` })),
  FailedEntryCount: 0,
});

describe("local pipe", () => {
  test("only INSERTs of PENDING orders pass; each becomes an Order Created entry with the rendered detail", async () => {
    const calls: PutEventsRequestEntry[][] = [];
    const { pipe, activity } = pipeWith(async (entries) => (calls.push(entries), accepted(entries)));
    const created = record("INSERT", "PENDING");
    pipe.receive(created);
    pipe.receive(record("MODIFY", "PENDING"));
    pipe.receive(record("MODIFY", "COMPLETED"));
    pipe.receive(record("INSERT", "COMPLETED"));
    await activity.idle();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual([
      {
        Source: "orders.order-service",
        DetailType: "Order Created",
        EventBusName: "orders",
        Resources: [],
        Detail: expect.any(String),
      },
    ]);
    expect(JSON.parse(calls[0]![0]!.Detail as string)).toEqual({
      orderId: (created.dynamodb.NewImage as any).orderId.S,
      customerId: "c",
      currency: "USD",
      createdAt: "2026-01-01T00:00:00.000Z",
    });
    expect(pipe.stats).toMatchObject({ read: 4, filtered: 3, delivered: 1 });
  });

  test("records go in batches of at most batch_size, in stream order", async () => {
    const calls: string[][] = [];
    const { pipe, activity } = pipeWith(
      async (entries) => (calls.push(entries.map((e) => JSON.parse(e.Detail as string).orderId)), accepted(entries)),
      { batchSize: 2 },
    );
    const records = Array.from({ length: 5 }, () => record("INSERT", "PENDING"));
    for (const r of records) pipe.receive(r);
    await activity.idle();
    expect(calls.map((c) => c.length)).toEqual([2, 2, 1]);
    expect(calls.flat()).toEqual(records.map((r) => (r.dynamodb.NewImage as any).orderId.S));
  });

  test("a target that keeps failing: the batch is retried whole maximum_retry_attempts times, then described in the dead-letter queue", async () => {
    let attempts = 0;
    const { pipe, activity, deadLetters, trace } = pipeWith(async (entries) => {
      attempts++;
      return {
        Entries: entries.map(() => ({ ErrorCode: "AccessDeniedException", ErrorMessage: "not authorized" })),
        FailedEntryCount: entries.length,
      };
    });
    const r = record("INSERT", "PENDING");
    pipe.receive(r);
    await activity.idle();
    expect(attempts).toBe(3);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]!.queueArn).toBe("arn:aws:sqs:us-east-1:000000000000:pipe-dlq");
    expect(JSON.parse(deadLetters[0]!.body)).toMatchObject({
      responseContext: { errorCode: "AccessDeniedException" },
      DDBStreamBatchInfo: {
        startSequenceNumber: r.dynamodb.SequenceNumber,
        endSequenceNumber: r.dynamodb.SequenceNumber,
        batchSize: 1,
        streamArn: STREAM,
      },
    });
    expect(
      trace.records.filter((t) => t.kind === "pipe-failed").map((t) => (t as { willRetry: boolean }).willRetry),
    ).toEqual([true, true, false]);
  });

  test("a request that fails once is retried and delivered; the pipe reads on after a dead-lettered batch", async () => {
    let calls = 0;
    const { pipe, activity, deadLetters } = pipeWith(async (entries) => {
      calls++;
      if (calls === 1) throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
      return accepted(entries);
    });
    pipe.receive(record("INSERT", "PENDING"));
    await activity.idle();
    expect(pipe.stats).toMatchObject({ delivered: 1, retries: 1, deadLettered: 0 });
    expect(deadLetters).toEqual([]);
  });

  test("records older than maximum_record_age_in_seconds (nominal backoff time) are given up before the retries run out", async () => {
    const { pipe, activity, deadLetters } = pipeWith(async () => Promise.reject(new Error("down")), {
      maximumRetryAttempts: -1,
      maximumRecordAgeSeconds: 60,
    });
    pipe.receive(record("INSERT", "PENDING"));
    await activity.idle();
    // Backoffs 1+2+4+8+16 s = 31 s; the next (32 s) would pass 60 s.
    expect(pipe.stats.retries).toBe(5);
    expect(deadLetters).toHaveLength(1);
  });
});
