/**
 * Order service Lambda handler.
 *
 * Input, either the order itself (direct invoke)
 *   { customerId, items: [{ productId, quantity, price }], totalAmount, idempotencyKey? }
 * or API-Gateway style { body: "<that JSON>", headers?: { "Idempotency-Key"?: ... } }.
 *
 * Output: direct invoke returns the OrderView (or throws ValidationError,
 * IdempotencyConflict, PriceChanged); API-style calls get
 * { statusCode, headers, body } with the OrderView (201 created, 200 repeated
 * submission) or { error, message, retryable, issues? } (400, 409, 500).
 * It publishes nothing: "Order Created" leaves through the table's stream and a Pipe.
 *
 * Environment: ORDERS_TABLE_NAME, CATALOGUE_TABLE_NAME.
 */
import { EnvVar } from "../src/contracts/tables";
import { MAX_REQUEST_BYTES } from "./order/schema";
import { OrderService, type OrderServiceDeps, type OrderView } from "./order/service";
import { errorResponse, header, isApiRequest, jsonResponse, parseJsonBody } from "./shared/api";
import { createDocumentClient, createDynamoDBClient } from "./shared/aws";
import { requireEnv } from "./shared/env";
import { ServiceError } from "./shared/errors";
import { buildOnce, instrumented, observabilityFromEnv, type Observability } from "./shared/observability";
import type { Context } from "aws-lambda";

export type { OrderView } from "./order/service";

export type OrderHandler = (event: unknown, context?: Context) => Promise<unknown>;

/** Builds the handler over explicit dependencies (tests and the local runtime use this). */
export function createOrderHandler(deps: OrderServiceDeps): OrderHandler {
  const service = new OrderService(deps);
  const { obs } = deps;
  return (event, context) =>
    instrumented(obs, context, async () => {
      if (!isApiRequest(event)) {
        const result = await run(obs, () => service.submit(event));
        return result.order satisfies OrderView;
      }
      try {
        const body = parseJsonBody(event, MAX_REQUEST_BYTES);
        const result = await run(obs, () => service.submit(body, header(event, "Idempotency-Key")));
        return jsonResponse(result.created ? 201 : 200, result.order);
      } catch (error) {
        return errorResponse(error);
      }
    });
}

async function run<R>(obs: Observability, fn: () => Promise<R>): Promise<R> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof ServiceError) {
      // Not `message`: Powertools reserves that key and drops it.
      obs.logger.warn("order refused", { error: error.name, reason: error.message });
    } else {
      obs.logger.error("order failed", { error: error as Error });
    }
    throw error;
  }
}

/** Dependencies from the environment and default AWS clients. */
export async function orderDepsFromEnv(given?: Observability): Promise<OrderServiceDeps> {
  const obs = given ?? (await observabilityFromEnv("order"));
  const obsTracer = obs.tracer;
  return {
    db: createDocumentClient(obsTracer.captureAWSv3Client(createDynamoDBClient())),
    ordersTableName: requireEnv(EnvVar.ordersTable),
    catalogueTableName: requireEnv(EnvVar.catalogueTable),
    obs,
  };
}

const defaultHandler = buildOnce(async () => createOrderHandler(await orderDepsFromEnv()));

/** The Lambda entry point. */
export const handler: OrderHandler = async (event, context) => (await defaultHandler())(event, context);
