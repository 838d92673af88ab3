import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { createInventoryHandler } from "../../handlers/inventory";
import { STOCK_CATALOGUE, seedInventory } from "../../handlers/inventory/catalogue";
import { OutOfStock, ReservationConflict, ValidationError } from "../../handlers/shared/errors";
import { InventoryKey } from "../../src/contracts/tables";
import { countingClient, startLocalAws, testObservability, type LocalAws } from "../support/local-aws";
import { getItem } from "../support/orders";

let aws: LocalAws;
let inventory: ReturnType<typeof createInventoryHandler>;
let seq = 0;
/** A fresh order id per test. */
const newOrderId = () => `ord_${(++seq).toString(16).padStart(8, "0")}${"0".repeat(24)}`;
let productSeq = 0;

beforeAll(async () => {
  aws = await startLocalAws("inventory");
  inventory = createInventoryHandler({
    db: aws.db,
    inventoryTableName: aws.tables.inventory,
    obs: testObservability("inventory"),
  });
});
afterAll(() => aws.close());

/** A product of its own with `stock` units, so tests do not share stock. */
async function product(stock: number): Promise<string> {
  const productId = `test-${++productSeq}`;
  await aws.db.send(
    new PutCommand({
      TableName: aws.tables.inventory,
      Item: { ...InventoryKey.stock(productId), productId, name: productId, available: stock },
    }),
  );
  return productId;
}
const available = async (productId: string) =>
  Number((await getItem(aws.db, aws.tables.inventory, InventoryKey.stock(productId)))!.available);
const reservation = (orderId: string) => getItem(aws.db, aws.tables.inventory, InventoryKey.reservation(orderId));
const reserve = (orderId: string, items: { productId: string; quantity: number }[]) =>
  inventory({ action: "reserve", orderId, items });
const release = (orderId: string) => inventory({ action: "release", orderId, reason: "test" });

describe("catalogue", () => {
  test("prod-001..prod-005 are seeded with 100 units each", async () => {
    expect(STOCK_CATALOGUE.map((p) => [p.productId, p.stock])).toEqual([
      ["prod-001", 100],
      ["prod-002", 100],
      ["prod-003", 100],
      ["prod-004", 100],
      ["prod-005", 100],
    ]);
    for (const { productId } of STOCK_CATALOGUE) expect(await available(productId)).toBe(100);
  });

  test("seeding again keeps existing stock unless asked to reset", async () => {
    await aws.db.send(
      new UpdateCommand({
        TableName: aws.tables.inventory,
        Key: InventoryKey.stock("prod-005"),
        UpdateExpression: "SET available = :n",
        ExpressionAttributeValues: { ":n": 7 },
      }),
    );
    expect(await seedInventory(aws.dynamodb, aws.tables.inventory)).toBe(0);
    expect(await available("prod-005")).toBe(7);
    expect(await seedInventory(aws.db, aws.tables.inventory, { reset: true })).toBe(5);
    expect(await available("prod-005")).toBe(100);
  });
});

