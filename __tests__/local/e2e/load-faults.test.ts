/**
 * A load of generated orders with failures injected into Payment, Inventory and Notification (at the
 * runtime's invocation layer, the handlers unchanged). Whatever failed, every order must end COMPLETED
 * or FAILED, no payment may stand without its fulfilment or refund, no stock may go negative or leak,
 * and whatever could not be delivered must sit in a dead-letter queue.
 */
import { STOCK_CATALOGUE } from "../../../handlers/inventory/catalogue";
import { generateOrders, runOrders } from "../../../src/local/orders/load";
import type { OrderOutcome } from "../../../src/local/orders/order-driver";
import { seededRandom } from "../../../src/local/runtime/clock";
import type { TraceRecord } from "../../../src/local/runtime/trace";
import { itemsOf, startPipeline, type RunningPipeline } from "./support";

const ORDERS = 240;
const UNITS = 400;

let pipeline: RunningPipeline;
let outcomes: OrderOutcome[];
const lost: TraceRecord[] = [];

beforeAll(async () => {
  pipeline = await startPipeline({
    faults: { payment: 0.2, inventory: 0.1, notification: 0.2 },
    unitsPerProduct: UNITS,
    retainTrace: false,
    traceStates: false,
  });
  pipeline.runtime.trace.subscribe((r) => {
    if (r.kind === "dropped") lost.push(r);
  });
  const orders = generateOrders(ORDERS, STOCK_CATALOGUE, seededRandom(99), "faults");
  outcomes = await runOrders(pipeline.driver, orders, 16);
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
});

it("leaves no payment standing without its fulfilment or its refund", async () => {
  const orders = new Map((await itemsOf(pipeline.runtime, "orders")).map((o) => [o.orderId, o.status]));
  const reservations = new Map(
    (await itemsOf(pipeline.runtime, "inventory")).filter((i) => String(i.pk).startsWith("ORDER#")).map((r) => [r.orderId, r.status]),
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
  for (const [orderId, status] of orders) if (status === "COMPLETED") expect(payments.find((p) => p.orderId === orderId)?.status).toBe("CHARGED");
});

it("never oversells: no stock is negative and every unit is either available or in a standing reservation", async () => {
  const inventory = await itemsOf(pipeline.runtime, "inventory");
  const reserved = new Map<string, number>();
  for (const r of inventory.filter((i) => String(i.pk).startsWith("ORDER#") && i.status === "RESERVED")) {
    for (const [productId, units] of Object.entries(r.reserved as Record<string, number>)) reserved.set(productId, (reserved.get(productId) ?? 0) + units);
  }
  for (const stock of inventory.filter((i) => i.sk === "STOCK")) {
    expect(stock.available).toBeGreaterThanOrEqual(0);
    expect({ productId: stock.productId, units: Number(stock.available) + (reserved.get(String(stock.productId)) ?? 0) }).toEqual({
      productId: stock.productId,
      units: UNITS,
    });
  }
});

it("keeps in a dead-letter queue every outcome event it could not deliver, and drops nothing", async () => {
  expect(lost).toEqual([]);
  const notified = new Set((await itemsOf(pipeline.runtime, "idempotency")).filter((i) => i.status === "COMPLETED").map((i) => (i.data as { orderId: string }).orderId));
  const failures = pipeline.runtime.queues.find("orders-dev-notification-failures")?.messages ?? [];
  const deadLettered = new Set(failures.map((m) => (JSON.parse(m.Body) as { requestPayload: { detail: { orderId: string } } }).requestPayload.detail.orderId));
  for (const o of outcomes) expect({ orderId: o.orderId, accountedFor: notified.has(o.orderId as string) || deadLettered.has(o.orderId as string) }).toEqual({ orderId: o.orderId, accountedFor: true });
  for (const m of failures) {
    expect(JSON.parse(m.Body)).toMatchObject({ requestContext: { condition: "RetriesExhausted", approximateInvokeCount: 3 }, responsePayload: { errorType: "InjectedFault" } });
  }
});
