/**
 * The payment gateway the Payment service charges through. A real gateway plugs in by
 * implementing `PaymentGateway`; `SimulatedPaymentGateway` is the deterministic default.
 *
 * Both calls carry an idempotency key (the order id): the gateway must apply a charge or
 * a refund at most once per key, however often it is called.
 *
 * Decline rule of the simulator (documented for testers):
 *  - an amount over 1,000.00 (100000 cents) is declined: "amount exceeds the card limit";
 *  - a customer id starting with "declined-" is declined: "card declined".
 * Everything else is approved. Refunds always succeed.
 */
import { createHash } from "node:crypto";

export interface ChargeRequest {
  readonly idempotencyKey: string;
  readonly customerId: string;
  readonly amountCents: number;
}

export type ChargeOutcome =
  { readonly approved: true; readonly transactionId: string } | { readonly approved: false; readonly reason: string };

export interface RefundRequest {
  readonly idempotencyKey: string;
  /** The charge to refund; absent when only "whatever was charged under the key" is known. */
  readonly transactionId?: string;
  readonly amountCents: number;
}

export interface PaymentGateway {
  readonly name: string;
  /** Charges once per idempotency key. Throws PaymentGatewayUnavailable on transient failures. */
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  /** Refunds (or voids) whatever was charged under the key; a no-op when nothing was. */
  refund(request: RefundRequest): Promise<{ readonly refundId: string }>;
}

/** Largest amount the simulator approves, in cents (1,000.00). */
export const SIMULATOR_LIMIT_CENTS = 100_000;
/** Customer ids with this prefix are always declined by the simulator. */
export const SIMULATOR_DECLINED_PREFIX = "declined-";

function id(prefix: string, key: string): string {
  return `${prefix}_${createHash("sha256").update(key).digest("hex").slice(0, 24)}`;
}

export class SimulatedPaymentGateway implements PaymentGateway {
  readonly name = "simulator";
  /** Calls made, when constructed with `{ recordCalls: true }` (tests, the local runtime). */
  readonly calls: (({ readonly kind: "charge" } & ChargeRequest) | ({ readonly kind: "refund" } & RefundRequest))[] =
    [];
  private readonly recordCalls: boolean;

  constructor(options: { readonly recordCalls?: boolean } = {}) {
    this.recordCalls = options.recordCalls ?? false;
  }

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    if (this.recordCalls) this.calls.push({ kind: "charge", ...request });
    if (request.customerId.startsWith(SIMULATOR_DECLINED_PREFIX)) return { approved: false, reason: "card declined" };
    if (request.amountCents > SIMULATOR_LIMIT_CENTS)
      return { approved: false, reason: "amount exceeds the card limit" };
    return { approved: true, transactionId: id("txn", request.idempotencyKey) };
  }

  async refund(request: RefundRequest): Promise<{ readonly refundId: string }> {
    if (this.recordCalls) this.calls.push({ kind: "refund", ...request });
    return { refundId: id("rfd", request.idempotencyKey) };
  }
}

/** The `PAYMENT_GATEWAY` value that selects the simulator (the stacks' default outside prod). */
const SIMULATOR_GATEWAY_NAME = "simulator";

/** A gateway name this build has no integration for: the function refuses to start rather than charge through the simulator. */
export class UnknownPaymentGatewayError extends Error {
  override readonly name = "UnknownPaymentGatewayError";
}

/**
 * The gateway `PAYMENT_GATEWAY` names. The stacks always set it; unset means the simulator, as in tests.
 * A real gateway is added here, beside the simulator, as another `PaymentGateway`.
 */
export function gatewayFromEnv(env: NodeJS.ProcessEnv = process.env): PaymentGateway {
  const name = (env.PAYMENT_GATEWAY ?? SIMULATOR_GATEWAY_NAME).trim();
  if (name === SIMULATOR_GATEWAY_NAME) return new SimulatedPaymentGateway();
  throw new UnknownPaymentGatewayError(
    `PAYMENT_GATEWAY "${name}" has no integration in this build (known: ${SIMULATOR_GATEWAY_NAME}); add it in handlers/payment/gateway.ts`,
  );
}
