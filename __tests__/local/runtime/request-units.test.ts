import { startDynalite, type DynaliteServer } from "../../../src/local/runtime/dynamodb/dynalite-server";
import { DynamoDBJsonClient } from "../../../src/local/runtime/dynamodb/json-client";
import { requestUnitRules } from "../../../src/local/runtime/dynamodb/request-units";

const { itemSize, readUnits, writeUnits } = requestUnitRules();
const KB = 1024;

// "DynamoDB item sizes and formats":
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
describe("item size, as DynamoDB sizes an item", () => {
  it("counts attribute names and strings in UTF-8 bytes", () => {
    expect(itemSize({ id: { S: "abc" } })).toBe(2 + 3);
    expect(itemSize({ café: { S: "é" } })).toBe(5 + 2);
  });

  it("sizes a number as 1 byte per two significant digits plus 1, leading and trailing zeroes trimmed", () => {
    expect(itemSize({ n: { N: "12345" } })).toBe(1 + 3 + 1);
    expect(itemSize({ n: { N: "0012300" } })).toBe(1 + 2 + 1);
    expect(itemSize({ n: { N: "-1.5" } })).toBe(1 + 1 + 1);
  });

  it("sizes binary by its raw bytes, null and Boolean as 1 byte", () => {
    expect(itemSize({ b: { B: Buffer.from([1, 2, 3, 4]).toString("base64") } })).toBe(1 + 4);
    expect(itemSize({ t: { BOOL: true }, z: { NULL: true } })).toBe(2 + 2);
  });

  it("gives a List or Map 3 bytes of overhead and 1 byte per element", () => {
    expect(itemSize({ l: { L: [] } })).toBe(1 + 3);
    expect(itemSize({ l: { L: [{ S: "ab" }, { BOOL: false }] } })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    expect(itemSize({ m: { M: { k: { S: "v" } } } })).toBe(1 + 3 + (1 + 1 + 1));
  });
});

// "DynamoDB read and write operations":
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
// and the on-demand pricing page's key terms: https://aws.amazon.com/dynamodb/pricing/on-demand/
describe("request units, as DynamoDB bills them", () => {
  it("rounds reads up to 4 KB: a 3,500-byte item costs as much as a 4 KB one", () => {
    expect(readUnits(3500, { consistent: true })).toBe(1);
    expect(readUnits(3500, { consistent: false })).toBe(0.5);
  });

  it("charges an 8 KB item 2 units strongly consistent, 1 eventually consistent, 4 transactional", () => {
    expect(readUnits(8 * KB, { consistent: true })).toBe(2);
    expect(readUnits(8 * KB, { consistent: false })).toBe(1);
    expect(readUnits(8 * KB, { consistent: true, transactional: true })).toBe(4);
  });

  it("rounds a 10 KB read up to 12 KB", () => {
    expect(readUnits(10 * KB, { consistent: true })).toBe(3);
  });

  it("still charges a read of a missing item", () => {
    expect(readUnits(undefined, { consistent: true })).toBe(1);
    expect(readUnits(undefined, { consistent: false })).toBe(0.5);
  });

  it("rounds each item of a BatchGetItem on its own: 1.5 KB and 6.5 KB read as 12 KB", () => {
    expect(readUnits(1.5 * KB, { consistent: true }) + readUnits(6.5 * KB, { consistent: true })).toBe(3);
  });

  it("rounds writes up to 1 KB: 500 bytes is 1 unit, 1.6 KB is 2", () => {
    expect(writeUnits(500)).toBe(1);
    expect(writeUnits(1.6 * KB)).toBe(2);
  });

  it("rounds each item of a BatchWriteItem on its own: 500 bytes and 3.5 KB write as 5 KB", () => {
    expect(writeUnits(500) + writeUnits(3.5 * KB)).toBe(5);
  });

  it("doubles a transactional write: a 3 KB item costs 6 units", () => {
    expect(writeUnits(3 * KB, { transactional: true })).toBe(6);
  });
});

describe("dynalite's meter", () => {
  let dynamo: DynaliteServer;
  let caller: DynamoDBJsonClient;
  // 1,500 bytes of item: 2 write units, 1 read unit.
  const item = { id: { S: "o-1" }, pad: { S: "x".repeat(1500 - 2 - 3 - 3) } };

  beforeAll(async () => {
    dynamo = await startDynalite("us-east-1");
    await dynamo.json.call("CreateTable", {
      TableName: "orders",
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    });
    caller = new DynamoDBJsonClient(dynamo.endpoint, "us-east-1", "ASIACALLER");
  });
  afterAll(async () => {
    caller.close();
    await dynamo.close();
  });

  it("counts each caller's requests and the units each spends, from the items dynalite holds", async () => {
    expect(itemSize(item)).toBe(1500);
    await dynamo.meter(true);
    await caller.call("PutItem", { TableName: "orders", Item: item });
    await caller.call("GetItem", { TableName: "orders", Key: { id: { S: "o-1" } }, ConsistentRead: true });
    await caller.call("GetItem", { TableName: "orders", Key: { id: { S: "o-1" } } });
    await caller.call("GetItem", { TableName: "orders", Key: { id: { S: "missing" } } });
    // A failed conditional write still costs (read-write-operations.html): the item's size when it
    // exists, one unit when it does not.
    await expect(
      caller.call("PutItem", { TableName: "orders", Item: item, ConditionExpression: "attribute_not_exists(id)" }),
    ).rejects.toThrow(/conditional/i);
    await expect(
      caller.call("UpdateItem", {
        TableName: "orders",
        Key: { id: { S: "missing" } },
        UpdateExpression: "SET a = :a",
        ConditionExpression: "attribute_exists(id)",
        ExpressionAttributeValues: { ":a": { S: "b" } },
      }),
    ).rejects.toThrow(/conditional/i);
    const meter = await dynamo.meter();
    expect(meter.calls.ASIACALLER).toEqual({ PutItem: 2, GetItem: 3, UpdateItem: 1 });
    expect(meter.units.ASIACALLER?.orders).toEqual({ writeUnits: 2 + 2 + 1, readUnits: 1 + 0.5 + 0.5 });
  });
});