describe("reserve", () => {
  test("takes every line and records the reservation", async () => {
    const [a, b] = [await product(10), await product(5)];
    const orderId = newOrderId();
    await expect(
      reserve(orderId, [
        { productId: a, quantity: 3 },
        { productId: b, quantity: 5 },
      ]),
    ).resolves.toEqual({ orderId, status: "RESERVED", lines: 2, units: 8 });
    expect([await available(a), await available(b)]).toEqual([7, 0]);
    expect(await reservation(orderId)).toMatchObject({ status: "RESERVED", reserved: { [a]: 3, [b]: 5 } });
  });

  test("a reservation of N lines is N + 2 writes (the record, each line, the outcome); asking again is one", async () => {
    const { db, calls } = countingClient(aws.db);
    const counted = createInventoryHandler({
      db,
      inventoryTableName: aws.tables.inventory,
      obs: testObservability("inventory"),
    });
    const lines = [
      { productId: await product(10), quantity: 1 },
      { productId: await product(10), quantity: 2 },
      { productId: await product(10), quantity: 3 },
    ];
    const orderId = newOrderId();
    await expect(counted({ action: "reserve", orderId, items: lines })).resolves.toMatchObject({ status: "RESERVED" });
    expect(calls).toEqual(["Put", "Update", "Update", "Update", "Update"]);
    expect(await reservation(orderId)).toMatchObject({
      status: "RESERVED",
      reserved: Object.fromEntries(lines.map((l) => [l.productId, l.quantity])),
    });
    calls.length = 0;
    await expect(counted({ action: "reserve", orderId, items: lines })).resolves.toMatchObject({ status: "RESERVED" });
    expect(calls).toEqual(["Put"]);
    expect(await Promise.all(lines.map((l) => available(l.productId)))).toEqual([9, 8, 7]);
  });

  test("concurrent repeats of one reservation (a retried task beside the first) take its stock once", async () => {
    // Each repeat takes the line before it learns of the others, so the stock must cover them all:
    // with less, a repeat that finds none reports OutOfStock.
    const a = await product(100);
    const orderId = newOrderId();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => reserve(orderId, [{ productId: a, quantity: 4 }])),
    );
    expect(results.map((r) => r.status)).toEqual(Array(5).fill("fulfilled"));
    expect(await available(a)).toBe(96);
    expect(await reservation(orderId)).toMatchObject({ status: "RESERVED", reserved: { [a]: 4 } });
  });

  test("is idempotent per order: repeating it takes nothing more", async () => {
    const a = await product(10);
    const orderId = newOrderId();
    await reserve(orderId, [{ productId: a, quantity: 4 }]);
    await expect(reserve(orderId, [{ productId: a, quantity: 4 }])).resolves.toMatchObject({ status: "RESERVED" });
    expect(await available(a)).toBe(6);
  });

  test("the same order with other items is a conflict", async () => {
    const a = await product(10);
    const orderId = newOrderId();
    await reserve(orderId, [{ productId: a, quantity: 4 }]);
    await expect(reserve(orderId, [{ productId: a, quantity: 5 }])).rejects.toBeInstanceOf(ReservationConflict);
    expect(await available(a)).toBe(6);
  });

  test("OutOfStock gives back the lines already taken, and says which product", async () => {
    const [a, b, c] = [await product(10), await product(2), await product(10)];
    const orderId = newOrderId();
    const error = await reserve(orderId, [
      { productId: a, quantity: 5 },
      { productId: b, quantity: 3 },
      { productId: c, quantity: 5 },
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutOfStock);
    expect(error).toMatchObject({ name: "OutOfStock", productId: b, requested: 3, available: 2 });
    expect([await available(a), await available(b), await available(c)]).toEqual([10, 2, 10]);
    expect(await reservation(orderId)).toMatchObject({ status: "OUT_OF_STOCK", reserved: {} });
    // Asking again gives the same answer and takes nothing.
    await expect(
      reserve(orderId, [
        { productId: a, quantity: 5 },
        { productId: b, quantity: 3 },
        { productId: c, quantity: 5 },
      ]),
    ).rejects.toMatchObject({ name: "OutOfStock", productId: b });
    expect(await available(a)).toBe(10);
  });

  test("an unknown product is OutOfStock", async () => {
    await expect(reserve(newOrderId(), [{ productId: "no-such-product", quantity: 1 }])).rejects.toMatchObject({
      name: "OutOfStock",
      message: expect.stringMatching(/not in the catalogue/),
    });
  });

  test("N concurrent orders against stock K: exactly K succeed, stock ends at 0, never below", async () => {
    const K = 7;
    const N = 20;
    const p = await product(K);
    const results = await Promise.allSettled(
      Array.from({ length: N }, () => reserve(newOrderId(), [{ productId: p, quantity: 1 }])),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(K);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(failures).toHaveLength(N - K);
    for (const f of failures) expect(f.reason).toBeInstanceOf(OutOfStock);
    expect(await available(p)).toBe(0);
  });

  test("concurrent multi-line orders competing for two products never oversell and leave no partial reservation", async () => {
    const [a, b] = [await product(5), await product(5)];
    const orders = Array.from({ length: 8 }, () => newOrderId());
    const results = await Promise.allSettled(
      orders.map((orderId, i) =>
        reserve(
          orderId,
          i % 2 === 0
            ? [
                { productId: a, quantity: 2 },
                { productId: b, quantity: 1 },
              ]
            : [
                { productId: b, quantity: 2 },
                { productId: a, quantity: 1 },
              ],
        ),
      ),
    );
    let takenA = 0;
    let takenB = 0;
    results.forEach((r, i) => {
      if (r.status === "fulfilled") {
        takenA += i % 2 === 0 ? 2 : 1;
        takenB += i % 2 === 0 ? 1 : 2;
      }
    });
    expect(takenA).toBeLessThanOrEqual(5);
    expect(takenB).toBeLessThanOrEqual(5);
    expect(await available(a)).toBe(5 - takenA);
    expect(await available(b)).toBe(5 - takenB);
  });

  test.each<[string, unknown, string]>([
    ["no action", { orderId: "ord_x" }, "action"],
    [
      "a bad order id",
      { action: "reserve", orderId: "order-1", items: [{ productId: "prod-001", quantity: 1 }] },
      "orderId",
    ],
    ["no items", { action: "reserve", orderId: "ord_" + "a".repeat(32), items: [] }, "items"],
    [
      "a zero quantity",
      { action: "reserve", orderId: "ord_" + "a".repeat(32), items: [{ productId: "prod-001", quantity: 0 }] },
      "items[0].quantity",
    ],
    [
      "a repeated product",
      {
        action: "reserve",
        orderId: "ord_" + "a".repeat(32),
        items: [
          { productId: "prod-001", quantity: 1 },
          { productId: "prod-001", quantity: 1 },
        ],
      },
      "items",
    ],
  ])("refuses %s, naming the field", async (_name, input, field) => {
    const error = await inventory(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field)).toContain(field);
  });
});

