/**
 * The order saga on the local runtime (LocalRuntime.start, the functions on the in-process host):
 * the real Payment and Inventory functions behind its lambda:invoke tasks, dynalite behind its
 * dynamodb:updateItem tasks and the stack's bus behind its events:putEvents tasks. Every scenario
 * runs twice: on the builder's definition and on the definition the stack synthesizes.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { OrderCompletedDetailSchema, OrderFailedDetailSchema } from "../../src/contracts/events";
import { OrderStatus } from "../../src/contracts/tables";
import { getItem, orderRequest } from "../support/orders";
import {
  action,
  clearFaults,
  eventsFor,
  execute as run,
  failPutEvents,
  failing,
  failsAfterRunning,
  flakyDynamoDB,
  lambdaServiceError,
  placeOrder as place,
  startSaga,
  stockOf,
  type ExecutionResult,
  type Saga,
} from "../support/saga";
import type { LocalStateMachine } from "../../src/local/runtime/stepfunctions/local-state-machine";

let saga: Saga;
const definitions: Record<string, unknown> = {};

beforeAll(async () => {
  saga = await startSaga();
  definitions.builder = saga.machines.builder.spec.definition;
  definitions.synthesized = saga.machines.synthesized.spec.definition;
}, 60_000);
afterAll(() => saga.stop());
afterEach(() => clearFaults());

let customerSeq = 0;
const customer = () => `customer-${++customerSeq}`;
const order = (orderId: string) => getItem<Record<string, unknown>>(saga.db, saga.tables.orders, { orderId });
const payment = (orderId: string) => getItem<Record<string, unknown>>(saga.db, saga.tables.payments, { orderId });
const stock = (productId: string) => stockOf(saga, productId);
const outcomes = (orderId: string) =>
  eventsFor(saga, orderId)
    .filter((e) => e.source === "orders.order-workflow")
    .map((event) => ({ event }));
const calls = (result: ExecutionResult, state: string) => result.taskCalls.filter((c) => c.state === state);
const gatewayCalls = (orderId: string) =>
  saga.gateway.calls.filter((c) => c.idempotencyKey === orderId).map((c) => c.kind);
const taskOrder = (result: ExecutionResult) =>
  result.taskCalls.map((c) => c.state).filter((s, i, all) => s !== all[i - 1]);
const placeOrder = (request: Record<string, unknown>) => place(saga, request);

/** One line of prod-001 (stock 100) at 29.99 x quantity. */
const smallOrder = (overrides: Record<string, unknown> = {}) =>
  orderRequest({
    customerId: customer(),
    items: [{ productId: "prod-001", quantity: 1, price: 29.99 }],
    totalAmount: 29.99,
    ...overrides,
  });
/** More of prod-005 than will ever be in stock (100), for less than the simulator's card limit. */
const impossibleOrder = () =>
  orderRequest({
    customerId: customer(),
    items: [
      { productId: "prod-002", quantity: 2, price: 24 },
      { productId: "prod-005", quantity: 101, price: 4.95 },
    ],
    totalAmount: 547.95,
  });

