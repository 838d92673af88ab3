/**
 * The Payment service: charges an order and refunds it, at most once per order.
 *
 * The payments table holds one record per order (pk orderId) with a status:
 * CHARGING -> CHARGED | DECLINED, CHARGED -> REFUNDED, and VOIDED for a refund that came
 * before (or instead of) a charge. The record is written before the gateway is called
 * and the gateway call carries the order id as idempotency key, so a retried or
 * duplicated request resumes or repeats the recorded outcome and never charges twice.
 * A decline is recorded and thrown as PaymentDeclined every time it is asked again.
 *
 * A refund that finds a charge still running (CHARGING) reports PaymentInProgress, which
 * the workflow retries; a CHARGING record older than `staleChargeMs` is an abandoned
 * charge and is voided at the gateway instead. A refund with no record leaves a VOIDED
 * record, so a charge arriving late is refused rather than left unrefunded.
 */
import { createHash } from "node:crypto";
import * as z from "zod/mini";
import { centsField, customerIdField, errorNameField, orderIdField } from "../../src/contracts/fields";
import { putIfAbsent, transitionStatus } from "../shared/aws";
import { PaymentConflict, PaymentDeclined, PaymentInProgress, ValidationError } from "../shared/errors";
import { MetricUnit, type Observability } from "../shared/observability";
import { parseOrThrow } from "../shared/validation";
import type { PaymentGateway } from "./gateway";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

const PaymentStatus = {
  charging: "CHARGING",
  charged: "CHARGED",
  declined: "DECLINED",
  refunded: "REFUNDED",
  voided: "VOIDED",
} as const;
type PaymentStatusName = (typeof PaymentStatus)[keyof typeof PaymentStatus];

const ChargeRequestSchema = z.strictObject({
  action: z.literal("charge"),
  orderId: orderIdField,
  customerId: customerIdField,
  amountCents: centsField,
});

const RefundRequestSchema = z.strictObject({
  action: z.literal("refund"),
  orderId: orderIdField,
  reason: z.optional(errorNameField),
});

export type ChargeRequest = z.output<typeof ChargeRequestSchema>;
export type RefundRequest = z.output<typeof RefundRequestSchema>;

export interface ChargeResult {
  readonly orderId: string;
  readonly paymentId: string;
  readonly status: "CHARGED";
  readonly amountCents: number;
}

export interface RefundResult {
  readonly orderId: string;
  readonly paymentId: string;
  /** REFUNDED when money went back (now or earlier), NOT_CHARGED when none was taken. */
  readonly status: "REFUNDED" | "NOT_CHARGED";
  readonly amountCents: number;
}

interface PaymentRecord {
  orderId: string;
  paymentId: string;
  status: PaymentStatusName;
  customerId?: string;
  amountCents?: number;
  transactionId?: string;
  refundId?: string;
  declineReason?: string;
  gateway: string;
  chargeStartedAt?: number;
  createdAt: string;
  updatedAt: string;
}

export interface PaymentServiceDeps {
  readonly db: DynamoDBDocumentClient;
  readonly paymentsTableName: string;
  readonly gateway: PaymentGateway;
  readonly obs: Observability;
  /** A CHARGING record older than this (ms) is an abandoned charge. Default 2 minutes. */
  readonly staleChargeMs?: number;
  readonly now?: () => number;
}

export function paymentIdOf(orderId: string): string {
  return `pay_${createHash("sha256").update(`payment:v1\n${orderId}`).digest("hex").slice(0, 24)}`;
}

export class PaymentService {
  private readonly now: () => number;

