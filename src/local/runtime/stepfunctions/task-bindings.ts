import { randomBytes, randomUUID } from "node:crypto";
import { UserInputError } from "../../../user-input-error";
import type { EventsCaller } from "../eventbridge/bus";
import type { PutEventsRequestEntry, PutEventsResult } from "../eventbridge/put-events";
import type { InvocationCaller, InvokeResult } from "../lambda/local-function";
import type { Retrier } from "./error-handling";

/** An ASL state, as far as binding its Task resources needs. */
export interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Parameters?: unknown;
  readonly Retry?: readonly Retrier[];
  readonly TimeoutSeconds?: number;
  readonly TimeoutSecondsPath?: string;
  readonly Catch?: readonly { readonly ErrorEquals: readonly string[] }[];
  readonly Branches?: readonly AslMachine[];
  readonly Iterator?: AslMachine;
  readonly ItemProcessor?: AslMachine;
}

export interface AslMachine {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly TimeoutSeconds?: number;
}

/** The services a state machine's tasks call. */
export interface TaskBackends {
  /** Invoke (RequestResponse) by name or ARN; throws an AwsServiceError when Lambda refuses, returns function errors. */
  invokeFunction(functionRef: string, payload: unknown, caller: InvocationCaller): Promise<InvokeResult>;
  /** Invoke with InvocationType Event. */
  invokeFunctionAsync(functionRef: string, payload: unknown, caller: InvocationCaller): void;
  /** A DynamoDB API call (`UpdateItem`, ...) with the request as the API takes it; throws errors named as DynamoDB names them. */
  dynamodb(operation: string, request: unknown): Promise<Record<string, unknown>>;
  /** PutEvents; `caller` is who puts them (the state machine's role), for IAM. */
  putEvents(entries: readonly PutEventsRequestEntry[], caller?: EventsCaller): Promise<PutEventsResult>;
  sqsSendMessage(queueUrl: string, body: string): { MessageId: string; MD5OfMessageBody: string };
}

/** A state's task error, as Step Functions reports it: `name` is the Error, `message` the Cause. */
export class TaskError extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/** A Task resource the local runtime cannot run; the message names the state and the resource. */
class UnsupportedTaskError extends UserInputError {
  override readonly name = "UnsupportedTaskError";
}

/** The execution a task runs in. */
interface TaskContext {
  readonly executionArn: string;
  readonly stateMachineArn: string;
}

export type TaskHandler = (input: unknown, execution: TaskContext) => Promise<unknown>;

const sdkMetadata = (requestId: string) => ({
  SdkHttpMetadata: { AllHttpHeaders: {}, HttpHeaders: {}, HttpStatusCode: 200 },
  SdkResponseMetadata: { RequestId: requestId },
});

const DYNAMODB_ACTIONS: Record<string, string> = {
  getItem: "GetItem",
  putItem: "PutItem",
  updateItem: "UpdateItem",
  deleteItem: "DeleteItem",
  query: "Query",
};

/**
 * The DynamoDB errors the integration reports by their own name (the exceptions the service's API
 * declares, as the AWS SDK for Java names them), by the API's error code.
 */
const DYNAMODB_DECLARED_ERRORS: Record<string, string> = {
  ConditionalCheckFailedException: "ConditionalCheckFailedException",
  ProvisionedThroughputExceededException: "ProvisionedThroughputExceededException",
  ResourceNotFoundException: "ResourceNotFoundException",
  ItemCollectionSizeLimitExceededException: "ItemCollectionSizeLimitExceededException",
  TransactionConflictException: "TransactionConflictException",
  ReplicatedWriteConflictException: "ReplicatedWriteConflictException",
  RequestLimitExceeded: "RequestLimitExceededException",
  InternalServerError: "InternalServerErrorException",
};

/** A DynamoDB failure as its SDK reports it. */
export interface DynamoDbFailure {
  readonly name?: string;
  readonly message?: string;
  readonly code?: unknown;
  readonly statusCode?: number;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
}

/** A failure that never reached DynamoDB (a refused connection, a timeout): it carries a system error code. */
const isClientSide = (error: DynamoDbFailure) =>
  typeof error.code === "string" && !DYNAMODB_DECLARED_ERRORS[error.name ?? ""];

