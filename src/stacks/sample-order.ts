/**
 * The sample order: what the stack's `submit_test_order_command` output submits on AWS and what
 * `npm run local` submits when given no order. Kept apart from the stack so the local CLI can use it
 * without loading cdktf.
 */
export const SAMPLE_ORDER = {
  customerId: "cust-001",
  items: [{ productId: "prod-001", quantity: 2, price: 29.99 }],
  totalAmount: 59.98,
  idempotencyKey: "readme-sample-1",
} as const;
