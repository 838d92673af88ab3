/**
 * The Lambda entry points (`handler` of each module): configured only by environment
 * variables, and reaching local endpoints through the SDK's standard
 * AWS_ENDPOINT_URL_<SERVICE> settings - no test hooks in the handler code.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { handler as inventoryHandler } from "../../handlers/inventory";
import { handler as notificationHandler } from "../../handlers/notification";
import { handler as orderHandler } from "../../handlers/order";
import { handler as paymentHandler } from "../../handlers/payment";
import { EnvVar } from "../../src/contracts/tables";
import { createLambdaContext } from "../support/lambda";
import { startLocalAws, type LocalAws } from "../support/local-aws";
import { eventsFor, getItem } from "../support/orders";

let aws: LocalAws;
const saved = { ...process.env };

beforeAll(async () => {
  aws = await startLocalAws("entry");
});
afterAll(async () => {
  process.env = saved;
  await aws.close();
});

const orderId = `ord_${"e".repeat(32)}`;

test.each<[string, (event: unknown) => Promise<unknown>, string]>([
  ["order", (e) => orderHandler(e), EnvVar.ordersTable],
  ["payment", (e) => paymentHandler(e), EnvVar.paymentsTable],
  ["inventory", (e) => inventoryHandler(e), EnvVar.inventoryTable],
  ["notification", (e) => notificationHandler(e), EnvVar.idempotencyTable],
])("%s without its configuration fails naming the environment variable", async (_name, handler, variable) => {
  delete process.env[variable];
  await expect(handler({})).rejects.toThrow(`environment variable ${variable} is required`);
});

describe("configured by environment variables", () => {
  beforeAll(() => {
    Object.assign(process.env, {
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_ENDPOINT_URL_DYNAMODB: aws.dynamodbEndpoint,
      [EnvVar.ordersTable]: aws.tables.orders,
      [EnvVar.paymentsTable]: aws.tables.payments,
      [EnvVar.inventoryTable]: aws.tables.inventory,
      [EnvVar.catalogueTable]: aws.tables.inventory,
      [EnvVar.idempotencyTable]: aws.tables.idempotency,
    });
  });

  test("order: stores the order and puts nothing on the bus (the outbox pipe publishes it)", async () => {
    const response = (await orderHandler({
      body: JSON.stringify({
        customerId: "c",
        items: [{ productId: "prod-001", quantity: 2, price: 29.99 }],
        totalAmount: 59.98,
      }),
    })) as {
      statusCode: number;
      body: string;
    };
    expect(response.statusCode).toBe(201);
    const { orderId: storedId } = JSON.parse(response.body) as { orderId: string };
    expect(await getItem(aws.db, aws.tables.orders, { orderId: storedId })).toMatchObject({
      status: "PENDING",
      totalCents: 5998,
    });
    expect(eventsFor(aws.bus, storedId)).toHaveLength(0);
  });

  test("payment, inventory and notification answer", async () => {
    await expect(
      paymentHandler({ action: "charge", orderId, customerId: "c", amountCents: 100 }),
    ).resolves.toMatchObject({ status: "CHARGED" });
    await expect(
      inventoryHandler({ action: "reserve", orderId, items: [{ productId: "prod-003", quantity: 1 }] }),
    ).resolves.toMatchObject({ status: "RESERVED" });
    const paymentId = `pay_${"f".repeat(24)}`;
    await aws.db.send(
      new PutCommand({
        TableName: aws.tables.orders,
        Item: { orderId, customerId: "c", totalCents: 100, currency: "USD", status: "COMPLETED", paymentId },
      }),
    );
    const event = {
      version: "0",
      id: "e-1",
      "detail-type": "Order Completed",
      source: "orders.order-workflow",
      account: "0",
      time: "2026-01-01T00:00:00Z",
      region: "us-east-1",
      resources: [],
      detail: { orderId, customerId: "c", totalCents: 100, currency: "USD", status: "COMPLETED", paymentId },
    };
    await expect(
      notificationHandler(event, createLambdaContext({ functionName: "notification" })),
    ).resolves.toMatchObject({ orderId, outcome: "COMPLETED", channel: "log" });
  });
});
