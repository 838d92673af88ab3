import { seedInventory } from "../../handlers/inventory/catalogue";
import { createOrderHandler, type OrderView } from "../../handlers/order";
import { MAX_ITEMS, MAX_ORDER_DETAIL_BYTES } from "../../handlers/order/schema";
import { deriveOrderId } from "../../handlers/order/service";
import { ValidationError, type FieldIssue } from "../../handlers/shared/errors";
import { OrderStatus } from "../../src/contracts/tables";
import { countingClient, startLocalAws, testObservability, type LocalAws } from "../support/local-aws";
import { countItems, getItem, orderRequest } from "../support/orders";

let aws: LocalAws;
let handler: ReturnType<typeof createOrderHandler>;
let keySeq = 0;
const newKey = () => `key-${++keySeq}-${Date.now()}`;

beforeAll(async () => {
  aws = await startLocalAws("order");
  // Products at the prices the exact-total cases use, beside the default catalogue.
  await seedInventory(aws.db, aws.tables.inventory, {
    catalogue: [10, 110, 1, 1999, 99_999_999].map((priceCents) => ({
      productId: `priced-${priceCents}`,
      name: `priced ${priceCents}`,
      priceCents,
      stock: 10_000,
    })),
  });
  handler = createOrderHandler({
    db: aws.db,
    ordersTableName: aws.tables.orders,
    catalogueTableName: aws.tables.inventory,
    obs: testObservability("order"),
  });
});
// The Order service writes its table and nothing else: "Order Created" leaves through the table's
// stream and the outbox pipe, so no case of this file ever reaches the bus.
afterAll(async () => {
  expect(aws.bus.calls).toHaveLength(0);
  await aws.close();
});

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
  const before = await countItems(aws.db, aws.tables.orders);
  const error = await submit(input).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  const issues = (error as ValidationError).issues;
  expect(issues).toEqual(expect.arrayContaining([{ field, rule: expect.stringMatching(rule) }]));
  // Nothing written.
  expect(await countItems(aws.db, aws.tables.orders)).toBe(before);
  return issues;
}

const line = (overrides: Record<string, unknown>) => ({ productId: "prod-001", quantity: 1, price: 10, ...overrides });
const one = (item: Record<string, unknown>, total: unknown = 10) => orderRequest({ items: [item], totalAmount: total });

describe("Order service: validation (nothing written)", () => {
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
    [
      "totalAmount from floating-point arithmetic",
      one(line({ price: 0.1 }), 0.1 + 0.2),
      "totalAmount",
      /at most 2 decimal places/,
    ],
    [
      "totalAmount not the sum",
      orderRequest({ totalAmount: 113.96 }),
      "totalAmount",
      /must equal the sum of price x quantity over items \(113\.97\), got 113\.96/,
    ],
    [
      "sum above the maximum",
      one(line({ price: 1_000_000, quantity: 2 }), 1_000_000),
      "totalAmount",
      /sum of price x quantity must be at most/,
    ],
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
      orderRequest({
        items: Array.from({ length: MAX_ITEMS + 1 }, (_, i) => line({ productId: `p-${i}`, price: 0.01 })),
        totalAmount: 10.01,
      }),
      "items",
      /at most 1000 items/,
    ],
  ])("%s", async (_name, input, field, rule) => {
    await expectRefused(input, field, rule);
  });

  test("an order whose event would not fit the workflow state is refused, naming items", async () => {
    const items = Array.from({ length: MAX_ITEMS }, (_, i) =>
      line({ productId: `${"x".repeat(120)}-${String(i).padStart(4, "0")}`, price: 0.01 }),
    );
    await expectRefused(
      orderRequest({ items, totalAmount: 10 }),
      "items",
      new RegExp(`too large: \\d+ bytes, at most ${MAX_ORDER_DETAIL_BYTES}`),
    );
  });

  test("every issue is reported at once", async () => {
    const issues = await expectRefused(
      { customerId: "", items: [line({ quantity: 0, price: 1.234 })] },
      "customerId",
      /must not be empty/,
    );
    expect(issues.map((i) => i.field)).toEqual(
      expect.arrayContaining(["customerId", "items[0].quantity", "items[0].price", "totalAmount"]),
    );
  });

  test.each<[string, Parameters<typeof api>[0], Record<string, string>, string, RegExp]>([
    ["an empty body", "", {}, "body", /is required/],
    ["a body that is not JSON", "{customerId:", {}, "body", /valid JSON/],
    ["a body over 256 KiB", JSON.stringify({ pad: "x".repeat(300 * 1024) }), {}, "body", /at most 262144 bytes/],
    [
      "a header key that contradicts the body",
      orderRequest({ idempotencyKey: "a" }),
      { "Idempotency-Key": "b" },
      "idempotencyKey",
      /must match the Idempotency-Key header/,
    ],
    [
      "a bad header key",
      orderRequest(),
      { "idempotency-key": "with space" },
      "headers.Idempotency-Key",
      /printable ASCII/,
    ],
  ])("API call with %s: 400 naming the field", async (_name, body, headers, field, rule) => {
    const before = await countItems(aws.db, aws.tables.orders);
    const response = await api(body, headers);
    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(response.json).toMatchObject({ error: "ValidationError", retryable: false });
    expect(response.json.issues).toEqual(expect.arrayContaining([{ field, rule: expect.stringMatching(rule) }]));
    expect(await countItems(aws.db, aws.tables.orders)).toBe(before);
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
    expect(stored).toMatchObject({
      status: "PENDING",
      totalCents: 11397,
      currency: "USD",
      createdAt: view.createdAt,
      items: [{ unitPriceCents: 2999 }, { unitPriceCents: 2400 }],
    });
    expect(JSON.parse(stored!.itemsJson as string)).toEqual(stored!.items);
  });

  test.each<[string, { price: number; quantity: number }[], number, number]>([
    ["0.10 x 3 (0.30000000000000004 in floating point)", [{ price: 0.1, quantity: 3 }], 0.3, 30],
    ["1.10 x 3", [{ price: 1.1, quantity: 3 }], 3.3, 330],
    ["0.01 x 1000", [{ price: 0.01, quantity: 1000 }], 10, 1000],
    [
      "19.99 + 0.01 x 7",
      [
        { price: 19.99, quantity: 1 },
        { price: 0.01, quantity: 7 },
      ],
      20.06,
      2006,
    ],
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
    const response = await handler({
      body: Buffer.from(JSON.stringify(orderRequest())).toString("base64"),
      isBase64Encoded: true,
    });
    expect(response).toMatchObject({ statusCode: 201 });
  });
});

