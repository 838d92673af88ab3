/**
 * Payment service Lambda handler (invoked by the order workflow).
 *
 * Input:  { action: "charge", orderId, customerId, amountCents }
 *      |  { action: "refund", orderId, reason? }
 * Output: { orderId, paymentId, status: "CHARGED", amountCents }
 *      |  { orderId, paymentId, status: "REFUNDED" | "NOT_CHARGED", amountCents }
 * Errors: PaymentDeclined (business), PaymentInProgress and PaymentGatewayUnavailable
 * (transient), PaymentConflict, ValidationError.
 *
 * Environment: PAYMENTS_TABLE_NAME; PAYMENT_GATEWAY names the gateway (`simulator`, the deterministic
 * simulator, when unset); a name with no integration stops the function at init rather than charge
 * through the simulator.
 */
import { EnvVar } from "../src/contracts/tables";
import { gatewayFromEnv, type PaymentGateway } from "./payment/gateway";
import { PaymentService, type ChargeResult, type PaymentServiceDeps, type RefundResult } from "./payment/service";
import { createDocumentClient, createDynamoDBClient } from "./shared/aws";
import { requireEnv } from "./shared/env";
import { ServiceError } from "./shared/errors";
import { buildOnce, instrumented, observabilityFromEnv, type Observability } from "./shared/observability";
import type { Context } from "aws-lambda";

export type { ChargeResult, RefundResult } from "./payment/service";
export type { PaymentGateway } from "./payment/gateway";

export type PaymentHandler = (event: unknown, context?: Context) => Promise<ChargeResult | RefundResult>;

export function createPaymentHandler(deps: PaymentServiceDeps): PaymentHandler {
  const service = new PaymentService(deps);
  return (event, context) =>
    instrumented(deps.obs, context, async () => {
      try {
        return await service.handle(event);
      } catch (error) {
        if (error instanceof ServiceError)
          deps.obs.logger.warn("payment request refused", { error: error.name, reason: error.message });
        else deps.obs.logger.error("payment request failed", { error: error as Error });
        throw error;
      }
    });
}

export async function paymentDepsFromEnv(
  given?: Observability,
  gateway: PaymentGateway = gatewayFromEnv(),
): Promise<PaymentServiceDeps> {
  const obs = given ?? (await observabilityFromEnv("payment"));
  return {
    db: createDocumentClient(obs.tracer.captureAWSv3Client(createDynamoDBClient())),
    paymentsTableName: requireEnv(EnvVar.paymentsTable),
    gateway,
    obs,
  };
}

const defaultHandler = buildOnce(async () => createPaymentHandler(await paymentDepsFromEnv()));

/** The Lambda entry point. */
export const handler: PaymentHandler = async (event, context) => (await defaultHandler())(event, context);
