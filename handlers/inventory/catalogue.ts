/**
 * The stock catalogue for development and local runs: five products with 100 units
 * each. `seedInventory` writes it into an inventory table (used by the local runtime,
 * the tests and the cold-start benchmark). Production stock is managed elsewhere; the
 * Inventory service only reads and moves the `available` count.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { InventoryKey } from "../../src/contracts/tables";
import { createDocumentClient, isConditionalCheckFailed } from "../shared/aws";

export interface CatalogueProduct {
  readonly productId: string;
  readonly name: string;
  /** Units in stock after seeding. */
  readonly stock: number;
}

export const STOCK_CATALOGUE: readonly CatalogueProduct[] = [
  { productId: "prod-001", name: "Espresso beans, 1 kg", stock: 100 },
  { productId: "prod-002", name: "Ceramic pour-over dripper", stock: 100 },
  { productId: "prod-003", name: "Burr grinder", stock: 100 },
  { productId: "prod-004", name: "Gooseneck kettle", stock: 100 },
  { productId: "prod-005", name: "Paper filters, pack of 100", stock: 100 },
];

/** The stock item of a product, as the Inventory service reads it. */
export interface StockItem {
  readonly pk: string;
  readonly sk: string;
  readonly productId: string;
  readonly name: string;
  readonly available: number;
}

export interface SeedOptions {
  /** Overwrite existing stock items with the catalogue's counts. Default false: only add missing ones. */
  readonly reset?: boolean;
  /** The products to seed. Default STOCK_CATALOGUE. */
  readonly catalogue?: readonly CatalogueProduct[];
}

/** Writes the catalogue's stock items; returns how many were written. */
export async function seedInventory(
  client: DynamoDBClient | DynamoDBDocumentClient,
  tableName: string,
  options: SeedOptions = {},
): Promise<number> {
  const db = createDocumentClient(client);
  let written = 0;
  for (const product of options.catalogue ?? STOCK_CATALOGUE) {
    const item: StockItem = { ...InventoryKey.stock(product.productId), productId: product.productId, name: product.name, available: product.stock };
    try {
      await db.send(
        new PutCommand({ TableName: tableName, Item: item, ...(options.reset ? {} : { ConditionExpression: "attribute_not_exists(pk)" }) }),
      );
      written++;
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }
  return written;
}
