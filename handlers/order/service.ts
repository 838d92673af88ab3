/**
 * The Order service: validates an order, prices it from the catalogue and stores it PENDING. It
 * writes its table and nothing else: "Order Created" leaves through the orders table's stream and
 * an EventBridge Pipe (the outbox, src/constructs/order-outbox.ts), so an order is never written
 * without its event or published without being written, whatever happens to this function after
 * its write.
 *
 * Prices. The client's prices and total are what it expects to pay: each line's price must be the
 * catalogue's current unit price (one batched read of the order's products), or the order is
 * refused with PriceChanged (409) naming each line and its current price; a product the catalogue
 * does not hold is refused as a validation error. A repeated submission of an order that was
 * accepted before a price changed still finds that order.
 *
 * Idempotency. With an `idempotencyKey` the order id is derived from (customerId, key),
 * and the order is created with a conditional put, so a repeated submission (a client retrying a
 * call that failed or timed out after the write) finds the stored order instead of creating a
 * second one, and the stream carries one INSERT for it; the same key with a different order is
 * refused (IdempotencyConflict). Without a key every submission is a new order.
 */
import { createHash, randomBytes } from "node:crypto";
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { Currency } from "../../src/contracts/events";
import { OrderStatus, type OrderStatusName } from "../../src/contracts/tables";
import { isConditionalCheckFailed, itemOfConditionCheckFailure } from "../shared/aws";
import { customerRef } from "../shared/customer-ref";
import {
  IdempotencyConflict,
  PriceChanged,
  ServiceError,
  ValidationError,
  type FieldIssue,
  type PriceMismatch,
} from "../shared/errors";
import { fromCents } from "../shared/money";
import { MetricUnit } from "../shared/observability";
import { parseOrThrow } from "../shared/validation";
import { readPrices } from "./catalogue";
import { IdempotencyKeySchema, MAX_ORDER_DETAIL_BYTES, OrderRequestSchema, type OrderRequest } from "./schema";
import type { Observability } from "../shared/observability";

export interface OrderServiceDeps {
  readonly db: DynamoDBDocumentClient;
  readonly ordersTableName: string;
  /** The table holding the catalogue's products (the inventory table). */
  readonly catalogueTableName: string;
  readonly obs: Observability;
  /** Clock. Default Date.now. */
  readonly now?: () => number;
}

/** An order as the client sees it; amounts are decimal numbers. */
export interface OrderView {
  readonly orderId: string;
  readonly status: OrderStatusName;
  readonly customerId: string;
  readonly items: readonly { readonly productId: string; readonly quantity: number; readonly price: number }[];
  readonly totalAmount: number;
  readonly currency: string;
  readonly createdAt: string;
  readonly failureReason?: string;
}

export interface SubmitResult {
  /** True when this call created the order, false when it found it (a repeated submission). */
  readonly created: boolean;
  readonly order: OrderView;
}

/** The order item as stored in the orders table. */
interface OrderRecord {
  orderId: string;
  customerId: string;
  idempotencyKey?: string;
  requestHash: string;
  items: { productId: string; quantity: number; unitPriceCents: number }[];
  /** `items` as JSON text, for the workflow (see OrderAttribute.itemsJson). */
  itemsJson: string;
  totalCents: number;
  currency: string;
  status: OrderStatusName;
  failureReason?: string;
  failureCause?: string;
  createdAt: string;
  updatedAt: string;
}

/** The order id for (customer, idempotency key); a random one without a key. */
export function deriveOrderId(customerId: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return `ord_${randomBytes(16).toString("hex")}`;
  const digest = createHash("sha256").update(`order:v1\n${customerId}\n${idempotencyKey}`).digest("hex");
  return `ord_${digest.slice(0, 32)}`;
}

function requestHash(request: OrderRequest): string {
  const lines = [...request.items]
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
    .map((i) => [i.productId, i.quantity, i.price]);
  return createHash("sha256")
    .update(JSON.stringify([request.customerId, request.totalAmount, lines]))
    .digest("hex");
}

function toView(record: OrderRecord): OrderView {
  return {
    orderId: record.orderId,
    status: record.status,
    customerId: record.customerId,
    items: record.items.map((i) => ({
      productId: i.productId,
      quantity: i.quantity,
      price: fromCents(i.unitPriceCents),
    })),
    totalAmount: fromCents(record.totalCents),
    currency: record.currency,
    createdAt: record.createdAt,
    ...(record.status === OrderStatus.failed && record.failureReason ? { failureReason: record.failureReason } : {}),
  };
}

export class OrderService {
  private readonly now: () => number;