describe("Order service: duplicate submissions", () => {
  test("the same key returns the stored order and writes nothing (a client retrying a call whose answer it lost)", async () => {
    const key = newKey();
    const first = await submit(orderRequest({ idempotencyKey: key }));
    const stored = await order(first.orderId);
    const second = await api(orderRequest({ idempotencyKey: key }));
    expect(second.statusCode).toBe(200);
    expect(second.json).toEqual(first);
    expect(await order(first.orderId)).toEqual(stored);
  });

  test("an order is two calls (the catalogue's prices, the conditional put); a repeat is two, no read", async () => {
    const { db, calls } = countingClient(aws.db);
    const counted = createOrderHandler({
      db,
      ordersTableName: aws.tables.orders,
      catalogueTableName: aws.tables.inventory,
      obs: testObservability("order"),
    });
    const request = orderRequest({ idempotencyKey: newKey() });
    const first = await counted(request);
    expect(calls).toEqual(["BatchGet", "Put"]);
    calls.length = 0;
    // The put that finds the order answers with it.
    await expect(counted(request)).resolves.toEqual(first);
    expect(calls).toEqual(["BatchGet", "Put"]);
  });

  test("the same lines in another order count as the same order", async () => {
    const key = newKey();
    const request = orderRequest({ idempotencyKey: key });
    const first = await submit(request);
    const second = await submit({ ...request, items: [...(request.items as unknown[])].reverse() });
    expect(second.orderId).toBe(first.orderId);
  });

  test("the key is per customer", async () => {
    const key = newKey();
    const a = await submit(orderRequest({ idempotencyKey: key, customerId: "customer-a" }));
    const b = await submit(orderRequest({ idempotencyKey: key, customerId: "customer-b" }));
    expect(a.orderId).not.toBe(b.orderId);
  });

  test("the same key for a different order is a conflict (409), and nothing is written", async () => {
    const key = newKey();
    const first = await submit(orderRequest({ idempotencyKey: key }));
    await expect(
      submit(orderRequest({ idempotencyKey: key, items: [line({ quantity: 2 })], totalAmount: 20 })),
    ).rejects.toMatchObject({
      name: "IdempotencyConflict",
      statusCode: 409,
    });
    const response = await api(orderRequest({ idempotencyKey: key, items: [line({ quantity: 2 })], totalAmount: 20 }));
    expect(response.statusCode).toBe(409);
    expect((await order(first.orderId))!.totalCents).toBe(11397);
  });

  test("concurrent submissions with one key: one order, written once, and each caller gets it", async () => {
    const key = newKey();
    const results = await Promise.all(Array.from({ length: 6 }, () => api(orderRequest({ idempotencyKey: key }))));
    const orderId = deriveOrderId("customer-1", key);
    expect(results.map((r) => r.json.orderId)).toEqual(Array(6).fill(orderId));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 201]);
  });

  test("without a key, every submission is a new order", async () => {
    const a = await submit(orderRequest());
    const b = await submit(orderRequest());
    expect(a.orderId).not.toBe(b.orderId);
  });
});