describe.each(["builder", "synthesized"] as const)("order saga (%s definition)", (source) => {
  const execute = (event: unknown): Promise<ExecutionResult> =>
    run(saga, saga.machines[source] as LocalStateMachine, event);

  test("happy path: charged, reserved, COMPLETED, Order Completed published", async () => {
    const before = await stock("prod-001");
    const { order: placed, event } = await placeOrder(
      smallOrder({ items: [{ productId: "prod-001", quantity: 3, price: 29.99 }], totalAmount: 89.97 }),
    );
    const result = await execute(event);

    expect(result.status).toBe("SUCCEEDED");
    expect(result.path).toEqual([
      "ClaimOrder",
      "ProcessPayment",
      "ReserveInventory",
      "CompleteOrder",
      "PublishOrderCompleted",
      "OrderSucceeded",
    ]);
    expect(await order(placed.orderId)).toMatchObject({
      status: OrderStatus.completed,
      workflowExecutionId: result.executionArn,
      paymentId: (await payment(placed.orderId))!.paymentId,
    });
    expect(await payment(placed.orderId)).toMatchObject({ status: "CHARGED", amountCents: 8997 });
    expect(await stock("prod-001")).toBe(before - 3);
    const [completed] = outcomes(placed.orderId);
    expect(completed!.event["detail-type"]).toBe("Order Completed");
    expect(OrderCompletedDetailSchema.parse(completed!.event.detail)).toEqual({
      orderId: placed.orderId,
      customerId: placed.customerId,
      totalCents: 8997,
      currency: "USD",
      status: "COMPLETED",
      paymentId: (await payment(placed.orderId))!.paymentId,
    });
    // The service integration adds the execution and the state machine to the event's resources.
    expect(completed!.event.resources).toEqual([result.executionArn, expect.stringMatching(/:stateMachine:/)]);
    // The output still carries the order, with each task's result beside it.
    expect(result.output).toMatchObject({
      detail: { orderId: placed.orderId },
      payment: { status: "CHARGED" },
      reservation: { status: "RESERVED", units: 3 },
    });
  });

  test("payment declined: nothing reserved, nothing refunded, FAILED with the reason, Order Failed", async () => {
    const before = await stock("prod-001");
    const { order: placed, event } = await placeOrder(smallOrder({ customerId: `declined-${customer()}` }));
    const result = await execute(event);

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("PaymentDeclined");
    expect(JSON.parse(result.cause!)).toMatchObject({
      errorType: "PaymentDeclined",
      errorMessage: expect.stringContaining("card declined"),
    });
    expect(result.path).toEqual(["ClaimOrder", "ProcessPayment", "MarkFailed", "PublishOrderFailed", "OrderFailed"]);
    expect(calls(result, "ProcessPayment")).toHaveLength(1); // a business error is never retried
    expect(await order(placed.orderId)).toMatchObject({ status: OrderStatus.failed, failureReason: "PaymentDeclined" });
    expect(await stock("prod-001")).toBe(before);
    const [failed] = outcomes(placed.orderId);
    expect(OrderFailedDetailSchema.parse(failed!.event.detail)).toMatchObject({
      orderId: placed.orderId,
      status: "FAILED",
      reason: "PaymentDeclined",
    });
  });

  test("out of stock: the payment is refunded, the stock untouched, FAILED, Order Failed", async () => {
    const before = [await stock("prod-002"), await stock("prod-005")];
    const { order: placed, event } = await placeOrder(impossibleOrder());
    const result = await execute(event);

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("OutOfStock");
    expect(result.path).toEqual([
      "ClaimOrder",
      "ProcessPayment",
      "ReserveInventory",
      "RefundPayment",
      "MarkFailed",
      "PublishOrderFailed",
      "OrderFailed",
    ]);
    expect(calls(result, "ReserveInventory")).toHaveLength(1);
    expect(calls(result, "RefundPayment")[0]!.input).toEqual({
      action: "refund",
      orderId: placed.orderId,
      reason: "OutOfStock",
    });
    expect(await payment(placed.orderId)).toMatchObject({ status: "REFUNDED" });
    expect(gatewayCalls(placed.orderId)).toEqual(["charge", "refund"]);
    expect([await stock("prod-002"), await stock("prod-005")]).toEqual(before);
    expect(await order(placed.orderId)).toMatchObject({ status: OrderStatus.failed, failureReason: "OutOfStock" });
    expect(outcomes(placed.orderId).map((e) => e.event["detail-type"])).toEqual(["Order Failed"]);
  });

  test("a transient Lambda error is retried and the order completes", async () => {
    const { order: placed, event } = await placeOrder(smallOrder());
    const paymentFn = failing(
      "payment",
      [lambdaServiceError(), lambdaServiceError("TooManyRequestsException", 429, "Rate exceeded (local fault)")],
      action("charge"),
    );
    const result = await execute(event);

    expect(result.status).toBe("SUCCEEDED");
    expect(paymentFn.calls).toBe(3);
    expect(result.states.filter((e) => e.event === "retried").map((e) => e.state)).toEqual([
      "ProcessPayment",
      "ProcessPayment",
    ]);
    expect(await order(placed.orderId)).toMatchObject({ status: OrderStatus.completed });
    expect(await payment(placed.orderId)).toMatchObject({ status: "CHARGED" });
  });

  test("a function timeout (Lambda.Unknown) is retried: the repeated charge is idempotent", async () => {
    const { order: placed, event } = await placeOrder(smallOrder());
    // The first charge runs to the end but its answer is lost: a timeout, which the Task reports as Lambda.Unknown.
    failing("payment", [failsAfterRunning("Sandbox.Timedout", "Task timed out after 10.00 seconds")], action("charge"));
    const result = await execute(event);
    expect(result.status).toBe("SUCCEEDED");
    expect(gatewayCalls(placed.orderId)).toEqual(["charge"]);
  });

  test("a transient DynamoDB error on CompleteOrder is retried", async () => {
    const { order: placed, event } = await placeOrder(smallOrder());
    const dynamodb = flakyDynamoDB("ProvisionedThroughputExceededException", 2, (input) =>
      String(input.UpdateExpression).includes(":completed"),
    );
    const result = await execute(event);
    expect(result.status).toBe("SUCCEEDED");
    expect(dynamodb.failures).toBe(2);
    expect(calls(result, "CompleteOrder").map((c) => c.error?.name ?? "ok")).toEqual([
      "DynamoDB.ProvisionedThroughputExceededException",
      "DynamoDB.ProvisionedThroughputExceededException",
      "ok",
    ]);
    expect(await order(placed.orderId)).toMatchObject({ status: OrderStatus.completed });
  });

  test("a compensation that fails once is retried, and the saga still ends FAILED with everything given back", async () => {
    const before = await stock("prod-002");
    const { order: placed, event } = await placeOrder(impossibleOrder());
    const paymentFn = failing("payment", [lambdaServiceError()], action("refund"));
    const result = await execute(event);

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("OutOfStock");
    expect(paymentFn.calls).toBe(2);
    expect(calls(result, "RefundPayment").map((c) => c.error?.name ?? "ok")).toEqual(["Lambda.ServiceException", "ok"]);
    expect(await payment(placed.orderId)).toMatchObject({ status: "REFUNDED" });
    expect(await stock("prod-002")).toBe(before);
    expect(await order(placed.orderId)).toMatchObject({ status: OrderStatus.failed, failureReason: "OutOfStock" });
  });

  test("a compensation that keeps failing fails the execution at that compensation (never Succeeded, never swallowed)", async () => {
    const { order: placed, event } = await placeOrder(impossibleOrder());
    const paymentFn = failing(
      "payment",
      Array.from({ length: 20 }, () => lambdaServiceError()),
      action("refund"),
    );
    const result = await execute(event);

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("Lambda.ServiceException");
    expect(result.path.at(-1)).toBe("RefundPayment");
    expect(paymentFn.calls).toBe(6); // first try + 5 retries
    expect(await payment(placed.orderId)).toMatchObject({ status: "CHARGED" }); // what an operator redrives
    expect(await order(placed.orderId)).toMatchObject({
      status: OrderStatus.pending,
      workflowExecutionId: result.executionArn,
    });
    expect(outcomes(placed.orderId)).toHaveLength(0);
  });

  test("a failure after the reservation compensates in reverse order: release, then refund", async () => {
    const before = await stock("prod-001");
    const { order: placed, event } = await placeOrder(
      smallOrder({ items: [{ productId: "prod-001", quantity: 2, price: 29.99 }], totalAmount: 59.98 }),
    );
    // "Order Completed" cannot be published: 1 try + 5 retries all fail.
    failPutEvents(6, "InternalFailure");
    const result = await execute(event);

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("EventBridge.FailedEntry");
    expect(taskOrder(result)).toEqual([
      "ClaimOrder",
      "ProcessPayment",
      "ReserveInventory",
      "CompleteOrder",
      "PublishOrderCompleted",
      "ReleaseInventory",
      "RefundPayment",
      "MarkFailed",
      "PublishOrderFailed",
    ]);
    expect(calls(result, "PublishOrderCompleted")).toHaveLength(6);
    expect(await stock("prod-001")).toBe(before);
    expect(await payment(placed.orderId)).toMatchObject({ status: "REFUNDED" });
    expect(await order(placed.orderId)).toMatchObject({
      status: OrderStatus.failed,
      failureReason: "EventBridge.FailedEntry",
    });
    expect(outcomes(placed.orderId).map((e) => e.event["detail-type"])).toEqual(["Order Failed"]);
  });

  test("an unexpected error while reserving releases whatever was reserved, refunds, and fails", async () => {
    const before = await stock("prod-003");
    const { order: placed, event } = await placeOrder(
      smallOrder({ items: [{ productId: "prod-003", quantity: 1, price: 89.99 }], totalAmount: 89.99 }),
    );
    // The reservation is made, then the function crashes before answering, every time.
    failing(
      "inventory",
      Array.from({ length: 20 }, () => failsAfterRunning("TypeError", "Cannot read properties of undefined")),
      action("reserve"),
    );
    const result = await execute(event);
    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("TypeError");
    expect(taskOrder(result).slice(-5)).toEqual([
      "ReserveInventory",
      "ReleaseInventory",
      "RefundPayment",
      "MarkFailed",
      "PublishOrderFailed",
    ]);
    expect(await stock("prod-003")).toBe(before);
    expect(await payment(placed.orderId)).toMatchObject({ status: "REFUNDED" });
  });

  test("a second execution for the same order (duplicate delivery) changes nothing", async () => {
    const before = await stock("prod-001");
    const { order: placed, event } = await placeOrder(smallOrder());
    const first = await execute(event);
    const second = await execute(event);
    expect(first.status).toBe("SUCCEEDED");
    expect(second.status).toBe("SUCCEEDED");
    expect(second.path).toEqual(["ClaimOrder", "DuplicateIgnored"]);
    expect(second.taskCalls.map((c) => c.state)).toEqual(["ClaimOrder"]);
    expect(await stock("prod-001")).toBe(before - 1);
    expect(outcomes(placed.orderId)).toHaveLength(1);
  });

  test("two executions started at once for one order: exactly one runs the saga", async () => {
    const before = await stock("prod-001");
    const { order: placed, event } = await placeOrder(smallOrder());
    const results = await Promise.all([execute(event), execute(event)]);
    expect(results.map((r) => r.path.at(-1)).sort()).toEqual(["DuplicateIgnored", "OrderSucceeded"]);
    expect(await stock("prod-001")).toBe(before - 1);
    expect(outcomes(placed.orderId)).toHaveLength(1);
  });

  test("attack: a forged Order Created for a PENDING order charges, reserves and announces the stored order, not the event's", async () => {
    const before = { prod001: await stock("prod-001"), prod003: await stock("prod-003") };
    const { order: placed, event } = await placeOrder(smallOrder());
    // Anyone allowed to put events on the bus can write any detail under the order's id.
    const forged = {
      ...event,
      id: "forged-event",
      detail: {
        ...(event.detail as object),
        customerId: "victim-customer",
        totalCents: 40,
        items: [{ productId: "prod-003", quantity: 5, unitPriceCents: 8 }],
      },
    };
    const result = await execute(forged);

    expect(result.status).toBe("SUCCEEDED");
    expect(calls(result, "ProcessPayment")[0]!.input).toMatchObject({
      customerId: placed.customerId,
      amountCents: 2999,
    });
    expect(gatewayCalls(placed.orderId)).toEqual(["charge"]);
    expect(saga.gateway.calls.filter((c) => c.idempotencyKey === placed.orderId)[0]).toMatchObject({
      customerId: placed.customerId,
      amountCents: 2999,
    });
    expect(await stock("prod-001")).toBe(before.prod001 - 1);
    expect(await stock("prod-003")).toBe(before.prod003);
    expect(OrderCompletedDetailSchema.parse(outcomes(placed.orderId)[0]!.event.detail)).toMatchObject({
      customerId: placed.customerId,
      totalCents: 2999,
    });
    // The genuine event then finds the order taken.
    const genuine = await execute(event);
    expect(genuine.path).toEqual(["ClaimOrder", "DuplicateIgnored"]);
  });

  test("ClaimOrder that keeps failing: MarkFailed reads the order back and Order Failed announces the stored order", async () => {
    const { order: placed, event } = await placeOrder(smallOrder());
    flakyDynamoDB("InternalServerError", 6, (input) => String(input.ConditionExpression).includes(":pending AND"));
    const result = await execute({ ...event, detail: { ...(event.detail as object), customerId: "someone-else" } });

    expect(result.path).toEqual(["ClaimOrder", "MarkFailed", "PublishOrderFailed", "OrderFailed"]);
    expect(await order(placed.orderId)).toMatchObject({
      status: OrderStatus.failed,
      failureReason: "DynamoDB.InternalServerErrorException",
    });
    expect(OrderFailedDetailSchema.parse(outcomes(placed.orderId)[0]!.event.detail)).toMatchObject({
      customerId: placed.customerId,
      totalCents: 2999,
      reason: "DynamoDB.InternalServerErrorException",
    });
    expect(await payment(placed.orderId)).toBeUndefined();
  });

  test("an order that failed to publish (FAILED at the Order service) is not run", async () => {
    const { order: placed, event } = await placeOrder(smallOrder());
    await saga.db.send(
      new UpdateCommand({
        TableName: saga.tables.orders,
        Key: { orderId: placed.orderId },
        UpdateExpression: "SET #s = :f",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":f": "FAILED" },
      }),
    );
    const result = await execute(event);
    expect(result.path).toEqual(["ClaimOrder", "DuplicateIgnored"]);
    expect(await payment(placed.orderId)).toBeUndefined();
  });
});

test("the synthesized definition is the builder's, with the stack's references", () => {
  expect(definitions.synthesized).toEqual(JSON.parse(JSON.stringify(definitions.builder)));
});
