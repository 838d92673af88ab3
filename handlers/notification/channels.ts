/**
 * Where notifications go. The default channel writes one structured log line per
 * notification; an SES or SNS channel plugs in by implementing `NotificationChannel`.
 */
import { customerRef } from "../shared/customer-ref";
import type { Logger } from "@aws-lambda-powertools/logger";

export interface NotificationMessage {
  readonly orderId: string;
  readonly customerId: string;
  readonly outcome: "COMPLETED" | "FAILED";
  readonly subject: string;
  readonly text: string;
  /** Id of the event the notification is about. */
  readonly eventId: string;
}

export interface NotificationChannel {
  readonly name: string;
  /** Delivers one message; throws when it could not (the event is then retried). */
  send(message: NotificationMessage): Promise<{ readonly deliveryId?: string }>;
}

/** Writes the notification as a structured log line (`message: "notification"`), the customer as a digest. */
export class LogChannel implements NotificationChannel {
  readonly name = "log";
  constructor(private readonly logger: Pick<Logger, "info">) {}

  async send(message: NotificationMessage) {
    const { customerId, ...rest } = message;
    this.logger.info("notification", {
      notification: { channel: this.name, ...rest, customer: customerRef(customerId) },
    });
    return { deliveryId: `log:${message.eventId}` };
  }
}
