/**
 * The Order service's request contract and its limits. Every rule has a message that
 * says what is expected; `ValidationError` reports them with the field path
 * (`items[2].price`).
 */
import * as z from "zod/mini";
import {
  MAX_AMOUNT_CENTS,
  MAX_ITEMS,
  customerIdField,
  productIdField,
  quantityField,
} from "../../src/contracts/fields";
import { toCents } from "../shared/money";

export { MAX_ITEMS } from "../../src/contracts/fields";
/** Largest API body accepted, checked before parsing. */
export const MAX_REQUEST_BYTES = 256 * 1024;
/**
 * Largest "Order Created" detail accepted. The event becomes the workflow's state, which Step
 * Functions limits to 256 KiB; the saga adds the stored order (about the detail's size again, as
 * ClaimOrder reads it back), the task results and error causes, so a quarter is kept for the event.
 */
export const MAX_ORDER_DETAIL_BYTES = 64 * 1024;

/** A decimal currency amount: > 0, at most 1,000,000.00, at most 2 decimal places; parsed to cents. */
export const DecimalAmountSchema = z.pipe(
  z
    .number({
      error: (issue) =>
        issue.input === undefined ? "is required" : "must be a number (a decimal amount such as 29.99)",
    })
    .check(
      z.refine((v: number) => Number.isFinite(v), { error: "must be a finite number", abort: true }),
      z.refine((v: number) => v > 0, { error: "must be greater than 0", abort: true }),
      z.refine((v: number) => v <= MAX_AMOUNT_CENTS / 100, {
        error: `must be at most ${MAX_AMOUNT_CENTS / 100}`,
        abort: true,
      }),
      z.refine((v: number) => toCents(v) !== undefined, { error: "must have at most 2 decimal places", abort: true }),
    ),
  z.transform((v: number) => toCents(v)!),
);

const OrderItemSchema = z.strictObject(
  {
    productId: productIdField,
    quantity: quantityField,
    price: DecimalAmountSchema,
  },
  {
    error: (issue) => (issue.input === undefined ? "is required" : "must be an object { productId, quantity, price }"),
  },
);

/** An idempotency key: 1-128 printable ASCII characters without spaces. */
export const IdempotencyKeySchema = z
  .string({ error: "must be a string" })
  .check(
    z.minLength(1, { error: "must not be empty" }),
    z.maxLength(128, { error: "must be at most 128 characters" }),
    z.regex(/^[\x21-\x7E]+$/, { error: "may only contain printable ASCII characters without spaces" }),
  );

export const OrderRequestSchema = z
  .strictObject(
    {
      customerId: customerIdField,
      items: z
        .array(OrderItemSchema, {
          error: (issue) => (issue.input === undefined ? "is required" : "must be an array of items"),
        })
        .check(
          z.minLength(1, { error: "must contain at least one item" }),
          z.maxLength(MAX_ITEMS, { error: `must contain at most ${MAX_ITEMS} items` }),
        ),
      totalAmount: DecimalAmountSchema,
      idempotencyKey: z.optional(IdempotencyKeySchema),
    },
    { error: (issue) => (issue.input === undefined ? "is required" : "must be a JSON object") },
  )
  .check(
    z.superRefine((order, ctx) => {
      const seen = new Map<string, number>();
      order.items.forEach((item, index) => {
        const first = seen.get(item.productId);
        if (first !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["items", index, "productId"],
            message: `must not repeat items[${first}].productId (${item.productId}); put the whole quantity on one line`,
          });
        } else {
          seen.set(item.productId, index);
        }
      });
      const sum = order.items.reduce((total, item) => total + item.price * item.quantity, 0);
      if (sum > MAX_AMOUNT_CENTS) {
        ctx.addIssue({
          code: "custom",
          path: ["totalAmount"],
          message: `the sum of price x quantity must be at most ${MAX_AMOUNT_CENTS / 100}`,
        });
      } else if (sum !== order.totalAmount) {
        ctx.addIssue({
          code: "custom",
          path: ["totalAmount"],
          message: `must equal the sum of price x quantity over items (${(sum / 100).toFixed(2)}), got ${(order.totalAmount / 100).toFixed(2)}`,
        });
      }
    }),
  );

/** A validated order request; `price` and `totalAmount` are in cents. */
export type OrderRequest = z.output<typeof OrderRequestSchema>;
