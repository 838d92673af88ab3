/**
 * The catalogue for development and local runs: five products, each with a name, a unit price and
 * 100 units of stock. `seedInventory` writes products into the inventory table, one item per
 * product (the Order service reads its price, the Inventory service moves its `available` count);
 * the local runtime, the tests and the cold-start benchmark use it, and `npm run local --
 * --catalogue FILE` seeds a catalogue of your own (`parseCatalogue`). Production products are
 * managed elsewhere.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod/mini";
import { MAX_ITEMS, productIdField } from "../../src/contracts/fields";
import { InventoryKey } from "../../src/contracts/tables";
import { DecimalAmountSchema } from "../order/schema";
import { createDocumentClient, isConditionalCheckFailed } from "../shared/aws";
import { toFieldIssues } from "../shared/validation";

export interface CatalogueProduct {
  readonly productId: string;
  readonly name: string;
  /** Unit price in cents. */
  readonly priceCents: number;
  /** Units in stock after seeding. */
  readonly stock: number;
}

/** The default catalogue. prod-001 costs 29.99: the README's sample order (2 x 29.99) completes. */
export const STOCK_CATALOGUE: readonly CatalogueProduct[] = [
  { productId: "prod-001", name: "Espresso beans, 1 kg", priceCents: 2999, stock: 100 },
  { productId: "prod-002", name: "Ceramic pour-over dripper", priceCents: 2400, stock: 100 },
  { productId: "prod-003", name: "Burr grinder", priceCents: 8999, stock: 100 },
  { productId: "prod-004", name: "Gooseneck kettle", priceCents: 5900, stock: 100 },
  { productId: "prod-005", name: "Paper filters, pack of 100", priceCents: 495, stock: 100 },
];

/** The product item of the inventory table, as the Order and Inventory services read it. */
interface StockItem {
  readonly pk: string;
  readonly sk: string;
  readonly productId: string;
  readonly name: string;
  readonly priceCents: number;
  readonly available: number;
}

/** Most units of one product a catalogue may stock. */
const MAX_STOCK = 1_000_000;

const CatalogueFileSchema = z.strictObject(
  {
    products: z
      .array(
        z.strictObject(
          {
            productId: productIdField,
            name: z
              .string({ error: (i) => (i.input === undefined ? "is required" : "must be a string") })
              .check(
                z.minLength(1, { error: "must not be empty" }),
                z.maxLength(200, { error: "must be at most 200 characters" }),
              ),
            price: DecimalAmountSchema,
            stock: z
              .int({ error: (i) => (i.input === undefined ? "is required" : "must be a whole number") })
              .check(
                z.gte(0, { error: "must be at least 0" }),
                z.lte(MAX_STOCK, { error: `must be at most ${MAX_STOCK}` }),
              ),
          },
          { error: "must be an object { productId, name, price, stock }" },
        ),
        { error: (i) => (i.input === undefined ? "is required" : "must be an array of products") },
      )
      .check(
        z.minLength(1, { error: "must hold at least one product" }),
        z.maxLength(MAX_ITEMS, { error: `must hold at most ${MAX_ITEMS} products` }),
      ),
  },
  { error: 'must be a JSON object { "products": [...] }' },
);

/** A catalogue file that breaks the format; the message names each bad field. */
class CatalogueError extends Error {
  override readonly name = "CatalogueError";
}

/**
 * Reads a catalogue file's JSON: `{ "products": [ { "productId", "name", "price", "stock" } ] }`,
 * price a decimal amount (29.99), product ids as the Order service takes them, each once.
 */
export function parseCatalogue(json: unknown): CatalogueProduct[] {
  const parsed = CatalogueFileSchema.safeParse(json, { reportInput: true });
  if (!parsed.success)
    throw new CatalogueError(
      toFieldIssues(parsed.error)
        .map((i) => `${i.field} ${i.rule}`)
        .join("; "),
    );
  const seen = new Map<string, number>();
  const issues: string[] = [];
  parsed.data.products.forEach((p, index) => {
    const first = seen.get(p.productId);
    if (first !== undefined)
      issues.push(`products[${index}].productId repeats products[${first}].productId (${p.productId})`);
    else seen.set(p.productId, index);
  });
  if (issues.length > 0) throw new CatalogueError(issues.join("; "));
  return parsed.data.products.map((p) => ({
    productId: p.productId,
    name: p.name,
    priceCents: p.price,
    stock: p.stock,
  }));
}

export interface SeedOptions {
  /** Overwrite existing product items with the catalogue's. Default false: only add missing ones. */
  readonly reset?: boolean;
  /** The products to seed. Default STOCK_CATALOGUE. */
  readonly catalogue?: readonly CatalogueProduct[];
}

/** Writes the catalogue's product items; returns how many were written. */
export async function seedInventory(
  client: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string,
  options: SeedOptions = {},
): Promise<number> {
  const db = createDocumentClient(client);
  let written = 0;
  for (const product of options.catalogue ?? STOCK_CATALOGUE) {
    const item: StockItem = {
      ...InventoryKey.stock(product.productId),
      productId: product.productId,
      name: product.name,
      priceCents: product.priceCents,
      available: product.stock,
    };
    try {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          ...(options.reset ? {} : { ConditionExpression: "attribute_not_exists(pk)" }),
        }),
      );
      written++;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
  return written;
}
