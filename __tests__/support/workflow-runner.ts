/**
 * Runs a Step Functions definition once on the local runtime's Step Functions (the executor of
 * runtime/stepfunctions/execution.ts, every Task bound by `bindTask` of task-bindings.ts, the
 * definition validated by validate.ts): the saga's tests use it to drive the synthesized definition
 * with the real handler code behind its Tasks, and to record each Task call. Tasks are chosen by
 * their resource (never by the state's name) and answer as the service does, over these stand-ins:
 *
 *  - functions: the runtime's Lambda (LocalFunction) on the in-process host, by ARN or by name; a
 *    thrown error is a function error (the Task error is named after it, with a Lambda-style JSON
 *    Cause), a thrown ServiceFault is an error of the Lambda service itself;
 *  - `dynamodb:*`: calls on a DynamoDB client (dynalite);
 *  - `events:putEvents`: anything with PutEvents (the runtime's bus, recorded: recording-bus.ts).
 *
 * A Task whose resource has no stand-in in the bindings (a function ARN not bound, a
 * dynamodb:* Task without a client, ...) is refused when the run starts; a `lambda:invoke`
 * whose FunctionName is not bound fails as Lambda answers, with Lambda.ResourceNotFoundException.
 */
import { randomUUID } from "node:crypto";
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { Activity } from "../../src/local/runtime/activity";
import { Clock } from "../../src/local/runtime/clock";
import { inProcessHost } from "../../src/local/runtime/lambda/in-process-host";
import { LocalFunction } from "../../src/local/runtime/lambda/local-function";
import { AwsServiceError } from "../../src/local/runtime/service-error";
import { LocalQueues } from "../../src/local/runtime/sqs/queues";
import { runExecution, type EventLog } from "../../src/local/runtime/stepfunctions/execution";
import {
  bindTask,
  taskStates,
  type AslMachine,
  type AslState,
  type TaskBackends,
  type TaskHandler,
} from "../../src/local/runtime/stepfunctions/task-bindings";
import { validateDefinitions } from "../../src/local/runtime/stepfunctions/validate";
import { Trace } from "../../src/local/runtime/trace";
import type { PutEventsRequestEntry, PutEventsResult } from "../../src/local/runtime/eventbridge/put-events";
import type { Context } from "aws-lambda";

/** Anything that accepts PutEvents entries. */
interface EventSink {
  putEvents(entries: readonly PutEventsRequestEntry[]): Promise<PutEventsResult>;
}

/** The function name in a Lambda ARN (arn:aws:lambda:region:account:function:name[:qualifier]). */
function functionNameOf(arnOrName: string): string {
  const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(arnOrName);
  return match ? match[1]! : arnOrName;
}

/** A Lambda handler run in-process. */
export type LocalFunctionHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface WorkflowBindings {
  /** Local functions by ARN (or by function name). */
  readonly functions?: Readonly<Record<string, LocalFunctionHandler>>;
  /** Client for the dynamodb:* integrations. */
  readonly dynamodb?: DynamoDBClient;
  /** Sink for the events:putEvents integration. */
  readonly events?: EventSink;
}

/**
 * An error of the Lambda service rather than of function code (Lambda.ServiceException,
 * Lambda.TooManyRequestsException, Lambda.Unknown for a timeout). Thrown by a bound
 * function, it becomes the Task error with exactly this name, without the function-error
 * wrapping.
 */
export class ServiceFault extends Error {
  constructor(
    override readonly name: `Lambda.${string}`,
    message = `${name} (local fault)`,
  ) {
    super(message);
    if (!/^Lambda\.\w+$/.test(name))
      throw new Error(`a ServiceFault is a Lambda service error (Lambda.<Name>), not "${name}"`);
  }
}

/** One Task call, in the order they happened. */
interface TaskCall {
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
  /** The state machine's role, as the context object reports it. Default a local placeholder. */
  readonly roleArn?: string;
  /** The local functions' timeout for their context. Default 30 s. */
  readonly functionTimeoutMs?: number;
}

/** A definition as JSON (the builder's output or a parsed `definition` string). */
export interface AnyDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, object>>;
  readonly [key: string]: unknown;
}

