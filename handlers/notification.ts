/**
 * Notification service Lambda handler (target of the "order outcome" rule).
 *
 * Input:  an EventBridge event, "Order Completed" or "Order Failed" from the order
 *         workflow (contracts in src/contracts/events.ts).
 * Output: { orderId, outcome: "COMPLETED" | "FAILED", channel, deliveryId? }
 * Errors: EventContractError (not a known outcome event), channel errors (retried by
 *         Lambda's async retries, then the on-failure destination / DLQ).
 *
 * Idempotent: one notification per order outcome. Powertools idempotency records each
 * delivery in the idempotency table keyed on the order id and the detail-type, so the
 * same event delivered twice - or the outcome published twice after a retried PutEvents -
 * notifies once. Records expire after 48 hours (beyond EventBridge's 24-hour retry window).
 *
 * Environment: IDEMPOTENCY_TABLE_NAME.
 */
import { IdempotencyConfig, makeIdempotent } from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";
import { parseEvent, type EventBridgeEnvelope } from "../src/contracts/events";
import { EnvVar, Tables } from "../src/contracts/tables";
import { createDynamoDBClient } from "./shared/aws";
import { requireEnv } from "./shared/env";
import { MetricUnit, buildOnce, instrumented, observabilityFromEnv, type Observability } from "./shared/observability";
import { LogChannel, type NotificationChannel } from "./notification/channels";
import { formatCompleted, formatFailed } from "./notification/format";

export type { NotificationChannel, NotificationMessage } from "./notification/channels";

/** The idempotency key: one notification per (order, outcome). */
export const NOTIFICATION_KEY_JMESPATH = '[detail.orderId, "detail-type"]';
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
    expiresAfterSeconds: NOTIFICATION_IDEMPOTENCY_SECONDS,
    throwOnNoIdempotencyKey: true,
  });

  const deliver = makeIdempotent(
    async (event: EventBridgeEnvelope, _context?: Context): Promise<NotificationResult> => {
      const parsed = parseEvent(event, ["orderCompleted", "orderFailed"]);
      const message = parsed.kind === "orderCompleted" ? formatCompleted(parsed.detail, parsed.id) : formatFailed(parsed.detail, parsed.id);
      const { deliveryId } = await channel.send(message);
      obs.metrics.addMetric("NotificationSent", MetricUnit.Count, 1);
      return { orderId: message.orderId, outcome: message.outcome, channel: channel.name, ...(deliveryId ? { deliveryId } : {}) };
    },
    { persistenceStore, config },
  );

  return (event, context) =>
    instrumented(obs, context, async () => {
      // Refuse events outside the contract before anything is recorded.
      const parsed = parseEvent(event, ["orderCompleted", "orderFailed"]);
      obs.logger.appendKeys({ orderId: parsed.detail.orderId, eventId: parsed.id });
      if (context) config.registerLambdaContext(context);
      return deliver(parsed.envelope, context);
    });
}

export async function notificationDepsFromEnv(given?: Observability): Promise<NotificationDeps> {
  const obs = given ?? (await observabilityFromEnv("notification"));
  return {
    dynamodb: obs.tracer.captureAWSv3Client(createDynamoDBClient()),
    idempotencyTableName: requireEnv(EnvVar.idempotencyTable),
    obs,
  };
}

const defaultHandler = buildOnce(async () => createNotificationHandler(await notificationDepsFromEnv()));

/** The Lambda entry point. */
export const handler: NotificationHandler = async (event, context) => (await defaultHandler())(event, context);
