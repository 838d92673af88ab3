/**
 * What logs say instead of a customer id: a short, stable digest, so one customer's log lines can
 * be followed and counted without the logs holding the id itself.
 */
import { createHash } from "node:crypto";

/** `cus_` and the first 16 hex digits of SHA-256 over the id (with a fixed domain prefix). */
export function customerRef(customerId: string): string {
  return `cus_${createHash("sha256").update(`customer-log:v1\n${customerId}`).digest("hex").slice(0, 16)}`;
}
