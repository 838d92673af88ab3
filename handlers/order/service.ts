/**
 * The Order service: validates an order, prices it from the catalogue, stores it PENDING and
 * publishes "Order Created".
 *
 * Prices. The client's prices and total are what it expects to pay: each line's price must be the
 * catalogue's current unit price (one batched read of the order's products), or the order is
 * refused with PriceChanged (409) naming each line and its current price; a product the catalogue
 * does not hold is refused as a validation error. A repeated submission of an order that was
 * accepted before a price changed still finds that order.
 *
 * Idempotency. With an `idempotencyKey` the order id is derived from (customerId, key),
 * and the order is created with a conditional put, so a repeated submission finds the
 * stored order instead of creating a second one; the same key with a different order
 * is refused (IdempotencyConflict). Without a key every submission is a new order.
 *
 * Publish failures. The order is written PENDING / UNPUBLISHED together with a short
 * publish lease, then "Order Created" is put on the bus (every entry checked, transient
 * entry failures retried with backoff). If publishing still fails, the order is marked
 * FAILED with reason OrderPublishFailed - so no order sits PENDING without a workflow -
 * and the caller gets OrderPublishFailed (HTTP 503, retryable). Submitting again with
 * the same idempotency key revives exactly that order (back to PENDING) and publishes it
 * again; only the holder of the publish lease publishes, so concurrent retries never
 * publish twice. The workflow claims an order before touching it, so an event that
 * reached the bus although the call reported a failure never runs the saga twice.
 * Every publish failure is logged with the order id and counted in the
 * `OrderPublishFailed` metric.
 */
import { createHash, randomBytes } from "node:crypto";
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { buildPutEventsEntry, Currency, type OrderCreatedDetail } from "../../src/contracts/events";
import { OrderStatus, PublishState, type OrderStatusName } from "../../src/contracts/tables";
import { isConditionalCheckFailed } from "../shared/aws";
import { customerRef } from "../shared/customer-ref";
import { IdempotencyConflict, OrderPublishFailed, PriceChanged, RequestInProgress, ServiceError, ValidationError, type FieldIssue, type PriceMismatch } from "../shared/errors";
import { fromCents } from "../shared/money";
import type { Observability } from "../shared/observability";
import { MetricUnit } from "../shared/observability";
import { PublishError, putEventsChecked, type PublishOptions } from "../shared/publisher";
import { parseOrThrow } from "../shared/validation";
import { readPrices } from "./catalogue";
import { IdempotencyKeySchema, MAX_ORDER_DETAIL_BYTES, OrderRequestSchema, type OrderRequest } from "./schema";

/** The reason recorded on an order whose "Order Created" event never reached the bus. */
export const PUBLISH_FAILED_REASON = "OrderPublishFailed";

export interface OrderServiceDeps {
  readonly db: DynamoDBDocumentClient;
  readonly eventBridge: EventBridgeClient;
  readonly ordersTableName: string;
  /** The table holding the catalogue's products (the inventory table). */
  readonly catalogueTableName: string;
  readonly eventBusName: string;
  readonly obs: Observability;
  /** Retry policy for PutEvents. */
  readonly publish?: PublishOptions;
  /** How long a submission may hold the right to publish an order, in ms. Default 30 s. */
  readonly publishLeaseMs?: number;
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
  publishState: string;
  publishLeaseUntil?: number;
  publishAttempts?: number;
  failureReason?: string;
  failureCause?: string;
  eventId?: string;
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
  return createHash("sha256").update(JSON.stringify([request.customerId, request.totalAmount, lines])).digest("hex");
}

export function toView(record: OrderRecord): OrderView {
  return {
    orderId: record.orderId,
    status: record.status,
    customerId: record.customerId,
    items: record.items.map((i) => ({ productId: i.productId, quantity: i.quantity, price: fromCents(i.unitPriceCents) })),
    totalAmount: fromCents(record.totalCents),
    currency: record.currency,
    createdAt: record.createdAt,
    ...(record.status === OrderStatus.failed && record.failureReason ? { failureReason: record.failureReason } : {}),
  };
}

function detailOf(record: OrderRecord): OrderCreatedDetail {
  return {
    orderId: record.orderId,
    customerId: record.customerId,
    items: record.items,
    totalCents: record.totalCents,
    currency: Currency,
    createdAt: record.createdAt,
  };
}

export class OrderService {
  private readonly now: () => number;
  private readonly leaseMs: number;

