import { randomUUID } from "node:crypto";
import { Activity } from "../activity";
import { Clock } from "../clock";
import { Trace } from "../trace";
import { runExecution, type EventLog } from "./execution";
import { MAX_PAYLOAD_BYTES } from "./payload-limit";
import { AslMachine, TaskBackends, TaskHandler, bindTask, taskStates } from "./task-bindings";
import type { UsageRecorder } from "../usage";

export interface StateMachineSpec {
  readonly name: string;
  readonly arn: string;
  readonly type: "STANDARD" | "EXPRESS";
  /** The role it runs with (`role_arn`), for the context object; empty when absent. */
  readonly roleArn?: string;
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
type LogEvent = {
  readonly type: string;
  readonly timestamp?: number;
  readonly state?: { readonly name: string };
  readonly Error?: string;
  readonly Cause?: unknown;
};

export interface LocalStateMachineOptions {
  readonly backends: TaskBackends;
  readonly clock: Clock;
  readonly trace: Trace;
  readonly activity: Activity;
  /** The source of retry jitter. Default Math.random. */
  readonly random?: () => number;
  /** Record every state transition in the trace (costs a little; off for load runs). Default true. */
  readonly traceStates?: () => boolean;
  /** Told of every history event and every execution's end: billed work. */
  readonly usage?: Pick<UsageRecorder, "stateMachineEvent" | "executionFinished">;
}

/**
 * One state machine from its synthesized definition, executed by aws-local-stepfunctions (see
 * execution.ts: context object, payload limit, retry waits on the runtime's time scale) with every
 * Task bound to the local service its Resource names. StartExecution answers at once; the
 * execution runs in the background and is recorded (status, output or error and cause).
 */
export class LocalStateMachine {
  readonly executions = new Map<string, ExecutionRecord>();
  private readonly handlers: Record<string, TaskHandler> = {};
  readonly stats = { started: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0 };

  constructor(
    readonly spec: StateMachineSpec,
    private readonly options: LocalStateMachineOptions,
  ) {
    // The runtime validates every definition once, off the main thread (see validate.ts).
    for (const [name, state] of taskStates(spec.definition))
      this.handlers[name] = bindTask(name, state, options.backends);
  }

  /** StartExecution: validates the input and starts the execution in the background. */
  startExecution(input: unknown, name: string = randomUUID()): ExecutionRecord {
    const json = JSON.stringify(input ?? {});
    const size = Buffer.byteLength(json, "utf8");
    if (size > MAX_PAYLOAD_BYTES)
      throw new StartExecutionError(
        "InvalidExecutionInput",
        `input is ${size} bytes; the limit is ${MAX_PAYLOAD_BYTES}`,
      );
    const executionArn = `${this.spec.arn.replace(":stateMachine:", ":execution:")}:${name}`;
    if (this.executions.has(executionArn))
      throw new StartExecutionError("ExecutionAlreadyExists", `Execution Already Exists: '${executionArn}'`);
    const parsed = JSON.parse(json) as unknown;
    const startDate = new Date();
    let settle!: (r: ExecutionRecord) => void;
    const done = new Promise<ExecutionRecord>((resolve) => (settle = resolve));
    const record: ExecutionRecord = { executionArn, name, startDate, input: parsed, status: "RUNNING", done };
    this.executions.set(executionArn, record);
    this.stats.started++;
    this.options.trace.emit({ kind: "execution-started", executionArn, stateMachine: this.spec.name, input: parsed });

    const taskContext = { executionArn, stateMachineArn: this.spec.arn };
    const tasks: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [state, handler] of Object.entries(this.handlers)) tasks[state] = (input) => handler(input, taskContext);
    const traced = this.options.traceStates?.() ?? true;
    const outcome = runExecution(
      this.spec.definition,
      parsed,
      {
        executionArn,
        executionName: name,
        stateMachineArn: this.spec.arn,
        stateMachineName: this.spec.name,
        roleArn: this.spec.roleArn ?? "",
      },
      {
        tasks,
        scaled: (ms) => this.options.clock.scaled(ms),
        random: this.options.random ?? Math.random,
        ...(traced || this.options.usage
          ? {
              onEvent: (event: EventLog) => {
                this.options.usage?.stateMachineEvent(this.spec.arn, executionArn, event);
                if (traced) this.traceState(executionArn, event as LogEvent);
              },
            }
          : {}),
      },
    );
    void this.options.activity.track(
      outcome.then(({ status, ...result }) => this.finish(record, status, result, settle)),
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
    this.options.usage?.executionFinished(this.spec.arn, record.stopDate.getTime() - record.startDate.getTime());
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

  private traceState(executionArn: string, event: LogEvent): void {
    const kind = STATE_EVENTS[event.type];
    if (!kind || !event.state) return;
    // The library's log is read asynchronously; its own timestamps say when each step happened.
    this.options.trace.emit(
      {
        kind: "state",
        executionArn,
        event: kind,
        state: event.state.name,
        ...(event.Error !== undefined
          ? { error: event.Error, cause: typeof event.Cause === "string" ? event.Cause : JSON.stringify(event.Cause) }
          : {}),
      },
      event.timestamp,
    );
  }
}

const STATE_EVENTS: Record<string, "entered" | "exited" | "failed" | "retried" | "caught"> = {
  StateEntered: "entered",
  StateExited: "exited",
  StateFailed: "failed",
  StateRetried: "retried",
  StateCaught: "caught",
};
