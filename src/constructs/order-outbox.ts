import { PipesPipe } from "@cdktf/provider-aws/lib/pipes-pipe";
import { Construct } from "constructs";
import { ORDER_CREATED_FILTER, ORDER_CREATED_INPUT_TEMPLATE, ORDER_CREATED_TARGET } from "../contracts/outbox";
import { allow } from "../iam/policy-document";
import { DataTable } from "./data-table";
import { DeadLetterQueue } from "./dead-letter-queue";
import { OrderEventBus } from "./event-bus";
import { ServiceRole } from "./service-role";

export interface OrderOutboxProps {
  /** The pipe's name (at most 64 characters once resolved). */
  readonly pipeName: string;
  /** The orders table; it must have a NEW_IMAGE stream. */
  readonly ordersTable: DataTable;
  readonly bus: OrderEventBus;
  /** Partition, region and account of the stack (tokens will do): the pipe's own ARN, for its role's trust. */
  readonly arnScope: { readonly partition: string; readonly region: string; readonly accountId: string };
  /** Records read and put on the bus at once, 1-10 (PutEvents takes ten entries). Default: 10. */
  readonly batchSize?: number;
  /** Retries of a failed batch before its records go to the dead-letter queue, 0-10000. Default: 10. */
  readonly maxRetryAttempts?: number;
  /** Oldest record the pipe still delivers, 60-604800 seconds; older ones go to the dead-letter queue. Default: 3600. */
  readonly maxRecordAgeSeconds?: number;
}

/** Stream actions a pipe's role needs on a DynamoDB stream source (EventBridge Pipes user guide, "DynamoDB stream as a source"). */
const STREAM_READ_ACTIONS = [
  "dynamodb:DescribeStream",
  "dynamodb:GetRecords",
  "dynamodb:GetShardIterator",
  "dynamodb:ListStreams",
];

/**
 * The outbox relay: an EventBridge Pipe from the orders table's stream to the bus. It passes only new
 * PENDING orders (ORDER_CREATED_FILTER), turns each into the "Order Created" detail
 * (ORDER_CREATED_INPUT_TEMPLATE), retries a failed batch, and sends what it gives up on to an encrypted,
 * TLS-only dead-letter queue. Its role may read that stream, put "Order Created" on that bus and send
 * to that queue, and only the Pipes service may assume it, for this pipe of this account.
 */
export class OrderOutbox extends Construct {
  readonly pipe: PipesPipe;
  readonly role: ServiceRole;
  readonly deadLetterQueue: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: OrderOutboxProps) {
    super(scope, id);
    const batchSize = props.batchSize ?? 10;
    const retries = props.maxRetryAttempts ?? 10;
    const maxAge = props.maxRecordAgeSeconds ?? 3600;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10) {
      throw new Error(`OrderOutbox "${id}": batchSize must be a whole number from 1 to 10, got ${batchSize}.`);
    }
    if (!Number.isInteger(retries) || retries < 0 || retries > 10000) {
      throw new Error(`OrderOutbox "${id}": maxRetryAttempts must be a whole number from 0 to 10000, got ${retries}.`);
    }
    if (!Number.isInteger(maxAge) || maxAge < 60 || maxAge > 604800) {
      throw new Error(
        `OrderOutbox "${id}": maxRecordAgeSeconds must be a whole number from 60 to 604800, got ${maxAge}.`,
      );
    }
    const streamArn = props.ordersTable.streamArn;
    const { partition, region, accountId } = props.arnScope;
    const pipeArn = `arn:${partition}:pipes:${region}:${accountId}:pipe/${props.pipeName}`;

    this.deadLetterQueue = new DeadLetterQueue(this, "dlq", { queueName: `${props.pipeName}-dlq` });
    this.role = new ServiceRole(this, "role", {
      roleName: `${props.pipeName}-pipe`,
      servicePrincipal: "pipes.amazonaws.com",
      description: `Lets the ${props.pipeName} pipe read the orders stream and publish Order Created`,
      trustedSource: { account: accountId, arn: pipeArn },
      statements: [
        allow("ReadOrdersStream", STREAM_READ_ACTIONS, [streamArn]),
        props.bus.grantPublish("PublishOrderCreated", ORDER_CREATED_TARGET.source, [ORDER_CREATED_TARGET.detailType]),
        this.deadLetterQueue.grantSend("SendUndeliveredRecords"),
      ],
    });
    this.pipe = new PipesPipe(this, "pipe", {
      name: props.pipeName,
      description: "Publishes Order Created for every new PENDING order written to the orders table (the outbox)",
      roleArn: this.role.arn,
      source: streamArn,
      sourceParameters: {
        dynamodbStreamParameters: {
          startingPosition: "TRIM_HORIZON",
          batchSize,
          maximumRetryAttempts: retries,
          maximumRecordAgeInSeconds: maxAge,
          deadLetterConfig: { arn: this.deadLetterQueue.arn },
        },
        filterCriteria: { filter: [{ pattern: JSON.stringify(ORDER_CREATED_FILTER) }] },
      },
      target: props.bus.arn,
      targetParameters: {
        inputTemplate: ORDER_CREATED_INPUT_TEMPLATE,
        eventbridgeEventBusParameters: {
          source: ORDER_CREATED_TARGET.source,
          detailType: ORDER_CREATED_TARGET.detailType,
        },
      },
      dependsOn: [this.role.policy],
    });
  }

  get name(): string {
    return this.pipe.name;
  }
}
