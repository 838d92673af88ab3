/**
 * The order saga wired for tests: the real services on a local AWS (dynalite + local
 * bus), the workflow's tasks bound to them, and ways to make a task fail.
 */
import { GetItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ORDER_CREATED_FILTER, ORDER_CREATED_INPUT_TEMPLATE, ORDER_CREATED_TARGET } from "../../src/contracts/outbox";
import { matchesEventPattern } from "../../src/local/event-pattern";
import { renderInputTemplate } from "../../src/local/runtime/pipes/input-template";
import { BUS_NAME, type LocalAws } from "./local-aws";
import { eventsFor } from "./orders";
import { createLocalServices, type LocalServices } from "./services";
import {
  runWorkflow,
  ServiceFault,
  type AnyDefinition,
  type ExecutionResult,
  type LocalFunctionHandler,
  type WorkflowBindings,
} from "./workflow-runner";
import type { OrderView } from "../../handlers/order";
import type { EventBridgeEnvelope } from "../../src/contracts/events";

export const PAYMENT_ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders-test-payment";
export const INVENTORY_ARN = "arn:aws:lambda:us-east-1:123456789012:function:orders-test-inventory";

export function sagaServices(aws: LocalAws): LocalServices {
  return createLocalServices({ dynamodb: aws.dynamodb, tables: aws.tables });
}

export interface BindingOverrides {
  readonly payment?: LocalFunctionHandler;
  readonly inventory?: LocalFunctionHandler;
  readonly dynamodb?: DynamoDBClient;
}

export function sagaBindings(
  aws: LocalAws,
  services: LocalServices,
  overrides: BindingOverrides = {},
): WorkflowBindings {
  return {
    functions: {
      [PAYMENT_ARN]: overrides.payment ?? (services.payment as LocalFunctionHandler),
      [INVENTORY_ARN]: overrides.inventory ?? (services.inventory as LocalFunctionHandler),
    },
    dynamodb: overrides.dynamodb ?? aws.dynamodb,
    events: aws.bus,
  };
}

/**
 * Submits an order through the Order service and returns it with its "Order Created" event, put on the
 * bus as the outbox pipe puts it: the stored item as the stream's INSERT record, through the pipe's
 * filter and input template (src/contracts/outbox.ts).
 */
export async function placeOrder(
  aws: LocalAws,
  services: LocalServices,
  request: Record<string, unknown>,
): Promise<{ order: OrderView; event: EventBridgeEnvelope }> {
  const order = (await services.order(request)) as OrderView;
  const { Item } = await aws.dynamodb.send(
    new GetItemCommand({ TableName: aws.tables.orders, Key: { orderId: { S: order.orderId } }, ConsistentRead: true }),
  );
  const record = {
    eventName: "INSERT",
    eventSource: "aws:dynamodb",
    dynamodb: { Keys: { orderId: { S: order.orderId } }, NewImage: Item, StreamViewType: "NEW_IMAGE" },
  };
  if (!matchesEventPattern(ORDER_CREATED_FILTER, record))
    throw new Error(`the outbox filter does not pass the INSERT of ${order.orderId}`);
  await aws.bus.putEvents([
    {
      Source: ORDER_CREATED_TARGET.source,
      DetailType: ORDER_CREATED_TARGET.detailType,
      Detail: renderInputTemplate(ORDER_CREATED_INPUT_TEMPLATE, record, {}),
      EventBusName: BUS_NAME,
    },
  ]);
  const [created] = eventsFor(aws.bus, order.orderId).filter((e) => e.event["detail-type"] === "Order Created");
  if (!created) throw new Error(`no Order Created event for ${order.orderId}`);
  return { order, event: created.event };
}

export function execute(
  definition: AnyDefinition,
  event: unknown,
  bindings: WorkflowBindings,
): Promise<ExecutionResult> {
  return runWorkflow(definition, event, bindings, { retryDelayMs: 0 });
}

/**
 * Wraps a function so that its calls for which `when` holds throw `errors`, one per call,
 * before it answers normally. `calls` counts the calls `when` selected.
 */
export function failing(
  fn: LocalFunctionHandler,
  errors: readonly Error[],
  when: (event: Record<string, unknown>) => boolean = () => true,
): LocalFunctionHandler & { calls: number } {
  const queue = [...errors];
  const wrapped = (async (event, context) => {
    if (when(event as Record<string, unknown>)) {
      wrapped.calls++;
      const error = queue.shift();
      if (error) throw error;
    }
    return fn(event, context);
  }) as LocalFunctionHandler & { calls: number };
  wrapped.calls = 0;
  return wrapped;
}

export const lambdaServiceError = () =>
  new ServiceFault("Lambda.ServiceException", "Lambda is unavailable (local fault)");
export const action = (name: string) => (event: Record<string, unknown>) => event.action === name;

/** A DynamoDB client whose matching commands first fail with `errorName`, `times` times. */
export function flakyDynamoDB(
  client: DynamoDBClient,
  errorName: string,
  times: number,
  when: (input: Record<string, unknown>) => boolean,
): DynamoDBClient & { failures: number } {
  let left = times;
  const flaky = {
    failures: 0,
    send(command: { input: Record<string, unknown> }) {
      if (left > 0 && when(command.input)) {
        left--;
        flaky.failures++;
        return Promise.reject(
          Object.assign(new Error(`${errorName} (local fault)`), {
            name: errorName,
            $metadata: { httpStatusCode: 400 },
          }),
        );
      }
      return client.send(command as never);
    },
  };
  return flaky as unknown as DynamoDBClient & { failures: number };
}
