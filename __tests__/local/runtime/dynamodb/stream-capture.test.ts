/**
 * The stream capture in dynalite's worker: each successful write to a table with a stream yields one
 * record with the item as it was before the write (OldImage) and as it is after it (NewImage, what a
 * consistent GetItem then returns), in the order the item's writes happened; a write that fails its
 * condition, and one that changes nothing, yield none.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html ("Change data capture for
 * DynamoDB Streams": a record is written only when the item is actually modified).
 */
import {
  CreateTableCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import {
  startDynalite,
  type CapturedWrite,
  type DynaliteServer,
} from "../../../../src/local/runtime/dynamodb/dynalite-server";

let server: DynaliteServer;
const TableName = "captured";
const writes: CapturedWrite[] = [];
const errors: string[] = [];

beforeAll(async () => {
  server = await startDynalite("us-east-1", undefined, {
    tables: [{ name: TableName, hashKey: "pk", rangeKey: "sk" }],
    onWrite: (w) => writes.push(w),
    onError: (_table, message) => errors.push(message),
  });
  await server.client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "N" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
    }),
  );
});
afterAll(() => server.close());

const Key = { pk: { S: "order-1" }, sk: { N: "1" } };
const stored = async () =>
  (await server.client.send(new GetItemCommand({ TableName, Key, ConsistentRead: true }))).Item;
const strip = ({ table, keys, oldImage, newImage }: CapturedWrite) => ({ table, keys, oldImage, newImage });

test("insert, modify, no-op, failed condition and remove: one record per change, with the stored images", async () => {
  const item = {
    ...Key,
    status: { S: "PENDING" },
    lines: { L: [{ M: { sku: { S: "A" }, qty: { N: "2" } } }] },
    tags: { SS: ["x", "y"] },
  };
  await server.client.send(new PutItemCommand({ TableName, Item: item }));
  const afterPut = await stored();
  await server.client.send(
    new UpdateItemCommand({
      TableName,
      Key,
      UpdateExpression: "SET #s = :s, amount = :t ADD tags :z",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":s": { S: "COMPLETED" }, ":t": { N: "10.50" }, ":z": { SS: ["z"] } },
    }),
  );
  const afterUpdate = await stored();
  // Changes nothing: no record.
  await server.client.send(
    new UpdateItemCommand({
      TableName,
      Key,
      UpdateExpression: "SET #s = :s",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":s": { S: "COMPLETED" } },
    }),
  );
  // Fails its condition: no record.
  await expect(
    server.client.send(
      new PutItemCommand({
        TableName,
        Item: { ...Key, status: { S: "X" } },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    ),
  ).rejects.toThrow(/conditional request failed/);
  await server.client.send(new DeleteItemCommand({ TableName, Key }));
  // Deleting what is not there changes nothing.
  await server.client.send(new DeleteItemCommand({ TableName, Key }));

  expect(afterPut).toEqual(item);
  expect(afterUpdate).toMatchObject({ status: { S: "COMPLETED" }, amount: { N: "10.5" } });
  expect(errors).toEqual([]);
  expect(writes.map(strip)).toEqual([
    { table: TableName, keys: Key, oldImage: undefined, newImage: afterPut },
    { table: TableName, keys: Key, oldImage: afterPut, newImage: afterUpdate },
    { table: TableName, keys: Key, oldImage: afterUpdate, newImage: undefined },
  ]);
});

test("concurrent writes to one item come in the order they were applied", async () => {
  writes.length = 0;
  const key = { pk: { S: "order-2" }, sk: { N: "1" } };
  await server.client.send(new PutItemCommand({ TableName, Item: { ...key, n: { N: "0" } } }));
  await Promise.all(
    Array.from({ length: 8 }, () =>
      server.client.send(
        new UpdateItemCommand({
          TableName,
          Key: key,
          UpdateExpression: "ADD n :one",
          ExpressionAttributeValues: { ":one": { N: "1" } },
        }),
      ),
    ),
  );
  const counts = writes.map((w) => [w.oldImage?.n, w.newImage?.n]);
  expect(counts).toEqual([
    [undefined, { N: "0" }],
    ...Array.from({ length: 8 }, (_, i) => [{ N: String(i) }, { N: String(i + 1) }]),
  ]);
  expect(errors).toEqual([]);
});
