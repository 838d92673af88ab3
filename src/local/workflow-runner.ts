/**
 * Runs a Step Functions definition locally with aws-local-stepfunctions, every Task
 * bound to a local stand-in for its service, chosen by the Task's resource (never by
 * the state's name):
 *
 *  - `arn:aws:states:::lambda:invoke`: the local function registered for
 *    `Parameters.FunctionName`, its answer wrapped as the service does
 *    ({ Payload, StatusCode, ExecutedVersion }); a function error becomes the Task
 *    error named after the error (its `name`), with a Lambda-style JSON Cause.
 *  - a Lambda function ARN as resource: the same function, its answer as is.
 *  - `arn:aws:states:::dynamodb:{getItem,putItem,updateItem,deleteItem}`: the call on a
 *    DynamoDB client (dynalite), errors named `DynamoDB.<Exception>`.
 *  - `arn:aws:states:::events:putEvents`: an EventSink; the execution and state
 *    machine ARNs are appended to each entry's Resources, and a non-zero
 *    FailedEntryCount fails the Task with `EventBridge.FailedEntry`, as the service does.
 *
 * A Task whose resource has no binding is refused when the run starts.
 */
import "./polyfills";
import { randomUUID } from "node:crypto";
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";
import { ExecutionError, StateMachine } from "aws-local-stepfunctions";
import type { EventSink, PutEventsRequestEntry } from "./event-bus";
import { createLambdaContext, functionNameOf } from "./lambda-context";

/** An entry of the library's execution event log. */
export type EventLog = ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

/** A Lambda handler run in-process. */
export type LocalFunction = (event: unknown, context: Context) => Promise<unknown>;

export interface WorkflowBindings {
  /** Local functions by ARN (or by function name). */
  readonly functions?: Readonly<Record<string, LocalFunction>>;
  /** Client for the dynamodb:* integrations. */
  readonly dynamodb?: DynamoDBClient;
  /** Sink for the events:putEvents integration. */
  readonly events?: EventSink;
}

/**
 * An error raised by a service rather than by function code (e.g. Lambda.ServiceException
 * or Lambda.TooManyRequestsException). Thrown by a bound function, it becomes the Task
 * error with exactly this name, without the function-error wrapping.
 */
export class ServiceFault extends Error {
  constructor(
    override readonly name: string,
    message = `${name} (local fault)`,
  ) {
    super(message);
  }
}

/** The error a Task fails with: `name` is the ASL error name, `message` the Cause. */
class TaskError extends Error {
  constructor(
    override readonly name: string,
    cause: string,
  ) {
    super(cause);
  }
}

/** One Task call, in the order they happened. */
export interface TaskCall {
  readonly state: string;
  readonly resource: string;
  /** Function ARN, table name or bus names the call went to. */
  readonly target: string;
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: { readonly name: string; readonly cause: string };
}

export interface ExecutionResult {
  readonly status: "SUCCEEDED" | "FAILED";
  readonly executionArn: string;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** The states entered, in order (a retried state appears once per entry). */
  readonly path: readonly string[];
  readonly taskCalls: readonly TaskCall[];
  /** The library's execution event log. */
  readonly events: readonly EventLog[];
}

export interface RunOptions {
  /** Wait between retries, in ms, for every retrier; the definition's backoff when omitted. */
  readonly retryDelayMs?: number;
  readonly executionName?: string;
  readonly stateMachineArn?: string;
  /** The local functions' timeout for their context. Default 30 s. */
  readonly functionTimeoutMs?: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type AnyState = { Type: string; Resource?: string; Retry?: unknown[]; Branches?: AnyDefinition[]; ItemProcessor?: AnyDefinition; Iterator?: AnyDefinition };
/** A definition as JSON (the builder's output or a parsed `definition` string). */
export interface AnyDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, object>>;
  readonly [key: string]: unknown;
}

const LAMBDA_ARN = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/;
const DYNAMODB_ACTIONS: Record<string, (client: DynamoDBClient, input: never) => Promise<{ $metadata?: unknown }>> = {
  getItem: (client, input) => client.send(new GetItemCommand(input)),
  putItem: (client, input) => client.send(new PutItemCommand(input)),
  updateItem: (client, input) => client.send(new UpdateItemCommand(input)),
  deleteItem: (client, input) => client.send(new DeleteItemCommand(input)),
};

/** SDK v3 error names -> the names the Step Functions integration reports. */
const DYNAMODB_ERROR_NAMES: Record<string, string> = {
  InternalServerError: "InternalServerErrorException",
  RequestLimitExceeded: "RequestLimitExceededException",
};

const clone = <T>(value: T): T => (value === undefined ? (null as T) : JSON.parse(JSON.stringify(value)));