const DYNAMODB_COMMANDS: Record<string, (client: DynamoDBClient, request: never) => Promise<{ $metadata?: unknown }>> =
  {
    GetItem: (client, request) => client.send(new GetItemCommand(request)),
    PutItem: (client, request) => client.send(new PutItemCommand(request)),
    UpdateItem: (client, request) => client.send(new UpdateItemCommand(request)),
    DeleteItem: (client, request) => client.send(new DeleteItemCommand(request)),
    Query: (client, request) => client.send(new QueryCommand(request)),
  };

const clone = <T>(value: T): T => (value === undefined ? (null as T) : JSON.parse(JSON.stringify(value)));

/** The task backends over in-process bindings; a call whose stand-in is missing fails naming it. */
function backendsOf(bindings: WorkflowBindings, functionTimeoutMs: number): TaskBackends {
  // Each bound handler runs as a function of the runtime's Lambda, on the in-process host.
  const queues = new LocalQueues();
  const clock = new Clock(0);
  const trace = new Trace({ retain: false });
  const activity = new Activity();
  const serviceFaults = new Map<string, ServiceFault>();
  const localFunctions = new Map<LocalFunctionHandler, LocalFunction>();
  const localFunctionOf = (ref: string, fn: LocalFunctionHandler): LocalFunction => {
    let local = localFunctions.get(fn);
    if (!local) {
      const name = functionNameOf(ref);
      local = new LocalFunction(
        {
          name,
          arn: ref.startsWith("arn:") ? ref : `arn:aws:lambda:us-east-1:000000000000:function:${ref}`,
          handler: "index.handler",
          codeDir: "",
          environment: {},
          timeoutSeconds: functionTimeoutMs / 1000,
          memoryMb: 256,
          logGroupName: `/aws/lambda/${name}`,
          async: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
          execArgv: [],
        },
        {
          queues,
          clock,
          trace,
          activity,
          maxSandboxes: 16,
          host: inProcessHost(() => async (event, context) => {
            try {
              return await fn(event, context as unknown as Context);
            } catch (error) {
              // A fault of the Lambda service itself: Invoke throws it instead of answering.
              if (error instanceof ServiceFault) serviceFaults.set(context.awsRequestId, error);
              throw error;
            }
          }),
        },
      );
      localFunctions.set(fn, local);
    }
    return local;
  };
  const findFunction = (ref: string): LocalFunction => {
    const fn = bindings.functions?.[ref] ?? bindings.functions?.[functionNameOf(ref)];
    // What Lambda answers for a function that does not exist.
    if (!fn)
      throw new AwsServiceError(
        "ResourceNotFoundException",
        `Function not found: ${ref} (no local function bound to it)`,
        {
          statusCode: 404,
        },
      );
    return localFunctionOf(ref, fn);
  };
  const invoke = async (ref: string, payload: unknown) => {
    const result = await findFunction(ref).invoke(payload);
    const fault = serviceFaults.get(result.requestId);
    if (fault) {
      serviceFaults.delete(result.requestId);
      throw new AwsServiceError(fault.name.replace(/^Lambda\./, ""), fault.message, { statusCode: 500 });
    }
    return result;
  };
  return {
    invokeFunction: (ref, payload) => invoke(ref, payload),
    invokeFunctionAsync(ref, payload) {
      findFunction(ref); // Lambda refuses an unknown function at once, even for an asynchronous invocation
      void invoke(ref, payload).catch(() => undefined);
    },
    async dynamodb(operation, request) {
      // bindTask names only the operations of DYNAMODB_COMMANDS; its errors keep the SDK's names and status.
      const command = DYNAMODB_COMMANDS[operation] as (typeof DYNAMODB_COMMANDS)[string];
      const { $metadata: _ignored, ...response } = await command(bindings.dynamodb as DynamoDBClient, request as never);
      return clone(response);
    },
    putEvents: async (entries) => clone(await (bindings.events as EventSink).putEvents(entries)),
    sqsSendMessage() {
      // Never called: missingBinding refuses sqs:* Tasks before the run.
      throw new Error("no queue is bound");
    },
  };
}

