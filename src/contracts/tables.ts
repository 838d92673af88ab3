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
  /**
   * The catalogue and the stock: one item per product (name, unit price in cents, units available)
   * and one reservation per order (pk/sk single-table layout).
   */
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
  /** The table the Order service reads prices from (the inventory table's product items). */
  catalogueTable: "CATALOGUE_TABLE_NAME",
  paymentsTable: "PAYMENTS_TABLE_NAME",
  idempotencyTable: "IDEMPOTENCY_TABLE_NAME",
} as const;

/** The lifecycle of an order item in the orders table. */
export const OrderStatus = {
  /** Accepted by the Order service; the workflow has not finished with it yet. */
  pending: "PENDING",
  /** Paid, reserved and confirmed by the workflow. */
  completed: "COMPLETED",
  /** Refused by the workflow (declined, out of stock, ...). */
  failed: "FAILED",
} as const;
export type OrderStatusName = (typeof OrderStatus)[keyof typeof OrderStatus];

/**
 * Attribute names of an order item that more than one writer uses: the Order service
 * writes them, and the order workflow's DynamoDB tasks update them.
 */
export const OrderAttribute = {
  orderId: "orderId",
  status: "status",
  customerId: "customerId",
  /** The order total in cents (from the catalogue's prices). */
  totalCents: "totalCents",
  /**
   * The order's lines as JSON text: the workflow reads the stored order back through the DynamoDB
   * integration, which answers in DynamoDB JSON, and parses this with States.StringToJson.
   */
  itemsJson: "itemsJson",
  /** The payment that paid a COMPLETED order; set when the workflow completes it. */
  paymentId: "paymentId",
  /** Error name that made the order fail (e.g. PaymentDeclined). */
  failureReason: "failureReason",
  /** Error detail for operators (not shown to customers). */
  failureCause: "failureCause",
  /** Id (ARN) of the workflow execution that owns the order; set when it claims the order. */
  workflowExecutionId: "workflowExecutionId",
  /** When the owning execution started (ISO-8601). */
  workflowStartedAt: "workflowStartedAt",
} as const;

/** Key helpers of the inventory table's single-table layout. */
export const InventoryKey = {
  /** One product of the catalogue (name, priceCents, available): pk `PRODUCT#<productId>`, sk `STOCK`. */
  stock: (productId: string) => ({ pk: `PRODUCT#${productId}`, sk: "STOCK" }),
  /** Reservation of one order: pk `ORDER#<orderId>`, sk `RESERVATION`. */
  reservation: (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: "RESERVATION" }),
} as const;