function* taskStates(definition: AnyDefinition): Generator<[string, AnyState]> {
  for (const [name, raw] of Object.entries(definition.States)) {
    const state = raw as AnyState;
    if (state.Type === "Task") yield [name, state];
    for (const branch of state.Branches ?? []) yield* taskStates(branch);
    if (state.ItemProcessor) yield* taskStates(state.ItemProcessor);
    if (state.Iterator) yield* taskStates(state.Iterator);
  }
}

function* retryableStates(definition: AnyDefinition): Generator<string> {
  for (const [name, raw] of Object.entries(definition.States)) {
    const state = raw as AnyState;
    if (state.Retry) yield name;
    for (const branch of state.Branches ?? []) yield* retryableStates(branch);
    if (state.ItemProcessor) yield* retryableStates(state.ItemProcessor);
    if (state.Iterator) yield* retryableStates(state.Iterator);
  }
}

interface CallContext {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly functionTimeoutMs: number;
  readonly calls: TaskCall[];
}

function findFunction(bindings: WorkflowBindings, arnOrName: unknown): LocalFunction {
  if (typeof arnOrName !== "string") throw new TaskError("States.Runtime", "FunctionName must be a string");
  const functions = bindings.functions ?? {};
  const fn = functions[arnOrName] ?? functions[functionNameOf(arnOrName)];
  if (!fn) {
    // What Lambda answers for a function that does not exist.
    throw new TaskError("Lambda.ResourceNotFoundException", `Function not found: ${arnOrName} (no local function bound to it)`);
  }
  return fn;
}

async function invokeFunction(fn: LocalFunction, arn: string, payload: unknown, ctx: CallContext): Promise<Json> {
  const context = createLambdaContext({ functionName: functionNameOf(arn), invokedFunctionArn: arn, timeoutMs: ctx.functionTimeoutMs });
  try {
    return clone((await fn(clone(payload), context)) ?? null) as Json;
  } catch (error) {
    if (error instanceof ServiceFault || error instanceof TaskError) throw new TaskError(error.name, error.message);
    const e = error instanceof Error ? error : new Error(String(error));
    const cause = JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: (e.stack ?? "").split("\n") });
    throw new TaskError(e.name, cause);
  }
}

function bindTask(state: string, resource: string, bindings: WorkflowBindings, ctx: CallContext): (input: Json) => Promise<Json> {
  const record = async (target: string, input: unknown, run: () => Promise<Json>): Promise<Json> => {
    try {
      const output = await run();
      ctx.calls.push({ state, resource, target, input, output });
      return output;
    } catch (error) {
      const e = error as Error;
      ctx.calls.push({ state, resource, target, input, error: { name: e.name, cause: e.message } });
      throw error;
    }
  };

  if (resource === "arn:aws:states:::lambda:invoke") {
    return (input) => {
      const params = (input ?? {}) as { FunctionName?: unknown; Payload?: unknown };
      return record(String(params.FunctionName), params.Payload, async () => {
        const fn = findFunction(bindings, params.FunctionName);
        const payload = await invokeFunction(fn, String(params.FunctionName), params.Payload ?? {}, ctx);
        return { ExecutedVersion: "$LATEST", Payload: payload, StatusCode: 200 };
      });
    };
  }
  if (LAMBDA_ARN.test(resource)) {
    const fn = findFunction(bindings, resource);
    return (input) => record(resource, input, () => invokeFunction(fn, resource, input, ctx));
  }
  const dynamodbAction = /^arn:aws:states:::dynamodb:(\w+)$/.exec(resource)?.[1];
  if (dynamodbAction) {
    const command = DYNAMODB_ACTIONS[dynamodbAction];
    const client = bindings.dynamodb;
    if (!command) throw new Error(`state ${state}: dynamodb:${dynamodbAction} has no local binding`);
    if (!client) throw new Error(`state ${state}: ${resource} needs a DynamoDB client in the bindings`);
    return (input) =>
      record(String((input as { TableName?: unknown })?.TableName), input, async () => {
        try {
          const { $metadata: _ignored, ...output } = await command(client, input as never);
          return clone(output) as Json;
        } catch (error) {
          const e = error as Error & { $metadata?: { httpStatusCode?: number } };
          const name = DYNAMODB_ERROR_NAMES[e.name] ?? (e.name?.endsWith("Exception") ? e.name : "AmazonDynamoDBException");
          throw new TaskError(
            `DynamoDB.${name}`,
            `${e.message} (Service: DynamoDb, Status Code: ${e.$metadata?.httpStatusCode ?? 400}, Error Code: ${e.name})`,
          );
        }
      });
  }
  if (resource === "arn:aws:states:::events:putEvents") {
    const sink = bindings.events;
    if (!sink) throw new Error(`state ${state}: ${resource} needs an event sink in the bindings`);
    return (input) => {
      const entries = ((input as { Entries?: Record<string, unknown>[] })?.Entries ?? []).map(
        (entry): PutEventsRequestEntry => ({
          ...(entry as PutEventsRequestEntry),
          Detail: typeof entry.Detail === "string" ? entry.Detail : JSON.stringify(entry.Detail ?? {}),
          Resources: [...((entry.Resources as string[] | undefined) ?? []), ctx.executionArn, ctx.stateMachineArn],
        }),
      );
      return record(entries.map((e) => e.EventBusName ?? "default").join(","), input, async () => {
        let result;
        try {
          result = await sink.putEvents(entries);
        } catch (error) {
          const e = error as Error;
          throw new TaskError(`EventBridge.${e.name || "AmazonEventBridgeException"}`, e.message);
        }
        if (result.FailedEntryCount > 0) throw new TaskError("EventBridge.FailedEntry", JSON.stringify(result));
        return clone(result) as unknown as Json;
      });
    };
  }
  throw new Error(`state ${state}: no local binding for resource ${resource}`);
}

