import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Construct } from "constructs";
import { PolicyDocument, PolicyStatement, allow, denyInsecureTransport, policyDocument } from "../iam/policy-document";

/** Fourteen days, the longest SQS keeps a message: time to notice, fix and redrive. */
const DLQ_RETENTION_SECONDS = 1_209_600;

export interface DeadLetterQueueProps {
  /** The queue's name. */
  readonly queueName: string;
  /** When set, this EventBridge rule (and no other) may send to the queue. Default: only IAM grants send. */
  readonly allowedRuleArn?: string;
}

/**
 * An encrypted SQS queue that keeps what could not be delivered for the longest time SQS allows, with a
 * queue policy that refuses plain HTTP.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new SqsQueue(this, "queue", {
      name: props.queueName,
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    });
    new SqsQueuePolicy(this, "policy", {
      queueUrl: this.queue.url,
      policy: JSON.stringify(deadLetterQueuePolicy(this.queue.arn, props.allowedRuleArn)),
    });
  }

  get arn(): string {
    return this.queue.arn;
  }

  get name(): string {
    return this.queue.name;
  }

  /** An IAM statement allowing a principal's role to send to this queue. */
  grantSend(sid: string): PolicyStatement {
    return allow(sid, ["sqs:SendMessage"], [this.queue.arn]);
  }
}

/**
 * Queue policy: no request without TLS and, with `ruleArn`, `sqs:SendMessage` from EventBridge on behalf
 * of that one rule.
 */
function deadLetterQueuePolicy(queueArn: string, ruleArn?: string): PolicyDocument {
  const statements: PolicyStatement[] = [denyInsecureTransport(["sqs:*"], [queueArn])];
  if (ruleArn !== undefined) {
    statements.push({
      Sid: "AllowDeadLettersFromOneRule",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: ["sqs:SendMessage"],
      Resource: [queueArn],
      Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
    });
  }
  return policyDocument(statements);
}
