import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Construct } from "constructs";
import { PolicyStatement, allow, policyDocument } from "../iam/policy-document";

/** Fourteen days, the longest SQS keeps a message: time to notice, fix and redrive. */
export const DLQ_RETENTION_SECONDS = 1_209_600;

export interface DeadLetterQueueProps {
  /** The queue's name. */
  readonly queueName: string;
  /** When set, only this EventBridge rule may send to the queue (queue policy). Default: no queue policy. */
  readonly allowedRuleArn?: string;
}

/** An encrypted SQS queue that keeps what could not be delivered for the longest time SQS allows. */
export class DeadLetterQueue extends Construct {
  readonly queue: SqsQueue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new SqsQueue(this, "queue", {
      name: props.queueName,
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    });
    if (props.allowedRuleArn !== undefined) {
      new SqsQueuePolicy(this, "policy", {
        queueUrl: this.queue.url,
        policy: JSON.stringify(ruleOnlyQueuePolicy(this.queue.arn, props.allowedRuleArn)),
      });
    }
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

/** Queue policy admitting `sqs:SendMessage` from EventBridge on behalf of one rule only. */
export function ruleOnlyQueuePolicy(queueArn: string, ruleArn: string) {
  return policyDocument([
    {
      Sid: "AllowDeadLettersFromOneRule",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: ["sqs:SendMessage"],
      Resource: [queueArn],
      Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
    },
  ]);
}
