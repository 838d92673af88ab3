/**
 * ReturnValuesOnConditionCheckFailure as DynamoDB answers it: with ALL_OLD a failed condition's
 * ConditionalCheckFailedException carries the item as it was, in DynamoDB JSON; with NONE (the default)
 * nothing; no item when there was none.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html (and API_UpdateItem,
 * API_DeleteItem: "ReturnValuesOnConditionCheckFailure ... Valid Values: ALL_OLD | NONE").
 */
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { startDynalite, type DynaliteServer } from "../../../../src/local/runtime/dynamodb/dynalite-server";

let server: DynaliteServer;
const TableName = "condition-items";
const stored = { pk: { S: "a" }, status: { S: "CHARGED" }, amount: { N: "42" } };

beforeAll(async () => {
  server = await startDynalite("us-east-1");
  await server.client.send(
    new CreateTableCommand({
      TableName,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
    }),
  );
  await server.client.send(new PutItemCommand({ TableName, Item: stored }));
});
afterAll(() => server.close());

async function failure(send: Promise<unknown>): Promise<ConditionalCheckFailedException> {
  const error = await send.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConditionalCheckFailedException);
  return error as ConditionalCheckFailedException;
}

test("a conditional put that fails with ALL_OLD carries the item it found", async () => {
  const error = await failure(
    server.client.send(
      new PutItemCommand({
        TableName,
        Item: { pk: { S: "a" }, status: { S: "CHARGING" } },
        ConditionExpression: "attribute_not_exists(pk)",
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    ),
  );
  expect(error.Item).toEqual(stored);
});

test("without it, or with NONE, the failure carries no item", async () => {
  for (const returnValues of [undefined, "NONE" as const]) {
    const error = await failure(
      server.client.send(
        new PutItemCommand({
          TableName,
          Item: { pk: { S: "a" } },
          ConditionExpression: "attribute_not_exists(pk)",
          ...(returnValues ? { ReturnValuesOnConditionCheckFailure: returnValues } : {}),
        }),
      ),
    );
    expect(error.Item).toBeUndefined();
  }
});

test("updates and deletes carry the item too; nothing when there was no item", async () => {
  const update = (pk: string) =>
    server.client.send(
      new UpdateItemCommand({
        TableName,
        Key: { pk: { S: pk } },
        UpdateExpression: "SET #s = :to",
        ConditionExpression: "#s = :from",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":to": { S: "REFUNDED" }, ":from": { S: "CHARGING" } },
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
  expect((await failure(update("a"))).Item).toEqual(stored);
  expect((await failure(update("absent"))).Item).toBeUndefined();
  const deleted = await failure(
    server.client.send(
      new DeleteItemCommand({
        TableName,
        Key: { pk: { S: "a" } },
        ConditionExpression: "attribute_not_exists(pk)",
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    ),
  );
  expect(deleted.Item).toEqual(stored);
});

test("a value outside ALL_OLD | NONE is refused as DynamoDB refuses it", async () => {
  await expect(
    server.client.send(
      new PutItemCommand({
        TableName,
        Item: { pk: { S: "b" } },
        ReturnValuesOnConditionCheckFailure: "ALL_NEW" as never,
      }),
    ),
  ).rejects.toThrow(/returnValuesOnConditionCheckFailure.*\[ALL_OLD, NONE\]/);
});