describe("release", () => {
  test("gives the units back once, however often it is asked", async () => {
    const [a, b] = [await product(10), await product(10)];
    const orderId = newOrderId();
    await reserve(orderId, [
      { productId: a, quantity: 4 },
      { productId: b, quantity: 1 },
    ]);
    await expect(release(orderId)).resolves.toEqual({ orderId, status: "RELEASED", linesReleased: 2 });
    await expect(release(orderId)).resolves.toEqual({ orderId, status: "RELEASED", linesReleased: 0 });
    expect([await available(a), await available(b)]).toEqual([10, 10]);
    expect(await reservation(orderId)).toMatchObject({ status: "RELEASED", reserved: {} });
  });

  test("concurrent releases give the units back once", async () => {
    const a = await product(10);
    const orderId = newOrderId();
    await reserve(orderId, [{ productId: a, quantity: 6 }]);
    await Promise.all([release(orderId), release(orderId), release(orderId)]);
    expect(await available(a)).toBe(10);
  });

  test("of an order that reserved nothing: NOTHING_RESERVED, and a late reserve is refused", async () => {
    const a = await product(10);
    const orderId = newOrderId();
    await expect(release(orderId)).resolves.toEqual({ orderId, status: "NOTHING_RESERVED", linesReleased: 0 });
    await expect(reserve(orderId, [{ productId: a, quantity: 1 }])).rejects.toBeInstanceOf(ReservationConflict);
    expect(await available(a)).toBe(10);
  });

  test("of an out-of-stock order gives nothing back (it already did)", async () => {
    const [a, b] = [await product(10), await product(0)];
    const orderId = newOrderId();
    await reserve(orderId, [
      { productId: a, quantity: 1 },
      { productId: b, quantity: 1 },
    ]).catch(() => undefined);
    await expect(release(orderId)).resolves.toEqual({ orderId, status: "NOTHING_RESERVED", linesReleased: 0 });
    expect(await available(a)).toBe(10);
  });

  test("finishes a reservation a crash left half-made", async () => {
    const [a, b] = [await product(10), await product(10)];
    const orderId = newOrderId();
    // A reserve that took `a` and then stopped: the record is RESERVING with one line.
    await aws.db.send(
      new PutCommand({
        TableName: aws.tables.inventory,
        Item: {
          ...InventoryKey.reservation(orderId),
          orderId,
          status: "RESERVING",
          items: [
            { productId: a, quantity: 3 },
            { productId: b, quantity: 2 },
          ],
          reserved: { [a]: 3 },
          createdAt: "",
          updatedAt: "",
        },
      }),
    );
    await aws.db.send(
      new UpdateCommand({
        TableName: aws.tables.inventory,
        Key: InventoryKey.stock(a),
        UpdateExpression: "SET available = :n",
        ExpressionAttributeValues: { ":n": 7 },
      }),
    );
    await expect(release(orderId)).resolves.toMatchObject({ status: "RELEASED", linesReleased: 1 });
    expect([await available(a), await available(b)]).toEqual([10, 10]);
  });

  test("a reserve resumed after a crash takes only the lines not yet taken", async () => {
    const [a, b] = [await product(10), await product(10)];
    const orderId = newOrderId();
    await aws.db.send(
      new PutCommand({
        TableName: aws.tables.inventory,
        Item: {
          ...InventoryKey.reservation(orderId),
          orderId,
          status: "RESERVING",
          items: [
            { productId: a, quantity: 3 },
            { productId: b, quantity: 2 },
          ],
          reserved: { [a]: 3 },
          createdAt: "",
          updatedAt: "",
        },
      }),
    );
    await aws.db.send(
      new UpdateCommand({
        TableName: aws.tables.inventory,
        Key: InventoryKey.stock(a),
        UpdateExpression: "SET available = :n",
        ExpressionAttributeValues: { ":n": 7 },
      }),
    );
    await expect(
      reserve(orderId, [
        { productId: a, quantity: 3 },
        { productId: b, quantity: 2 },
      ]),
    ).resolves.toMatchObject({ status: "RESERVED" });
    expect([await available(a), await available(b)]).toEqual([7, 8]);
  });
});