  constructor(private readonly deps: OrderServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.leaseMs = deps.publishLeaseMs ?? 30_000;
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
        throw new ValidationError([{ field: "idempotencyKey", rule: "must match the Idempotency-Key header when both are given" }]);
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
      publishState: PublishState.unpublished,
      publishLeaseUntil: nowMs + this.leaseMs,
      publishAttempts: 1,
      createdAt: nowIso,
      updatedAt: nowIso,
    };
    const size = Buffer.byteLength(JSON.stringify(detailOf(record)), "utf8");
    if (size > MAX_ORDER_DETAIL_BYTES) {
      throw new ValidationError([
        {
          field: "items",
          rule: `make the order too large: ${size} bytes, at most ${MAX_ORDER_DETAIL_BYTES} (the workflow state is limited to 256 KiB); split the order`,
        },
      ]);
    }
    const { logger } = this.deps.obs;
    logger.appendKeys({ orderId: record.orderId, customer: customerRef(record.customerId) });

    try {
      await this.checkPrices(request);
    } catch (error) {
      // Accepted before a price changed: a repeated submission still gets its order.
      if (!(error instanceof ServiceError) || idempotencyKey === undefined) throw error;
      const existing = await this.get(record.orderId);
      if (!existing) throw error;
      return this.resubmit(record);
    }

