/**
 * The order saga on the local runtime (LocalRuntime.start, functions on the in-process host), started
 * from the synthesized dev stack as the e2e tests start it, with two changes to the stack: the rule that
 * starts the saga on "Order Created" has no target (a test starts each execution itself, with the event
 * the outbox pipe put on the bus), and a second state machine runs the builder's definition beside the
 * synthesized one. Failures are injected into particular calls through the runtime's per-call fault
 * hooks (a function invocation, a Task's DynamoDB or PutEvents call).
 */
import "./powertools-env";
import { createPaymentHandler, type PaymentHandler } from "../../handlers/payment";
import { SimulatedPaymentGateway } from "../../handlers/payment/gateway";
import { createDocumentClient, createDynamoDBClient } from "../../handlers/shared/aws";
import { createObservability } from "../../handlers/shared/observability";
import { EnvVar, InventoryKey } from "../../src/contracts/tables";
import { AwsServiceError } from "../../src/local/runtime/service-error";
import { buildOrderWorkflowDefinition } from "../../src/workflow/order-workflow";
import { startPipeline, type RunningPipeline } from "../local/e2e/support";
import { getItem } from "./orders";
import type { OrderView } from "../../handlers/order";
import type { EventBridgeEnvelope } from "../../src/contracts/events";
import type { TaskCall, TaskFault } from "../../src/local/runtime/faults";
import type { FunctionSpec, InjectedFault } from "../../src/local/runtime/lambda/local-function";
import type { LocalStateMachine } from "../../src/local/runtime/stepfunctions/local-state-machine";
import type { TraceRecord } from "../../src/local/runtime/trace";
import type { StackDocument } from "../../src/terraform/stack-document";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

type Resources = Record<string, Record<string, unknown>>;
type StateRecord = Extract<TraceRecord, { kind: "state" }>;

/** One Task call, in the order they answered. */
interface TaskCallRecord {
  readonly state: string;
  /** A `lambda:invoke`'s Payload; any other Task's input, its Parameters applied. */
  readonly input: unknown;
  readonly error?: { readonly name: string };
}

export interface ExecutionResult {
  readonly status: string;
  readonly executionArn: string;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** The states entered, in order (a retried state appears once per entry). */
  readonly path: readonly string[];
  readonly taskCalls: readonly TaskCallRecord[];
  /** What the execution's states did (entered, retried, caught...), in order. */
  readonly states: readonly StateRecord[];
}

/** A failure set up for some calls; `calls` counts the calls it selected. */
interface Injection<C> {
  readonly when: (call: C) => boolean;
  readonly next: () => unknown;
  calls: number;
}

export interface Saga {
  readonly pipeline: RunningPipeline;
  readonly db: DynamoDBDocumentClient;
  readonly tables: { readonly orders: string; readonly inventory: string; readonly payments: string };
  /** The state machine running the builder's definition, and the one the stack synthesized. */
  readonly machines: { readonly builder: LocalStateMachine; readonly synthesized: LocalStateMachine };
  /** What the payment function's gateway was asked. */
  readonly gateway: SimulatedPaymentGateway;
  stop(): Promise<void>;
}

const lambdaInjections: Injection<{ fn: FunctionSpec; event: Record<string, unknown> }>[] = [];
const taskInjections: Injection<TaskCall>[] = [];

/** Forgets the failures set up by a test. */
export function clearFaults(): void {
  lambdaInjections.length = 0;
  taskInjections.length = 0;
}

/** The rule that starts the saga loses its target: "Order Created" starts no execution by itself. */
function withoutSagaTarget(document: StackDocument): void {
  const targets = (document.resource as Record<string, Resources>).aws_cloudwatch_event_target ?? {};
  for (const [id, target] of Object.entries(targets))
    if (String(target.arn).includes("aws_sfn_state_machine.")) delete targets[id];
}