/** The stand-in a Task needs from the bindings, if it is missing: refused before the run starts. */
function missingBinding(resource: string, bindings: WorkflowBindings): string | undefined {
  if (/^arn:aws[a-z-]*:lambda:/.test(resource)) {
    return (bindings.functions?.[resource] ?? bindings.functions?.[functionNameOf(resource)])
      ? undefined
      : "has no local function bound to it";
  }
  if (resource.startsWith("arn:aws:states:::dynamodb:"))
    return bindings.dynamodb ? undefined : "needs a DynamoDB client in the bindings";
  if (resource === "arn:aws:states:::events:putEvents")
    return bindings.events ? undefined : "needs an event sink in the bindings";
  if (resource.startsWith("arn:aws:states:::sqs:")) return "has no local binding (no queue stand-in)";
  return undefined;
}

/** What a Task call went to (function, table or buses) and with what (a `lambda:invoke`'s Payload), for the record. */
function recordOf(resource: string, input: unknown): { target: string; input: unknown } {
  const params = (input ?? {}) as {
    FunctionName?: unknown;
    Payload?: unknown;
    TableName?: unknown;
    Entries?: { EventBusName?: string }[];
  };
  if (resource === "arn:aws:states:::lambda:invoke")
    return { target: String(params.FunctionName), input: params.Payload };
  if (resource.startsWith("arn:aws:states:::dynamodb:")) return { target: String(params.TableName), input };
  if (resource === "arn:aws:states:::events:putEvents")
    return { target: (params.Entries ?? []).map((e) => e.EventBusName ?? "default").join(","), input };
  return { target: resource, input };
}

interface CallContext {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly functionTimeoutMs: number;
  readonly calls: TaskCall[];
}

/** Local handlers for every Task of `definition`, keyed as aws-local-stepfunctions wants; each call recorded. */
function bindTaskResources(
  definition: AnyDefinition,
  bindings: WorkflowBindings,
  ctx: CallContext,
): Record<string, (input: unknown) => Promise<unknown>> {
  const backends = backendsOf(bindings, ctx.functionTimeoutMs);
  const execution = { executionArn: ctx.executionArn, stateMachineArn: ctx.stateMachineArn };
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [state, spec] of taskStates(definition as unknown as AslMachine)) {
    const resource = spec.Resource;
    if (!resource) throw new Error(`state ${state}: Task without Resource`);
    const missing = missingBinding(resource, bindings);
    if (missing) throw new Error(`state ${state}: ${resource} ${missing}`);
    const handler: TaskHandler = bindTask(state, spec as AslState, backends);
    handlers[state] = async (input) => {
      const call = { state, resource, ...recordOf(resource, input) };
      try {
        const output = await handler(input, execution);
        ctx.calls.push({ ...call, output });
        return output;
      } catch (error) {
        const e = error as Error;
        ctx.calls.push({ ...call, error: { name: e.name, cause: e.message } });
        throw error;
      }
    };
  }
  return handlers;
}

/** Validates `definition` as the runtime does at start-up (asl-validator, ARNs and paths checked; cached by content). */
async function validate(definition: AnyDefinition): Promise<void> {
  const problems = await validateDefinitions([{ name: "definition", definition }]);
  if (problems.length > 0) throw new Error(`invalid state machine definition: ${problems.join("\n")}`);
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
  const ctx: CallContext = {
    executionArn,
    stateMachineArn,
    functionTimeoutMs: options.functionTimeoutMs ?? 30_000,
    calls: [],
  };

  await validate(definition);
  const events: EventLog[] = [];
  const outcome = await runExecution(
    definition as unknown as AslMachine,
    clone(input),
    {
      executionArn,
      executionName,
      stateMachineArn,
      stateMachineName: machineName,
      roleArn: options.roleArn ?? "arn:aws:iam::000000000000:role/local",
    },
    {
      tasks: bindTaskResources(definition, bindings, ctx),
      scaled: (ms) => ms,
      random: Math.random,
      ...(options.retryDelayMs !== undefined ? { retryDelayMs: options.retryDelayMs } : {}),
      onEvent: (event) => events.push(event),
    },
  );
  if (outcome.status !== "SUCCEEDED" && outcome.status !== "FAILED")
    throw new Error(`execution ${executionArn} ended ${outcome.status}`);
  const result: ExecutionResult = {
    ...outcome,
    status: outcome.status,
    executionArn,
    path: [],
    taskCalls: ctx.calls,
    events,
  };
  const path = events
    .filter((e): e is Extract<EventLog, { type: "StateEntered" }> => e.type === "StateEntered")
    .map((e) => e.state.name);
  return { ...result, path };
}