  constructor(private readonly deps: PaymentServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  async handle(input: unknown): Promise<ChargeResult | RefundResult> {
    const action = (input as { action?: unknown } | null)?.action;
    if (action === "charge") return this.charge(parseOrThrow(ChargeRequestSchema, input));
    if (action === "refund") return this.refund(parseOrThrow(RefundRequestSchema, input));
    throw new ValidationError([{ field: "action", rule: 'must be "charge" or "refund"' }]);
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const { logger, metrics } = this.deps.obs;
    logger.appendKeys({ orderId: request.orderId });
    const result = (record: PaymentRecord): ChargeResult => ({
      orderId: record.orderId,
      paymentId: record.paymentId,
      status: "CHARGED",
      amountCents: record.amountCents!,
    });

    // Each round works from the record as DynamoDB last answered it: the put that found it, or the
    // transition that did not happen because another call moved it first.
    let record: PaymentRecord | undefined;
    for (let round = 0; round < 3; round++) {
      if (!record) {
        const fresh = this.newRecord(request.orderId, PaymentStatus.charging, {
          customerId: request.customerId,
          amountCents: request.amountCents,
          chargeStartedAt: this.now(),
        });
        record = (await this.putIfAbsent(fresh)) ?? fresh;
      }
      if (record.status === PaymentStatus.refunded || record.status === PaymentStatus.voided) {
        throw new PaymentConflict(
          `the payment of order ${request.orderId} was already ${record.status.toLowerCase()}; it cannot be charged`,
        );
      }
      if (record.amountCents !== request.amountCents || record.customerId !== request.customerId) {
        throw new PaymentConflict(`order ${request.orderId} was already charged for a different amount or customer`);
      }
      if (record.status === PaymentStatus.charged) return result(record);
      if (record.status === PaymentStatus.declined)
        throw new PaymentDeclined(request.orderId, record.declineReason ?? "declined");

      // CHARGING: this call (or one before it that did not finish) asks the gateway.
      const outcome = await this.deps.gateway.charge({
        idempotencyKey: request.orderId,
        customerId: request.customerId,
        amountCents: request.amountCents,
      });
      if (!outcome.approved) {
        const declined = await this.transition(request.orderId, PaymentStatus.charging, PaymentStatus.declined, {
          declineReason: outcome.reason,
        });
        if (!declined.done) {
          record = declined.current;
          continue;
        }
        metrics.addMetric("PaymentDeclined", MetricUnit.Count, 1);
        logger.info("payment declined", { reason: outcome.reason, amountCents: request.amountCents });
        throw new PaymentDeclined(request.orderId, outcome.reason);
      }
      const charged = await this.transition(request.orderId, PaymentStatus.charging, PaymentStatus.charged, {
        transactionId: outcome.transactionId,
      });
      if (charged.done) {
        metrics.addMetric("PaymentCharged", MetricUnit.Count, 1);
        logger.info("payment charged", { amountCents: request.amountCents });
        return result(record);
      }
      const now = charged.current;
      if (now?.status === PaymentStatus.charged) return result(now);
      if (now?.status === PaymentStatus.voided) {
        // A refund voided the payment while this charge ran: give the money back.
        await this.deps.gateway.refund({
          idempotencyKey: request.orderId,
          transactionId: outcome.transactionId,
          amountCents: request.amountCents,
        });
        throw new PaymentConflict(
          `the payment of order ${request.orderId} was voided while it was being charged; the charge was refunded`,
        );
      }
      record = now;
    }
    throw new PaymentInProgress(request.orderId);
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    const { logger, metrics } = this.deps.obs;
    logger.appendKeys({ orderId: request.orderId });
    const result = (record: PaymentRecord, status: RefundResult["status"]): RefundResult => ({
      orderId: request.orderId,
      paymentId: record.paymentId,
      status,
      amountCents: status === "REFUNDED" ? (record.amountCents ?? 0) : 0,
    });

    let record: PaymentRecord | undefined;
    for (let round = 0; round < 3; round++) {
      if (!record) {
        const voided = this.newRecord(request.orderId, PaymentStatus.voided, {});
        record = await this.putIfAbsent(voided);
        if (!record) {
          logger.info("refund before any charge: payment voided", { reason: request.reason });
          return result(voided, "NOT_CHARGED");
        }
      }
      switch (record.status) {
        case PaymentStatus.refunded:
          return result(record, "REFUNDED");
        case PaymentStatus.declined:
        case PaymentStatus.voided:
          return result(record, record.refundId ? "REFUNDED" : "NOT_CHARGED");
        case PaymentStatus.charged: {
          const { refundId } = await this.deps.gateway.refund({
            idempotencyKey: request.orderId,
            transactionId: record.transactionId,
            amountCents: record.amountCents!,
          });
          const refunded = await this.transition(request.orderId, PaymentStatus.charged, PaymentStatus.refunded, {
            refundId,
          });
          if (!refunded.done) {
            record = refunded.current;
            continue;
          }
          metrics.addMetric("PaymentRefunded", MetricUnit.Count, 1);
          logger.info("payment refunded", { amountCents: record.amountCents, reason: request.reason });
          return result(record, "REFUNDED");
        }
        case PaymentStatus.charging: {
          const age = this.now() - (record.chargeStartedAt ?? 0);
          if (age < (this.deps.staleChargeMs ?? 120_000)) throw new PaymentInProgress(request.orderId);
          const { refundId } = await this.deps.gateway.refund({
            idempotencyKey: request.orderId,
            amountCents: record.amountCents ?? 0,
          });
          const voided = await this.transition(request.orderId, PaymentStatus.charging, PaymentStatus.voided, {
            refundId,
          });
          if (!voided.done) {
            record = voided.current;
            continue;
          }
          metrics.addMetric("PaymentVoided", MetricUnit.Count, 1);
          logger.warn("abandoned charge voided", { ageMs: age, reason: request.reason });
          return result(record, "REFUNDED");
        }
      }
    }
    throw new PaymentInProgress(request.orderId);
  }

  private newRecord(orderId: string, status: PaymentStatusName, fields: Partial<PaymentRecord>): PaymentRecord {
    const now = new Date(this.now()).toISOString();
    return {
      orderId,
      paymentId: paymentIdOf(orderId),
      status,
      gateway: this.deps.gateway.name,
      createdAt: now,
      updatedAt: now,
      ...fields,
    };
  }

  /** Puts `record` unless the order has one; the order's record when it has. */
  private async putIfAbsent(record: PaymentRecord): Promise<PaymentRecord | undefined> {
    const existing = await putIfAbsent(
      this.deps.db,
      this.deps.paymentsTableName,
      record as unknown as Record<string, unknown>,
      "orderId",
    );
    return existing as PaymentRecord | undefined;
  }

  /** Moves the record from one status to another; when it was not in `from`, the record as it was. */
  private async transition(
    orderId: string,
    from: PaymentStatusName,
    to: PaymentStatusName,
    fields: Record<string, string>,
  ): Promise<{ done: true } | { done: false; current: PaymentRecord | undefined }> {
    const outcome = await transitionStatus(this.deps.db, {
      tableName: this.deps.paymentsTableName,
      key: { orderId },
      from,
      to,
      now: new Date(this.now()).toISOString(),
      fields,
    });
    return outcome.done ? outcome : { done: false, current: outcome.current as PaymentRecord | undefined };
  }
}
