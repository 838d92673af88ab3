/**
 * The synthesized dev stack, run by the local runtime, end to end: an order goes in through the Order
 * function, "Order Created" crosses the bus, the rule starts the saga, the saga calls Payment and
 * Inventory and writes the outcome, "Order Completed"/"Order Failed" reaches Notification.
 */
import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { createDocumentClient } from "../../../handlers/shared/aws";
import { DetailType, EventSource, OrderCreatedDetailSchema, RulePatterns } from "../../../src/contracts/events";
import { putRawEvents } from "../../../src/local/orders/raw-events";
import { replayArchives } from "../../../src/local/orders/replay";
import { Authorizer } from "../../../src/local/runtime/iam/authorizer";
import { StateName } from "../../../src/workflow/names";
import { describeRedrive, redriveFaults, redriveVariables } from "../../redrive/redrive-against-runtime";
import { itemsOf, order, sagaWorkflowType, startPipeline, stockOf, type RunningPipeline } from "./support";
import type { Policy } from "../../../src/local/runtime/iam/policy";

let pipeline: RunningPipeline;

beforeAll(async () => {
  pipeline = await startPipeline({ faults: redriveFaults, variableArguments: redriveVariables });
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

/** Executions started, as the saga's log (the trace) records them: an Express machine keeps no history. */
const startedExecutions = () => pipeline.runtime.trace.records.filter((r) => r.kind === "execution-started");

/** How each execution for an order ended, as the saga's log records it. */
function finishedRunsOf(orderId: string) {
  return pipeline.runtime.trace.records.filter(
    (r) =>
      r.kind === "execution-finished" && (r.input as { detail?: { orderId?: string } }).detail?.orderId === orderId,
  );
}

/** The states an order's execution entered, in order. */
function statesOf(orderId: string): string[] {
  const executions = pipeline.runtime.trace.records.filter(
    (r) => r.kind === "execution-started" && (r.input as { detail?: { orderId?: string } }).detail?.orderId === orderId,
  );
  const arns = new Set(executions.map((r) => (r as { executionArn: string }).executionArn));
  return pipeline.runtime.trace.records
    .filter((r) => r.kind === "state" && r.event === "entered" && arns.has(r.executionArn))
    .map((r) => (r as { state: string }).state);
}

const itemOf = async (table: "orders" | "payments", orderId: string) =>
  (await itemsOf(pipeline.runtime, table)).find((i) => i.orderId === orderId);
const reservationOf = async (orderId: string) =>
  (await itemsOf(pipeline.runtime, "inventory")).find((i) => i.pk === `ORDER#${orderId}`);
const notificationsOf = async (orderId: string) =>
  (await itemsOf(pipeline.runtime, "idempotency")).filter(
    (i) => JSON.stringify(i.data ?? {}).includes(orderId) && i.status === "COMPLETED",
  );

describe(`npm run local, end to end (workflow_type=${sagaWorkflowType()})`, () => {
  it("runs what the stack declares and lists what it does not run", () => {
    const { runtime } = pipeline;
    expect([...runtime.functions.keys()].sort()).toEqual([
      "orders-dev-inventory",
      "orders-dev-notification",
      "orders-dev-order",
      "orders-dev-payment",
    ]);
    expect(runtime.bus.rules.map((r) => [r.name, r.pattern])).toEqual([
      ["orders-dev-order-created", RulePatterns.orderCreated],
      ["orders-dev-order-outcome", RulePatterns.orderOutcome],
    ]);
    expect(runtime.model.tables.find((t) => t.name === "orders-dev-idempotency")?.ttlAttribute).toBe("expiration");
    const notRun = runtime.inventory.filter((e) => !e.runs).map((e) => e.type);
    expect(runtime.inventory.filter((e) => e.runs).map((e) => e.type)).toEqual(
      expect.arrayContaining(["aws_iam_role", "aws_iam_role_policy", "aws_lambda_permission", "aws_sqs_queue_policy"]),
    );
    expect(notRun).toEqual(
      expect.arrayContaining([
        "aws_cloudwatch_log_group",
        "aws_cloudwatch_metric_alarm",
        "aws_cloudwatch_dashboard",
        "aws_sns_topic",
      ]),
    );
    expect(runtime.inventory.every((e) => e.how.length > 0)).toBe(true);
  });

  it("completes an order: charged, stock taken, COMPLETED, customer notified once", async () => {
    const before = await stockOf(pipeline.runtime, "prod-001");
    const outcome = await pipeline.submit(order({ customerId: "cust-happy", idempotencyKey: "happy-1" }));

    expect(outcome).toMatchObject({ status: "COMPLETED", error: null });
    const orderId = outcome.orderId as string;
    expect(statesOf(orderId)).toEqual([
      StateName.claimOrder,
      StateName.processPayment,
      StateName.reserveInventory,
      StateName.completeOrder,
      StateName.publishOrderCompleted,
      StateName.orderSucceeded,
    ]);
    expect(await itemOf("orders", orderId)).toMatchObject({ status: "COMPLETED", totalCents: 5998 });
    expect(await itemOf("payments", orderId)).toMatchObject({ status: "CHARGED", amountCents: 5998 });
    expect(await reservationOf(orderId)).toMatchObject({ status: "RESERVED" });
    expect(await stockOf(pipeline.runtime, "prod-001")).toBe(before - 2);
    expect(await notificationsOf(orderId)).toHaveLength(1);
    const outcomeEvent = pipeline.runtime.trace.records.find(
      (r) =>
        r.kind === "event-accepted" &&
        r.detailType === DetailType.orderCompleted &&
        JSON.stringify(r.detail).includes(orderId),
    );
    expect(outcomeEvent).toBeDefined();
  });

  it("publishes Order Created through the orders table's stream and the pipe, once, with the contract's detail", async () => {
    const outcome = await pipeline.submit(order({ customerId: "cust-outbox", idempotencyKey: "outbox-1" }));
    const orderId = outcome.orderId as string;
    const { runtime } = pipeline;
    // The stream: the Order service's INSERT (NEW_IMAGE as DynamoDB JSON), then the saga's MODIFYs
    // (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_streams_StreamRecord.html).
    const records = runtime.streams
      .records(pipeline.parts.ordersTable)
      .filter((r) => (r.dynamodb.Keys.orderId as { S: string }).S === orderId);
    expect(records.map((r) => [r.eventName, (r.dynamodb.NewImage?.status as { S: string }).S])).toEqual([
      ["INSERT", "PENDING"],
      ["MODIFY", "PENDING"],
      ["MODIFY", "COMPLETED"],
    ]);
    expect(records[0]).toMatchObject({
      eventSource: "aws:dynamodb",
      eventVersion: "1.1",
      awsRegion: "us-east-1",
      eventSourceARN: expect.stringMatching(
        /^arn:aws:dynamodb:us-east-1:000000000000:table\/orders-dev-orders\/stream\//,
      ),
      dynamodb: {
        StreamViewType: "NEW_IMAGE",
        Keys: { orderId: { S: orderId } },
        NewImage: { totalCents: { N: "5998" }, customerId: { S: "cust-outbox" } },
      },
    });
    expect(records.map((r) => BigInt(r.dynamodb.SequenceNumber))).toEqual(
      [...records.map((r) => BigInt(r.dynamodb.SequenceNumber))].sort((a, b) => (a < b ? -1 : 1)),
    );
    const created = runtime.trace.records.filter(
      (r) =>
        r.kind === "event-accepted" &&
        r.detailType === DetailType.orderCreated &&
        (r.detail as { orderId: string }).orderId === orderId,
    );
    expect(created).toHaveLength(1);
    const [event] = created as { eventId: string; source: string; detail: unknown }[];
    expect(event!.source).toBe(EventSource.orderService);
    expect(OrderCreatedDetailSchema.parse(event!.detail)).toEqual({
      orderId,
      customerId: "cust-outbox",
      currency: "USD",
      createdAt: expect.any(String),
    });
    const delivered = runtime.trace.records.find(
      (r) => r.kind === "pipe-delivered" && r.eventIds.includes(event!.eventId),
    );
    expect(delivered).toMatchObject({
      pipe: "orders-dev-order-created",
      sequenceNumbers: [records[0]!.dynamodb.SequenceNumber],
    });
  });

  it("starts no workflow for an update: a MODIFY of an order, even one left PENDING, does not pass the pipe's filter", async () => {
    const done = await pipeline.submit(order({ customerId: "cust-update", idempotencyKey: "update-1" }));
    const orderId = done.orderId as string;
    const { runtime } = pipeline;
    const executions = startedExecutions().length;
    const db = createDocumentClient(runtime.tables.client);
    await db.send(
      new UpdateCommand({
        TableName: pipeline.parts.ordersTable,
        Key: { orderId },
        UpdateExpression: "SET #s = :pending",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":pending": "PENDING" },
      }),
    );
    await runtime.idle(10_000);

    const last = runtime.streams
      .records(pipeline.parts.ordersTable)
      .filter((r) => (r.dynamodb.Keys.orderId as { S: string }).S === orderId)
      .pop();
    expect(last).toMatchObject({ eventName: "MODIFY", dynamodb: { NewImage: { status: { S: "PENDING" } } } });
    expect(runtime.trace.records).toContainEqual(
      expect.objectContaining({
        kind: "pipe-filtered",
        sequenceNumber: last!.dynamodb.SequenceNumber,
        eventName: "MODIFY",
      }),
    );
    expect(startedExecutions()).toHaveLength(executions);
    expect(
      runtime.trace.records.filter(
        (r) =>
          r.kind === "event-accepted" &&
          r.detailType === DetailType.orderCreated &&
          (r.detail as { orderId: string }).orderId === orderId,
      ),
    ).toHaveLength(1);
  });

  it("fails a declined payment: nothing charged, no stock taken, FAILED with PaymentDeclined, customer told", async () => {
    const before = await stockOf(pipeline.runtime, "prod-001");
    const outcome = await pipeline.submit(order({ customerId: "declined-cust", idempotencyKey: "declined-1" }));

    expect(outcome.status).toBe("FAILED");
    expect(outcome.error?.name).toBe("PaymentDeclined");
    const orderId = outcome.orderId as string;
    expect(statesOf(orderId)).toEqual([
      StateName.claimOrder,
      StateName.processPayment,
      StateName.markFailed,
      StateName.publishOrderFailed,
      StateName.orderFailed,
    ]);
    expect(await itemOf("orders", orderId)).toMatchObject({ status: "FAILED", failureReason: "PaymentDeclined" });
    expect((await itemOf("payments", orderId))?.status).not.toBe("CHARGED");
    expect(await reservationOf(orderId)).toBeUndefined();
    expect(await stockOf(pipeline.runtime, "prod-001")).toBe(before);
    expect(finishedRunsOf(orderId)).toEqual([expect.objectContaining({ status: "FAILED", error: "PaymentDeclined" })]);
    expect(await notificationsOf(orderId)).toHaveLength(1);
  });

  it("refunds the payment when stock runs out, gives back the lines it took, and fails the order", async () => {
    const [stock1, stock5] = [await stockOf(pipeline.runtime, "prod-002"), await stockOf(pipeline.runtime, "prod-005")];
    const outcome = await pipeline.submit(
      order({
        customerId: "cust-big",
        idempotencyKey: "oos-1",
        items: [
          { productId: "prod-002", quantity: 3, price: 24 },
          { productId: "prod-005", quantity: stock5 + 1, price: 4.95 },
        ],
        totalAmount: (3 * 2400 + (stock5 + 1) * 495) / 100,
      }),
    );

    expect(outcome.status).toBe("FAILED");
    expect(outcome.error?.name).toBe("OutOfStock");
    const orderId = outcome.orderId as string;
    expect(statesOf(orderId)).toEqual([
      StateName.claimOrder,
      StateName.processPayment,
      StateName.reserveInventory,
      StateName.refundPayment,
      StateName.markFailed,
      StateName.publishOrderFailed,
      StateName.orderFailed,
    ]);
    expect(await itemOf("payments", orderId)).toMatchObject({ status: "REFUNDED" });
    expect(await stockOf(pipeline.runtime, "prod-002")).toBe(stock1);
    expect(await stockOf(pipeline.runtime, "prod-005")).toBe(stock5);
    expect(await itemOf("orders", orderId)).toMatchObject({ status: "FAILED", failureReason: "OutOfStock" });
  });

  it("keeps a duplicate submission one order: one charge, one reservation, one saga that did the work", async () => {
    const request = order({
      customerId: "cust-twice",
      idempotencyKey: "dup-1",
      items: [{ productId: "prod-004", quantity: 1, price: 59 }],
      totalAmount: 59,
    });
    const before = await stockOf(pipeline.runtime, "prod-004");
    const [first, second] = await Promise.all([pipeline.driver.submit(request), pipeline.driver.submit(request)]);
    const again = await pipeline.submit(request);
    await pipeline.runtime.idle();

    expect(first.orderId).toBe(second.orderId);
    expect(again.orderId).toBe(first.orderId);
    expect([first.status, second.status, again.status]).toEqual(["COMPLETED", "COMPLETED", "COMPLETED"]);
    const orderId = first.orderId as string;
    expect((await itemsOf(pipeline.runtime, "orders")).filter((i) => i.orderId === orderId)).toHaveLength(1);
    expect(await itemOf("payments", orderId)).toMatchObject({ status: "CHARGED", amountCents: 5900 });
    expect(await stockOf(pipeline.runtime, "prod-004")).toBe(before - 1);
    expect(statesOf(orderId).filter((s) => s === StateName.processPayment)).toHaveLength(1);
    expect(await notificationsOf(orderId)).toHaveLength(1);
  });

  // Express starts at least once (express-at-least-once-execution.html), and EventBridge delivers at
  // least once: the same execution input may run again, concurrently. The saga's claim (a conditional
  // write naming the execution) lets one run do the work; Payment and Inventory are idempotent per order,
  // Notification per (order, outcome). On Express the duplicates may even carry the same name.
  it("runs the same execution input three times at once: one charge, one reservation, one notification", async () => {
    const { runtime } = pipeline;
    const [machine] = [...runtime.stateMachines.values()];
    const before = await stockOf(runtime, "prod-004");
    const again: Promise<unknown>[] = [];
    const unsubscribe = runtime.trace.subscribe((r) => {
      if (r.kind !== "execution-started" || again.length > 0) return;
      if ((r.input as { detail?: { customerId?: string } }).detail?.customerId !== "cust-again") return;
      const name = sagaWorkflowType() === "EXPRESS" ? (r.executionArn.split(":")[7] as string) : undefined;
      const input = r.input;
      // Started once the first run has begun, not inside its StartExecution.
      again.push(
        new Promise((resolve) => setImmediate(resolve)).then(() =>
          Promise.all([0, 1].map(() => machine!.startExecution(input, name).done)),
        ),
      );
    });
    const outcome = await pipeline.submit(
      order({
        customerId: "cust-again",
        idempotencyKey: "again-1",
        items: [{ productId: "prod-004", quantity: 1, price: 59 }],
        totalAmount: 59,
      }),
    );
    unsubscribe();
    await Promise.all(again);
    await runtime.idle();

    const orderId = outcome.orderId as string;
    expect(outcome.status).toBe("COMPLETED");
    const runs = finishedRunsOf(orderId);
    expect(runs.map((r) => (r as { status: string }).status)).toEqual(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"]);
    expect(statesOf(orderId).filter((s) => s === StateName.processPayment)).toHaveLength(1);
    expect(statesOf(orderId).filter((s) => s === StateName.duplicateIgnored)).toHaveLength(2);
    expect((await itemsOf(runtime, "payments")).filter((i) => i.orderId === orderId)).toEqual([
      expect.objectContaining({ status: "CHARGED", amountCents: 5900 }),
    ]);
    expect((await itemsOf(runtime, "inventory")).filter((i) => i.pk === `ORDER#${orderId}`)).toHaveLength(1);
    expect(await stockOf(runtime, "prod-004")).toBe(before - 1);
    expect(await notificationsOf(orderId)).toHaveLength(1);
  });

  it("rejects a bad order at the door: REJECTED with the field named, nothing stored, nothing published", async () => {
    const ordersBefore = (await itemsOf(pipeline.runtime, "orders")).length;
    const eventsBefore = pipeline.runtime.bus.stats.accepted;
    const outcome = await pipeline.submit(order({ customerId: "cust-bad", totalAmount: 10 }));

    expect(outcome).toMatchObject({ status: "REJECTED", orderId: null, error: { name: "ValidationError" } });
    expect(outcome.error?.message).toMatch(/totalAmount/);
    expect((await itemsOf(pipeline.runtime, "orders")).length).toBe(ordersBefore);
    expect(pipeline.runtime.bus.stats.accepted).toBe(eventsBefore);
  });

  describe("an API-Gateway-style order ({ body, headers }), followed like a direct one", () => {
    const api = (body: unknown, headers?: Record<string, string>) => ({ body, ...(headers ? { headers } : {}) });

    it("a valid one is followed to its final status, found by the order id in the answer's body", async () => {
      const outcome = await pipeline.submit(
        api(JSON.stringify(order({ customerId: "cust-api" })), { "Idempotency-Key": "api-1" }),
      );
      expect(outcome).toMatchObject({ status: "COMPLETED", error: null, orderId: expect.stringMatching(/^ord_/) });
      expect(await itemOf("orders", outcome.orderId as string)).toMatchObject({
        status: "COMPLETED",
        customerId: "cust-api",
      });
      const again = await pipeline.submit(
        api(JSON.stringify(order({ customerId: "cust-api" })), { "idempotency-key": "api-1" }),
      );
      expect(again).toMatchObject({ status: "COMPLETED", orderId: outcome.orderId });
    });

    it.each<[string, unknown, RegExp]>([
      ["a body that is not JSON", "{not json", /body must be valid JSON/],
      ["an invalid order inside", JSON.stringify(order({ totalAmount: 10 })), /totalAmount/],
      ["a body that is an object", order(), /body must be a JSON string/],
      ["a null body", null, /body is required/],
    ])("%s is REJECTED with the handler's message, nothing stored", async (_case, body, message) => {
      const ordersBefore = (await itemsOf(pipeline.runtime, "orders")).length;
      const outcome = await pipeline.submit(api(body, { "content-type": "application/json" }));
      expect(outcome).toMatchObject({
        status: "REJECTED",
        orderId: null,
        error: { name: "ValidationError", message: expect.stringMatching(message) },
      });
      expect((await itemsOf(pipeline.runtime, "orders")).length).toBe(ordersBefore);
    });
  });

  it("leaves the dead-letter queues empty when nothing failed delivery", () => {
    expect(pipeline.runtime.queues.all().map((q) => [q.name, q.messages.length])).toEqual([
      ["orders-dev-notification-failures", 0],
      ["orders-dev-order-created-dlq", 0],
      ["orders-dev-order-outcome-dlq", 0],
    ]);
  });

  it("needs every permission its roles grant: without any one of them, a call these orders made is denied", () => {
    const { authorizer } = pipeline.runtime.iam;
    const made = authorizer.requests();
    expect(made.filter((r) => authorizer.decide(r))).toEqual([]);
    const without = (roleArn: string, pi: number, si: number, action: string) => {
      const reduced = new Map(authorizer.policies.identity);
      const policies = [...(reduced.get(roleArn) ?? [])];
      const policy = policies[pi] as Policy;
      policies[pi] = {
        ...policy,
        statements: policy.statements.map((st, i) =>
          i === si ? { ...st, action: st.action?.filter((a) => a !== action) } : st,
        ),
      };
      reduced.set(roleArn, policies);
      return new Authorizer({ ...authorizer.policies, identity: reduced }, authorizer.options);
    };
    // What only a path these orders do not take needs: Powertools idempotency reads the record of a
    // repeated notification (GetItem) and deletes it when the handler fails (DeleteItem); Lambda
    // sends a notification that failed every attempt to its on-failure queue (SendMessage); the
    // outbox pipe describes a batch it could not deliver in its dead-letter queue (SendMessage); the Order
    // service reads a stored order only for a repeated submission of an order accepted before a price
    // changed (GetItem: every other repeat learns the order from its conditional put's answer).
    const onlyOnOtherPaths = [
      "orders-dev-order-fn dynamodb:GetItem",
      "orders-dev-notification-fn dynamodb:GetItem",
      "orders-dev-notification-fn dynamodb:DeleteItem",
      "orders-dev-notification-fn sqs:SendMessage",
      "orders-dev-order-created-pipe sqs:SendMessage",
    ];
    const unneeded: string[] = [];
    for (const [roleArn, policies] of authorizer.policies.identity) {
      policies.forEach((policy, pi) =>
        policy.statements.forEach((st, si) =>
          (st.action ?? []).forEach((action) => {
            // Logs and traces are not written through the API locally (start-up says so).
            if (/^(logs|xray):/.test(action) || onlyOnOtherPaths.includes(`${roleArn.split("/").pop()} ${action}`))
              return;
            const reduced = without(roleArn, pi, si, action);
            if (!made.some((r) => reduced.decide(r))) unneeded.push(`${roleArn} ${action}`);
          }),
        ),
      );
    }
    expect(unneeded).toEqual([]);
  });
});

describe("npm run local: the attacks of a principal allowed to put events or place orders", () => {
  const forge = (detailType: string, source: string, detail: Record<string, unknown>) =>
    putRawEvents(pipeline.runtime, [{ Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }]);
  const failedNotifications = () =>
    pipeline.runtime.queues.all().find((q) => q.name === "orders-dev-notification-failures")!.messages;

  it("a forged Order Created for a PENDING order: the saga charges, reserves and announces the stored order", async () => {
    const orderId = `ord_${"f0".repeat(16)}`;
    const items = [{ productId: "prod-001", quantity: 1, unitPriceCents: 2999 }];
    // An order stored PENDING: the pipe publishes its own Order Created too; whichever event the saga
    // sees first claims the order, the other is ignored as a duplicate.
    const stored = {
      orderId,
      customerId: "cust-owner",
      items,
      itemsJson: JSON.stringify(items),
      totalCents: 2999,
      currency: "USD",
      status: "PENDING",
      createdAt: "2026-01-01T00:00:00.000Z",
    };
    await createDocumentClient(pipeline.runtime.tables.client).send(
      new PutCommand({ TableName: pipeline.parts.ordersTable, Item: stored }),
    );
    const stock3 = await stockOf(pipeline.runtime, "prod-003");
    const [put] = await forge(DetailType.orderCreated, EventSource.orderService, {
      orderId,
      customerId: "cust-victim",
      items: [{ productId: "prod-003", quantity: 5, unitPriceCents: 8 }],
      totalCents: 40,
      currency: "USD",
      createdAt: "2026-01-01T00:00:00.000Z",
    });

    expect(put!.result.EventId).toBeDefined();
    expect(await itemOf("payments", orderId)).toMatchObject({
      status: "CHARGED",
      customerId: "cust-owner",
      amountCents: 2999,
    });
    expect(await stockOf(pipeline.runtime, "prod-003")).toBe(stock3);
    expect(await itemOf("orders", orderId)).toMatchObject({ status: "COMPLETED" });
    const completed = pipeline.runtime.trace.records.find(
      (r) =>
        r.kind === "event-accepted" &&
        r.detailType === DetailType.orderCompleted &&
        JSON.stringify(r.detail).includes(orderId),
    );
    expect((completed as { detail: unknown }).detail).toMatchObject({ customerId: "cust-owner", totalCents: 2999 });
  });

  it("a forged Order Failed for a completed order: Notification refuses it, tells nobody, and it ends in the failures queue", async () => {
    const done = await pipeline.submit(
      order({ customerId: "cust-forged-outcome", idempotencyKey: "forged-outcome-1" }),
    );
    expect(done.status).toBe("COMPLETED");
    const orderId = done.orderId as string;
    const before = failedNotifications().length;
    await forge(DetailType.orderFailed, EventSource.orderWorkflow, {
      orderId,
      customerId: "cust-forged-outcome",
      totalCents: 5998,
      currency: "USD",
      status: "FAILED",
      reason: "PaymentDeclined",
    });

    expect(await notificationsOf(orderId)).toHaveLength(1);
    const refused = failedNotifications().slice(before);
    expect(refused).toHaveLength(1);
    expect(JSON.parse(refused[0]!.Body)).toMatchObject({ responsePayload: { errorType: "OutcomeMismatch" } });
  });

  it("5 x prod-003 at 0.01: REJECTED with PriceChanged naming the line and the current price, nothing stored", async () => {
    const ordersBefore = (await itemsOf(pipeline.runtime, "orders")).length;
    const outcome = await pipeline.submit(
      order({
        customerId: "cust-cheap",
        items: [{ productId: "prod-003", quantity: 5, price: 0.01 }],
        totalAmount: 0.05,
      }),
    );
    expect(outcome).toMatchObject({
      status: "REJECTED",
      orderId: null,
      error: { name: "PriceChanged", message: expect.stringMatching(/items\[0\] \(prod-003\) is 89\.99, not 0\.01/) },
    });
    expect((await itemsOf(pipeline.runtime, "orders")).length).toBe(ordersBefore);
  });

  it.each(["__proto__", "constructor", "toString"])(
    "%s as a product id: REJECTED at the door, never COMPLETED with nothing reserved",
    async (productId) => {
      const outcome = await pipeline.submit(
        order({ customerId: "cust-proto", items: [{ productId, quantity: 1, price: 1 }], totalAmount: 1 }),
      );
      expect(outcome).toMatchObject({
        status: "REJECTED",
        error: { name: "ValidationError", message: expect.stringContaining("items[0].productId") },
      });
    },
  );

  it("input nested deeper than any order: REJECTED as a validation error, not a RangeError", async () => {
    // Deeper than JSON.stringify can write (about 5,000 levels), as a 6 MB Invoke payload can be.
    let deep: unknown = 1;
    for (let i = 0; i < 20_000; i++) deep = [deep];
    const outcome = await pipeline.submit(order({ customerId: deep }));
    expect(outcome).toMatchObject({
      status: "REJECTED",
      error: { name: "ValidationError", message: expect.stringMatching(/nested deeper than 8 levels/) },
    });
  });
});

describe("npm run local --replay: the run's archive replayed through the rules", () => {
  it("replayed Order Created events start sagas that ClaimOrder refuses: no second charge, reservation or notification", async () => {
    const { runtime, parts } = pipeline;
    // Event times have whole seconds: the window starts on a fresh second, so it holds this test's events only.
    await new Promise((resolve) => setTimeout(resolve, 1005 - (Date.now() % 1000)));
    const from = new Date(Math.floor(Date.now() / 1000) * 1000);
    const completed = await pipeline.submit(order({ customerId: "cust-replay", idempotencyKey: "replay-1" }));
    const declined = await pipeline.submit(order({ customerId: "declined-replay", idempotencyKey: "replay-2" }));
    expect([completed.status, declined.status]).toEqual(["COMPLETED", "FAILED"]);
    const to = new Date(Math.ceil((Date.now() + 1) / 1000) * 1000);
    const tables = async () =>
      Object.fromEntries(
        await Promise.all(
          (["orders", "inventory", "payments", "idempotency"] as const).map(
            async (t) => [t, await itemsOf(runtime, t)] as const,
          ),
        ),
      );
    const before = await tables();
    const executionsBefore = startedExecutions().length;
    const traceFrom = runtime.trace.records.length;

    const [outcome, ...others] = await replayArchives(runtime, parts, { from, to }, 30_000);

    expect(others).toEqual([]);
    // The archive keeps both sources' events (its pattern), so all four are replayed.
    expect(outcome?.replayed).toEqual({ "Order Created": 2, "Order Completed": 1, "Order Failed": 1 });
    // Each replayed Order Created started an execution (EventBridge starts one per delivery) ...
    // Read from the saga's log (the trace): an Express machine keeps no executions once they end.
    const replayedRuns = startedExecutions()
      .slice(executionsBefore)
      .map((r) => r as { executionArn: string; input: unknown });
    const finished = new Map(
      runtime.trace.records.flatMap((r) => (r.kind === "execution-finished" ? [[r.executionArn, r.status]] : [])),
    );
    expect(
      replayedRuns
        .map((e) => [(e.input as { detail: { orderId: string } }).detail.orderId, finished.get(e.executionArn)])
        .sort(),
    ).toEqual(
      [
        [completed.orderId, "SUCCEEDED"],
        [declined.orderId, "SUCCEEDED"],
      ].sort(),
    );
    // ... carrying replay-name (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-archive.html), and
    // refused at its first state: the order is no longer PENDING.
    for (const run of replayedRuns) {
      expect((run.input as Record<string, unknown>)["replay-name"]).toBe(outcome?.replayName);
      const states = runtime.trace
        .since(traceFrom)
        .filter((r) => r.kind === "state" && r.event === "entered" && r.executionArn === run.executionArn)
        .map((r) => (r as { state: string }).state);
      expect(states).toEqual([StateName.claimOrder, StateName.duplicateIgnored]);
    }
    expect(outcome?.executionsRefusedAsDuplicates).toBe(2);
    // Nothing charged, reserved, recorded or notified twice: every table as it was.
    expect(await tables()).toEqual(before);
    expect(outcome?.after).toEqual({ ...outcome?.before, executions: outcome!.before.executions + 2 });
  });
});

// Last: the redrive tests leave dead letters and executions behind them.
describeRedrive(() => pipeline);
