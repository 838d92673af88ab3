/**
 * Task builders, one per kind of task the workflow uses, with the retry policies they
 * share. Every task keeps the execution state: results go under their own ResultPath.
 */
import {
  DYNAMODB_TRANSIENT_ERRORS,
  EVENTBRIDGE_TRANSIENT_ERRORS,
  LAMBDA_TRANSIENT_ERRORS,
  TIMEOUT_ERRORS,
} from "./names";
import type { Catcher, JsonObject, Retrier, TaskState } from "./asl";

export const Resource = {
  lambdaInvoke: "arn:aws:states:::lambda:invoke",
  dynamodbUpdateItem: "arn:aws:states:::dynamodb:updateItem",
  eventsPutEvents: "arn:aws:states:::events:putEvents",
} as const;

/** Timeouts of the tasks, in seconds. Function timeouts must stay below their task's. */
export const TaskTimeoutSeconds = {
  payment: 30,
  inventory: 60,
  dynamodb: 10,
  putEvents: 10,
} as const;

/** A retrier with exponential backoff, a delay cap and full jitter. */
export function retrier(
  errors: readonly string[],
  intervalSeconds: number,
  maxAttempts: number,
  maxDelaySeconds: number,
): Retrier {
  return {
    ErrorEquals: [...errors],
    IntervalSeconds: intervalSeconds,
    MaxAttempts: maxAttempts,
    BackoffRate: 2,
    MaxDelaySeconds: maxDelaySeconds,
    JitterStrategy: "FULL",
  };
}

/**
 * Lambda tasks: service errors retried quickly; timeouts and crashes retried twice (every
 * function of the workflow is idempotent per order, so running it again is safe);
 * `extraTransient` are named transient errors a service throws itself.
 */
export function lambdaRetry(extraTransient: readonly string[] = []): Retrier[] {
  return [retrier([...LAMBDA_TRANSIENT_ERRORS, ...extraTransient], 1, 5, 20), retrier(TIMEOUT_ERRORS, 2, 2, 10)];
}

export const dynamodbRetry = (): Retrier[] => [retrier([...DYNAMODB_TRANSIENT_ERRORS, "States.Timeout"], 1, 5, 20)];
export const putEventsRetry = (): Retrier[] => [retrier([...EVENTBRIDGE_TRANSIENT_ERRORS, "States.Timeout"], 1, 5, 20)];

/** Routes `errors` to `next`, keeping the state and putting the error under $.error. */
export function catchTo(errors: readonly string[], next: string): Catcher {
  return { ErrorEquals: [...errors], Next: next, ResultPath: "$.error" };
}

interface TaskOptions {
  readonly comment: string;
  readonly resultPath: string | null;
  readonly timeoutSeconds: number;
  readonly retry: Retrier[];
  readonly catch?: Catcher[];
  readonly next: string;
}

function task(resource: string, parameters: JsonObject, options: TaskOptions, resultSelector?: JsonObject): TaskState {
  return {
    Type: "Task",
    Comment: options.comment,
    Resource: resource,
    Parameters: parameters,
    ...(resultSelector ? { ResultSelector: resultSelector } : {}),
    ResultPath: options.resultPath,
    TimeoutSeconds: options.timeoutSeconds,
    Retry: options.retry,
    ...(options.catch ? { Catch: options.catch } : {}),
    Next: options.next,
  };
}

/**
 * `lambda:invoke` of a function with a JSON payload. The service wraps the function's
 * answer as { Payload, StatusCode, ... }; `select` picks fields of the Payload
 * (`{ status: "status" }` -> `"status.$": "$.Payload.status"`).
 */
export function lambdaInvoke(
  functionArn: string,
  payload: JsonObject,
  select: Readonly<Record<string, string>>,
  options: TaskOptions,
): TaskState {
  const resultSelector: JsonObject = {};
  for (const [key, field] of Object.entries(select)) resultSelector[`${key}.$`] = `$.Payload.${field}`;
  return task(Resource.lambdaInvoke, { FunctionName: functionArn, Payload: payload }, options, resultSelector);
}

export interface UpdateItemSpec {
  readonly tableName: string;
  readonly key: JsonObject;
  readonly update: string;
  readonly condition: string;
  readonly names: Readonly<Record<string, string>>;
  readonly values: JsonObject;
}

/** What an update reads back: the item as it is after the update, shaped by `selector`, put at `resultPath`. */
export interface UpdateItemReturn {
  /** ResultSelector over the service's answer (`$.Attributes.<name>.S` and so on, in DynamoDB JSON). */
  readonly selector: JsonObject;
  readonly resultPath: string;
}

/**
 * `dynamodb:updateItem` with a condition. Its result is discarded (ResultPath null), unless `returns`
 * asks for the updated item (ReturnValues ALL_NEW).
 */
export function dynamodbUpdateItem(
  spec: UpdateItemSpec,
  options: Omit<TaskOptions, "resultPath">,
  returns?: UpdateItemReturn,
): TaskState {
  return task(
    Resource.dynamodbUpdateItem,
    {
      TableName: spec.tableName,
      Key: spec.key,
      UpdateExpression: spec.update,
      ConditionExpression: spec.condition,
      ExpressionAttributeNames: { ...spec.names },
      ExpressionAttributeValues: spec.values,
      ...(returns ? { ReturnValues: "ALL_NEW" } : {}),
    },
    { ...options, resultPath: returns ? returns.resultPath : null },
    returns?.selector,
  );
}

/** `events:putEvents` of one event; keeps its event id under `resultPath`. */
export function putEvent(
  entry: {
    readonly eventBusName: string;
    readonly source: string;
    readonly detailType: string;
    readonly detail: JsonObject;
  },
  options: TaskOptions,
): TaskState {
  return task(
    Resource.eventsPutEvents,
    {
      Entries: [
        { EventBusName: entry.eventBusName, Source: entry.source, DetailType: entry.detailType, Detail: entry.detail },
      ],
    },
    options,
    { "eventId.$": "$.Entries[0].EventId" },
  );
}
