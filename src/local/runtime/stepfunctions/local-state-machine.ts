// aws-local-stepfunctions needs Promise.withResolvers (Node 22); added on Node 20.
import "../../polyfills";
import { randomUUID } from "node:crypto";
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import { Activity } from "../activity";
import { Clock } from "../clock";
import { Trace } from "../trace";
import { AslMachine, TaskBackends, TaskHandler, bindTask, retryingStates, taskStates } from "./task-bindings";

export interface StateMachineSpec {
  readonly name: string;
  readonly arn: string;
  readonly type: "STANDARD" | "EXPRESS";
  /** The definition with every reference resolved. */
  readonly definition: AslMachine;
}

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly name: string;
  readonly startDate: Date;
  readonly input: unknown;
  status: ExecutionStatus;
  stopDate?: Date;
  output?: unknown;
  error?: string;
  cause?: string;
  /** Settles when the execution ends. */
  readonly done: Promise<ExecutionRecord>;
}

/** Why StartExecution was refused, named as Step Functions names it. */
export class StartExecutionError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** What the library logs of an execution, as far as the trace reads it. */
type LogEvent = { readonly type: string; readonly timestamp?: number; readonly state?: { readonly name: string }; readonly Error?: string; readonly Cause?: unknown };

/** Step Functions' limit on an execution's input and on its state. */
export const MAX_INPUT_BYTES = 256 * 1024;

export interface LocalStateMachineOptions {
  readonly backends: TaskBackends;
  readonly clock: Clock;
  readonly trace: Trace;
  readonly activity: Activity;
  /** Record every state transition in the trace (costs a little; off for load runs). Default true. */
  readonly traceStates?: () => boolean;
}

/**
 * One state machine from its synthesized definition, executed by aws-local-stepfunctions with every
 * Task bound to the local service its Resource names, and every retrier's interval shortened by the
 * runtime's time scale through `retryIntervalOverrides`. StartExecution answers at once; the
 * execution runs in the background and is recorded (status, output or error and cause).
 */
export class LocalStateMachine {
  readonly executions = new Map<string, ExecutionRecord>();
  private readonly machine: StateMachine;
  private readonly handlers: Record<string, TaskHandler> = {};
  private readonly retryOverrides: Record<string, number[]> | undefined;
  readonly stats = { started: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0 };

  constructor(
    readonly spec: StateMachineSpec,
    private readonly options: LocalStateMachineOptions,
  ) {
    for (const [name, state] of taskStates(spec.definition)) this.handlers[name] = bindTask(name, state, options.backends);
    // Each retrier waits IntervalSeconds x the time scale (at least 1 ms); at scale 1 the library
    // computes the waits itself, with BackoffRate, MaxDelaySeconds and JitterStrategy.
    if (options.clock.scale !== 1) {
      this.retryOverrides = {};
      for (const [name, state] of retryingStates(spec.definition)) {
        this.retryOverrides[name] = (state.Retry ?? []).map((r) => Math.max(1, options.clock.scaled(Math.min(r.IntervalSeconds ?? 1, r.MaxDelaySeconds ?? Infinity) * 1000)));
      }
    }
    // The runtime validates every definition once, off the main thread (see validate.ts).
    this.machine = new StateMachine(spec.definition as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
  }

  /** StartExecution: validates the input and starts the execution in the background. */
  startExecution(input: unknown, name: string = randomUUID()): ExecutionRecord {
    const json = JSON.stringify(input ?? {});
    const size = Buffer.byteLength(json, "utf8");
    if (size > MAX_INPUT_BYTES) throw new StartExecutionError("InvalidExecutionInput", `input is ${size} bytes; the limit is ${MAX_INPUT_BYTES}`);
    const executionArn = `${this.spec.arn.replace(":stateMachine:", ":execution:")}:${name}`;
    if (this.executions.has(executionArn)) throw new StartExecutionError("ExecutionAlreadyExists", `Execution Already Exists: '${executionArn}'`);
    const parsed = JSON.parse(json) as unknown;
    const startDate = new Date();
    let settle!: (r: ExecutionRecord) => void;
    const done = new Promise<ExecutionRecord>((resolve) => (settle = resolve));
    const record: ExecutionRecord = { executionArn, name, startDate, input: parsed, status: "RUNNING", done };
    this.executions.set(executionArn, record);
    this.stats.started++;
    this.options.trace.emit({ kind: "execution-started", executionArn, stateMachine: this.spec.name, input: parsed });

    const taskContext = { executionArn, stateMachineArn: this.spec.arn };
    const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [state, handler] of Object.entries(this.handlers)) handlers[state] = (input) => handler(input, taskContext);
    const execution = this.machine.run(parsed as never, {
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        ...(this.retryOverrides ? { retryIntervalOverrides: this.retryOverrides } : {}),
      },
      context: {
        Execution: { Id: executionArn, Name: name, StartTime: startDate.toISOString(), RoleArn: "" },
        StateMachine: { Id: this.spec.arn, Name: this.spec.name },
      },
    });
    if (this.options.traceStates?.() ?? true) void this.followStates(executionArn, execution.eventLogs as AsyncGenerator<LogEvent>);
    void this.options.activity.track(
      execution.result.then(
        (output) => this.finish(record, "SUCCEEDED", { output }, settle),
        (error: Error & { cause?: Error }) => {
          if (error.name === "ExecutionTimeoutError") return this.finish(record, "TIMED_OUT", { error: "States.Timeout", cause: "The execution timed out" }, settle);
          if (error.name === "ExecutionAbortedError") return this.finish(record, "ABORTED", {}, settle);
          const cause = error.cause ?? error;
          return this.finish(record, "FAILED", { error: cause.name, cause: cause.message }, settle);
        },
      ),
    );
    return record;
  }

  private finish(
    record: ExecutionRecord,
    status: Exclude<ExecutionStatus, "RUNNING">,
    result: { output?: unknown; error?: string; cause?: string },
    settle: (r: ExecutionRecord) => void,
  ): void {
    record.status = status;
    record.stopDate = new Date();
    Object.assign(record, result);
    if (status === "SUCCEEDED") this.stats.succeeded++;
    else if (status === "FAILED") this.stats.failed++;
    else if (status === "TIMED_OUT") this.stats.timedOut++;
    else this.stats.aborted++;
    this.options.trace.emit({
      kind: "execution-finished",
      executionArn: record.executionArn,
      stateMachine: this.spec.name,
      status,
      input: record.input,
      output: result.output,
      error: result.error,
      cause: result.cause,
    });
    settle(record);
  }

  private async followStates(executionArn: string, logs: AsyncGenerator<LogEvent>): Promise<void> {
    const kinds: Record<string, "entered" | "exited" | "failed" | "retried" | "caught"> = {
      StateEntered: "entered",
      StateExited: "exited",
      StateFailed: "failed",
      StateRetried: "retried",
      StateCaught: "caught",
    };
    for await (const event of logs) {
      const kind = kinds[event.type];
      if (!kind || !event.state) continue;
      // The library's log is read asynchronously; its own timestamps say when each step happened.
      this.options.trace.emit(
        {
          kind: "state",
          executionArn,
          event: kind,
          state: event.state.name,
          ...(event.Error !== undefined ? { error: event.Error, cause: typeof event.Cause === "string" ? event.Cause : JSON.stringify(event.Cause) } : {}),
        },
        event.timestamp,
      );
    }
  }
}
