/**
 * The synthesized dev stack, run by the local runtime, end to end: an order goes in through the Order
 * function, "Order Created" crosses the bus, the rule starts the saga, the saga calls Payment and
 * Inventory and writes the outcome, "Order Completed"/"Order Failed" reaches Notification.
 */
import { DetailType, RulePatterns } from "../../../src/contracts/events";
import { Authorizer } from "../../../src/local/runtime/iam/authorizer";
import type { Policy } from "../../../src/local/runtime/iam/policy";
import { StateName } from "../../../src/workflow/names";
import { itemsOf, order, startPipeline, stockOf, type RunningPipeline } from "./support";

let pipeline: RunningPipeline;

beforeAll(async () => {
  pipeline = await startPipeline();
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

/** The states an order's execution entered, in order. */
function statesOf(orderId: string): string[] {
  const executions = pipeline.runtime.trace.records.filter(
    (r) => r.kind === "execution-started" && (r.input as { detail?: { orderId?: string } }).detail?.orderId === orderId,
  );
  const arns = new Set(executions.map((r) => (r as { executionArn: string }).executionArn));
  return pipeline.runtime.trace.records.filter((r) => r.kind === "state" && r.event === "entered" && arns.has(r.executionArn)).map((r) => (r as { state: string }).state);
}

const itemOf = async (table: "orders" | "payments", orderId: string) => (await itemsOf(pipeline.runtime, table)).find((i) => i.orderId === orderId);
const reservationOf = async (orderId: string) => (await itemsOf(pipeline.runtime, "inventory")).find((i) => i.pk === `ORDER#${orderId}`);
const notificationsOf = async (orderId: string) =>
  (await itemsOf(pipeline.runtime, "idempotency")).filter((i) => JSON.stringify(i.data ?? {}).includes(orderId) && i.status === "COMPLETED");

describe("npm run local, end to end", () => {
  it("runs what the stack declares and lists what it does not run", () => {
    const { runtime } = pipeline;
    expect([...runtime.functions.keys()].sort()).toEqual(["orders-dev-inventory", "orders-dev-notification", "orders-dev-order", "orders-dev-payment"]);
    expect(runtime.bus.rules.map((r) => [r.name, r.pattern])).toEqual([
      ["orders-dev-order-created", RulePatterns.orderCreated],
      ["orders-dev-order-outcome", RulePatterns.orderOutcome],
    ]);
    expect(runtime.model.tables.find((t) => t.name === "orders-dev-idempotency")?.ttlAttribute).toBe("expiration");
    const notRun = runtime.inventory.filter((e) => !e.runs).map((e) => e.type);
    expect(runtime.inventory.filter((e) => e.runs).map((e) => e.type)).toEqual(expect.arrayContaining(["aws_iam_role", "aws_iam_role_policy", "aws_lambda_permission", "aws_sqs_queue_policy"]));
    expect(notRun).toEqual(expect.arrayContaining(["aws_cloudwatch_log_group", "aws_cloudwatch_metric_alarm", "aws_cloudwatch_dashboard", "aws_sns_topic"]));
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
    const outcomeEvent = pipeline.runtime.trace.records.find((r) => r.kind === "event-accepted" && r.detailType === DetailType.orderCompleted && JSON.stringify(r.detail).includes(orderId));
    expect(outcomeEvent).toBeDefined();
  });

  it("fails a declined payment: nothing charged, no stock taken, FAILED with PaymentDeclined, customer told", async () => {
    const before = await stockOf(pipeline.runtime, "prod-001");
    const outcome = await pipeline.submit(order({ customerId: "declined-cust", idempotencyKey: "declined-1" }));

    expect(outcome.status).toBe("FAILED");
    expect(outcome.error?.name).toBe("PaymentDeclined");
    const orderId = outcome.orderId as string;
    expect(statesOf(orderId)).toEqual([StateName.claimOrder, StateName.processPayment, StateName.markFailed, StateName.publishOrderFailed, StateName.orderFailed]);
    expect(await itemOf("orders", orderId)).toMatchObject({ status: "FAILED", failureReason: "PaymentDeclined" });
    expect((await itemOf("payments", orderId))?.status).not.toBe("CHARGED");
    expect(await reservationOf(orderId)).toBeUndefined();
    expect(await stockOf(pipeline.runtime, "prod-001")).toBe(before);
    expect(pipeline.runtime.executions().find((e) => (e.input as { detail: { orderId: string } }).detail.orderId === orderId)).toMatchObject({
      status: "FAILED",
      error: "PaymentDeclined",
    });
    expect(await notificationsOf(orderId)).toHaveLength(1);
  });

  it("refunds the payment when stock runs out, gives back the lines it took, and fails the order", async () => {
    const [stock1, stock3] = [await stockOf(pipeline.runtime, "prod-002"), await stockOf(pipeline.runtime, "prod-003")];
    const outcome = await pipeline.submit(
      order({
        customerId: "cust-big",
        idempotencyKey: "oos-1",
        items: [
          { productId: "prod-002", quantity: 3, price: 1 },
          { productId: "prod-003", quantity: stock3 + 1, price: 1 },
        ],
        totalAmount: 3 + stock3 + 1,
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
    expect(await stockOf(pipeline.runtime, "prod-003")).toBe(stock3);
    expect(await itemOf("orders", orderId)).toMatchObject({ status: "FAILED", failureReason: "OutOfStock" });
  });

  it("keeps a duplicate submission one order: one charge, one reservation, one saga that did the work", async () => {
    const request = order({ customerId: "cust-twice", idempotencyKey: "dup-1", items: [{ productId: "prod-004", quantity: 1, price: 59 }], totalAmount: 59 });
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
      const outcome = await pipeline.submit(api(JSON.stringify(order({ customerId: "cust-api" })), { "Idempotency-Key": "api-1" }));
      expect(outcome).toMatchObject({ status: "COMPLETED", error: null, orderId: expect.stringMatching(/^ord_/) });
      expect(await itemOf("orders", outcome.orderId as string)).toMatchObject({ status: "COMPLETED", customerId: "cust-api" });
      const again = await pipeline.submit(api(JSON.stringify(order({ customerId: "cust-api" })), { "idempotency-key": "api-1" }));
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
      expect(outcome).toMatchObject({ status: "REJECTED", orderId: null, error: { name: "ValidationError", message: expect.stringMatching(message) } });
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
      policies[pi] = { ...policy, statements: policy.statements.map((st, i) => (i === si ? { ...st, action: st.action?.filter((a) => a !== action) } : st)) };
      reduced.set(roleArn, policies);
      return new Authorizer({ ...authorizer.policies, identity: reduced }, authorizer.options);
    };
    // What only a path these orders do not take needs: Powertools idempotency reads the record of a
    // repeated notification (GetItem) and deletes it when the handler fails (DeleteItem); Lambda
    // sends a notification that failed every attempt to its on-failure queue (SendMessage).
    const onlyOnOtherPaths = ["orders-dev-notification-fn dynamodb:GetItem", "orders-dev-notification-fn dynamodb:DeleteItem", "orders-dev-notification-fn sqs:SendMessage"];
    const unneeded: string[] = [];
    for (const [roleArn, policies] of authorizer.policies.identity) {
      policies.forEach((policy, pi) =>
        policy.statements.forEach((st, si) =>
          (st.action ?? []).forEach((action) => {
            // Logs and traces are not written through the API locally (start-up says so).
            if (/^(logs|xray):/.test(action) || onlyOnOtherPaths.includes(`${roleArn.split("/").pop()} ${action}`)) return;
            const reduced = without(roleArn, pi, si, action);
            if (!made.some((r) => reduced.decide(r))) unneeded.push(`${roleArn} ${action}`);
          }),
        ),
      );
    }
    expect(unneeded).toEqual([]);
  });
});
