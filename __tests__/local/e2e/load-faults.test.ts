/**
 * A load of generated orders with failures injected into Payment, Inventory and Notification (at the
 * runtime's invocation layer, the handlers unchanged), and an Order function that dies after its write
 * and before it answers (order-crash), which the client answers by submitting again with the same
 * idempotency key. Whatever failed, every order must end COMPLETED or FAILED (none left PENDING: the
 * outbox pipe publishes what was written, whether or not the function answered), Order Created must be
 * published once per order, no payment may stand without its fulfilment or refund, no stock may go
 * negative or leak, and whatever could not be delivered must sit in a dead-letter queue.
 */
import { STOCK_CATALOGUE } from "../../../handlers/inventory/catalogue";
import { DetailType } from "../../../src/contracts/events";
import { generateOrders, runOrders } from "../../../src/local/orders/load";
import { OrderDriver, type OrderOutcome } from "../../../src/local/orders/order-driver";
import { seededRandom } from "../../../src/local/runtime/clock";
import { itemsOf, startPipeline, type RunningPipeline } from "./support";
import type { TraceRecord } from "../../../src/local/runtime/trace";

const ORDERS = 240;
const UNITS = 400;

let pipeline: RunningPipeline;
let outcomes: OrderOutcome[];
const lost: TraceRecord[] = [];
const published = new Map<string, number>();
let crashes = 0;

beforeAll(async () => {
  pipeline = await startPipeline({
    faults: { payment: 0.2, inventory: 0.1, notification: 0.2, "order-crash": 0.2 },
    unitsPerProduct: UNITS,
    retainTrace: false,
    traceStates: false,
  });
  pipeline.runtime.trace.subscribe((r) => {
    if (r.kind === "dropped") lost.push(r);
    if (r.kind === "event-accepted" && r.detailType === DetailType.orderCreated) {
      const orderId = (r.detail as { orderId: string }).orderId;
      published.set(orderId, (published.get(orderId) ?? 0) + 1);
    }
    if (r.kind === "function-invoked" && r.injected === "crash") crashes++;
  });
  const orders = generateOrders(ORDERS, STOCK_CATALOGUE, seededRandom(99), "faults");
  // A client that retries until it is answered (a crash at every one of 8 attempts: 0.2^8 per order).
  const driver = new OrderDriver(pipeline.runtime, pipeline.parts, { timeoutMs: 30_000, maxAttempts: 8 });
  outcomes = await runOrders(driver, orders, 16);
  driver.close();
  await pipeline.runtime.idle(60_000);
}, 240_000);

afterAll(async () => {
  await pipeline?.stop();
});

it("ends every order COMPLETED or FAILED, with injected business failures among the FAILED", async () => {
  const byStatus = (s: string) => outcomes.filter((o) => o.status === s).length;
  expect(byStatus("COMPLETED") + byStatus("FAILED")).toBe(ORDERS);
  expect(byStatus("COMPLETED")).toBeGreaterThan(ORDERS / 2);
  const reasons = new Set(outcomes.filter((o) => o.status === "FAILED").map((o) => o.error?.name));
  expect(reasons).toEqual(new Set(["PaymentDeclined", "OutOfStock"]));
  const orders = await itemsOf(pipeline.runtime, "orders");
  expect(orders).toHaveLength(ORDERS);
  for (const o of outcomes) expect(orders.find((i) => i.orderId === o.orderId)?.status).toBe(o.status);
  expect(orders.filter((o) => o.status === "PENDING")).toEqual([]);
});

it("publishes Order Created once per stored order, though the Order function died after a fifth of its writes", async () => {
  expect(crashes).toBeGreaterThan(ORDERS / 10);
  expect(outcomes.filter((o) => o.attempts > 1).length).toBeGreaterThan(0);
  const orders = await itemsOf(pipeline.runtime, "orders");
  expect([...published.keys()].sort()).toEqual(orders.map((o) => o.orderId as string).sort());
  expect([...published.values()].every((n) => n === 1)).toBe(true);
});

it("leaves no payment standing without its fulfilment or its refund", async () => {
  const orders = new Map((await itemsOf(pipeline.runtime, "orders")).map((o) => [o.orderId, o.status]));
  const reservations = new Map(
    (await itemsOf(pipeline.runtime, "inventory"))
      .filter((i) => String(i.pk).startsWith("ORDER#"))
      .map((r) => [r.orderId, r.status]),
  );
  const payments = await itemsOf(pipeline.runtime, "payments");
  for (const payment of payments) {
    const status = orders.get(payment.orderId);
    if (payment.status === "CHARGED") {
      expect({ orderId: payment.orderId, order: status, reservation: reservations.get(payment.orderId) }).toEqual({
        orderId: payment.orderId,
        order: "COMPLETED",
        reservation: "RESERVED",
      });
    } else {
      expect(["DECLINED", "REFUNDED", "VOIDED"]).toContain(payment.status);
      expect(status).toBe("FAILED");
    }
  }
  for (const [orderId, status] of orders)
    if (status === "COMPLETED") expect(payments.find((p) => p.orderId === orderId)?.status).toBe("CHARGED");
});

it("never oversells: no stock is negative and every unit is either available or in a standing reservation", async () => {
  const inventory = await itemsOf(pipeline.runtime, "inventory");
  const reserved = new Map<string, number>();
  for (const r of inventory.filter((i) => String(i.pk).startsWith("ORDER#") && i.status === "RESERVED")) {
    for (const [productId, units] of Object.entries(r.reserved as Record<string, number>))
      reserved.set(productId, (reserved.get(productId) ?? 0) + units);
  }
  for (const stock of inventory.filter((i) => i.sk === "STOCK")) {
    expect(stock.available).toBeGreaterThanOrEqual(0);
    expect({
      productId: stock.productId,
      units: Number(stock.available) + (reserved.get(String(stock.productId)) ?? 0),
    }).toEqual({
      productId: stock.productId,
      units: UNITS,
    });
  }
});

it("keeps in a dead-letter queue every outcome event it could not deliver, and drops nothing", async () => {
  expect(lost).toEqual([]);
  const notified = new Set(
    (await itemsOf(pipeline.runtime, "idempotency"))
      .filter((i) => i.status === "COMPLETED")
      .map((i) => (i.data as { orderId: string }).orderId),
  );
  const failures = pipeline.runtime.queues.find("orders-dev-notification-failures")?.messages ?? [];
  const deadLettered = new Set(
    failures.map(
      (m) => (JSON.parse(m.Body) as { requestPayload: { detail: { orderId: string } } }).requestPayload.detail.orderId,
    ),
  );
  for (const o of outcomes)
    expect({
      orderId: o.orderId,
      accountedFor: notified.has(o.orderId as string) || deadLettered.has(o.orderId as string),
    }).toEqual({ orderId: o.orderId, accountedFor: true });
  for (const m of failures) {
    expect(JSON.parse(m.Body)).toMatchObject({
      requestContext: { condition: "RetriesExhausted", approximateInvokeCount: 3 },
      responsePayload: { errorType: "InjectedFault" },
    });
  }
});
