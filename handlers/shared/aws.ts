/**
 * AWS SDK clients. Every service takes its clients as dependencies; these factories
 * create the defaults. Endpoints come from the standard SDK configuration
 * (`AWS_ENDPOINT_URL_DYNAMODB`, region, credentials),
 * so the same code runs on Lambda, offline and in tests.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";

export function createDynamoDBClient(config: DynamoDBClientConfig = {}): DynamoDBClient {
  return new DynamoDBClient(config);
}

/** A document client (plain JS values in and out) over the given DynamoDB client. */
export function createDocumentClient(
  client: DynamoDBClient | DynamoDBDocumentClient = createDynamoDBClient(),
): DynamoDBDocumentClient {
  if (client instanceof DynamoDBDocumentClient) return client;
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

/** Whether an SDK error is DynamoDB's ConditionalCheckFailedException. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === "ConditionalCheckFailedException";
}

/** Puts `item` unless an item with its key exists; false when one did. */
export async function putIfAbsent(
  db: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
  partitionKey: string,
): Promise<boolean> {
  try {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: `attribute_not_exists(${partitionKey})`,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

export interface StatusTransition {
  readonly tableName: string;
  readonly key: Record<string, unknown>;
  readonly from: string;
  readonly to: string;
  /** ISO timestamp written to `updatedAt`. */
  readonly now: string;
  /** Attributes set together with the status. */
  readonly fields?: Readonly<Record<string, unknown>>;
}

/** Moves an item's `status` from `from` to `to` (setting `fields` too); false when it was not in `from`. */
export async function transitionStatus(db: DynamoDBDocumentClient, t: StatusTransition): Promise<boolean> {
  const names: Record<string, string> = { "#status": "status" };
  const values: Record<string, unknown> = { ":from": t.from, ":to": t.to, ":now": t.now };
  let set = "#status = :to, updatedAt = :now";
  for (const [key, value] of Object.entries(t.fields ?? {})) {
    names[`#${key}`] = key;
    values[`:${key}`] = value;
    set += `, #${key} = :${key}`;
  }
  try {
    await db.send(
      new UpdateCommand({
        TableName: t.tableName,
        Key: t.key,
        UpdateExpression: `SET ${set}`,
        ConditionExpression: "#status = :from",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