/** A copy of the synthesized state machine running the builder's definition, over the stack's references. */
function withBuilderMachine(document: StackDocument): void {
  const resources = document.resource as Record<string, Resources>;
  const idOf = (type: string, suffix: string, attribute: string) => {
    const found = Object.entries(resources[type] ?? {}).filter(([, r]) =>
      String(r[attribute === "function_name" ? "function_name" : "name"]).endsWith(suffix),
    );
    if (found.length !== 1) throw new Error(`expected one ${type} named *${suffix}, found ${found.length}`);
    return found[0]![0];
  };
  const machines = Object.entries(resources.aws_sfn_state_machine ?? {});
  if (machines.length !== 1) throw new Error(`expected one state machine in the stack, found ${machines.length}`);
  const [id, machine] = machines[0]!;
  const definition = buildOrderWorkflowDefinition({
    paymentFunctionArn: `\${aws_lambda_function.${idOf("aws_lambda_function", "-payment", "function_name")}.arn}`,
    inventoryFunctionArn: `\${aws_lambda_function.${idOf("aws_lambda_function", "-inventory", "function_name")}.arn}`,
    ordersTableName: `\${aws_dynamodb_table.${idOf("aws_dynamodb_table", "-orders", "name")}.name}`,
    eventBusName: `\${aws_cloudwatch_event_bus.${Object.keys(resources.aws_cloudwatch_event_bus ?? {})[0]}.name}`,
  });
  const name = String(machine.name);
  resources.aws_sfn_state_machine![`${id}_builder`] = {
    ...machine,
    name: `${name}-builder`,
    definition: JSON.stringify(definition),
  };
  // The role trusts Step Functions for the synthesized state machine only: the copy is trusted too.
  for (const role of Object.values(resources.aws_iam_role ?? {})) {
    const policy = String(role.assume_role_policy);
    const trusted = policy.match(/"aws:SourceArn":("[^"]*:stateMachine:[^"]*")/);
    if (trusted && JSON.parse(trusted[1]!).endsWith(name.replace(/^.*\}/, "")))
      role.assume_role_policy = policy.replace(
        trusted[0],
        `"aws:SourceArn":[${trusted[1]},${trusted[1]!.slice(0, -1)}-builder"]`,
      );
  }
}

/**
 * The payment function composed as its entry point composes it (handlers/payment.ts), from the
 * function's environment, its gateway the recording simulator. Built from that environment, not
 * `process.env`: a test runner's modules do not see the environment the in-process host scopes.
 */
function recordingPayment(spec: FunctionSpec, gateway: SimulatedPaymentGateway): PaymentHandler {
  const env = spec.environment;
  const client = createDynamoDBClient({
    endpoint: env.AWS_ENDPOINT_URL_DYNAMODB,
    region: env.AWS_REGION,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID!,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY!,
      sessionToken: env.AWS_SESSION_TOKEN,
    },
  });
  return createPaymentHandler({
    db: createDocumentClient(client),
    paymentsTableName: env[EnvVar.paymentsTable]!,
    gateway,
    obs: createObservability("payment"),
  });
}

export async function startSaga(): Promise<Saga> {
  const gateway = new SimulatedPaymentGateway({ recordCalls: true });
  const pipeline = await startPipeline({
    lambdaHost: "in-process",
    timeScale: 0.0001,
    mutate: (document) => {
      withoutSagaTarget(document);
      withBuilderMachine(document);
    },
    loadHandler: (spec) => (spec.name.endsWith("-payment") ? recordingPayment(spec, gateway) : undefined),
    faultDecider: (fn, _caller, _type, event) =>
      decide(lambdaInjections, { fn, event: event as Record<string, unknown> }) as InjectedFault | undefined,
    taskFaults: (call) => decide(taskInjections, call) as TaskFault | undefined,
  });
  const { runtime, parts } = pipeline;
  const machines = [...runtime.stateMachines.values()];
  const builder = machines.find((m) => m.spec.name.endsWith("-builder"));
  const synthesized = machines.find((m) => !m.spec.name.endsWith("-builder"));
  if (!builder || !synthesized) throw new Error("expected the synthesized and the builder's state machines");
  return {
    pipeline,
    db: createDocumentClient(runtime.tables.client),
    tables: { orders: parts.ordersTable, inventory: parts.inventoryTable, payments: parts.paymentsTable },
    machines: { builder, synthesized },
    gateway,
    stop: () => pipeline.stop(),
  };
}

function decide<C>(injections: readonly Injection<C>[], call: C): unknown {
  for (const injection of injections) {
    if (!injection.when(call)) continue;
    injection.calls++;
    const fault = injection.next();
    if (fault) return fault;
  }
  return undefined;
}

/**
 * The invocations of the function of `service` for which `when` holds answer `faults`, one per call,
 * then run normally. `calls` counts the calls `when` selected.
 */
export function failing(
  service: string,
  faults: readonly InjectedFault[],
  when: (event: Record<string, unknown>) => boolean = () => true,
): { calls: number } {
  const queue = [...faults];
  const injection: Injection<{ fn: FunctionSpec; event: Record<string, unknown> }> = {
    when: ({ fn, event }) => fn.name.endsWith(`-${service}`) && when(event),
    next: () => queue.shift(),
    calls: 0,
  };
  lambdaInjections.push(injection);
  return injection;
}