describe("Order service: prices come from the catalogue (attacks)", () => {
  test("5 x prod-003 at 0.01 is refused with PriceChanged naming the line and the current price; nothing stored", async () => {
    const before = await countItems(aws.db, aws.tables.orders);
    const cheap = orderRequest({
      items: [line({ quantity: 1, price: 29.99 }), { productId: "prod-003", quantity: 5, price: 0.01 }],
      totalAmount: 30.04,
    });
    const error = await submit(cheap).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: "PriceChanged",
      statusCode: 409,
      lines: [{ line: "items[1]", productId: "prod-003", price: 89.99, expected: 0.01 }],
    });
    expect((error as Error).message).toMatch(/items\[1\] \(prod-003\) is 89\.99, not 0\.01/);
    const response = await api(cheap);
    expect(response.statusCode).toBe(409);
    expect(response.json).toMatchObject({
      error: "PriceChanged",
      retryable: false,
      lines: [{ line: "items[1]", productId: "prod-003", price: 89.99 }],
    });
    expect(await countItems(aws.db, aws.tables.orders)).toBe(before);
  });

  test.each(["constructor", "toString", "hasOwnProperty", "prod-999"])(
    "an unknown product (%s) is refused at the door, naming the line",
    async (productId) => {
      await expectRefused(
        orderRequest({ items: [line({ price: 29.99 }), line({ productId, price: 1 })], totalAmount: 30.99 }),
        "items[1].productId",
        /is not in the catalogue/,
      );
    },
  );

  test("__proto__ is not a product id", async () => {
    await expectRefused(
      one(line({ productId: "__proto__", price: 1 }), 1),
      "items[0].productId",
      /is not a product id/,
    );
  });

  test("a repeated submission of an order accepted before its price changed still gets that order", async () => {
    const key = newKey();
    await seedInventory(aws.db, aws.tables.inventory, {
      reset: true,
      catalogue: [{ productId: "priced-later", name: "changes price", priceCents: 500, stock: 10 }],
    });
    const request = orderRequest({
      idempotencyKey: key,
      items: [{ productId: "priced-later", quantity: 1, price: 5 }],
      totalAmount: 5,
    });
    const first = await submit(request);
    await seedInventory(aws.db, aws.tables.inventory, {
      reset: true,
      catalogue: [{ productId: "priced-later", name: "changes price", priceCents: 700, stock: 10 }],
    });
    await expect(submit(request)).resolves.toEqual(first);
    await expect(
      submit(orderRequest({ items: [{ productId: "priced-later", quantity: 1, price: 5 }], totalAmount: 5 })),
    ).rejects.toMatchObject({ name: "PriceChanged" });
  });

  test("input nested deeper than any order is a validation error, not a RangeError", async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    await expectRefused(orderRequest({ customerId: deep }), "(root)", /nested deeper than 8 levels/);
  });
});

describe("Order service: what callers and logs see", () => {
  test("logs carry a digest of the customer id, and a refusal's reason under a key Powertools keeps", async () => {
    const obs = testObservability("order");
    const lines: Record<string, unknown>[] = [];
    for (const level of ["info", "warn", "error"] as const) {
      jest
        .spyOn(obs.logger, level)
        .mockImplementation(
          (message: unknown, ...extra: unknown[]) =>
            void lines.push({ message, ...Object.assign({}, ...(extra as object[])) }),
        );
    }
    const appended: Record<string, unknown>[] = [];
    jest
      .spyOn(obs.logger, "appendKeys")
      .mockImplementation((keys) => void appended.push(keys as Record<string, unknown>));
    const logged = createOrderHandler({
      db: aws.db,
      ordersTableName: aws.tables.orders,
      catalogueTableName: aws.tables.inventory,
      obs,
    });
    await logged(orderRequest({ customerId: "jane@example.com" }));
    await logged(orderRequest({ customerId: "jane@example.com", items: [line({ price: 1 })], totalAmount: 1 })).catch(
      () => undefined,
    );
    expect(JSON.stringify([...lines, ...appended])).not.toContain("jane@example.com");
    expect(appended).toContainEqual(expect.objectContaining({ customer: expect.stringMatching(/^cus_[0-9a-f]{16}$/) }));
    const refusal = lines.find((l) => l.message === "order refused");
    expect(refusal).toMatchObject({ error: "PriceChanged", reason: expect.stringMatching(/prod-001/) });
    expect(Object.keys(refusal!)).toEqual(["message", "error", "reason"]);
  });
});
