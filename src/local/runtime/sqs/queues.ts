import { createHash, randomUUID } from "node:crypto";
import { AwsServiceError } from "../service-error";

/** A message as SQS keeps it. */
export interface QueueMessage {
  readonly MessageId: string;
  readonly Body: string;
  readonly MD5OfBody: string;
  readonly MessageAttributes: Readonly<Record<string, { readonly DataType: "String"; readonly StringValue: string }>>;
  /** When it was sent (ms since the epoch). */
  readonly SentTimestamp: number;
}

export interface LocalQueue {
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  /** Seconds SQS keeps a message (message_retention_seconds). */
  readonly retentionSeconds: number;
  readonly messages: QueueMessage[];
}

/** SQS's size limit for one message. */
const MAX_MESSAGE_BYTES = 256 * 1024;
/** A queue's default visibility timeout, and the longest SQS allows (API_ChangeMessageVisibility.html). */
const DEFAULT_VISIBILITY_SECONDS = 30;
const MAX_VISIBILITY_SECONDS = 12 * 3600;

/** A message handed out by ReceiveMessage, and the handle that deletes it. */
export interface ReceivedMessage {
  readonly message: QueueMessage;
  readonly receiptHandle: string;
  /** ApproximateReceiveCount: times it was received, this time included. */
  readonly receiveCount: number;
  /** ApproximateFirstReceiveTimestamp (ms since the epoch). */
  readonly firstReceived: number;
}

/** An SQS error as the service names it (`QueueDoesNotExist`, `ReceiptHandleIsInvalid`, ...). */
/**
 * The stack's SQS queues, in memory: what lands in them (dead letters, failed asynchronous
 * invocations) stays there for inspection and for `--state-out`. Nothing consumes them, as with a
 * dead-letter queue nobody redrives.
 */
export class LocalQueues {
  private readonly byArn = new Map<string, LocalQueue>();
  /** Per message id: when it is visible again, how often and when first it was received. */
  private readonly receipts = new Map<string, { visibleAt: number; count: number; first: number; handle: string }>();
  /** Told of each message sent (its body's bytes): billed requests. */
  onSend?: (bodyBytes: number) => void;

  add(queue: Omit<LocalQueue, "messages">): LocalQueue {
    const q: LocalQueue = { ...queue, messages: [] };
    this.byArn.set(queue.arn, q);
    return q;
  }

  /** The queue with this ARN, URL or name. */
  find(ref: string): LocalQueue | undefined {
    const direct = this.byArn.get(ref);
    if (direct) return direct;
    for (const q of this.byArn.values()) if (q.url === ref || q.name === ref) return q;
    return undefined;
  }

  all(): LocalQueue[] {
    return [...this.byArn.values()];
  }

  /** SendMessage: throws `QueueDoesNotExist` or `InvalidParameterValue` as SQS would answer. */
  send(queueRef: string, body: string, attributes: Record<string, string> = {}): QueueMessage {
    const queue = this.existing(queueRef);
    const size = Buffer.byteLength(body, "utf8");
    if (size > MAX_MESSAGE_BYTES) {
      throw new AwsServiceError(
        "InvalidParameterValue",
        `Message must be shorter than ${MAX_MESSAGE_BYTES} bytes (got ${size}).`,
      );
    }
    const message: QueueMessage = {
      MessageId: randomUUID(),
      Body: body,
      MD5OfBody: createHash("md5").update(body).digest("hex"),
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([k, v]) => [k, { DataType: "String" as const, StringValue: v }]),
      ),
      SentTimestamp: Date.now(),
    };
    queue.messages.push(message);
    this.onSend?.(size);
    return message;
  }

  /**
   * ReceiveMessage: up to `max` visible messages, oldest first, each hidden for `visibilitySeconds`
   * (default 30) and given a new receipt handle (API_ReceiveMessage.html). No long polling: an empty
   * queue answers at once.
   */
  receive(queueRef: string, max = 1, visibilitySeconds = DEFAULT_VISIBILITY_SECONDS): ReceivedMessage[] {
    const queue = this.existing(queueRef);
    if (!Number.isInteger(max) || max < 1 || max > 10)
      throw new AwsServiceError(
        "InvalidParameterValue",
        `Value ${max} for parameter MaxNumberOfMessages is invalid. Must be between 1 and 10.`,
      );
    checkVisibility(visibilitySeconds);
    const now = Date.now();
    const received: ReceivedMessage[] = [];
    for (const message of queue.messages) {
      if (received.length >= max) break;
      const receipt = this.receipts.get(message.MessageId);
      if (receipt && receipt.visibleAt > now) continue;
      const next = {
        visibleAt: now + visibilitySeconds * 1000,
        count: (receipt?.count ?? 0) + 1,
        first: receipt?.first ?? now,
        handle: `${message.MessageId}#${randomUUID()}`,
      };
      this.receipts.set(message.MessageId, next);
      received.push({ message, receiptHandle: next.handle, receiveCount: next.count, firstReceived: next.first });
    }
    return received;
  }

  /** DeleteMessage by the latest receipt handle; `ReceiptHandleIsInvalid` for one SQS never gave. */
  delete(queueRef: string, receiptHandle: string): void {
    const queue = this.existing(queueRef);
    const index = this.indexOfReceipt(queue, receiptHandle);
    const [message] = queue.messages.splice(index, 1);
    this.receipts.delete((message as QueueMessage).MessageId);
  }

  /** ChangeMessageVisibility: the received message is visible again after `seconds` (0: at once). */
  changeVisibility(queueRef: string, receiptHandle: string, seconds: number): void {
    const queue = this.existing(queueRef);
    checkVisibility(seconds);
    const message = queue.messages[this.indexOfReceipt(queue, receiptHandle)] as QueueMessage;
    (this.receipts.get(message.MessageId) as { visibleAt: number }).visibleAt = Date.now() + seconds * 1000;
  }

  /** Messages of the queue that ReceiveMessage would hand out now. */
  visibleCount(queueRef: string): number {
    const now = Date.now();
    return this.existing(queueRef).messages.filter((m) => (this.receipts.get(m.MessageId)?.visibleAt ?? 0) <= now)
      .length;
  }

  private existing(queueRef: string): LocalQueue {
    const queue = this.find(queueRef);
    if (!queue) throw new AwsServiceError("QueueDoesNotExist", `The specified queue does not exist: ${queueRef}`);
    return queue;
  }

  private indexOfReceipt(queue: LocalQueue, receiptHandle: string): number {
    const messageId = receiptHandle.split("#")[0] as string;
    const index = queue.messages.findIndex((m) => m.MessageId === messageId);
    if (index < 0 || this.receipts.get(messageId)?.handle !== receiptHandle)
      throw new AwsServiceError(
        "ReceiptHandleIsInvalid",
        `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`,
      );
    return index;
  }

  /** Every queue's messages, by queue name. */
  snapshot(): Record<string, QueueMessage[]> {
    return Object.fromEntries(this.all().map((q) => [q.name, [...q.messages]]));
  }
}

function checkVisibility(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_VISIBILITY_SECONDS)
    throw new AwsServiceError(
      "InvalidParameterValue",
      `Value ${seconds} for parameter VisibilityTimeout is invalid. Must be between 0 and ${MAX_VISIBILITY_SECONDS}.`,
    );
}