/**
 * The name a failed dynamodb:* Task reports after `DynamoDB.`: a declared exception by its name, a
 * failure on the client side as SdkClientException, any other answer of the service (ValidationException,
 * ThrottlingException, AccessDeniedException, ...) as AmazonDynamoDBException.
 */
export function dynamoDbErrorName(error: DynamoDbFailure): string {
  const declared = DYNAMODB_DECLARED_ERRORS[error.name ?? ""];
  if (declared) return declared;
  return isClientSide(error) ? "SdkClientException" : "AmazonDynamoDBException";
}

/**
 * The Cause of a failed dynamodb:* Task, in the text Step Functions writes: the service's message,
 * then `(Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException;
 * Request ID: ...; Proxy: null)`. A client-side failure has its message alone.
 */
function dynamoDbErrorCause(error: DynamoDbFailure): string {
  const message = error.message ?? "";
  if (isClientSide(error)) return message;
  const status = error.statusCode ?? error.$metadata?.httpStatusCode ?? 400;
  const requestId = error.$metadata?.requestId ?? dynamoDbRequestId();
  return `${message} (Service: AmazonDynamoDBv2; Status Code: ${status}; Error Code: ${error.name}; Request ID: ${requestId}; Proxy: null)`;
}

/** A request id shaped as DynamoDB's: 52 upper-case letters and digits. */
function dynamoDbRequestId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  return Array.from(randomBytes(52), (b) => alphabet[b % alphabet.length]).join("");
}

/** Every Task state of a machine (Parallel branches and Map processors included), by name. */
export function taskStates(machine: AslMachine): [string, AslState][] {
  const out: [string, AslState][] = [];
  const visit = (m: AslMachine) => {
    for (const [name, state] of Object.entries(m.States)) {
      if (state.Type === "Task") out.push([name, state]);
      for (const b of state.Branches ?? []) visit(b);
      if (state.Iterator) visit(state.Iterator);
      if (state.ItemProcessor) visit(state.ItemProcessor);
    }
  };
  visit(machine);
  return out;
}

/** Function errors Lambda raises itself (a timeout, a crashed runtime): Step Functions reports them as Lambda.Unknown. */
const UNHANDLED = new Set(["Sandbox.Timedout", "Runtime.ExitError"]);

function functionErrorToTaskError(result: InvokeResult): TaskError {
  const e = result.functionError as NonNullable<InvokeResult["functionError"]>;
  const cause = JSON.stringify({ errorMessage: e.errorMessage, errorType: e.errorType, trace: e.trace });
  return new TaskError(UNHANDLED.has(e.errorType) ? "Lambda.Unknown" : e.errorType, cause);
}

async function invoke(
  backends: TaskBackends,
  functionRef: string,
  payload: unknown,
  caller: InvocationCaller,
): Promise<InvokeResult> {
  try {
    return await backends.invokeFunction(functionRef, payload, caller);
  } catch (error) {
    const e = error as Error;
    throw new TaskError(`Lambda.${e.name}`, e.message);
  }
}

/**
 * The local handler of one Task state, from its Resource: `lambda:invoke` (the result wrapped as the
 * service wraps it), a function ARN (the payload itself), `dynamodb:*` items, `events:putEvents`
 * (execution and state machine ARNs appended to Resources; a failed entry fails the task with
 * `EventBridge.FailedEntry`) and `sqs:sendMessage`. Errors are
 * named as Step Functions names them (`Lambda.ServiceException`, `DynamoDB.ConditionalCheckFailedException`).
 */