    try {
      await this.deps.db.send(
        new PutCommand({
          TableName: this.deps.ordersTableName,
          Item: record,
          ConditionExpression: "attribute_not_exists(orderId)",
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return this.resubmit(record);
    }
    logger.info("order stored", { status: record.status, totalCents: record.totalCents, lines: record.items.length });
    const order = await this.publish(record, idempotencyKey !== undefined);
    return { created: true, order };
  }

  /** Refuses lines whose product the catalogue does not hold, then lines whose price is not the catalogue's. */
  private async checkPrices(request: OrderRequest): Promise<void> {
    const prices = await readPrices({ db: this.deps.db, tableName: this.deps.catalogueTableName }, request.items.map((i) => i.productId));
    const unknown: FieldIssue[] = [];
    const changed: PriceMismatch[] = [];
    request.items.forEach((item, index) => {
      const price = prices.get(item.productId);
      if (price === undefined) unknown.push({ field: `items[${index}].productId`, rule: `is not in the catalogue (${item.productId})` });
      else if (price !== item.price) changed.push({ line: `items[${index}]`, productId: item.productId, price: fromCents(price), expected: fromCents(item.price) });
    });
    if (unknown.length > 0) throw new ValidationError(unknown);
    if (changed.length > 0) {
      this.deps.obs.metrics.addMetric("OrderPriceChanged", MetricUnit.Count, 1);
      throw new PriceChanged(changed);
    }
  }

  /** A submission whose order id already exists (same customer and idempotency key). */
  private async resubmit(attempted: OrderRecord): Promise<SubmitResult> {
    const { logger, metrics } = this.deps.obs;
    for (let round = 0; round < 3; round++) {
      const existing = await this.get(attempted.orderId);
      if (!existing) throw new Error(`order ${attempted.orderId} vanished while being resubmitted`);
      if (existing.requestHash !== attempted.requestHash) throw new IdempotencyConflict(existing.orderId);
      metrics.addMetric("OrderDuplicateSubmission", MetricUnit.Count, 1);

      if (existing.publishState === PublishState.published) {
        logger.info("repeated submission of a published order", { status: existing.status });
        return { created: false, order: toView(existing) };
      }
      const nowMs = this.now();
      const revive = existing.status === OrderStatus.failed && existing.failureReason === PUBLISH_FAILED_REASON;
      if (existing.status === OrderStatus.pending || revive) {
        const leased = await this.acquireLease(existing, revive, nowMs);
        if (leased) {
          logger.info("publishing a previously unpublished order", { revived: revive });
          return { created: false, order: await this.publish(leased, true) };
        }
        const fresh = await this.get(existing.orderId);
        if (fresh && fresh.publishState !== PublishState.published && fresh.status === OrderStatus.pending && (fresh.publishLeaseUntil ?? 0) > nowMs) {
          throw new RequestInProgress(fresh.orderId, Math.max(1, Math.ceil(((fresh.publishLeaseUntil ?? nowMs) - nowMs) / 1000)));
        }
        continue; // the order moved on between the reads: look again
      }
      // FAILED for another reason without being published: nothing more can be done for it.
      return { created: false, order: toView(existing) };
    }
    throw new RequestInProgress(attempted.orderId, 1);
  }

  /** Takes the right to publish an unpublished order (and revives it if it failed to publish). */
  private async acquireLease(existing: OrderRecord, revive: boolean, nowMs: number): Promise<OrderRecord | undefined> {
    const leaseUntil = nowMs + this.leaseMs;
    try {
      const result = await this.deps.db.send(
        new UpdateCommand({
          TableName: this.deps.ordersTableName,
          Key: { orderId: existing.orderId },
          UpdateExpression:
            "SET #status = :pending, publishLeaseUntil = :lease, updatedAt = :now, publishAttempts = if_not_exists(publishAttempts, :zero) + :one REMOVE failureReason, failureCause",
          ConditionExpression: revive
            ? "#status = :failed AND failureReason = :publishFailed AND publishState = :unpublished AND attribute_not_exists(workflowExecutionId)"
            : "#status = :pending AND publishState = :unpublished AND (attribute_not_exists(publishLeaseUntil) OR publishLeaseUntil < :nowMs)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":pending": OrderStatus.pending,
            ":lease": leaseUntil,
            ":now": new Date(nowMs).toISOString(),
            ":zero": 0,
            ":one": 1,
            ":unpublished": PublishState.unpublished,
            ...(revive ? { ":failed": OrderStatus.failed, ":publishFailed": PUBLISH_FAILED_REASON } : { ":nowMs": nowMs }),
          },
          ReturnValues: "ALL_NEW",
        }),
      );
      return result.Attributes as OrderRecord;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return undefined;
      throw error;
    }
  }

  /** Publishes "Order Created" for an order whose lease this call holds. */
  private async publish(record: OrderRecord, canRetry: boolean): Promise<OrderView> {
    const { logger, metrics } = this.deps.obs;
    const entry = buildPutEventsEntry("orderCreated", detailOf(record), this.deps.eventBusName);
    let eventId: string;
    try {
      [eventId] = (await putEventsChecked(this.deps.eventBridge, [entry], this.deps.publish)) as [string];
    } catch (error) {
      const cause = (error as Error).message;
      metrics.addMetric("OrderPublishFailed", MetricUnit.Count, 1);
      logger.error("Order Created could not be published; order marked FAILED", { error: error as Error, canRetry });
      await this.markPublishFailed(record, cause);
      const codes = error instanceof PublishError ? error.failures.map((f) => f.errorCode) : [(error as Error).name];
      throw new OrderPublishFailed(record.orderId, canRetry, codes);
    }

    const nowIso = new Date(this.now()).toISOString();
    try {
      await this.deps.db.send(
        new UpdateCommand({
          TableName: this.deps.ordersTableName,
          Key: { orderId: record.orderId },
          UpdateExpression: "SET publishState = :published, eventId = :eventId, publishedAt = :now, updatedAt = :now REMOVE publishLeaseUntil",
          ConditionExpression: "attribute_exists(orderId)",
          ExpressionAttributeValues: { ":published": PublishState.published, ":eventId": eventId, ":now": nowIso },
        }),
      );
    } catch (error) {
      // The event is on the bus and the workflow will run; only the bookkeeping is missing.
      // A later resubmission may publish again, which the workflow's claim step absorbs.
      logger.warn("Order Created published but not recorded", { error: error as Error, eventId });
    }
    metrics.addMetric("OrderCreated", MetricUnit.Count, 1);
    logger.info("order submitted", { eventId });
    return toView({ ...record, status: OrderStatus.pending });
  }

  private async markPublishFailed(record: OrderRecord, cause: string): Promise<void> {
    try {
      await this.deps.db.send(
        new UpdateCommand({
          TableName: this.deps.ordersTableName,
          Key: { orderId: record.orderId },
          UpdateExpression: "SET #status = :failed, failureReason = :reason, failureCause = :cause, updatedAt = :now REMOVE publishLeaseUntil",
          // Not if the workflow already owns it: then the event did reach the bus after all.
          ConditionExpression: "#status = :pending AND publishState = :unpublished AND attribute_not_exists(workflowExecutionId)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":failed": OrderStatus.failed,
            ":pending": OrderStatus.pending,
            ":unpublished": PublishState.unpublished,
            ":reason": PUBLISH_FAILED_REASON,
            ":cause": cause.slice(0, 1000),
            ":now": new Date(this.now()).toISOString(),
          },
        }),
      );
    } catch (error) {
      // The order stays PENDING with an expiring lease: a resubmission publishes it.
      this.deps.obs.logger.error("could not mark the unpublished order FAILED", { error: error as Error });
    }
  }

  private async get(orderId: string): Promise<OrderRecord | undefined> {
    const result = await this.deps.db.send(
      new GetCommand({ TableName: this.deps.ordersTableName, Key: { orderId }, ConsistentRead: true }),
    );
    return result.Item as OrderRecord | undefined;
  }
}
