/**
 * Named errors. Lambda reports `error.name` as the function's error type, and the order
 * workflow matches on it; names are string literals so minified bundles keep them.
 */
import { BusinessError, PermanentServiceError, TransientServiceError } from "../../src/contracts/errors";

/** A problem with one input field: the field's path and the rule it breaks. */
export interface FieldIssue {
  readonly field: string;
  readonly rule: string;
}

/** Base class of every error a service throws on purpose. */
export abstract class ServiceError extends Error {
  abstract override readonly name: string;
  /** The HTTP status an API caller sees for this error. */
  abstract readonly statusCode: number;
  /** Whether retrying the same request later can succeed. */
  readonly retryable: boolean = false;

  /** The JSON body an API caller receives. */
  toJSON(): Record<string, unknown> {
    return { error: this.name, message: this.message, retryable: this.retryable };
  }
}

/** The input breaks the contract; every issue names the field and the rule. */
export class ValidationError extends ServiceError {
  override readonly name = PermanentServiceError.validation;
  readonly statusCode = 400;
  constructor(readonly issues: readonly FieldIssue[]) {
    super(`Invalid request: ${issues.map((i) => `${i.field} ${i.rule}`).join("; ")}`);
  }
  override toJSON() {
    return { ...super.toJSON(), issues: this.issues };
  }
}

/** The same idempotency key was already used by this customer for a different order. */
export class IdempotencyConflict extends ServiceError {
  override readonly name = "IdempotencyConflict";
  readonly statusCode = 409;
  constructor(readonly orderId: string) {
    super(`idempotencyKey was already used for a different order (${orderId}); use a new key for a new order`);
  }
}

/** A line of an order whose price is not the catalogue's. */
export interface PriceMismatch {
  /** The line's path in the request, e.g. `items[2]`. */
  readonly line: string;
  readonly productId: string;
  /** The catalogue's unit price, as a decimal amount. */
  readonly price: number;
  /** The unit price the order expected. */
  readonly expected: number;
}

/** The order's prices are not the catalogue's: the client expected other prices. */
export class PriceChanged extends ServiceError {
  override readonly name = "PriceChanged";
  readonly statusCode = 409;
  constructor(readonly lines: readonly PriceMismatch[]) {
    super(
      `the price of ${lines.map((l) => `${l.line} (${l.productId}) is ${l.price.toFixed(2)}, not ${l.expected.toFixed(2)}`).join("; ")}; ` +
        "submit the order again with the current prices",
    );
  }
  override toJSON() {
    return { ...super.toJSON(), lines: this.lines };
  }
}

/** The payment gateway refused the charge (business outcome, never retried). */
export class PaymentDeclined extends ServiceError {
  override readonly name = BusinessError.paymentDeclined;
  readonly statusCode = 402;
  constructor(
    readonly orderId: string,
    readonly reason: string,
  ) {
    super(`payment for order ${orderId} declined: ${reason}`);
  }
}

/** A charge for the order is still running (transient; the workflow retries). */
export class PaymentInProgress extends ServiceError {
  override readonly name = TransientServiceError.paymentInProgress;
  readonly statusCode = 409;
  override readonly retryable = true;
  constructor(readonly orderId: string) {
    super(`a charge for order ${orderId} is still in progress`);
  }
}

/** The payment gateway is unavailable (transient; the workflow retries). */
export class PaymentGatewayUnavailable extends ServiceError {
  override readonly name = TransientServiceError.paymentGatewayUnavailable;
  readonly statusCode = 503;
  override readonly retryable = true;
}

/** The order's payment record is in a state this request cannot apply to. */
export class PaymentConflict extends ServiceError {
  override readonly name = PermanentServiceError.paymentConflict;
  readonly statusCode = 409;
}

/** Not enough stock for a line of the order (business outcome, never retried). */
export class OutOfStock extends ServiceError {
  override readonly name = BusinessError.outOfStock;
  readonly statusCode = 409;
  constructor(
    readonly orderId: string,
    readonly productId: string,
    readonly requested: number,
    readonly available: number,
  ) {
    super(
      available < 0
        ? `order ${orderId}: product ${productId} is not in the catalogue`
        : `order ${orderId}: product ${productId} has ${available} units available, ${requested} requested`,
    );
  }
}

/** The order's reservation is in a state this request cannot apply to. */
export class ReservationConflict extends ServiceError {
  override readonly name = PermanentServiceError.reservationConflict;
  readonly statusCode = 409;
}

/** An outcome event that the stored order contradicts: refused, nobody is told. */
export class OutcomeMismatch extends ServiceError {
  override readonly name = "OutcomeMismatch";
  readonly statusCode = 409;
  constructor(
    readonly orderId: string,
    readonly fields: readonly string[],
  ) {
    super(
      `the outcome event of order ${orderId} does not match the stored order (${fields.join(", ")}); nothing was sent`,
    );
  }
}

/** The function is missing configuration (an environment variable). */
export class ConfigurationError extends Error {
  override readonly name = "ConfigurationError";
}
