import { PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  type Message,
} from "@aws-sdk/client-sqs";
import { RedriveUsageError } from "./options";
import type { AwsSession } from "./aws-session";

/** A message as ReceiveMessage answers it (SQS always gives these three). */
type SqsMessage = Message & { readonly MessageId: string; readonly ReceiptHandle: string; readonly Body: string };

/** What became of one message. */
export interface MessageOutcome {
  readonly messageId: string;
  /** `redriven`: put on the bus and deleted; `kept`: still in the queue, with the reason. */
  readonly result: "redriven" | "kept" | "would redrive";
  readonly detailType?: string;
  readonly source?: string;
  readonly bus?: string;
  /** Why it was dead-lettered: ERROR_CODE: ERROR_MESSAGE. */
  readonly failure?: string;
  readonly reason?: string;
}

/** Messages received per call, and how long they stay hidden while this run works on them. */
const BATCH = 10;
const VISIBILITY_SECONDS = 120;

/**
 * Puts the events a rule target's dead-letter queue holds back on the bus. An EventBridge DLQ message
 * carries the original event as its body and says why it failed in its attributes, RULE_ARN,
 * TARGET_ARN, ERROR_CODE, ERROR_MESSAGE, EXHAUSTED_RETRY_CONDITION, RETRY_ATTEMPTS
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html). Each event goes back to
 * the bus its rule is on (the bus name inside RULE_ARN), through every rule that matches it there; a
 * message is deleted only after its PutEvents entry succeeded, and one that is not stays, visible
 * again when the run ends. A dry run receives and lists, and gives every message back at once.
 */
export async function redriveDeadLetters(
  aws: AwsSession,
  options: { readonly queue: string; readonly dryRun: boolean; readonly max: number; readonly bus?: string },
  report: (outcome: MessageOutcome) => void,
): Promise<MessageOutcome[]> {
  const queueUrl = await queueUrlOf(aws, options.queue);
  const outcomes: MessageOutcome[] = [];
  const seen = new Set<string>();
  const giveBack: string[] = [];
  const record = (o: MessageOutcome) => {
    outcomes.push(o);
    report(o);
  };
  try {
    while (outcomes.length < options.max) {
      const { Messages = [] } = await aws.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: Math.min(BATCH, options.max - outcomes.length),
          VisibilityTimeout: VISIBILITY_SECONDS,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ["All"],
        }),
      );
      const fresh = (Messages as SqsMessage[]).filter((m) => !seen.has(m.MessageId));
      if (fresh.length === 0) break;
      for (const m of fresh) seen.add(m.MessageId);

      const entries: { message: SqsMessage; entry: PutEventsRequestEntry; outcome: MessageOutcome }[] = [];
      for (const message of fresh) {
        const read = readDeadLetter(message, options.bus);
        if ("reason" in read) {
          giveBack.push(message.ReceiptHandle);
          record({ messageId: message.MessageId, result: "kept", reason: read.reason, failure: read.failure });
          continue;
        }
        const outcome: MessageOutcome = {
          messageId: message.MessageId,
          result: options.dryRun ? "would redrive" : "redriven",
          detailType: read.entry.DetailType,
          source: read.entry.Source,
          bus: read.entry.EventBusName,
          failure: read.failure,
        };
        if (options.dryRun) {
          giveBack.push(message.ReceiptHandle);
          record(outcome);
        } else entries.push({ message, entry: read.entry, outcome });
      }
      if (entries.length === 0) continue;

      let results: { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[];
      try {
        results =
          (await aws.eventBridge.send(new PutEventsCommand({ Entries: entries.map((e) => e.entry) }))).Entries ?? [];
      } catch (error) {
        const e = error as Error;
        results = entries.map(() => ({ ErrorCode: e.name, ErrorMessage: e.message }));
      }
      for (const [i, { message, outcome }] of entries.entries()) {
        const result = results[i];
        if (result?.EventId && !result.ErrorCode) {
          await aws.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
          record(outcome);
        } else {
          giveBack.push(message.ReceiptHandle);
          record({
            ...outcome,
            result: "kept",
            reason: `PutEvents refused it: ${result?.ErrorCode ?? "no result"}: ${result?.ErrorMessage ?? ""}`.trim(),
          });
        }
      }
    }
  } finally {
    // What was not redriven is visible again at once, for the next run or the next consumer.
    for (const handle of giveBack)
      await aws.sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }),
      );
  }
  return outcomes;
}

async function queueUrlOf(aws: AwsSession, queue: string): Promise<string> {
  if (/^https?:\/\//.test(queue)) return queue;
  try {
    const { QueueUrl } = await aws.sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
    if (!QueueUrl) throw new Error(`GetQueueUrl answered no QueueUrl for ${queue}`);
    return QueueUrl;
  } catch (error) {
    if (error instanceof QueueDoesNotExist) throw new RedriveUsageError(`no queue named ${queue} in ${aws.region}`);
    throw error;
  }
}

/** The PutEvents entry that puts the message's event back on its bus, or why it cannot. */
function readDeadLetter(
  message: SqsMessage,
  bus: string | undefined,
): { entry: PutEventsRequestEntry; failure?: string } | { reason: string; failure?: string } {
  const attribute = (name: string) => message.MessageAttributes?.[name]?.StringValue;
  const failure = attribute("ERROR_CODE")
    ? `${attribute("ERROR_CODE")}: ${attribute("ERROR_MESSAGE") ?? ""}`.trim()
    : undefined;
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(message.Body) as Record<string, unknown>;
  } catch {
    return { reason: "its body is not JSON: not an EventBridge event", failure };
  }
  if (typeof event.source !== "string" || typeof event["detail-type"] !== "string" || event.detail === undefined)
    return { reason: "its body is not an EventBridge event (no source, detail-type and detail)", failure };
  // arn:aws:events:region:account:rule/<bus>/<rule> for a custom bus, rule/<rule> for the default one.
  const ruleArn = attribute("RULE_ARN");
  const path = ruleArn?.split(":rule/")[1]?.split("/");
  const target = bus ?? (path ? (path.length > 1 ? (path[0] as string) : "default") : undefined);
  if (!target) return { reason: "it has no RULE_ARN attribute naming its bus (give --bus)", failure };
  return {
    entry: {
      EventBusName: target,
      Source: event.source,
      DetailType: event["detail-type"],
      Detail: JSON.stringify(event.detail),
      ...(Array.isArray(event.resources) && event.resources.length > 0
        ? { Resources: event.resources as string[] }
        : {}),
      ...(typeof event.time === "string" ? { Time: new Date(event.time) } : {}),
    },
    failure,
  };
}
