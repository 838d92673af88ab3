/** Helpers for tests that read the local tables and the local bus. */
import { ScanCommand, GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { RecordingBus } from "./recording-bus";

export async function countItems(db: DynamoDBDocumentClient, tableName: string): Promise<number> {
  const result = await db.send(new ScanCommand({ TableName: tableName, Select: "COUNT" }));
  return result.Count ?? 0;
}

export async function getItem<T = Record<string, unknown>>(
  db: DynamoDBDocumentClient,
  tableName: string,
  key: Record<string, unknown>,
): Promise<T | undefined> {
  const result = await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
  return result.Item as T | undefined;
}

/** The events on the bus about one order. */
export function eventsFor(bus: RecordingBus, orderId: string) {
  return bus.events.filter((e) => (e.event.detail as { orderId?: string }).orderId === orderId);
}

/** A valid order request at the default catalogue's prices (STOCK_CATALOGUE); override fields as needed. */
export function orderRequest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customerId: "customer-1",
    items: [
      { productId: "prod-001", quantity: 3, price: 29.99 },
      { productId: "prod-002", quantity: 1, price: 24 },
    ],
    totalAmount: 113.97,
    ...overrides,
  };
}
