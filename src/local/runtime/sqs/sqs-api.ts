import { createHash } from "node:crypto";
import { AwsServiceError } from "../service-error";
import type { JsonService } from "../http/json-endpoint";
import type { LocalQueues, ReceivedMessage } from "./queues";

/** The SQS errors whose Query code is not their JSON type (API_GetQueueUrl.html: QueueDoesNotExist). */
const QUERY_ERROR_CODES: Readonly<Record<string, string>> = {
  QueueDoesNotExist: "AWS.SimpleQueueService.NonExistentQueue",
};

/**
 * The SQS operations an operator's tools use on the local queues (the redrive command, the AWS CLI),
 * in the AWS JSON protocol SQS speaks (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/):
 * GetQueueUrl, ReceiveMessage, DeleteMessage, ChangeMessageVisibility, GetQueueAttributes.
 */
export function sqsApi(queues: LocalQueues, accountId: string): JsonService {
  const url = (input: Record<string, unknown>) => {
    const value = input.QueueUrl;
    if (typeof value !== "string" || value === "") throw invalid("QueueUrl is required");
    return value;
  };
  return {
    targetPrefix: "AmazonSQS",
    errorNamespace: "com.amazonaws.sqs",
    // Each error's awsQueryError code in the SQS model; the API reference's error names are the JSON types.
    queryErrorCode: (type) => QUERY_ERROR_CODES[type] ?? type,
    operations: {
      GetQueueUrl: (input) => {
        const owner = input.QueueOwnerAWSAccountId;
        const queue = typeof input.QueueName === "string" ? queues.find(input.QueueName) : undefined;
        if (!queue || (owner !== undefined && owner !== accountId))
          throw new AwsServiceError("QueueDoesNotExist", "The specified queue does not exist.");
        return { QueueUrl: queue.url };
      },
      ReceiveMessage: (input) => {
        const received = queues.receive(
          url(input),
          (input.MaxNumberOfMessages as number | undefined) ?? 1,
          input.VisibilityTimeout as number | undefined,
        );
        const attributeNames = [
          ...((input.MessageSystemAttributeNames as string[] | undefined) ?? []),
          ...((input.AttributeNames as string[] | undefined) ?? []),
        ];
        const messageAttributeNames = (input.MessageAttributeNames as string[] | undefined) ?? [];
        return received.length === 0
          ? {}
          : { Messages: received.map((r) => messageOf(r, attributeNames, messageAttributeNames)) };
      },
      DeleteMessage: (input) => {
        queues.delete(url(input), receipt(input));
        return {};
      },
      ChangeMessageVisibility: (input) => {
        queues.changeVisibility(url(input), receipt(input), input.VisibilityTimeout as number);
        return {};
      },
      GetQueueAttributes: (input) => {
        const queueUrl = url(input);
        const queue = queues.find(queueUrl);
        if (!queue) throw new AwsServiceError("QueueDoesNotExist", "The specified queue does not exist.");
        const visible = queues.visibleCount(queueUrl);
        const all: Record<string, string> = {
          QueueArn: queue.arn,
          ApproximateNumberOfMessages: String(visible),
          ApproximateNumberOfMessagesNotVisible: String(queue.messages.length - visible),
          MessageRetentionPeriod: String(queue.retentionSeconds),
        };
        // API_GetQueueAttributes.html: only the AttributeNames asked for ("All" for every one); none, none.
        const wanted = (input.AttributeNames as string[] | undefined) ?? [];
        const attributes = Object.fromEntries(
          Object.entries(all).filter(([k]) => wanted.includes("All") || wanted.includes(k)),
        );
        return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
      },
    },
  };
}

function receipt(input: Record<string, unknown>): string {
  const value = input.ReceiptHandle;
  if (typeof value !== "string" || value === "") throw invalid("ReceiptHandle is required");
  return value;
}

function invalid(message: string): AwsServiceError {
  return new AwsServiceError("MissingParameter", message);
}

/** A received message as ReceiveMessage answers: system attributes and message attributes only when asked for. */
function messageOf(r: ReceivedMessage, attributeNames: readonly string[], messageAttributeNames: readonly string[]) {
  const { message } = r;
  const system: Record<string, string> = {
    SentTimestamp: String(message.SentTimestamp),
    ApproximateReceiveCount: String(r.receiveCount),
    ApproximateFirstReceiveTimestamp: String(r.firstReceived),
  };
  const wantedSystem = attributeNames.includes("All") ? Object.keys(system) : attributeNames;
  const attributes = Object.fromEntries(Object.entries(system).filter(([k]) => wantedSystem.includes(k)));
  const custom = Object.fromEntries(
    Object.entries(message.MessageAttributes).filter(
      ([k]) => messageAttributeNames.includes("All") || messageAttributeNames.includes(k),
    ),
  );
  return {
    MessageId: message.MessageId,
    ReceiptHandle: r.receiptHandle,
    MD5OfBody: message.MD5OfBody,
    Body: message.Body,
    ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
    ...(Object.keys(custom).length > 0
      ? { MessageAttributes: custom, MD5OfMessageAttributes: md5OfMessageAttributes(custom) }
      : {}),
  };
}

/**
 * MD5OfMessageAttributes as SQS computes it (sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation):
 * names sorted; each as length-prefixed name, data type, transport type 1 (string) and value.
 */
function md5OfMessageAttributes(attributes: Record<string, { DataType: string; StringValue: string }>): string {
  const hash = createHash("md5");
  const field = (text: string) => {
    const bytes = Buffer.from(text, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    const { DataType, StringValue } = attributes[name] as { DataType: string; StringValue: string };
    field(name);
    field(DataType);
    hash.update(Buffer.from([1]));
    field(StringValue);
  }
  return hash.digest("hex");
}