export function bindTask(stateName: string, state: AslState, backends: TaskBackends): TaskHandler {
  const resource = state.Resource ?? "";
  const caller: InvocationCaller = {
    kind: "state-machine",
    stateName,
    catches: (state.Catch ?? []).flatMap((c) => c.ErrorEquals),
    retries: (state.Retry ?? []).flatMap((r) => r.ErrorEquals),
  };
  if (
    resource.endsWith(".sync") ||
    resource.endsWith(".waitForTaskToken") ||
    (resource.startsWith("arn:aws:states:") && resource.includes(":activity:"))
  ) {
    throw new UnsupportedTaskError(
      `state ${stateName}: ${resource} (callback, .sync and activity tasks) is not run by the local runtime`,
    );
  }
  if (resource === "arn:aws:states:::lambda:invoke") {
    return async (input) => {
      const params = (input ?? {}) as { FunctionName?: string; Payload?: unknown; InvocationType?: string };
      if (!params.FunctionName)
        throw new TaskError("States.Runtime", `state ${stateName}: Parameters.FunctionName is required`);
      if (params.InvocationType === "Event") {
        try {
          backends.invokeFunctionAsync(params.FunctionName, params.Payload ?? {}, caller);
        } catch (error) {
          throw new TaskError(`Lambda.${(error as Error).name}`, (error as Error).message);
        }
        const requestId = randomUUID();
        return { ...sdkMetadata(requestId), Payload: "", StatusCode: 202 };
      }
      const result = await invoke(backends, params.FunctionName, params.Payload ?? {}, caller);
      if (result.functionError) throw functionErrorToTaskError(result);
      return { ExecutedVersion: "$LATEST", Payload: result.payload, ...sdkMetadata(result.requestId), StatusCode: 200 };
    };
  }
  if (/^arn:aws[a-z-]*:lambda:[^:]+:[^:]+:function:/.test(resource)) {
    return async (input) => {
      const result = await invoke(backends, resource, input, caller);
      if (result.functionError) throw functionErrorToTaskError(result);
      return result.payload;
    };
  }
  const dynamo = /^arn:aws:states:::dynamodb:(\w+)$/.exec(resource);
  if (dynamo) {
    const action = DYNAMODB_ACTIONS[dynamo[1] as string];
    if (!action)
      throw new UnsupportedTaskError(
        `state ${stateName}: ${resource} is not run by the local runtime (supported: ${Object.keys(DYNAMODB_ACTIONS).join(", ")})`,
      );
    return async (input) => {
      try {
        const response = await backends.dynamodb(action, input);
        return { ...response, ...sdkMetadata(randomUUID()) };
      } catch (error) {
        throw new TaskError(
          `DynamoDB.${dynamoDbErrorName(error as DynamoDbFailure)}`,
          dynamoDbErrorCause(error as DynamoDbFailure),
        );
      }
    };
  }
  if (resource === "arn:aws:states:::events:putEvents") {
    // The integration appends the execution and state machine ARNs to each entry's Resources.
    return async (input, execution) => {
      const entries = ((input as { Entries?: unknown[] } | null)?.Entries ?? []).map((entry) => {
        const e = entry as Record<string, unknown>;
        return {
          ...e,
          Detail: typeof e.Detail === "string" ? e.Detail : JSON.stringify(e.Detail),
          Resources: [
            ...((e.Resources as string[] | undefined) ?? []),
            execution.executionArn,
            execution.stateMachineArn,
          ],
        } as PutEventsRequestEntry;
      });
      let result: PutEventsResult;
      try {
        result = await backends.putEvents(entries);
      } catch (error) {
        throw new TaskError(`EventBridge.${(error as Error).name}`, (error as Error).message);
      }
      if (result.FailedEntryCount > 0) {
        const failed = result.Entries.find((e) => e.ErrorCode);
        throw new TaskError(
          "EventBridge.FailedEntry",
          JSON.stringify({ ...result, message: `${failed?.ErrorCode}: ${failed?.ErrorMessage}` }),
        );
      }
      return { ...result, ...sdkMetadata(randomUUID()) };
    };
  }
  if (resource === "arn:aws:states:::sqs:sendMessage") {
    return async (input) => {
      const p = (input ?? {}) as { QueueUrl?: string; MessageBody?: unknown };
      try {
        const body = typeof p.MessageBody === "string" ? p.MessageBody : JSON.stringify(p.MessageBody);
        return { ...backends.sqsSendMessage(String(p.QueueUrl), body), ...sdkMetadata(randomUUID()) };
      } catch (error) {
        throw new TaskError(`SQS.${(error as Error).name}`, (error as Error).message);
      }
    };
  }
  throw new UnsupportedTaskError(`state ${stateName}: Task resource ${resource} is not run by the local runtime`);
}
