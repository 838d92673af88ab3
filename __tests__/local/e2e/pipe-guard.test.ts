/**
 * The runtime runs the outbox pipe as synthesized. In a copy of the stack whose pipe filter passes
 * only customers starting "dlq-" and whose role may no longer put events: an order the filter no
 * longer matches is never published (the order stays PENDING, no workflow starts), which is what makes
 * the end-to-end run fail when the filter and the stored order drift apart; an order the filter passes
 * is refused by the bus (AccessDeniedException), retried, and described in the pipe's dead-letter
 * queue, as Pipes does for a stream source
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-batching-concurrency.html).
 */
import { ORDER_CREATED_FILTER } from "../../../src/contracts/outbox";
import { itemsOf, order, startPipeline, type RunningPipeline } from "./support";
import type { StackDocument } from "../../../src/terraform/stack-document";

type Config = Record<string, any>;
const resources = (document: StackDocument, type: string) =>
  Object.entries((document.resource as Record<string, Record<string, Config>>)[type] ?? {});

let pipeline: RunningPipeline;

beforeAll(async () => {
  pipeline = await startPipeline({
    warm: "none",
    mutate: (document) => {
      const [[, pipe]] = resources(document, "aws_pipes_pipe") as [[string, Config]];
      const filter = pipe.source_parameters.filter_criteria.filter[0];
      expect(JSON.parse(filter.pattern)).toEqual(ORDER_CREATED_FILTER);
      filter.pattern = JSON.stringify({
        ...ORDER_CREATED_FILTER,
        dynamodb: { NewImage: { ...ORDER_CREATED_FILTER.dynamodb.NewImage, customerId: { S: [{ prefix: "dlq-" }] } } },
      });
      for (const [name, policy] of resources(document, "aws_iam_role_policy").filter(([name]) =>
        name.startsWith("order-outbox"),
      )) {
        const doc = JSON.parse(policy.policy) as { Statement: { Action: string[] }[] };
        doc.Statement = doc.Statement.filter((s) => !s.Action.includes("events:PutEvents"));
        policy.policy = JSON.stringify(doc);
        expect(name).toMatch(/^order-outbox_role_policy/);
      }
    },
  });
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

const submitAndSettle = async (customerId: string, key: string) => {
  const result = await pipeline.parts.orderFunction.invoke(order({ customerId, idempotencyKey: key }));
  await pipeline.runtime.idle(30_000);
  return (result.payload as { orderId: string }).orderId;
};

it("publishes nothing for an order the pipe's filter does not match: it stays PENDING and no workflow starts", async () => {
  const orderId = await submitAndSettle("cust-guard", "pipe-guard-1");
  const [insert] = pipeline.runtime.streams.records(pipeline.parts.ordersTable);
  expect(insert).toMatchObject({ eventName: "INSERT", dynamodb: { Keys: { orderId: { S: orderId } } } });
  expect(pipeline.runtime.trace.records).toContainEqual(
    expect.objectContaining({ kind: "pipe-filtered", sequenceNumber: insert!.dynamodb.SequenceNumber }),
  );
  expect(pipeline.runtime.bus.stats.accepted).toBe(0);
  expect(pipeline.runtime.executions()).toHaveLength(0);
  expect((await itemsOf(pipeline.runtime, "orders")).find((o) => o.orderId === orderId)).toMatchObject({
    status: "PENDING",
  });
});

it("sends a batch the bus keeps refusing to the pipe's dead-letter queue after its retries", async () => {
  const orderId = await submitAndSettle("dlq-cust", "pipe-guard-2");
  const record = pipeline.runtime.streams
    .records(pipeline.parts.ordersTable)
    .find((r) => (r.dynamodb.Keys.orderId as { S: string }).S === orderId)!;
  const failures = pipeline.runtime.trace.records.filter(
    (r) => r.kind === "pipe-failed" && r.sequenceNumbers.includes(record.dynamodb.SequenceNumber),
  );
  // maximum_retry_attempts 10: the first attempt and ten retries, every one refused.
  expect(failures).toHaveLength(11);
  expect(failures.every((f) => (f as { errorCode: string }).errorCode === "AccessDeniedException")).toBe(true);
  const dlq = pipeline.runtime.queues.all().find((q) => q.name === "orders-dev-order-created-dlq")!;
  expect(dlq.messages).toHaveLength(1);
  expect(JSON.parse(dlq.messages[0]!.Body)).toMatchObject({
    responseContext: { errorCode: "AccessDeniedException" },
    DDBStreamBatchInfo: {
      startSequenceNumber: record.dynamodb.SequenceNumber,
      endSequenceNumber: record.dynamodb.SequenceNumber,
      batchSize: 1,
      streamArn: record.eventSourceARN,
    },
  });
  expect(pipeline.runtime.executions()).toHaveLength(0);
});
