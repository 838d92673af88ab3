/** Customer-facing text for an order outcome. */
import { BusinessError } from "../../src/contracts/errors";
import { formatCents } from "../shared/money";
import type { OrderCompletedDetail, OrderFailedDetail } from "../../src/contracts/events";
import type { NotificationMessage } from "./channels";

const FAILURE_TEXT = new Map<string, string>([
  [BusinessError.paymentDeclined, "your payment was declined. No money was taken."],
  [BusinessError.outOfStock, "an item in your order is out of stock. Your payment has been refunded."],
]);

export function formatCompleted(detail: OrderCompletedDetail, eventId: string): NotificationMessage {
  return {
    orderId: detail.orderId,
    customerId: detail.customerId,
    outcome: "COMPLETED",
    subject: `Order ${detail.orderId} confirmed`,
    text: `Thank you! We received your payment of ${detail.currency} ${formatCents(detail.totalCents)} and your order ${detail.orderId} is confirmed.`,
    eventId,
  };
}

export function formatFailed(detail: OrderFailedDetail, eventId: string): NotificationMessage {
  const why = FAILURE_TEXT.get(detail.reason) ?? "we could not process it. Any payment taken has been refunded.";
  return {
    orderId: detail.orderId,
    customerId: detail.customerId,
    outcome: "FAILED",
    subject: `Order ${detail.orderId} could not be completed`,
    text: `Sorry, your order ${detail.orderId} of ${detail.currency} ${formatCents(detail.totalCents)} could not be completed: ${why}`,
    eventId,
  };
}
