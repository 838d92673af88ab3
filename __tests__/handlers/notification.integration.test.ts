import { startLocalAws, testObservability, type LocalAws } from "../support/local-aws";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { createNotificationHandler, NOTIFICATION_IDEMPOTENCY_SECONDS, type NotificationChannel, type NotificationMessage } from "../../handlers/notification";
import { LogChannel } from "../../handlers/notification/channels";
import { EventContractError, type EventBridgeEnvelope } from "../../src/contracts/events";
import { createLambdaContext } from "../../src/local/lambda-context";

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
  notify = createNotificationHandler({ dynamodb: aws.dynamodb, idempotencyTableName: aws.tables.idempotency, obs: testObservability("notification"), channel });
});
afterAll(() => aws.close());

const context = () => createLambdaContext({ functionName: "notification" });
const sentFor = (orderId: string) => channel.sent.filter((m) => m.orderId === orderId);

function outcomeEvent(kind: "Order Completed" | "Order Failed", orderId: string, extra: Record<string, unknown> = {}): EventBridgeEnvelope {
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
    detail: kind === "Order Completed" ? { ...common, status: "COMPLETED", paymentId: "pay_1", ...extra } : { ...common, status: "FAILED", reason: "PaymentDeclined", ...extra },
  };
}

describe("Notification service", () => {
  test("Order Completed: a confirmation with the amount", async () => {
    const orderId = newOrderId();
    const event = outcomeEvent("Order Completed", orderId);
    await expect(notify(event, context())).resolves.toEqual({ orderId, outcome: "COMPLETED", channel: "recording", deliveryId: "d-1" });
    expect(sentFor(orderId)).toEqual([
      expect.objectContaining({ outcome: "COMPLETED", customerId: "customer-1", eventId: event.id, subject: `Order ${orderId} confirmed`, text: expect.stringContaining("USD 89.97") }),
    ]);
  });

  test.each<[string, RegExp]>([
    ["PaymentDeclined", /payment was declined\. No money was taken/],
    ["OutOfStock", /out of stock\. Your payment has been refunded/],
    ["CompensationTimeout", /could not process it/],
  ])("Order Failed with %s: the reason in words", async (reason, text) => {
    const orderId = newOrderId();
    await notify(outcomeEvent("Order Failed", orderId, { reason }), context());
    expect(sentFor(orderId)).toEqual([expect.objectContaining({ outcome: "FAILED", text: expect.stringMatching(text) })]);
  });

  test("the same event delivered twice notifies once and answers the same", async () => {
    const orderId = newOrderId();
    const event = outcomeEvent("Order Completed", orderId);
    const first = await notify(event, context());
    const second = await notify(event, context());
    expect(second).toEqual(first);
    expect(sentFor(orderId)).toHaveLength(1);
  });

  test("the same outcome published twice (new event id) notifies once", async () => {
    const orderId = newOrderId();
    await notify(outcomeEvent("Order Failed", orderId), context());
    await notify(outcomeEvent("Order Failed", orderId), context());
    expect(sentFor(orderId)).toHaveLength(1);
  });

  test("concurrent deliveries of one event notify once", async () => {
    const orderId = newOrderId();
    const event = outcomeEvent("Order Completed", orderId);
    const results = await Promise.allSettled([notify(event, context()), notify(event, context()), notify(event, context())]);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ name: "IdempotencyAlreadyInProgressError" });
    expect(sentFor(orderId)).toHaveLength(1);
  });

  test("different outcomes of one order are different notifications", async () => {
    const orderId = newOrderId();
    await notify(outcomeEvent("Order Completed", orderId), context());
    await notify(outcomeEvent("Order Failed", orderId), context());
    expect(sentFor(orderId).map((m) => m.outcome)).toEqual(["COMPLETED", "FAILED"]);
  });

  test("a delivery that fails is not remembered: the retry notifies", async () => {
    const orderId = newOrderId();
    const event = outcomeEvent("Order Completed", orderId);
    channel.failures = 1;
    await expect(notify(event, context())).rejects.toThrow("mail server unavailable");
    await expect(notify(event, context())).resolves.toMatchObject({ outcome: "COMPLETED" });
    expect(sentFor(orderId)).toHaveLength(1);
  });

  test("deliveries are remembered in the idempotency table for 48 hours", async () => {
    const orderId = newOrderId();
    await notify(outcomeEvent("Order Completed", orderId), context());
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
    ["an Order Created event", (e) => ({ ...e, source: "orders.order-service", "detail-type": "Order Created" }), "detail-type"],
    ["an unknown detail-type", (e) => ({ ...e, "detail-type": "Order Shipped" }), "detail-type"],
    ["a detail without orderId", (e) => ({ ...e, detail: { ...(e.detail as object), orderId: undefined } }), "detail.orderId"],
    ["a detail with a fractional amount", (e) => ({ ...e, detail: { ...(e.detail as object), totalCents: 89.97 } }), "detail.totalCents"],
    ["something that is not an event", () => ({ hello: "world" }), "id"],
  ])("refuses %s, naming the field, and records nothing", async (_name, mutate, field) => {
    const before = (await aws.db.send(new ScanCommand({ TableName: aws.tables.idempotency, Select: "COUNT" }))).Count;
    const error = await notify(mutate(outcomeEvent("Order Completed", newOrderId())), context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventContractError);
    expect((error as EventContractError).issues.map((i) => i.field)).toContain(field);
    expect((await aws.db.send(new ScanCommand({ TableName: aws.tables.idempotency, Select: "COUNT" }))).Count).toBe(before);
    expect(channel.sent).toHaveLength(0);
  });

  test("the default channel writes one structured log line per notification", async () => {
    const lines: unknown[][] = [];
    const logChannel = new LogChannel({ info: (...args: unknown[]) => void lines.push(args) } as never);
    const handler = createNotificationHandler({ dynamodb: aws.dynamodb, idempotencyTableName: aws.tables.idempotency, obs: testObservability("notification"), channel: logChannel });
    const orderId = newOrderId();
    await expect(handler(outcomeEvent("Order Completed", orderId), context())).resolves.toMatchObject({ channel: "log" });
    expect(lines).toEqual([["notification", { notification: expect.objectContaining({ channel: "log", orderId, outcome: "COMPLETED" }) }]]);
  });
});