describe("product ids that are Object.prototype's members (attacks)", () => {
  test.each(["constructor", "toString", "hasOwnProperty"])(
    "%s is reserved like any product: not in stock, so OutOfStock, never skipped",
    async (productId) => {
      const a = await product(10);
      const orderId = newOrderId();
      const error = await reserve(orderId, [
        { productId: a, quantity: 1 },
        { productId, quantity: 1 },
      ]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutOfStock);
      expect(error).toMatchObject({ productId });
      expect(await available(a)).toBe(10);
    },
  );

  test("a product named constructor in stock is taken and given back like any other", async () => {
    await aws.db.send(
      new PutCommand({
        TableName: aws.tables.inventory,
        Item: {
          ...InventoryKey.stock("constructor"),
          productId: "constructor",
          name: "c",
          priceCents: 1,
          available: 5,
        },
      }),
    );
    const orderId = newOrderId();
    await expect(reserve(orderId, [{ productId: "constructor", quantity: 2 }])).resolves.toMatchObject({
      status: "RESERVED",
      units: 2,
    });
    expect(await available("constructor")).toBe(3);
    await expect(release(orderId)).resolves.toMatchObject({ status: "RELEASED", linesReleased: 1 });
    expect(await available("constructor")).toBe(5);
  });
});

describe("strict input, with the Order service's rules", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  test.each<[string, Record<string, unknown>, string]>([
    ["a quantity of 1e9", { items: [{ productId: "prod-001", quantity: 1e9 }] }, "items[0].quantity"],
    ["a 5,000-character product id", { items: [{ productId: "p".repeat(5000), quantity: 1 }] }, "items[0].productId"],
    ["a product id with a newline", { items: [{ productId: "prod\n001", quantity: 1 }] }, "items[0].productId"],
    ["__proto__ as a product id", { items: [{ productId: "__proto__", quantity: 1 }] }, "items[0].productId"],
    ["an unknown field", { items: [{ productId: "prod-001", quantity: 1 }], customerId: "c" }, "customerId"],
    ["an unknown line field", { items: [{ productId: "prod-001", quantity: 1, colour: "red" }] }, "items[0].colour"],
    [
      "more lines than an order may have",
      { items: Array.from({ length: 1001 }, (_, i) => ({ productId: `p-${i}`, quantity: 1 })) },
      "items",
    ],
    ["input nested deeper than any order", { items: [{ productId: "prod-001", quantity: 1 }], extra: deep }, "(root)"],
  ])("refuses %s (ValidationError naming the field), taking nothing", async (_name, fields, field) => {
    const before = await available("prod-001");
    const error = await inventory({ action: "reserve", orderId: newOrderId(), ...fields }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field)).toContain(field);
    expect(await available("prod-001")).toBe(before);
  });
});
