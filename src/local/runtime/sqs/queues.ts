import { createHash, randomUUID } from "node:crypto";

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

/**
 * The stack's SQS queues, in memory: what lands in them (dead letters, failed asynchronous
 * invocations) stays there for inspection and for `--state-out`. Nothing consumes them, as with a
 * dead-letter queue nobody redrives.
 */
export class LocalQueues {
  private readonly byArn = new Map<string, LocalQueue>();
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
    const queue = this.find(queueRef);
    if (!queue)
      throw Object.assign(new Error(`The specified queue does not exist: ${queueRef}`), { name: "QueueDoesNotExist" });
    const size = Buffer.byteLength(body, "utf8");
    if (size > MAX_MESSAGE_BYTES) {
      throw Object.assign(new Error(`Message must be shorter than ${MAX_MESSAGE_BYTES} bytes (got ${size}).`), {
        name: "InvalidParameterValue",
      });
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

  /** Every queue's messages, by queue name. */
  snapshot(): Record<string, QueueMessage[]> {
    return Object.fromEntries(this.all().map((q) => [q.name, [...q.messages]]));
  }
}
