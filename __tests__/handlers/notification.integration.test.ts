import { PutCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  createNotificationHandler,
  NOTIFICATION_IDEMPOTENCY_SECONDS,
  type NotificationChannel,
  type NotificationMessage,
} from "../../handlers/notification";
import { LogChannel } from "../../handlers/notification/channels";
import { OutcomeMismatch } from "../../handlers/shared/errors";
import { EventContractError, type EventBridgeEnvelope } from "../../src/contracts/events";
import { createLambdaContext } from "../support/lambda";
import { startLocalAws, testObservability, type LocalAws } from "../support/local-aws";

let aws: LocalAws;
let seq = 0;
const newOrderId = () => `ord_${(++seq).toString(16).padStart(8, "0")}${"2".repeat(24)}`;

class RecordingChannel implements NotificationChannel {
  readonly name = "recording";
  readonly sent: NotificationMessage[] = [];
  failures = 0;
  async send(message: NotificationMessage) {
    if (this.failures > 0) {
      this.failures--;
      throw new Error("mail server unavailable");
    }
    this.sent.push(message);
    return { deliveryId: `d-${this.sent.length}` };
  }
}

let channel: RecordingChannel;
let notify: ReturnType<typeof createNotificationHandler>;

beforeAll(async () => {
  aws = await startLocalAws("notification");
});
beforeEach(() => {
  channel = new RecordingChannel();
  notify = createNotificationHandler({
    dynamodb: aws.dynamodb,
    idempotencyTableName: aws.tables.idempotency,
    ordersTableName: aws.tables.orders,
    obs: testObservability("notification"),
    channel,
  });
});
afterAll(() => aws.close());

const context = () => createLambdaContext({ functionName: "notification" });
const sentFor = (orderId: string) => channel.sent.filter((m) => m.orderId === orderId);

const PAYMENT_ID = `pay_${"a".repeat(24)}`;
const idempotencyCount = async () =>
  (await aws.db.send(new ScanCommand({ TableName: aws.tables.idempotency, Select: "COUNT" }))).Count;

/** Stores the order as the workflow leaves it after this outcome, so the event is the genuine one. */
async function store(event: EventBridgeEnvelope): Promise<EventBridgeEnvelope> {
  const d = event.detail as Record<string, unknown>;
  await aws.db.send(
    new PutCommand({
      TableName: aws.tables.orders,
      Item: {
        orderId: d.orderId,
        customerId: d.customerId,
        totalCents: d.totalCents,
        currency: d.currency,
        status: d.status,
        ...(d.status === "COMPLETED" ? { paymentId: d.paymentId } : { failureReason: d.reason }),
      },
    }),
  );
  return event;
}

/** An outcome event together with the stored order it announces. */
const genuine = (...args: Parameters<typeof outcomeEvent>) => store(outcomeEvent(...args));

function outcomeEvent(
  kind: "Order Completed" | "Order Failed",
  orderId: string,
  extra: Record<string, unknown> = {},
): EventBridgeEnvelope {
  const common = { orderId, customerId: "customer-1", totalCents: 8997, currency: "USD" };
  return {
    version: "0",
    id: `evt-${Math.random().toString(16).slice(2)}`,
    "detail-type": kind,
    source: "orders.order-workflow",
    account: "000000000000",
    time: "2026-01-01T00:00:00Z",
    region: "us-east-1",
    resources: [],
    detail:
      kind === "Order Completed"
        ? { ...common, status: "COMPLETED", paymentId: PAYMENT_ID, ...extra }
        : { ...common, status: "FAILED", reason: "PaymentDeclined", ...extra },
  };
}

