/**
 * Error names that cross a service boundary: the services throw errors with these
 * names (Lambda reports `error.name` as the function error type), and the order
 * workflow catches or retries them by the same names.
 */

/** Business outcomes: caught by the workflow (routed to compensation), never retried. */
export const BusinessError = {
  /** The payment gateway refused the charge. */
  paymentDeclined: "PaymentDeclined",
  /** Not enough stock for at least one line of the order (or the product is unknown). */
  outOfStock: "OutOfStock",
} as const;
export type BusinessErrorName = (typeof BusinessError)[keyof typeof BusinessError];

/** Transient conditions a service reports by name; the workflow retries them with backoff. */
export const TransientServiceError = {
  /** A charge for the order is still running; a refund has to wait for it to settle. */
  paymentInProgress: "PaymentInProgress",
  /** The payment gateway did not answer or answered with a server error. */
  paymentGatewayUnavailable: "PaymentGatewayUnavailable",
} as const;

/** Permanent failures that are not business outcomes: neither retried nor routed by name. */
export const PermanentServiceError = {
  /** The request does not match the service's input contract. */
  validation: "ValidationError",
  /** The order's payment record is in a state the request cannot apply to. */
  paymentConflict: "PaymentConflict",
  /** The order's reservation is in a state the request cannot apply to. */
  reservationConflict: "ReservationConflict",
} as const;
