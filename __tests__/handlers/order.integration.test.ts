import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { seedInventory } from "../../handlers/inventory/catalogue";
import { createOrderHandler, type OrderView } from "../../handlers/order";
import { MAX_ITEMS, MAX_ORDER_DETAIL_BYTES } from "../../handlers/order/schema";
import { deriveOrderId, PUBLISH_FAILED_REASON } from "../../handlers/order/service";
import { OrderPublishFailed, ValidationError, type FieldIssue } from "../../handlers/shared/errors";
import { OrderCreatedDetailSchema } from "../../src/contracts/events";
import { OrderStatus, PublishState } from "../../src/contracts/tables";
import { BUS_NAME, noSleep, startLocalAws, testObservability, type LocalAws } from "../support/local-aws";
import { countItems, eventsFor, getItem, orderRequest } from "../support/orders";

let aws: LocalAws;
let handler: ReturnType<typeof createOrderHandler>;
let keySeq = 0;
const newKey = () => `key-${++keySeq}-${Date.now()}`;

beforeAll(async () => {
  aws = await startLocalAws("order");
  // Products at the prices the exact-total cases use, beside the default catalogue.
  await seedInventory(aws.db, aws.tables.inventory, {
    catalogue: [10, 110, 1, 1999, 99_999_999].map((priceCents) => ({ productId: `priced-${priceCents}`, name: `priced ${priceCents}`, priceCents, stock: 10_000 })),
  });
  handler = createOrderHandler({
    db: aws.db,
    eventBridge: aws.eventBridge,
    ordersTableName: aws.tables.orders,
    catalogueTableName: aws.tables.inventory,
    eventBusName: BUS_NAME,
    obs: testObservability("order"),
    publish: { sleep: noSleep },
  });
});
afterAll(() => aws.close());

const submit = (input: unknown) => handler(input) as Promise<OrderView>;
const api = async (body: unknown, headers: Record<string, string> = {}) => {
  const response = (await handler({ body: typeof body === "string" ? body : JSON.stringify(body), headers })) as {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  };
  return { ...response, json: JSON.parse(response.body) };
};
const order = (orderId: string) => getItem<Record<string, unknown>>(aws.db, aws.tables.orders, { orderId });