/** Lambda itself failing the invocation (its code does not run). */
export const lambdaServiceError = (
  name = "ServiceException",
  statusCode = 500,
  message = "Lambda is unavailable (local fault)",
): InjectedFault => ({ kind: "transient", serviceError: new AwsServiceError(name, message, { statusCode }) });

/** The code runs to its end (its writes happen), then the invocation fails with `errorType` instead of answering. */
export const failsAfterRunning = (errorType: string, errorMessage: string): InjectedFault => ({
  kind: "crash",
  message: `${errorType} (local fault)`,
  error: { errorType, errorMessage, trace: [] },
});

export const action = (name: string) => (event: Record<string, unknown>) => event.action === name;

/** The Tasks' DynamoDB calls whose request `when` selects first fail with `errorName`, `times` times. */
export function flakyDynamoDB(
  errorName: string,
  times: number,
  when: (request: Record<string, unknown>) => boolean,
): { failures: number } {
  let left = times;
  const counter = { failures: 0 };
  taskInjections.push({
    when: (call) => call.service === "dynamodb" && when(call.request as Record<string, unknown>),
    next: () => {
      if (left <= 0) return undefined;
      left--;
      counter.failures++;
      return {
        kind: "error",
        error: new AwsServiceError(errorName, `${errorName} (local fault)`, { statusCode: 400 }),
      };
    },
    calls: 0,
  });
  return counter;
}

/** The Tasks' next `times` PutEvents calls have every entry failed with `errorCode`. */
export function failPutEvents(times: number, errorCode: string): void {
  let left = times;
  taskInjections.push({
    when: (call) => call.service === "events",
    next: () => (left-- > 0 ? { kind: "failed-entries", errorCode, errorMessage: "injected failure" } : undefined),
    calls: 0,
  });
}

/** The events on the stack's bus (as its archive keeps them) about one order. */
export function eventsFor(saga: Saga, orderId: string): EventBridgeEnvelope[] {
  const { archives } = saga.pipeline.runtime;
  return archives.specs
    .flatMap((spec) => archives.events(spec.arn))
    .filter((e) => (e.detail as { orderId?: string }).orderId === orderId);
}

/**
 * Submits an order to the Order function and returns it with its "Order Created" event, as the
 * outbox pipe put it on the bus (the stream's INSERT through the pipe's filter and input template).
 */
export async function placeOrder(
  saga: Saga,
  request: Record<string, unknown>,
): Promise<{ order: OrderView; event: EventBridgeEnvelope }> {
  const { runtime, parts } = saga.pipeline;
  const answer = await runtime.invoke(parts.orderFunction.spec.name, request);
  if (answer.functionError)
    throw new Error(`the Order function refused the order: ${answer.functionError.errorMessage}`);
  const order = answer.payload as OrderView;
  await runtime.idle(30_000);
  const created = eventsFor(saga, order.orderId).find((e) => e["detail-type"] === "Order Created");
  if (!created) throw new Error(`no Order Created event for ${order.orderId}`);
  return { order, event: created };
}

/** Starts an execution of `machine` on `event` and waits for it (and what it started) to end. */
export async function execute(saga: Saga, machine: LocalStateMachine, event: unknown): Promise<ExecutionResult> {
  const { runtime } = saga.pipeline;
  const record = await machine.startExecution(event).done;
  await runtime.idle(30_000);
  const mine = runtime.trace.records.filter(
    (r) => "executionArn" in r && r.executionArn === record.executionArn,
  ) as TraceRecord[];
  const states = mine.filter((r): r is StateRecord => r.kind === "state");
  const taskCalls = mine.flatMap((r): TaskCallRecord[] =>
    r.kind === "task"
      ? [
          {
            state: r.state,
            input:
              r.resource === "arn:aws:states:::lambda:invoke" ? (r.input as { Payload?: unknown }).Payload : r.input,
            ...(r.error ? { error: { name: r.error } } : {}),
          },
        ]
      : [],
  );
  return {
    status: record.status,
    executionArn: record.executionArn,
    output: record.output,
    error: record.error,
    cause: record.cause,
    path: states.filter((s) => s.event === "entered").map((s) => s.state),
    taskCalls,
    states,
  };
}

/** Stock left of a product. */
export async function stockOf(saga: Saga, productId: string): Promise<number> {
  return Number((await getItem(saga.db, saga.tables.inventory, InventoryKey.stock(productId)))!.available);
}
