/**
 * The field rules every service applies to what it is given: ids, quantities and amounts, with the
 * same limits at the door (the Order service) and inside (Payment, Inventory, Notification), so no
 * value that the Order service would refuse is ever acted on further in.
 */
import * as z from "zod/mini";

/** Largest amount accepted anywhere (one line or one order), in cents: 1,000,000.00. */
export const MAX_AMOUNT_CENTS = 100_000_000;
/** Most lines one order may have. */
export const MAX_ITEMS = 1000;
/** Most units of one product on one line. */
const MAX_QUANTITY = 1000;
/** Longest customer or product id. */
const MAX_ID_LENGTH = 128;
/**
 * Deepest nesting of objects and arrays any request needs (an event: envelope, detail, items, line).
 * Deeper input is refused before it is walked, so it cannot exhaust the stack (a RangeError).
 */
export const MAX_INPUT_DEPTH = 8;

const CustomerIdPattern = /^[A-Za-z0-9._:@+-]+$/;
const ProductIdPattern = /^[A-Za-z0-9._:-]+$/;
/** Order ids are derived by the Order service: `ord_` and 32 lowercase hex digits. */
const OrderIdPattern = /^ord_[0-9a-f]{32}$/;
/** Payment ids are derived by the Payment service: `pay_` and 24 lowercase hex digits. */
const PaymentIdPattern = /^pay_[0-9a-f]{24}$/;
/** Error names as Step Functions reports them (PaymentDeclined, States.Timeout, Lambda.Unknown). */
const ErrorNamePattern = /^[A-Za-z][A-Za-z0-9._-]{0,127}$/;

const string = z.string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") });

export const orderIdField = string.check(
  z.regex(OrderIdPattern, { error: "must be an order id (ord_ and 32 hex digits)" }),
);

export const customerIdField = string.check(
  z.minLength(1, { error: "must not be empty" }),
  z.maxLength(MAX_ID_LENGTH, { error: `must be at most ${MAX_ID_LENGTH} characters` }),
  z.regex(CustomerIdPattern, { error: "may only contain letters, digits and . _ : @ + -" }),
);

export const productIdField = string.check(
  z.minLength(1, { error: "must not be empty" }),
  z.maxLength(MAX_ID_LENGTH, { error: `must be at most ${MAX_ID_LENGTH} characters` }),
  z.regex(ProductIdPattern, { error: "may only contain letters, digits and . _ : -" }),
  // The one name a JavaScript object cannot hold as its own key: a record keyed by it would lose it.
  z.refine((id: string) => id !== "__proto__", { error: "is not a product id" }),
);

export const quantityField = z
  .int({
    error: (issue) =>
      issue.input === undefined
        ? "is required"
        : typeof issue.input === "number"
          ? "must be a whole number"
          : "must be a number",
  })
  .check(z.gte(1, { error: "must be at least 1" }), z.lte(MAX_QUANTITY, { error: `must be at most ${MAX_QUANTITY}` }));

export const centsField = z
  .int({
    error: (issue) =>
      issue.input === undefined
        ? "is required"
        : typeof issue.input === "number"
          ? "must be a whole number of cents"
          : "must be a number",
  })
  .check(
    z.gte(1, { error: "must be at least 1" }),
    z.lte(MAX_AMOUNT_CENTS, { error: `must be at most ${MAX_AMOUNT_CENTS} cents` }),
  );

export const paymentIdField = string.check(
  z.regex(PaymentIdPattern, { error: "must be a payment id (pay_ and 24 hex digits)" }),
);

export const errorNameField = string.check(
  z.regex(ErrorNamePattern, { error: "must be an error name (letters, digits and . _ -, at most 128 characters)" }),
);

/**
 * The depth of the deepest object or array in `value` (a scalar is 0), walked without recursion;
 * stops counting once past `limit`.
 */
export function nestingDepth(value: unknown, limit = MAX_INPUT_DEPTH): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (node === null || typeof node !== "object") continue;
    const here = depth + 1;
    if (here > deepest) deepest = here;
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, here]);
  }
  return deepest;
}