async function expectRefused(input: unknown, field: string, rule: RegExp): Promise<readonly FieldIssue[]> {
  const before = { items: await countItems(aws.db, aws.tables.orders), calls: aws.bus.calls.length };
  const error = await submit(input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  const issues = (error as ValidationError).issues;
  expect(issues).toEqual(expect.arrayContaining([{ field, rule: expect.stringMatching(rule) }]));
  // Nothing written, nothing published.
  expect(await countItems(aws.db, aws.tables.orders)).toBe(before.items);
  expect(aws.bus.calls.length).toBe(before.calls);
  return issues;
}

const line = (overrides: Record<string, unknown>) => ({ productId: "prod-001", quantity: 1, price: 10, ...overrides });
const one = (item: Record<string, unknown>, total: unknown = 10) => orderRequest({ items: [item], totalAmount: total });

describe("Order service: validation (nothing written, nothing published)", () => {
  test.each<[string, unknown, string, RegExp]>([
    ["no fields at all", {}, "customerId", /^is required$/],
    ["not an object", null, "(root)", /must be a JSON object/],
    ["an array instead of an object", [orderRequest()], "(root)", /must be a JSON object/],
    ["customerId of the wrong type", orderRequest({ customerId: 42 }), "customerId", /must be a string/],
    ["empty customerId", orderRequest({ customerId: "" }), "customerId", /must not be empty/],
    ["customerId with spaces", orderRequest({ customerId: "jane doe" }), "customerId", /may only contain/],
    ["customerId too long", orderRequest({ customerId: "c".repeat(129) }), "customerId", /at most 128 characters/],
    ["items missing", orderRequest({ items: undefined }), "items", /^is required$/],
    ["items empty", orderRequest({ items: [] }), "items", /at least one item/],
    ["items not an array", orderRequest({ items: "prod-001" }), "items", /must be an array/],
    ["an item that is not an object", orderRequest({ items: [42] }), "items[0]", /must be an object/],
    ["productId missing", one(line({ productId: undefined })), "items[0].productId", /^is required$/],
    ["productId with bad characters", one(line({ productId: "prod 001!" })), "items[0].productId", /may only contain/],
    ["quantity zero", one(line({ quantity: 0 })), "items[0].quantity", /at least 1/],
    ["quantity fractional", one(line({ quantity: 1.5 }), 15), "items[0].quantity", /whole number/],
    ["quantity as a string", one(line({ quantity: "2" })), "items[0].quantity", /must be a number/],
    ["quantity too large", one(line({ quantity: 1001 })), "items[0].quantity", /at most 1000/],
    ["negative price", one(line({ price: -1 })), "items[0].price", /greater than 0/],
    ["zero price", one(line({ price: 0 })), "items[0].price", /greater than 0/],
    ["price with three decimals", one(line({ price: 29.999 })), "items[0].price", /at most 2 decimal places/],
    ["price as a string", one(line({ price: "29.99" })), "items[0].price", /must be a number/],
    ["price not finite", one(line({ price: Number.POSITIVE_INFINITY })), "items[0].price", /must be a number/],
    ["price above the maximum", one(line({ price: 1_000_000.01 })), "items[0].price", /at most 1000000/],
    ["totalAmount missing", orderRequest({ totalAmount: undefined }), "totalAmount", /^is required$/],
    ["totalAmount from floating-point arithmetic", one(line({ price: 0.1 }), 0.1 + 0.2), "totalAmount", /at most 2 decimal places/],
    ["totalAmount not the sum", orderRequest({ totalAmount: 113.96 }), "totalAmount", /must equal the sum of price x quantity over items \(113\.97\), got 113\.96/],
    ["sum above the maximum", one(line({ price: 1_000_000, quantity: 2 }), 1_000_000), "totalAmount", /sum of price x quantity must be at most/],
    ["an unknown field", orderRequest({ coupon: "FREE" }), "coupon", /not an allowed field/],
    ["an unknown item field", one(line({ colour: "red" })), "items[0].colour", /not an allowed field/],
    [
      "the same product on two lines",
      orderRequest({ items: [line({}), line({ quantity: 2 })], totalAmount: 30 }),
      "items[1].productId",
      /must not repeat items\[0\]\.productId/,
    ],
    ["empty idempotencyKey", orderRequest({ idempotencyKey: "" }), "idempotencyKey", /must not be empty/],
    ["idempotencyKey with a space", orderRequest({ idempotencyKey: "my key" }), "idempotencyKey", /printable ASCII/],
    ["idempotencyKey of the wrong type", orderRequest({ idempotencyKey: 7 }), "idempotencyKey", /must be a string/],
    [
      "too many lines",
      orderRequest({ items: Array.from({ length: MAX_ITEMS + 1 }, (_, i) => line({ productId: `p-${i}`, price: 0.01 })), totalAmount: 10.01 }),
      "items",
      /at most 1000 items/,
    ],
  ])("%s", async (_name, input, field, rule) => {
    await expectRefused(input, field, rule);
  });

  test("an order whose event would not fit the workflow state is refused, naming items", async () => {
    const items = Array.from({ length: MAX_ITEMS }, (_, i) => line({ productId: `${"x".repeat(120)}-${String(i).padStart(4, "0")}`, price: 0.01 }));
    await expectRefused(orderRequest({ items, totalAmount: 10 }), "items", new RegExp(`too large: \\d+ bytes, at most ${MAX_ORDER_DETAIL_BYTES}`));
  });

  test("every issue is reported at once", async () => {
    const issues = await expectRefused({ customerId: "", items: [line({ quantity: 0, price: 1.234 })] }, "customerId", /must not be empty/);
    expect(issues.map((i) => i.field)).toEqual(expect.arrayContaining(["customerId", "items[0].quantity", "items[0].price", "totalAmount"]));
  });

  test.each<[string, Parameters<typeof api>[0], Record<string, string>, string, RegExp]>([
    ["an empty body", "", {}, "body", /is required/],
    ["a body that is not JSON", "{customerId:", {}, "body", /valid JSON/],
    ["a body over 256 KiB", JSON.stringify({ pad: "x".repeat(300 * 1024) }), {}, "body", /at most 262144 bytes/],
    ["a header key that contradicts the body", orderRequest({ idempotencyKey: "a" }), { "Idempotency-Key": "b" }, "idempotencyKey", /must match the Idempotency-Key header/],
    ["a bad header key", orderRequest(), { "idempotency-key": "with space" }, "headers.Idempotency-Key", /printable ASCII/],
  ])("API call with %s: 400 naming the field", async (_name, body, headers, field, rule) => {
    const before = { items: await countItems(aws.db, aws.tables.orders), calls: aws.bus.calls.length };
    const response = await api(body, headers);
    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(response.json).toMatchObject({ error: "ValidationError", retryable: false });
    expect(response.json.issues).toEqual(expect.arrayContaining([{ field, rule: expect.stringMatching(rule) }]));
    expect(await countItems(aws.db, aws.tables.orders)).toBe(before.items);
    expect(aws.bus.calls.length).toBe(before.calls);
  });
});

describe("Order service: accepted orders", () => {
  test("decimal prices are computed in cents: 29.99 x 3 + 24.00 = 113.97", async () => {
    const view = await submit(orderRequest({ idempotencyKey: newKey() }));
    expect(view).toMatchObject({
      status: OrderStatus.pending,
      customerId: "customer-1",
      items: [
        { productId: "prod-001", quantity: 3, price: 29.99 },
        { productId: "prod-002", quantity: 1, price: 24 },
      ],
      totalAmount: 113.97,
      currency: "USD",
    });
    const stored = await order(view.orderId);
    expect(stored).toMatchObject({ status: "PENDING", totalCents: 11397, publishState: PublishState.published, items: [{ unitPriceCents: 2999 }, { unitPriceCents: 2400 }] });
    expect(JSON.parse(stored!.itemsJson as string)).toEqual(stored!.items);
    const [event] = eventsFor(aws.bus, view.orderId);
    expect(event!.event).toMatchObject({ source: "orders.order-service", "detail-type": "Order Created" });
    expect(OrderCreatedDetailSchema.parse(event!.event.detail)).toMatchObject({ totalCents: 11397, items: [{ unitPriceCents: 2999, quantity: 3 }, { unitPriceCents: 2400 }] });
    expect(stored!.eventId).toBe(event!.event.id);
  });

  test.each<[string, { price: number; quantity: number }[], number, number]>([
    ["0.10 x 3 (0.30000000000000004 in floating point)", [{ price: 0.1, quantity: 3 }], 0.3, 30],
    ["1.10 x 3", [{ price: 1.1, quantity: 3 }], 3.3, 330],
    ["0.01 x 1000", [{ price: 0.01, quantity: 1000 }], 10, 1000],
    ["19.99 + 0.01 x 7", [{ price: 19.99, quantity: 1 }, { price: 0.01, quantity: 7 }], 20.06, 2006],
    ["999999.99 x 1", [{ price: 999_999.99, quantity: 1 }], 999_999.99, 99_999_999],
  ])("total of %s is exact", async (_name, lines, totalAmount, totalCents) => {
    const items = lines.map((l) => ({ productId: `priced-${Math.round(l.price * 100)}`, ...l }));
    const view = await submit(orderRequest({ items, totalAmount }));
    expect(view.totalAmount).toBe(totalAmount);
    expect((await order(view.orderId))!.totalCents).toBe(totalCents);
  });

  test("API call: 201 with the order, and the Idempotency-Key header works like the body field", async () => {
    const key = newKey();
    const first = await api(orderRequest(), { "Idempotency-Key": key });
    expect(first.statusCode).toBe(201);
    expect(first.json.orderId).toBe(deriveOrderId("customer-1", key));
    const again = await api(orderRequest({ idempotencyKey: key }));
    expect(again.statusCode).toBe(200);
    expect(again.json).toEqual(first.json);
  });

  test("API call with a base64 body", async () => {
    const response = await handler({ body: Buffer.from(JSON.stringify(orderRequest())).toString("base64"), isBase64Encoded: true });
    expect(response).toMatchObject({ statusCode: 201 });
  });
});

describe("Order service: duplicate submissions", () => {
  test("the same key returns the same order and publishes once", async () => {
    const key = newKey();
    const first = await submit(orderRequest({ idempotencyKey: key }));
    const second = await submit(orderRequest({ idempotencyKey: key }));
    expect(second).toEqual(first);
    expect(eventsFor(aws.bus, first.orderId)).toHaveLength(1);
  });

  test("the same lines in another order count as the same order", async () => {
    const key = newKey();
    const request = orderRequest({ idempotencyKey: key });
    const first = await submit(request);
    const second = await submit({ ...request, items: [...(request.items as unknown[])].reverse() });
    expect(second.orderId).toBe(first.orderId);
    expect(eventsFor(aws.bus, first.orderId)).toHaveLength(1);
  });

  test("the key is per customer", async () => {
    const key = newKey();
    const a = await submit(orderRequest({ idempotencyKey: key, customerId: "customer-a" }));
    const b = await submit(orderRequest({ idempotencyKey: key, customerId: "customer-b" }));
    expect(a.orderId).not.toBe(b.orderId);
  });

  test("the same key for a different order is a conflict (409), and nothing is published", async () => {
    const key = newKey();
    const first = await submit(orderRequest({ idempotencyKey: key }));
    const calls = aws.bus.calls.length;
    await expect(submit(orderRequest({ idempotencyKey: key, items: [line({ quantity: 2 })], totalAmount: 20 }))).rejects.toMatchObject({
      name: "IdempotencyConflict",
      statusCode: 409,
    });
    const response = await api(orderRequest({ idempotencyKey: key, items: [line({ quantity: 2 })], totalAmount: 20 }));
    expect(response.statusCode).toBe(409);
    expect(aws.bus.calls.length).toBe(calls);
    expect((await order(first.orderId))!.totalCents).toBe(11397);
  });

  test("concurrent submissions with one key: one order, one event", async () => {
    const key = newKey();
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => submit(orderRequest({ idempotencyKey: key }))));
    const orderId = deriveOrderId("customer-1", key);
    for (const result of results) {
      if (result.status === "fulfilled") expect(result.value.orderId).toBe(orderId);
      else expect(result.reason).toMatchObject({ name: "RequestInProgress", retryable: true });
    }
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    expect(eventsFor(aws.bus, orderId)).toHaveLength(1);
  });

  test("a submission while another holds the publish lease is told to retry (409, Retry-After)", async () => {
    const key = newKey();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const unsubscribe = aws.bus.subscribe(() => gate);
    const first = submit(orderRequest({ idempotencyKey: key }));
    try {
      await waitFor(() => aws.bus.events.some((e) => (e.event.detail as { orderId: string }).orderId === deriveOrderId("customer-1", key)));
      const second = await api(orderRequest({ idempotencyKey: key }));
      expect(second.statusCode).toBe(409);
      expect(second.json).toMatchObject({ error: "RequestInProgress", retryable: true });
      expect(Number(second.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    } finally {
      release();
      unsubscribe();
    }
    await first;
    expect(eventsFor(aws.bus, deriveOrderId("customer-1", key))).toHaveLength(1);
  });

  test("without a key, every submission is a new order", async () => {
    const a = await submit(orderRequest());
    const b = await submit(orderRequest());
    expect(a.orderId).not.toBe(b.orderId);
  });
});

describe("Order service: publish failures", () => {
  test("an entry that fails once (FailedEntryCount 1) is sent again and the order goes through", async () => {
    aws.bus.failNext({ entries: { errorCode: "ThrottlingException" } });
    const calls = aws.bus.calls.length;
    const view = await submit(orderRequest({ idempotencyKey: newKey() }));
    expect(aws.bus.calls.length - calls).toBe(2);
    expect(eventsFor(aws.bus, view.orderId)).toHaveLength(1);
    expect((await order(view.orderId))!.publishState).toBe(PublishState.published);
  });

  test("a request that fails with a server error is retried", async () => {
    aws.bus.failNext({ request: { status: 500, type: "InternalException" } });
    const view = await submit(orderRequest({ idempotencyKey: newKey() }));
    expect(eventsFor(aws.bus, view.orderId)).toHaveLength(1);
  });

  test("entries that keep failing: the order is FAILED (never PENDING without a workflow) and the caller gets a retryable 503", async () => {
    const key = newKey();
    const orderId = deriveOrderId("customer-1", key);
    aws.bus.failNext(...Array.from({ length: 3 }, () => ({ entries: { errorCode: "InternalFailure" } })));
    const calls = aws.bus.calls.length;
    const error = await submit(orderRequest({ idempotencyKey: key })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OrderPublishFailed);
    expect(error).toMatchObject({ orderId, retryable: true, statusCode: 503, message: expect.stringMatching(/InternalFailure.*retry with the same idempotencyKey/) });
    expect(aws.bus.calls.length - calls).toBe(3);
    expect(eventsFor(aws.bus, orderId)).toHaveLength(0);
    expect(await order(orderId)).toMatchObject({ status: OrderStatus.failed, failureReason: PUBLISH_FAILED_REASON, publishState: PublishState.unpublished });

    // The client's retry with the same key revives that order and publishes it once.
    const retried = await api(orderRequest({ idempotencyKey: key }));
    expect(retried.statusCode).toBe(200);
    expect(retried.json).toMatchObject({ orderId, status: OrderStatus.pending });
    expect(retried.json.failureReason).toBeUndefined();
    expect(eventsFor(aws.bus, orderId)).toHaveLength(1);
    expect(await order(orderId)).toMatchObject({ status: OrderStatus.pending, publishState: PublishState.published, publishAttempts: 2 });
    // And a further repeat does not publish again.
    await submit(orderRequest({ idempotencyKey: key }));
    expect(eventsFor(aws.bus, orderId)).toHaveLength(1);
  });

  test("a permanent entry error is not retried; API callers get 503 with the order id", async () => {
    aws.bus.failNext({ entries: { errorCode: "AccessDeniedException", errorMessage: "not authorized" } });
    const calls = aws.bus.calls.length;
    const response = await api(orderRequest({ idempotencyKey: newKey() }));
    expect(aws.bus.calls.length - calls).toBe(1);
    expect(response.statusCode).toBe(503);
    expect(response.json).toMatchObject({ error: "OrderPublishFailed", retryable: true, orderId: expect.stringMatching(/^ord_/) });
  });

  test("without a key the failed order stays FAILED and the caller is told to submit again", async () => {
    aws.bus.failNext(...Array.from({ length: 3 }, () => ({ entries: { errorCode: "InternalFailure" } })));
    const error = (await submit(orderRequest()).catch((e: unknown) => e)) as OrderPublishFailed;
    expect(error.message).toMatch(/submit it again/);
    expect(await order(error.orderId)).toMatchObject({ status: OrderStatus.failed, failureReason: PUBLISH_FAILED_REASON });
  });

  test("a publish that looked failed but reached the bus: an order the workflow already claimed is not marked FAILED", async () => {
    const key = newKey();
    const orderId = deriveOrderId("customer-1", key);
    // PutEvents reaches the bus, the workflow claims the order, and then the answer is lost.
    const ambiguous = {
      send: async () => {
        await aws.db.send(
          new UpdateCommand({ TableName: aws.tables.orders, Key: { orderId }, UpdateExpression: "SET workflowExecutionId = :e", ExpressionAttributeValues: { ":e": "arn:execution" } }),
        );
        throw Object.assign(new Error("socket hang up"), { name: "NetworkError" });
      },
    };
    const ambiguousHandler = createOrderHandler({
      db: aws.db,
      eventBridge: ambiguous as never,
      ordersTableName: aws.tables.orders,
      catalogueTableName: aws.tables.inventory,
      eventBusName: BUS_NAME,
      obs: testObservability("order"),
      publish: { sleep: noSleep, attempts: 1 },
    });
    await expect(ambiguousHandler(orderRequest({ idempotencyKey: key }))).rejects.toBeInstanceOf(OrderPublishFailed);
    expect(await order(orderId)).toMatchObject({ status: OrderStatus.pending, workflowExecutionId: "arn:execution" });
  });

  test("an order left PENDING and unpublished by a crash is published by the next submission once its lease expired", async () => {
    const key = newKey();
    const orderId = deriveOrderId("customer-1", key);
    aws.bus.failNext(...Array.from({ length: 3 }, () => ({ entries: { errorCode: "InternalFailure" } })));
    await submit(orderRequest({ idempotencyKey: key })).catch(() => undefined);
    // The state a crash between "stored" and "published" leaves behind:
    await aws.db.send(
      new UpdateCommand({
        TableName: aws.tables.orders,
        Key: { orderId },
        UpdateExpression: "SET #s = :pending, publishLeaseUntil = :past REMOVE failureReason",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":pending": "PENDING", ":past": Date.now() - 1 },
      }),
    );
    const view = await submit(orderRequest({ idempotencyKey: key }));
    expect(view.orderId).toBe(orderId);
    expect(eventsFor(aws.bus, orderId)).toHaveLength(1);
  });
});