/** Local handlers for every Task of `definition`, keyed as aws-local-stepfunctions wants. */
export function bindTaskResources(
  definition: AnyDefinition,
  bindings: WorkflowBindings,
  ctx: CallContext,
): Record<string, (input: Json) => Promise<Json>> {
  const handlers: Record<string, (input: Json) => Promise<Json>> = {};
  for (const [name, state] of taskStates(definition)) {
    if (!state.Resource) throw new Error(`state ${name}: Task without Resource`);
    handlers[name] = bindTask(name, state.Resource, bindings, ctx);
  }
  return handlers;
}

const validated = new WeakMap<AnyDefinition, string>();

/**
 * The library's state machine for `definition`. Validation (asl-validator, ARNs and
 * paths checked) costs a few hundred ms, so it runs once per definition object (and
 * again if that object changed); the library gets a copy, as it annotates what it is given.
 */
function localStateMachine(definition: AnyDefinition): StateMachine {
  const text = JSON.stringify(definition);
  if (validated.get(definition) !== text) {
    new StateMachine(JSON.parse(text), { validationOptions: { checkArn: true, checkPaths: true } });
    validated.set(definition, text);
  }
  return new StateMachine(JSON.parse(text), { validationOptions: { noValidate: true } });
}

/** Runs one execution of `definition` on `input` to its end. */
export async function runWorkflow(
  definition: AnyDefinition,
  input: unknown,
  bindings: WorkflowBindings,
  options: RunOptions = {},
): Promise<ExecutionResult> {
  const stateMachineArn = options.stateMachineArn ?? "arn:aws:states:us-east-1:000000000000:stateMachine:local";
  const machineName = stateMachineArn.split(":").pop()!;
  const executionName = options.executionName ?? randomUUID();
  const executionArn = `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${executionName}`;
  const ctx: CallContext = { executionArn, stateMachineArn, functionTimeoutMs: options.functionTimeoutMs ?? 30_000, calls: [] };

  const machine = localStateMachine(definition);
  const retryIntervalOverrides: Record<string, number> = {};
  if (options.retryDelayMs !== undefined) for (const name of retryableStates(definition)) retryIntervalOverrides[name] = options.retryDelayMs;

  const execution = machine.run(clone(input) as never, {
    overrides: { taskResourceLocalHandlers: bindTaskResources(definition, bindings, ctx) as never, retryIntervalOverrides },
    context: {
      Execution: { Id: executionArn, Name: executionName, RoleArn: "arn:aws:iam::000000000000:role/local" },
      StateMachine: { Id: stateMachineArn, Name: machineName },
    },
  });
  const events: EventLog[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) {
      events.push(event);
      if (event.type === "ExecutionSucceeded" || event.type === "ExecutionFailed" || event.type === "ExecutionAborted" || event.type === "ExecutionTimeout") break;
    }
  })();

  let result: ExecutionResult;
  try {
    const output = await execution.result;
    await collecting;
    result = { status: "SUCCEEDED", executionArn, output, path: [], taskCalls: ctx.calls, events };
  } catch (error) {
    await collecting;
    if (!(error instanceof ExecutionError)) throw error;
    const cause = (error as Error & { cause?: Error }).cause;
    result = { status: "FAILED", executionArn, error: cause?.name ?? "States.Runtime", cause: cause?.message ?? error.message, path: [], taskCalls: ctx.calls, events };
  }
  const path = events.filter((e): e is Extract<EventLog, { type: "StateEntered" }> => e.type === "StateEntered").map((e) => e.state.name);
  return { ...result, path };
}