  constructor(private readonly deps: OrderServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * Validates and submits an order. `headerIdempotencyKey` is the `Idempotency-Key`
   * header of an API call, an alternative to the body field.
   */
  async submit(input: unknown, headerIdempotencyKey?: string): Promise<SubmitResult> {
    const request = parseOrThrow(OrderRequestSchema, input);
    let idempotencyKey = request.idempotencyKey;
    if (headerIdempotencyKey !== undefined) {
      const fromHeader = parseOrThrow(IdempotencyKeySchema, headerIdempotencyKey, "headers.Idempotency-Key");
      if (idempotencyKey !== undefined && idempotencyKey !== fromHeader) {
        throw new ValidationError([
          { field: "idempotencyKey", rule: "must match the Idempotency-Key header when both are given" },
        ]);
      }
      idempotencyKey = fromHeader;
    }

    const nowMs = this.now();
    const nowIso = new Date(nowMs).toISOString();
    const items = request.items.map((i) => ({ productId: i.productId, quantity: i.quantity, unitPriceCents: i.price }));
    const record: OrderRecord = {
      orderId: deriveOrderId(request.customerId, idempotencyKey),
      customerId: request.customerId,
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
      requestHash: requestHash(request),
      items,
      itemsJson: JSON.stringify(items),
      totalCents: request.totalAmount,
      currency: Currency,
      status: OrderStatus.pending,
      createdAt: nowIso,
      updatedAt: nowIso,
    };
    // The saga carries the stored order (customer, total, lines) in its state.
    const size = Buffer.byteLength(
      JSON.stringify({
        orderId: record.orderId,
        customerId: record.customerId,
        items: record.items,
        totalCents: record.totalCents,
        currency: Currency,
        createdAt: record.createdAt,
      }),
      "utf8",
    );
    if (size > MAX_ORDER_DETAIL_BYTES) {
      throw new ValidationError([
        {
          field: "items",
          rule: `make the order too large: ${size} bytes, at most ${MAX_ORDER_DETAIL_BYTES} (the workflow state is limited to 256 KiB); split the order`,
        },
      ]);
    }
    const { logger, metrics } = this.deps.obs;
    logger.appendKeys({ orderId: record.orderId, customer: customerRef(record.customerId) });

    try {
      await this.checkPrices(request);
    } catch (error) {
      // Accepted before a price changed: a repeated submission still gets its order.
      if (!(error instanceof ServiceError) || idempotencyKey === undefined) throw error;
      const existing = await this.get(record.orderId);
      if (!existing) throw error;
      return this.resubmit(record, existing);
    }

    try {
      await this.deps.db.send(
        new PutCommand({
          TableName: this.deps.ordersTableName,
          Item: record,
          ConditionExpression: "attribute_not_exists(orderId)",
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return this.resubmit(record, itemOfConditionCheckFailure(error) as OrderRecord | undefined);
    }
    metrics.addMetric("OrderCreated", MetricUnit.Count, 1);
    logger.info("order stored", { status: record.status, totalCents: record.totalCents, lines: record.items.length });
    return { created: true, order: toView(record) };
  }

  /** Refuses lines whose product the catalogue does not hold, then lines whose price is not the catalogue's. */
  private async checkPrices(request: OrderRequest): Promise<void> {
    const prices = await readPrices(
      { db: this.deps.db, tableName: this.deps.catalogueTableName },
      request.items.map((i) => i.productId),
    );
    const unknown: FieldIssue[] = [];
    const changed: PriceMismatch[] = [];
    request.items.forEach((item, index) => {
      const price = prices.get(item.productId);
      if (price === undefined)
        unknown.push({ field: `items[${index}].productId`, rule: `is not in the catalogue (${item.productId})` });
      else if (price !== item.price)
        changed.push({
          line: `items[${index}]`,
          productId: item.productId,
          price: fromCents(price),
          expected: fromCents(item.price),
        });
    });
    if (unknown.length > 0) throw new ValidationError(unknown);
    if (changed.length > 0) {
      this.deps.obs.metrics.addMetric("OrderPriceChanged", MetricUnit.Count, 1);
      throw new PriceChanged(changed);
    }
  }

  /** A submission whose order id already exists (same customer and idempotency key): the stored order. */
  private resubmit(attempted: OrderRecord, existing: OrderRecord | undefined): SubmitResult {
    if (!existing) throw new Error(`order ${attempted.orderId} vanished while being resubmitted`);
    if (existing.requestHash !== attempted.requestHash) throw new IdempotencyConflict(existing.orderId);
    this.deps.obs.metrics.addMetric("OrderDuplicateSubmission", MetricUnit.Count, 1);
    this.deps.obs.logger.info("repeated submission", { status: existing.status });
    return { created: false, order: toView(existing) };
  }

  private async get(orderId: string): Promise<OrderRecord | undefined> {
    const result = await this.deps.db.send(
      new GetCommand({ TableName: this.deps.ordersTableName, Key: { orderId }, ConsistentRead: true }),
    );
    return result.Item as OrderRecord | undefined;
  }
}