describe("Order service: prices come from the catalogue (attacks)", () => {
  test("5 x prod-003 at 0.01 is refused with PriceChanged naming the line and the current price; nothing stored or published", async () => {
    const before = { items: await countItems(aws.db, aws.tables.orders), calls: aws.bus.calls.length };
    const cheap = orderRequest({ items: [line({ quantity: 1, price: 29.99 }), { productId: "prod-003", quantity: 5, price: 0.01 }], totalAmount: 30.04 });
    const error = await submit(cheap).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "PriceChanged", statusCode: 409, lines: [{ line: "items[1]", productId: "prod-003", price: 89.99, expected: 0.01 }] });
    expect((error as Error).message).toMatch(/items\[1\] \(prod-003\) is 89\.99, not 0\.01/);
    const response = await api(cheap);
    expect(response.statusCode).toBe(409);
    expect(response.json).toMatchObject({ error: "PriceChanged", retryable: false, lines: [{ line: "items[1]", productId: "prod-003", price: 89.99 }] });
    expect(await countItems(aws.db, aws.tables.orders)).toBe(before.items);
    expect(aws.bus.calls.length).toBe(before.calls);
  });

  test.each(["constructor", "toString", "hasOwnProperty", "prod-999"])("an unknown product (%s) is refused at the door, naming the line", async (productId) => {
    await expectRefused(orderRequest({ items: [line({ price: 29.99 }), line({ productId, price: 1 })], totalAmount: 30.99 }), "items[1].productId", /is not in the catalogue/);
  });

  test("__proto__ is not a product id", async () => {
    await expectRefused(one(line({ productId: "__proto__", price: 1 }), 1), "items[0].productId", /is not a product id/);
  });

  test("a repeated submission of an order accepted before its price changed still gets that order", async () => {
    const key = newKey();
    await seedInventory(aws.db, aws.tables.inventory, { reset: true, catalogue: [{ productId: "priced-later", name: "changes price", priceCents: 500, stock: 10 }] });
    const request = orderRequest({ idempotencyKey: key, items: [{ productId: "priced-later", quantity: 1, price: 5 }], totalAmount: 5 });
    const first = await submit(request);
    await seedInventory(aws.db, aws.tables.inventory, { reset: true, catalogue: [{ productId: "priced-later", name: "changes price", priceCents: 700, stock: 10 }] });
    await expect(submit(request)).resolves.toEqual(first);
    await expect(submit(orderRequest({ items: [{ productId: "priced-later", quantity: 1, price: 5 }], totalAmount: 5 }))).rejects.toMatchObject({ name: "PriceChanged" });
  });

  test("input nested deeper than any order is a validation error, not a RangeError", async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    await expectRefused(orderRequest({ customerId: deep }), "(root)", /nested deeper than 8 levels/);
  });
});