describe("Notification service", () => {
  test("Order Completed: a confirmation with the amount", async () => {
    const orderId = newOrderId();
    const event = await genuine("Order Completed", orderId);
    await expect(notify(event, context())).resolves.toEqual({
      orderId,
      outcome: "COMPLETED",
      channel: "recording",
      deliveryId: "d-1",
    });
    expect(sentFor(orderId)).toEqual([
      expect.objectContaining({
        outcome: "COMPLETED",
        customerId: "customer-1",
        eventId: event.id,
        subject: `Order ${orderId} confirmed`,
        text: expect.stringContaining("USD 89.97"),
      }),
    ]);
  });

  test.each<[string, RegExp]>([
    ["PaymentDeclined", /payment was declined\. No money was taken/],
    ["OutOfStock", /out of stock\. Your payment has been refunded/],
    ["CompensationTimeout", /could not process it/],
  ])("Order Failed with %s: the reason in words", async (reason, text) => {
    const orderId = newOrderId();
    await notify(await genuine("Order Failed", orderId, { reason }), context());
    expect(sentFor(orderId)).toEqual([
      expect.objectContaining({ outcome: "FAILED", text: expect.stringMatching(text) }),
    ]);
  });

  test("the same event delivered twice notifies once and answers the same", async () => {
    const orderId = newOrderId();
    const event = await genuine("Order Completed", orderId);
    const first = await notify(event, context());
    const second = await notify(event, context());
    expect(second).toEqual(first);
    expect(sentFor(orderId)).toHaveLength(1);
  });

  test("the same outcome published twice (new event id) notifies once", async () => {
    const orderId = newOrderId();
    await notify(await genuine("Order Failed", orderId), context());
    await notify(await genuine("Order Failed", orderId), context());
    expect(sentFor(orderId)).toHaveLength(1);
  });

  test("concurrent deliveries of one event notify once", async () => {
    const orderId = newOrderId();
    const event = await genuine("Order Completed", orderId);
    const results = await Promise.allSettled([
      notify(event, context()),
      notify(event, context()),
      notify(event, context()),
    ]);
    for (const r of results)
      if (r.status === "rejected") expect(r.reason).toMatchObject({ name: "IdempotencyAlreadyInProgressError" });
    expect(sentFor(orderId)).toHaveLength(1);
  });

  test("different outcomes of one order are different notifications", async () => {
    const orderId = newOrderId();
    await notify(await genuine("Order Completed", orderId), context());
    await notify(await genuine("Order Failed", orderId), context());
    expect(sentFor(orderId).map((m) => m.outcome)).toEqual(["COMPLETED", "FAILED"]);
  });

  test("a delivery that fails is not remembered: the retry notifies", async () => {
    const orderId = newOrderId();
    const event = await genuine("Order Completed", orderId);
    channel.failures = 1;
    await expect(notify(event, context())).rejects.toThrow("mail server unavailable");
    await expect(notify(event, context())).resolves.toMatchObject({ outcome: "COMPLETED" });
    expect(sentFor(orderId)).toHaveLength(1);
  });

  test("deliveries are remembered in the idempotency table for 48 hours", async () => {
    const orderId = newOrderId();
    await notify(await genuine("Order Completed", orderId), context());
    const items = (await aws.db.send(new ScanCommand({ TableName: aws.tables.idempotency }))).Items ?? [];
    const now = Date.now() / 1000;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.id).toEqual(expect.any(String));
      expect(item.expiration).toBeGreaterThan(now + NOTIFICATION_IDEMPOTENCY_SECONDS - 60);
      expect(item.expiration).toBeLessThanOrEqual(now + NOTIFICATION_IDEMPOTENCY_SECONDS + 1);
    }
  });

  test.each<[string, (e: EventBridgeEnvelope) => unknown, string]>([
    [
      "an Order Created event",
      (e) => ({ ...e, source: "orders.order-service", "detail-type": "Order Created" }),
      "detail-type",
    ],
    ["an unknown detail-type", (e) => ({ ...e, "detail-type": "Order Shipped" }), "detail-type"],
    [
      "a detail without orderId",
      (e) => ({ ...e, detail: { ...(e.detail as object), orderId: undefined } }),
      "detail.orderId",
    ],
    [
      "a detail with a fractional amount",
      (e) => ({ ...e, detail: { ...(e.detail as object), totalCents: 89.97 } }),
      "detail.totalCents",
    ],
    ["something that is not an event", () => ({ hello: "world" }), "id"],
  ])("refuses %s, naming the field, and records nothing", async (_name, mutate, field) => {
    const before = (await aws.db.send(new ScanCommand({ TableName: aws.tables.idempotency, Select: "COUNT" }))).Count;
    const error = await notify(mutate(await genuine("Order Completed", newOrderId())), context()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EventContractError);
    expect((error as EventContractError).issues.map((i) => i.field)).toContain(field);
    expect((await aws.db.send(new ScanCommand({ TableName: aws.tables.idempotency, Select: "COUNT" }))).Count).toBe(
      before,
    );
    expect(channel.sent).toHaveLength(0);
  });

  test("the default channel writes one structured log line per notification", async () => {
    const lines: unknown[][] = [];
    const logChannel = new LogChannel({ info: (...args: unknown[]) => void lines.push(args) } as never);
    const handler = createNotificationHandler({
      dynamodb: aws.dynamodb,
      idempotencyTableName: aws.tables.idempotency,
      ordersTableName: aws.tables.orders,
      obs: testObservability("notification"),
      channel: logChannel,
    });
    const orderId = newOrderId();
    await expect(handler(await genuine("Order Completed", orderId), context())).resolves.toMatchObject({
      channel: "log",
    });
    expect(lines).toEqual([
      [
        "notification",
        {
          notification: expect.objectContaining({
            channel: "log",
            orderId,
            outcome: "COMPLETED",
            customer: expect.stringMatching(/^cus_[0-9a-f]{16}$/),
          }),
        },
      ],
    ]);
    // The log holds a digest of the customer, not the id.
    expect(JSON.stringify(lines)).not.toContain("customer-1");
  });

  test("deliveries record a hash of the detail beside the key", async () => {
    const orderId = newOrderId();
    await notify(await genuine("Order Completed", orderId), context());
    const items = (await aws.db.send(new ScanCommand({ TableName: aws.tables.idempotency }))).Items ?? [];
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) expect(item.validation).toEqual(expect.stringMatching(/^[A-Za-z0-9+/=]{16,}$/));
  });

  test("another detail under a delivered key is refused, not answered with the earlier delivery", async () => {
    const orderId = newOrderId();
    await notify(await genuine("Order Completed", orderId), context());
    // The stored order changes (an operator corrects it) and an event for the new state arrives.
    const changed = await genuine("Order Completed", orderId, { totalCents: 8000 });
    await expect(notify(changed, context())).rejects.toMatchObject({ name: "IdempotencyValidationError" });
    expect(sentFor(orderId)).toHaveLength(1);
  });
});

