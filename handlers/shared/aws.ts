/**
 * AWS SDK clients. Every service takes its clients as dependencies; these factories
 * create the defaults. Endpoints come from the standard SDK configuration
 * (`AWS_ENDPOINT_URL_DYNAMODB`, region, credentials),
 * so the same code runs on Lambda, offline and in tests.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";

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

/**
 * The item a failed conditional write was judged on, when the write asked for it with
 * `ReturnValuesOnConditionCheckFailure: "ALL_OLD"` (DynamoDB returns it in the exception, in DynamoDB
 * JSON: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html); undefined when
 * there was no item.
 */
export function itemOfConditionCheckFailure(error: unknown): Record<string, unknown> | undefined {
  const item = (error as { Item?: Parameters<typeof unmarshall>[0] }).Item;
  return item ? unmarshall(item) : undefined;
}

/**
 * Puts `item` unless an item with its key exists. One call either way: undefined when this call put
 * it, else the item that exists.
 */
export async function putIfAbsent(
  db: DynamoDBDocumentClient,
  tableName: string,
  item: Record<string, unknown>,
  partitionKey: string,
): Promise<Record<string, unknown> | undefined> {
  try {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: `attribute_not_exists(${partitionKey})`,
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    return undefined;
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    const existing = itemOfConditionCheckFailure(error);
    if (!existing)
      throw new Error(`the put into ${tableName} found an item but DynamoDB did not return it`, { cause: error });
    return existing;
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

/** Whether a transition happened; when not, the item as it was (undefined when there is none). */
export type TransitionOutcome =
  { readonly done: true } | { readonly done: false; readonly current: Record<string, unknown> | undefined };

/**
 * Moves an item's `status` from `from` to `to` (setting `fields` too). One call: when the item was not
 * in `from`, the outcome carries the item as it was.
 */
export async function transitionStatus(db: DynamoDBDocumentClient, t: StatusTransition): Promise<TransitionOutcome> {
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
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }),
    );
    return { done: true };
  } catch (error) {
    if (isConditionalCheckFailed(error)) return { done: false, current: itemOfConditionCheckFailure(error) };
    throw error;
  }
}
