/**
 * Inventory service Lambda handler (invoked by the order workflow).
 *
 * Input:  { action: "reserve", orderId, items: [{ productId, quantity }] }
 *      |  { action: "release", orderId, reason? }
 * Output: { orderId, status: "RESERVED", lines, units }
 *      |  { orderId, status: "RELEASED" | "NOTHING_RESERVED", linesReleased }
 * Errors: OutOfStock (business), ReservationConflict, ValidationError.
 *
 * Environment: INVENTORY_TABLE_NAME.
 */
import { EnvVar } from "../src/contracts/tables";
import {
  InventoryService,
  type InventoryServiceDeps,
  type ReleaseResult,
  type ReserveResult,
} from "./inventory/service";
import { createDocumentClient, createDynamoDBClient } from "./shared/aws";
import { requireEnv } from "./shared/env";
import { ServiceError } from "./shared/errors";
import { buildOnce, instrumented, observabilityFromEnv, type Observability } from "./shared/observability";
import type { Context } from "aws-lambda";

export type { ReleaseResult, ReserveResult } from "./inventory/service";

export type InventoryHandler = (event: unknown, context?: Context) => Promise<ReserveResult | ReleaseResult>;

export function createInventoryHandler(deps: InventoryServiceDeps): InventoryHandler {
  const service = new InventoryService(deps);
  return (event, context) =>
    instrumented(deps.obs, context, async () => {
      try {
        return await service.handle(event);
      } catch (error) {
        if (error instanceof ServiceError)
          deps.obs.logger.warn("inventory request refused", { error: error.name, reason: error.message });
        else deps.obs.logger.error("inventory request failed", { error: error as Error });
        throw error;
      }
    });
}

export async function inventoryDepsFromEnv(given?: Observability): Promise<InventoryServiceDeps> {
  const obs = given ?? (await observabilityFromEnv("inventory"));
  return {
    db: createDocumentClient(obs.tracer.captureAWSv3Client(createDynamoDBClient())),
    inventoryTableName: requireEnv(EnvVar.inventoryTable),
    obs,
  };
}

const defaultHandler = buildOnce(async () => createInventoryHandler(await inventoryDepsFromEnv()));

/** The Lambda entry point. */
export const handler: InventoryHandler = async (event, context) => (await defaultHandler())(event, context);
