/**
 * Notification service Lambda handler (target of the "order outcome" rule).
 *
 * Input:  an EventBridge event, "Order Completed" or "Order Failed" from the order
 *         workflow (contracts in src/contracts/events.ts).
 * Output: { orderId, outcome: "COMPLETED" | "FAILED", channel, deliveryId? }
 * Errors: EventContractError (not a known outcome event), OutcomeMismatch (the event says
 *         what the stored order does not), channel errors; each retried by Lambda's async
 *         retries, then sent to the on-failure destination / DLQ.
 *
 * Trusts the stored order, not the event: before telling anyone, the order is read (strongly
 * consistent) and its status, customer, total and payment (or failure reason) must be what
 * the event says, so a forged outcome event is refused and records nothing. The workflow
 * writes the outcome before it publishes it, so a genuine event always finds it.
 *
 * Idempotent: one notification per order outcome. Powertools idempotency records each
 * delivery in the idempotency table keyed on the order id and the detail-type, with a hash of
 * the detail: the same event delivered twice - or the outcome published twice after a retried
 * PutEvents - notifies once, and another detail under the same key is refused
 * (IdempotencyValidationError). Records expire after 48 hours (beyond EventBridge's 24-hour
 * retry window).
 *
 * Environment: IDEMPOTENCY_TABLE_NAME, ORDERS_TABLE_NAME.
 */
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { parseEvent, type EventBridgeEnvelope, type ParsedEvent } from "../src/contracts/events";
import { EnvVar, OrderAttribute, Tables } from "../src/contracts/tables";
import { LogChannel, type NotificationChannel } from "./notification/channels";
import { formatCompleted, formatFailed } from "./notification/format";
import { createDocumentClient, createDynamoDBClient } from "./shared/aws";
import { requireEnv } from "./shared/env";
import { OutcomeMismatch } from "./shared/errors";
import { MetricUnit, buildOnce, instrumented, observabilityFromEnv, type Observability } from "./shared/observability";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";

export type { NotificationChannel, NotificationMessage } from "./notification/channels";

/** The idempotency key: one notification per (order, outcome). */
export const NOTIFICATION_KEY_JMESPATH = '[detail.orderId, "detail-type"]';
/** What the idempotency record hashes besides the key: a different detail under the same key is refused. */
export const NOTIFICATION_PAYLOAD_JMESPATH = "detail";
/** How long a delivery is remembered. */
export const NOTIFICATION_IDEMPOTENCY_SECONDS = 48 * 60 * 60;

export interface NotificationResult {
  readonly orderId: string;
  readonly outcome: "COMPLETED" | "FAILED";
  readonly channel: string;
  readonly deliveryId?: string;
}

export interface NotificationDeps {
  readonly dynamodb: DynamoDBClient;
  readonly idempotencyTableName: string;
  /** The orders table: the outcome an event announces must be the stored one. */
  readonly ordersTableName: string;
  readonly obs: Observability;
  /** Where messages go. Default: a structured log line. */
  readonly channel?: NotificationChannel;
}

export type NotificationHandler = (event: unknown, context?: Context) => Promise<NotificationResult>;

export function createNotificationHandler(deps: NotificationDeps): NotificationHandler {
  const { obs } = deps;
  const channel = deps.channel ?? new LogChannel(obs.logger);
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: deps.idempotencyTableName,
    awsSdkV3Client: deps.dynamodb,
    keyAttr: Tables.idempotency.partitionKey,
    expiryAttr: Tables.idempotency.ttlAttribute,
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: NOTIFICATION_KEY_JMESPATH,
    payloadValidationJmesPath: NOTIFICATION_PAYLOAD_JMESPATH,
    expiresAfterSeconds: NOTIFICATION_IDEMPOTENCY_SECONDS,
    throwOnNoIdempotencyKey: true,
  });

  const deliver = makeIdempotent(
    async (event: EventBridgeEnvelope, _context?: Context): Promise<NotificationResult> => {
      const parsed = parseEvent(event, ["orderCompleted", "orderFailed"]);
      const message =
        parsed.kind === "orderCompleted"
          ? formatCompleted(parsed.detail, parsed.id)
          : formatFailed(parsed.detail, parsed.id);
      const { deliveryId } = await channel.send(message);
      obs.metrics.addMetric("NotificationSent", MetricUnit.Count, 1);
      return {
        orderId: message.orderId,
        outcome: message.outcome,
        channel: channel.name,
        ...(deliveryId ? { deliveryId } : {}),
      };
    },
    { persistenceStore, config },
  );

  const db = createDocumentClient(deps.dynamodb);
  return (event, context) =>
    instrumented(obs, context, async () => {
      // Refuse events outside the contract, or not matching the stored order, before anything is recorded.
      const parsed = parseEvent(event, ["orderCompleted", "orderFailed"]);
      obs.logger.appendKeys({ orderId: parsed.detail.orderId, eventId: parsed.id });
      const mismatched = await mismatchedFields(db, deps.ordersTableName, parsed);
      if (mismatched.length > 0) {
        obs.metrics.addMetric("NotificationRefused", MetricUnit.Count, 1);
        obs.logger.warn("outcome event refused: the stored order says otherwise", {
          mismatched,
          detailType: parsed.envelope["detail-type"],
        });
        throw new OutcomeMismatch(parsed.detail.orderId, mismatched);
      }
      if (context) config.registerLambdaContext(context);
      return deliver(parsed.envelope, context);
    });
}

/** The detail fields the stored order contradicts (all of them when there is no such order). */
async function mismatchedFields(
  db: DynamoDBDocumentClient,
  ordersTableName: string,
  event: Extract<ParsedEvent, { kind: "orderCompleted" | "orderFailed" }>,
): Promise<string[]> {
  const { Item: stored } = await db.send(
    new GetCommand({
      TableName: ordersTableName,
      Key: { [OrderAttribute.orderId]: event.detail.orderId },
      ConsistentRead: true,
    }),
  );
  if (!stored) return ["orderId"];
  const expected: [string, unknown, unknown][] = [
    ["status", event.detail.status, stored[OrderAttribute.status]],
    ["customerId", event.detail.customerId, stored[OrderAttribute.customerId]],
    ["totalCents", event.detail.totalCents, stored[OrderAttribute.totalCents]],
    ["currency", event.detail.currency, stored.currency],
    event.kind === "orderCompleted"
      ? ["paymentId", event.detail.paymentId, stored[OrderAttribute.paymentId]]
      : ["reason", event.detail.reason, stored[OrderAttribute.failureReason]],
  ];
  return expected.filter(([, said, kept]) => said !== kept).map(([field]) => field);
}

export async function notificationDepsFromEnv(given?: Observability): Promise<NotificationDeps> {
  const obs = given ?? (await observabilityFromEnv("notification"));
  return {
    dynamodb: obs.tracer.captureAWSv3Client(createDynamoDBClient()),
    idempotencyTableName: requireEnv(EnvVar.idempotencyTable),
    ordersTableName: requireEnv(EnvVar.ordersTable),
    obs,
  };
}

const defaultHandler = buildOnce(async () => createNotificationHandler(await notificationDepsFromEnv()));

/** The Lambda entry point. */
export const handler: NotificationHandler = async (event, context) => (await defaultHandler())(event, context);