describe("Notification service: forged outcome events (attacks)", () => {
  const refused = async (event: EventBridgeEnvelope, fields: string[]) => {
    const before = await idempotencyCount();
    const error = await notify(event, context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutcomeMismatch);
    expect((error as OutcomeMismatch).fields).toEqual(fields);
    expect(await idempotencyCount()).toBe(before);
    expect(sentFor((event.detail as { orderId: string }).orderId)).toHaveLength(0);
  };

  test("Order Completed for an order still PENDING is refused, and the genuine notification still goes out", async () => {
    const orderId = newOrderId();
    await store(outcomeEvent("Order Completed", orderId));
    await aws.db.send(
      new UpdateCommand({
        TableName: aws.tables.orders,
        Key: { orderId },
        UpdateExpression: "SET #s = :p REMOVE paymentId",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":p": "PENDING" },
      }),
    );
    await refused(outcomeEvent("Order Completed", orderId), ["status", "paymentId"]);
    // The workflow completes the order and publishes: the key was not used up by the forgery.
    await notify(await genuine("Order Completed", orderId), context());
    expect(sentFor(orderId)).toHaveLength(1);
  });

  test("Order Completed with another customer, total or payment than the stored order is refused", async () => {
    const orderId = newOrderId();
    await genuine("Order Completed", orderId);
    await refused(
      outcomeEvent("Order Completed", orderId, {
        customerId: "victim",
        totalCents: 1,
        paymentId: `pay_${"b".repeat(24)}`,
      }),
      ["customerId", "totalCents", "paymentId"],
    );
  });

  test("Order Failed for a COMPLETED order is refused", async () => {
    const orderId = newOrderId();
    await genuine("Order Completed", orderId);
    await refused(outcomeEvent("Order Failed", orderId), ["status", "reason"]);
  });

  test("an outcome of an order that does not exist is refused", async () => {
    await refused(outcomeEvent("Order Completed", newOrderId()), ["orderId"]);
  });

  test.each<[string, Record<string, unknown>, string]>([
    [
      "a 200,000-character customer id with a newline and U+202E",
      { customerId: `a\n\u202e${"c".repeat(200_000)}` },
      "detail.customerId",
    ],
    ["an unknown detail field", { discount: 100 }, "detail"],
    ["a reason that is not an error name", { reason: "<script>" }, "detail.reason"],
  ])("refuses %s before reading anything", async (_name, extra, field) => {
    const event = outcomeEvent("Order Failed", newOrderId(), extra);
    const error = await notify(event, context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventContractError);
    expect((error as EventContractError).issues.map((i) => i.field)).toContain(field);
  });

  test("input nested deeper than any event is a contract error, not a RangeError", async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const error = await notify(outcomeEvent("Order Failed", newOrderId(), { reason: deep }), context()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EventContractError);
    expect((error as EventContractError).message).toMatch(/nested deeper than 8 levels/);
  });
});
