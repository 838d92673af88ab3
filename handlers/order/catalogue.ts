/**
 * The Order service's view of the catalogue: the current unit price of each product of an order,
 * read from the products' items (pk PRODUCT#<id>) with BatchGetItem, 100 keys a call (DynamoDB's
 * limit), unprocessed keys asked again.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { InventoryKey } from "../../src/contracts/tables";

/** Keys one BatchGetItem call may ask for (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html). */
const BATCH_GET_LIMIT = 100;
/** Rounds of asking again for unprocessed keys before giving up. */
const UNPROCESSED_ROUNDS = 5;

export interface CataloguePriceDeps {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  /** How to wait between rounds. Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Unit prices in cents by product id, for the products of `productIds` that the catalogue holds. */
export async function readPrices(
  deps: CataloguePriceDeps,
  productIds: readonly string[],
): Promise<Map<string, number>> {
  const prices = new Map<string, number>();
  const chunks: string[][] = [];
  for (let i = 0; i < productIds.length; i += BATCH_GET_LIMIT) chunks.push(productIds.slice(i, i + BATCH_GET_LIMIT));
  await Promise.all(chunks.map((chunk) => readChunk(deps, chunk, prices)));
  return prices;
}

async function readChunk(
  deps: CataloguePriceDeps,
  productIds: readonly string[],
  prices: Map<string, number>,
): Promise<void> {
  let keys: Record<string, unknown>[] = productIds.map((id) => InventoryKey.stock(id));
  for (let round = 0; keys.length > 0; round++) {
    if (round > UNPROCESSED_ROUNDS)
      throw new Error(`the catalogue did not answer for ${keys.length} product(s) after ${UNPROCESSED_ROUNDS} retries`);
    if (round > 0) await (deps.sleep ?? defaultSleep)(Math.random() * 25 * 2 ** round);
    const result = await deps.db.send(
      new BatchGetCommand({
        RequestItems: {
          [deps.tableName]: { Keys: keys, ConsistentRead: true, ProjectionExpression: "productId, priceCents" },
        },
      }),
    );
    for (const item of result.Responses?.[deps.tableName] ?? []) {
      if (typeof item.productId === "string" && Number.isInteger(item.priceCents))
        prices.set(item.productId, item.priceCents as number);
    }
    keys = (result.UnprocessedKeys?.[deps.tableName]?.Keys ?? []) as Record<string, unknown>[];
  }
}
