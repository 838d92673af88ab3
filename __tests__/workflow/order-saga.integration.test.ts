/**
 * The order saga executed with aws-local-stepfunctions: the real Payment and Inventory
 * handlers behind its lambda:invoke tasks, dynalite behind its dynamodb:updateItem tasks
 * and the local bus behind its events:putEvents tasks. Every scenario runs twice: on
 * the builder's definition and on the definition the stack synthesizes.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { SimulatedPaymentGateway } from "../../handlers/payment/gateway";
import { OrderCompletedDetailSchema, OrderFailedDetailSchema } from "../../src/contracts/events";
import { InventoryKey, OrderStatus } from "../../src/contracts/tables";
import { buildOrderWorkflowDefinition } from "../../src/workflow/order-workflow";
import { BUS_NAME, startLocalAws, type LocalAws } from "../support/local-aws";
import { eventsFor, getItem, orderRequest } from "../support/orders";
import {
  INVENTORY_ARN,
  PAYMENT_ARN,
  action,
  execute,
  failing,
  flakyDynamoDB,
  lambdaServiceError,
  placeOrder,
  sagaBindings,
  sagaServices,
} from "../support/saga";
import { synthesizedWorkflow } from "../support/synth-definition";
import { ServiceFault } from "../support/workflow-runner";
import type { LocalServices } from "../support/services";
import type { AnyDefinition, ExecutionResult } from "../support/workflow-runner";
import type { Context } from "aws-lambda";

let aws: LocalAws;
let services: LocalServices;
const definitions: Record<string, AnyDefinition> = {};

beforeAll(async () => {
  aws = await startLocalAws("saga");
  services = sagaServices(aws);
  definitions.builder = buildOrderWorkflowDefinition({
    paymentFunctionArn: PAYMENT_ARN,
    inventoryFunctionArn: INVENTORY_ARN,
    ordersTableName: aws.tables.orders,
    eventBusName: BUS_NAME,
  }) as unknown as AnyDefinition;
  definitions.synthesized = synthesizedWorkflow({
    paymentFunctionArn: PAYMENT_ARN,
    inventoryFunctionArn: INVENTORY_ARN,
    tables: aws.tables,
    eventBusName: BUS_NAME,
  }).definition;
});
afterAll(() => aws.close());

let customerSeq = 0;
const customer = () => `customer-${++customerSeq}`;
const order = (orderId: string) => getItem<Record<string, unknown>>(aws.db, aws.tables.orders, { orderId });
const payment = (orderId: string) => getItem<Record<string, unknown>>(aws.db, aws.tables.payments, { orderId });
const stock = async (productId: string) =>
  Number((await getItem(aws.db, aws.tables.inventory, InventoryKey.stock(productId)))!.available);
const outcomes = (orderId: string) =>
  eventsFor(aws.bus, orderId).filter((e) => e.event.source === "orders.order-workflow");
const calls = (result: ExecutionResult, state: string) => result.taskCalls.filter((c) => c.state === state);
const gatewayCalls = (orderId: string) =>
  (services.gateway as SimulatedPaymentGateway).calls.filter((c) => c.idempotencyKey === orderId).map((c) => c.kind);
const taskOrder = (result: ExecutionResult) =>
  result.taskCalls.map((c) => c.state).filter((s, i, all) => s !== all[i - 1]);

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

describe.each(["builder", "synthesized"])("order saga (%s definition)", (source) => {
  const definition = () => definitions[source]!;

  test("happy path: charged, reserved, COMPLETED, Order Completed published", async () => {
    const before = await stock("prod-001");
    const { order: placed, event } = await placeOrder(
      aws,
      services,
      smallOrder({ items: [{ productId: "prod-001", quantity: 3, price: 29.99 }], totalAmount: 89.97 }),
    );
    const result = await execute(definition(), event, sagaBindings(aws, services));

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
    const { order: placed, event } = await placeOrder(
      aws,
      services,
      smallOrder({ customerId: `declined-${customer()}` }),
    );
    const result = await execute(definition(), event, sagaBindings(aws, services));

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
    const { order: placed, event } = await placeOrder(aws, services, impossibleOrder());
    const result = await execute(definition(), event, sagaBindings(aws, services));

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
    const { order: placed, event } = await placeOrder(aws, services, smallOrder());
    const paymentFn = failing(
      services.payment as never,
      [lambdaServiceError(), new ServiceFault("Lambda.TooManyRequestsException")],
      action("charge"),
    );
    const result = await execute(definition(), event, sagaBindings(aws, services, { payment: paymentFn }));

    expect(result.status).toBe("SUCCEEDED");
    expect(paymentFn.calls).toBe(3);
    expect(
      result.events.filter((e) => e.type === "StateRetried").map((e) => (e as { state: { name: string } }).state.name),
    ).toEqual(["ProcessPayment", "ProcessPayment"]);
    expect(await order(placed.orderId)).toMatchObject({ status: OrderStatus.completed });
    expect(await payment(placed.orderId)).toMatchObject({ status: "CHARGED" });
  });

  test("a function timeout (Lambda.Unknown) is retried: the repeated charge is idempotent", async () => {
    const { order: placed, event } = await placeOrder(aws, services, smallOrder());
    // The first charge runs to the end but its answer is lost.
    let lost = true;
    const paymentFn = async (e: unknown, c: Context) => {
      const answer = await services.payment(e, c);
      if (lost && (e as { action: string }).action === "charge") {
        lost = false;
        throw new ServiceFault("Lambda.Unknown", "Task timed out after 10.00 seconds");
      }
      return answer;
    };
    const result = await execute(definition(), event, sagaBindings(aws, services, { payment: paymentFn }));
    expect(result.status).toBe("SUCCEEDED");
    expect(gatewayCalls(placed.orderId)).toEqual(["charge"]);
  });

  test("a transient DynamoDB error on CompleteOrder is retried", async () => {
    const { order: placed, event } = await placeOrder(aws, services, smallOrder());
    const dynamodb = flakyDynamoDB(aws.dynamodb, "ProvisionedThroughputExceededException", 2, (input) =>
      String(input.UpdateExpression).includes(":completed"),
    );
    const result = await execute(definition(), event, sagaBindings(aws, services, { dynamodb }));
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
    const { order: placed, event } = await placeOrder(aws, services, impossibleOrder());
    const paymentFn = failing(services.payment as never, [lambdaServiceError()], action("refund"));
    const result = await execute(definition(), event, sagaBindings(aws, services, { payment: paymentFn }));

    expect(result.status).toBe("FAILED");
    expect(result.error).toBe("OutOfStock");
    expect(paymentFn.calls).toBe(2);
    expect(calls(result, "RefundPayment").map((c) => c.error?.name ?? "ok")).toEqual(["Lambda.ServiceException", "ok"]);
    expect(await payment(placed.orderId)).toMatchObject({ status: "REFUNDED" });
    expect(await stock("prod-002")).toBe(before);
    expect(await order(placed.orderId)).toMatchObject({ status: OrderStatus.failed, failureReason: "OutOfStock" });
  });

  test("a compensation that keeps failing fails the execution at that compensation (never Succeeded, never swallowed)", async () => {
    const { order: placed, event } = await placeOrder(aws, services, impossibleOrder());
    const paymentFn = failing(
      services.payment as never,
      Array.from({ length: 20 }, lambdaServiceError),
      action("refund"),
    );
    const result = await execute(definition(), event, sagaBindings(aws, services, { payment: paymentFn }));

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
      aws,
      services,
      smallOrder({ items: [{ productId: "prod-001", quantity: 2, price: 29.99 }], totalAmount: 59.98 }),
    );
    // "Order Completed" cannot be published: 1 try + 5 retries all fail.
    aws.bus.failNext(...Array.from({ length: 6 }, () => ({ entries: { errorCode: "InternalFailure" } })));
    const result = await execute(definition(), event, sagaBindings(aws, services));

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
      aws,
      services,
      smallOrder({ items: [{ productId: "prod-003", quantity: 1, price: 89.99 }], totalAmount: 89.99 }),
    );
    // The reservation is made, then the function crashes before answering, every time.
    const inventoryFn = async (e: unknown, c: Context) => {
      const answer = await services.inventory(e, c);
      if ((e as { action: string }).action === "reserve") throw new TypeError("Cannot read properties of undefined");
      return answer;
    };
    const result = await execute(definition(), event, sagaBindings(aws, services, { inventory: inventoryFn }));
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
    const { order: placed, event } = await placeOrder(aws, services, smallOrder());
    const first = await execute(definition(), event, sagaBindings(aws, services));
    const second = await execute(definition(), event, sagaBindings(aws, services));
    expect(first.status).toBe("SUCCEEDED");
    expect(second.status).toBe("SUCCEEDED");
    expect(second.path).toEqual(["ClaimOrder", "DuplicateIgnored"]);
    expect(second.taskCalls.map((c) => c.state)).toEqual(["ClaimOrder"]);
    expect(await stock("prod-001")).toBe(before - 1);
    expect(outcomes(placed.orderId)).toHaveLength(1);
  });

  test("two executions started at once for one order: exactly one runs the saga", async () => {
    const before = await stock("prod-001");
    const { order: placed, event } = await placeOrder(aws, services, smallOrder());
    const results = await Promise.all([
      execute(definition(), event, sagaBindings(aws, services)),
      execute(definition(), event, sagaBindings(aws, services)),
    ]);
    expect(results.map((r) => r.path.at(-1)).sort()).toEqual(["DuplicateIgnored", "OrderSucceeded"]);
    expect(await stock("prod-001")).toBe(before - 1);
    expect(outcomes(placed.orderId)).toHaveLength(1);
  });

  test("attack: a forged Order Created for a PENDING order charges, reserves and announces the stored order, not the event's", async () => {
    const before = { prod001: await stock("prod-001"), prod003: await stock("prod-003") };
    const { order: placed, event } = await placeOrder(aws, services, smallOrder());
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
    const result = await execute(definition(), forged, sagaBindings(aws, services));

    expect(result.status).toBe("SUCCEEDED");
    expect(calls(result, "ProcessPayment")[0]!.input).toMatchObject({
      customerId: placed.customerId,
      amountCents: 2999,
    });
    expect(gatewayCalls(placed.orderId)).toEqual(["charge"]);
    expect(
      (services.gateway as SimulatedPaymentGateway).calls.filter((c) => c.idempotencyKey === placed.orderId)[0],
    ).toMatchObject({ customerId: placed.customerId, amountCents: 2999 });
    expect(await stock("prod-001")).toBe(before.prod001 - 1);
    expect(await stock("prod-003")).toBe(before.prod003);
    expect(OrderCompletedDetailSchema.parse(outcomes(placed.orderId)[0]!.event.detail)).toMatchObject({
      customerId: placed.customerId,
      totalCents: 2999,
    });
    // The genuine event then finds the order taken.
    const genuine = await execute(definition(), event, sagaBindings(aws, services));
    expect(genuine.path).toEqual(["ClaimOrder", "DuplicateIgnored"]);
  });

  test("ClaimOrder that keeps failing: MarkFailed reads the order back and Order Failed announces the stored order", async () => {
    const { order: placed, event } = await placeOrder(aws, services, smallOrder());
    const dynamodb = flakyDynamoDB(aws.dynamodb, "InternalServerError", 6, (input) =>
      String(input.ConditionExpression).includes(":pending AND"),
    );
    const result = await execute(
      definition(),
      { ...event, detail: { ...(event.detail as object), customerId: "someone-else" } },
      sagaBindings(aws, services, { dynamodb }),
    );

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
    const { order: placed, event } = await placeOrder(aws, services, smallOrder());
    await aws.db.send(
      new UpdateCommand({
        TableName: aws.tables.orders,
        Key: { orderId: placed.orderId },
        UpdateExpression: "SET #s = :f",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":f": "FAILED" },
      }),
    );
    const result = await execute(definition(), event, sagaBindings(aws, services));
    expect(result.path).toEqual(["ClaimOrder", "DuplicateIgnored"]);
    expect(await payment(placed.orderId)).toBeUndefined();
  });
});

test("the synthesized definition is the builder's, with the stack's references", () => {
  expect(definitions.synthesized).toEqual(JSON.parse(JSON.stringify(definitions.builder)));
});