describe("Order service: what callers and logs see", () => {
  test("the 503 of a refused publish names the error code, not AWS's message with its ARNs", async () => {
    const arnMessage = "User: arn:aws:sts::123456789012:assumed-role/orders-dev-order-fn/x is not authorized to perform: events:PutEvents on resource: arn:aws:events:us-east-1:123456789012:event-bus/orders";
    aws.bus.failNext({ entries: { errorCode: "AccessDeniedException", errorMessage: arnMessage } });
    const key = newKey();
    const response = await api(orderRequest({ idempotencyKey: key }));
    expect(response.statusCode).toBe(503);
    expect(response.body).not.toMatch(/arn:aws/);
    expect(response.json.message).toMatch(/AccessDeniedException/);
    // Operators keep the whole story.
    expect((await order(deriveOrderId("customer-1", key)))!.failureCause).toMatch(/arn:aws:events/);
  });

  test("logs carry a digest of the customer id, and a refusal's reason under a key Powertools keeps", async () => {
    const obs = testObservability("order");
    const lines: Record<string, unknown>[] = [];
    for (const level of ["info", "warn", "error"] as const) {
      jest.spyOn(obs.logger, level).mockImplementation((message: unknown, ...extra: unknown[]) => void lines.push({ message, ...Object.assign({}, ...(extra as object[])) }));
    }
    const appended: Record<string, unknown>[] = [];
    jest.spyOn(obs.logger, "appendKeys").mockImplementation((keys) => void appended.push(keys as Record<string, unknown>));
    const logged = createOrderHandler({ db: aws.db, eventBridge: aws.eventBridge, ordersTableName: aws.tables.orders, catalogueTableName: aws.tables.inventory, eventBusName: BUS_NAME, obs, publish: { sleep: noSleep } });
    await logged(orderRequest({ customerId: "jane@example.com" }));
    await logged(orderRequest({ customerId: "jane@example.com", items: [line({ price: 1 })], totalAmount: 1 })).catch(() => undefined);
    expect(JSON.stringify([...lines, ...appended])).not.toContain("jane@example.com");
    expect(appended).toContainEqual(expect.objectContaining({ customer: expect.stringMatching(/^cus_[0-9a-f]{16}$/) }));
    const refusal = lines.find((l) => l.message === "order refused");
    expect(refusal).toMatchObject({ error: "PriceChanged", reason: expect.stringMatching(/prod-001/) });
    expect(Object.keys(refusal!)).toEqual(["message", "error", "reason"]);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error("condition not reached");
}
