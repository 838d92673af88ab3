/**
 * The DynamoDB tables the services share with the stack and the local runtime:
 * their logical names, key schemas, and the environment variable that carries each
 * table's physical name into a function.
 */
export interface TableKeySchema {
  /** Partition key attribute name (type S). */
  readonly partitionKey: string;
  /** Sort key attribute name (type S), if the table has one. */
  readonly sortKey?: string;
  /** Attribute holding an epoch-seconds expiry, if the table uses TTL. */
  readonly ttlAttribute?: string;
}

export const Tables = {
  /** One item per order: status PENDING, COMPLETED or FAILED. */
  orders: { partitionKey: "orderId" },
  /** Stock per product and reservations per order (pk/sk single-table layout). */
  inventory: { partitionKey: "pk", sortKey: "sk" },
  /** One item per order's payment: CHARGED or REFUNDED. */
  payments: { partitionKey: "orderId" },
  /** Powertools idempotency records. */
  idempotency: { partitionKey: "id", ttlAttribute: "expiration" },
} as const satisfies Record<string, TableKeySchema>;

export type TableName = keyof typeof Tables;

/** Environment variables the functions read. */
export const EnvVar = {
  ordersTable: "ORDERS_TABLE_NAME",
  inventoryTable: "INVENTORY_TABLE_NAME",
  paymentsTable: "PAYMENTS_TABLE_NAME",
  idempotencyTable: "IDEMPOTENCY_TABLE_NAME",
  eventBusName: "EVENT_BUS_NAME",
} as const;

export const TableEnvVar: Record<TableName, string> = {
  orders: EnvVar.ordersTable,
  inventory: EnvVar.inventoryTable,
  payments: EnvVar.paymentsTable,
  idempotency: EnvVar.idempotencyTable,
};
