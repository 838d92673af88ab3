/**
 * The Inventory service: reserves and releases stock for an order.
 *
 * Stock items (pk PRODUCT#<id>, sk STOCK) hold an `available` count. A reservation
 * record (pk ORDER#<orderId>, sk RESERVATION) holds the order's lines, a `reserved` map
 * (productId -> units taken) and a status: RESERVING -> RESERVED, or OUT_OF_STOCK, or
 * RELEASING -> RELEASED.
 *
 * Without transactions, every line is a conditional update of its stock item
 * (`available >= quantity`), so concurrent orders never oversell. Once every line is taken, one
 * conditional write records them all in the `reserved` map and marks the reservation RESERVED; an
 * order that cannot get every line gives back the lines it took before reporting OutOfStock, and a
 * reserve that finds the record released meanwhile gives its lines back itself. Releasing removes a
 * line from the map before giving its units back. Both orders of writes err on the safe side: a crash
 * between taking stock and recording it can only leave units unavailable, never oversell or give
 * back twice. Reserve and release are idempotent per order: repeating them returns the recorded
 * outcome (the conditional put of the record answers with the record that exists, in the same call),
 * and a release that comes first blocks a late reserve.
 *
 * Calls: a reservation of N lines is N + 2 writes (the record, the lines, the outcome).
 */
import { UpdateCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod/mini";
import {
  MAX_ITEMS,
  centsField,
  errorNameField,
  orderIdField,
  productIdField,
  quantityField,
} from "../../src/contracts/fields";
import { InventoryKey } from "../../src/contracts/tables";
import {
  isConditionalCheckFailed,
  itemOfConditionCheckFailure,
  putIfAbsent,
  transitionStatus,
  type TransitionOutcome,
} from "../shared/aws";
import { settleWithConcurrency } from "../shared/concurrency";
import { OutOfStock, ReservationConflict, ValidationError } from "../shared/errors";
import { MetricUnit, type Observability } from "../shared/observability";
import { parseOrThrow } from "../shared/validation";

const ReservationStatus = {
  reserving: "RESERVING",
  reserved: "RESERVED",
  outOfStock: "OUT_OF_STOCK",
  releasing: "RELEASING",
  released: "RELEASED",
} as const;
type ReservationStatusName = (typeof ReservationStatus)[keyof typeof ReservationStatus];

/** One line to reserve: the order's line as the workflow passes it (its unit price is not used here). */
const ReserveLineSchema = z.strictObject({
  productId: productIdField,
  quantity: quantityField,
  unitPriceCents: z.optional(centsField),
});

const ReserveRequestSchema = z.strictObject({
  action: z.literal("reserve"),
  orderId: orderIdField,
  items: z
    .array(ReserveLineSchema, { error: (issue) => (issue.input === undefined ? "is required" : "must be an array") })
    .check(
      z.minLength(1, { error: "must contain at least one item" }),
      z.maxLength(MAX_ITEMS, { error: `must contain at most ${MAX_ITEMS} items` }),
      z.refine((items: { productId: string }[]) => new Set(items.map((i) => i.productId)).size === items.length, {
        error: "must not repeat a productId",
      }),
    ),
});

const ReleaseRequestSchema = z.strictObject({
  action: z.literal("release"),
  orderId: orderIdField,
  reason: z.optional(errorNameField),
});

export type ReserveRequest = z.output<typeof ReserveRequestSchema>;
export type ReleaseRequest = z.output<typeof ReleaseRequestSchema>;

export interface ReserveResult {
  readonly orderId: string;
  readonly status: "RESERVED";
  readonly lines: number;
  readonly units: number;
}

export interface ReleaseResult {
  readonly orderId: string;
  /** RELEASED when units went back to stock (now or earlier), NOTHING_RESERVED otherwise. */
  readonly status: "RELEASED" | "NOTHING_RESERVED";
  readonly linesReleased: number;
}

interface ReservationRecord {
  pk: string;
  sk: string;
  orderId: string;
  status: ReservationStatusName;
  items: { productId: string; quantity: number }[];
  reserved: Record<string, number>;
  outOfStock?: { productId: string; requested: number; available: number };
  createdAt: string;
  updatedAt: string;
}

export interface InventoryServiceDeps {
  readonly db: DynamoDBDocumentClient;
  readonly inventoryTableName: string;
  readonly obs: Observability;
  /** Lines reserved in parallel. Default 8. */
  readonly concurrency?: number;
  readonly now?: () => Date;
}

/** The units a reservation record holds, by product (its own keys, never Object.prototype's members). */
function reservedLines(record: ReservationRecord): Map<string, number> {
  return new Map(Object.entries(record.reserved ?? {}));
}

export class InventoryService {
  private readonly now: () => Date;

  constructor(private readonly deps: InventoryServiceDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async handle(input: unknown): Promise<ReserveResult | ReleaseResult> {
    const action = (input as { action?: unknown } | null)?.action;
    if (action === "reserve") return this.reserve(parseOrThrow(ReserveRequestSchema, input));
    if (action === "release") return this.release(parseOrThrow(ReleaseRequestSchema, input));
    throw new ValidationError([{ field: "action", rule: 'must be "reserve" or "release"' }]);
  }

  async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const { logger, metrics } = this.deps.obs;
    logger.appendKeys({ orderId: request.orderId });
    const fresh = this.newRecord(
      request.orderId,
      request.items.map((i) => ({ productId: i.productId, quantity: i.quantity })),
    );
    const record = (await this.putRecord(fresh)) ?? fresh;

    const units = request.items.reduce((sum, i) => sum + i.quantity, 0);
    const reservedResult = (): ReserveResult => ({
      orderId: request.orderId,
      status: "RESERVED",
      lines: record.items.length,
      units,
    });
    switch (record.status) {
      case ReservationStatus.reserved:
        this.assertSameItems(record, request);
        return reservedResult();
      case ReservationStatus.outOfStock: {
        const o = record.outOfStock!;
        throw new OutOfStock(request.orderId, o.productId, o.requested, o.available);
      }
      case ReservationStatus.releasing:
      case ReservationStatus.released:
        throw new ReservationConflict(
          `the reservation of order ${request.orderId} was released; it cannot be reserved again`,
        );
      default:
        this.assertSameItems(record, request);
    }

    // Lines a reserve before this one recorded (one that stopped half-way) are not taken again.
    const reserved = reservedLines(record);
    const todo = record.items.filter((line) => !reserved.has(line.productId));
    const taken: { productId: string; quantity: number }[] = [];
    let failed = false;
    const results = await settleWithConcurrency(
      todo,
      this.deps.concurrency ?? 8,
      async (line) => {
        try {
          await this.takeStock(request.orderId, line.productId, line.quantity);
          taken.push(line);
        } catch (error) {
          failed = true;
          throw error;
        }
      },
      () => failed,
    );
    const errors = results
      .filter((r): r is PromiseRejectedResult => r?.status === "rejected")
      .map((r) => r.reason as Error);
    if (errors.length > 0) {
      // The lines this call took are recorded nowhere yet: only this call can give them back.
      await this.returnStock(taken);
      const outOfStock = errors.find((e): e is OutOfStock => e instanceof OutOfStock);
      if (!outOfStock) throw errors[0];
      const given = taken.length + (reserved.size > 0 ? await this.giveBack(request.orderId, record) : 0);
      await this.setStatus(request.orderId, ReservationStatus.reserving, ReservationStatus.outOfStock, {
        outOfStock: {
          productId: outOfStock.productId,
          requested: outOfStock.requested,
          available: outOfStock.available,
        },
      });
      metrics.addMetric("OutOfStock", MetricUnit.Count, 1);
      logger.info("order out of stock; reserved lines given back", {
        productId: outOfStock.productId,
        linesGivenBack: given,
      });
      throw outOfStock;
    }

    const finished = await this.recordReservation(request.orderId, taken);
    if (!finished.done) {
      await this.returnStock(taken);
      const now = finished.current;
      // A repeated reserve of this order that ran beside this one finished first.
      if (now?.status === ReservationStatus.reserved) return reservedResult();
      throw new ReservationConflict(`the reservation of order ${request.orderId} was released while it was being made`);
    }
    metrics.addMetric("StockReserved", MetricUnit.Count, units);
    logger.info("stock reserved", { lines: record.items.length, units });
    return reservedResult();
  }

  async release(request: ReleaseRequest): Promise<ReleaseResult> {
    const { logger, metrics } = this.deps.obs;
    logger.appendKeys({ orderId: request.orderId });
    // Nothing reserved yet: the RELEASED record this leaves stops a late reserve from taking stock.
    const nothingReserved = { ...this.newRecord(request.orderId, []), status: ReservationStatus.released };
    const record = await this.putRecord(nothingReserved);
    if (!record) {
      logger.info("release before any reservation", { reason: request.reason });
      return { orderId: request.orderId, status: "NOTHING_RESERVED", linesReleased: 0 };
    }
    const hadReservation = record.items.length > 0 && record.status !== ReservationStatus.outOfStock;
    const result = (linesReleased: number): ReleaseResult => ({
      orderId: request.orderId,
      status: hadReservation ? "RELEASED" : "NOTHING_RESERVED",
      linesReleased,
    });
    if (record.status === ReservationStatus.outOfStock) return result(0);
    if (record.status === ReservationStatus.released && reservedLines(record).size === 0) return result(0);

    // RELEASING stops any reserve still running for this order from recording its lines; the record
    // it answers holds every line recorded so far.
    const releasing = await this.db().send(
      new UpdateCommand({
        TableName: this.deps.inventoryTableName,
        Key: InventoryKey.reservation(request.orderId),
        UpdateExpression: "SET #status = :releasing, updatedAt = :now",
        ConditionExpression: "#status IN (:reserving, :reserved, :releasing, :released)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":releasing": ReservationStatus.releasing,
          ":reserving": ReservationStatus.reserving,
          ":reserved": ReservationStatus.reserved,
          ":released": ReservationStatus.released,
          ":now": this.now().toISOString(),
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    const released = await this.giveBack(request.orderId, releasing.Attributes as ReservationRecord);
    await this.setStatus(request.orderId, ReservationStatus.releasing, ReservationStatus.released);
    metrics.addMetric("StockReleased", MetricUnit.Count, released);
    logger.info("reservation released", { linesReleased: released, reason: request.reason });
    return result(released);
  }

  /** Takes `quantity` units of a product for an order (the line is recorded by `recordReservation`). */
  private async takeStock(orderId: string, productId: string, quantity: number): Promise<void> {
    try {
      await this.db().send(
        new UpdateCommand({
          TableName: this.deps.inventoryTableName,
          Key: InventoryKey.stock(productId),
          UpdateExpression: "SET available = available - :q",
          ConditionExpression: "attribute_exists(pk) AND available >= :q",
          ExpressionAttributeValues: { ":q": quantity },
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      const stock = itemOfConditionCheckFailure(error);
      throw new OutOfStock(orderId, productId, quantity, stock ? Number(stock.available) : -1);
    }
  }

  /**
   * Records the lines this call took and marks the reservation RESERVED, in one write, unless another
   * call moved the record out of RESERVING first (then the outcome carries the record as it was).
   */
  private async recordReservation(
    orderId: string,
    lines: readonly { productId: string; quantity: number }[],
  ): Promise<TransitionOutcome> {
    const names: Record<string, string> = { "#status": "status" };
    const values: Record<string, unknown> = {
      ":reserving": ReservationStatus.reserving,
      ":reserved": ReservationStatus.reserved,
      ":now": this.now().toISOString(),
    };
    let set = "#status = :reserved, updatedAt = :now";
    lines.forEach((line, i) => {
      names[`#p${i}`] = line.productId;
      values[`:q${i}`] = line.quantity;
      set += `, reserved.#p${i} = :q${i}`;
    });
    try {
      await this.db().send(
        new UpdateCommand({
          TableName: this.deps.inventoryTableName,
          Key: InventoryKey.reservation(orderId),
          UpdateExpression: `SET ${set}`,
          ConditionExpression: "#status = :reserving",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return { done: true };
    } catch (error) {
      if (!isConditionalCheckFailed(error)) throw error;
      return { done: false, current: itemOfConditionCheckFailure(error) };
    }
  }

  /** Gives back every line `record` holds for the order; returns how many lines this call gave back. */
  private async giveBack(orderId: string, record: ReservationRecord | undefined): Promise<number> {
    let count = 0;
    for (const [productId, quantity] of record ? reservedLines(record) : []) {
      try {
        await this.db().send(
          new UpdateCommand({
            TableName: this.deps.inventoryTableName,
            Key: InventoryKey.reservation(orderId),
            UpdateExpression: "REMOVE reserved.#p",
            ConditionExpression: "attribute_exists(reserved.#p)",
            ExpressionAttributeNames: { "#p": productId },
          }),
        );
      } catch (error) {
        if (isConditionalCheckFailed(error)) continue; // another call gave this line back
        throw error;
      }
      await this.addStock(productId, quantity);
      count++;
    }
    return count;
  }

  /** Puts back units this call took and recorded nowhere. */
  private async returnStock(lines: readonly { productId: string; quantity: number }[]): Promise<void> {
    for (const line of lines) await this.addStock(line.productId, line.quantity);
  }

  private async addStock(productId: string, quantity: number): Promise<void> {
    await this.db().send(
      new UpdateCommand({
        TableName: this.deps.inventoryTableName,
        Key: InventoryKey.stock(productId),
        UpdateExpression: "SET available = available + :q",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":q": quantity },
      }),
    );
  }

  private assertSameItems(record: ReservationRecord, request: ReserveRequest): void {
    const key = (items: { productId: string; quantity: number }[]) =>
      JSON.stringify([...items].map((i) => [i.productId, i.quantity]).sort());
    if (key(record.items) !== key(request.items)) {
      throw new ReservationConflict(`order ${request.orderId} already has a reservation with different items`);
    }
  }

  private newRecord(orderId: string, items: { productId: string; quantity: number }[]): ReservationRecord {
    const now = this.now().toISOString();
    return {
      ...InventoryKey.reservation(orderId),
      orderId,
      status: ReservationStatus.reserving,
      items,
      reserved: {},
      createdAt: now,
      updatedAt: now,
    };
  }

  /** Puts `record` unless the order has one; the order's record when it has. */
  private async putRecord(record: ReservationRecord): Promise<ReservationRecord | undefined> {
    const existing = await putIfAbsent(
      this.db(),
      this.deps.inventoryTableName,
      record as unknown as Record<string, unknown>,
      "pk",
    );
    return existing as ReservationRecord | undefined;
  }

  private async setStatus(
    orderId: string,
    from: ReservationStatusName,
    to: ReservationStatusName,
    extra: Record<string, unknown> = {},
  ): Promise<void> {
    await transitionStatus(this.db(), {
      tableName: this.deps.inventoryTableName,
      key: InventoryKey.reservation(orderId),
      from,
      to,
      now: this.now().toISOString(),
      fields: extra,
    });
  }

  private db(): DynamoDBDocumentClient {
    return this.deps.db;
  }
}
