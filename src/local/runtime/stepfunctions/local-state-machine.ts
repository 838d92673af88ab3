import { randomUUID } from "node:crypto";
import { Activity } from "../activity";
import { Clock } from "../clock";
import { type TaskFaultDecider, withTaskFaults } from "../faults";
import { AwsServiceError } from "../service-error";
import { Trace } from "../trace";
import { runExecution, type EventLog, type StoppedAt } from "./execution";
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
  /** Times RedriveExecution restarted it (DescribeExecution's `redriveCount`). */
  redriveCount: number;
  /** When it was last redriven. */
  redriveDate?: Date;
  /** Where an unsuccessful run stopped: the state a redrive continues from, with that state's input. */
  stoppedAt?: StoppedAt;
  /** Settles when the execution (its latest redrive) ends. */
  done: Promise<ExecutionRecord>;
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
  /** Asked before each DynamoDB and PutEvents call of a Task (tests inject a failure into one call). */
  readonly taskFaults?: TaskFaultDecider;
}

/** Express workflows run five minutes at most (https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html). */
const EXPRESS_MAX_SECONDS = 300;
/** RedriveExecution takes executions that stopped within the last 14 days (API_RedriveExecution.html). */
const REDRIVABLE_MS = 14 * 24 * 3600 * 1000;

/**
 * One state machine from its synthesized definition, executed by aws-local-stepfunctions (see
 * execution.ts: context object, payload limit, retry waits on the runtime's time scale) with every
 * Task bound to the local service its Resource names. StartExecution answers at once; the
 * execution runs in the background.
 *
 * A Standard machine records each execution (status, output or error and cause) as the execution
 * history does, and RedriveExecution continues an unsuccessful one from the state it stopped in. An
 * Express machine keeps nothing once an execution ends: as on AWS, its log (here the trace) is the
 * only record ("Execution guarantees", express-at-least-once-execution.html); names are not unique,
 * each start is a new execution, and it is stopped after five minutes.
 */
export class LocalStateMachine {
  readonly executions = new Map<string, ExecutionRecord>();
  /** When the state machine was created (the runtime started it). */
  readonly createdAt = new Date();
  private readonly handlers: Record<string, { readonly resource: string; readonly run: TaskHandler }> = {};
  readonly stats = { started: 0, succeeded: 0, failed: 0, timedOut: 0, aborted: 0, redriven: 0 };
  /** The definition as it runs: an Express machine's execution ends after five minutes. */
  private readonly definition: AslMachine;

  constructor(
    readonly spec: StateMachineSpec,
    private readonly options: LocalStateMachineOptions,
  ) {
    // The runtime validates every definition once, off the main thread (see validate.ts).
    for (const [name, state] of taskStates(spec.definition)) {
      const { taskFaults } = options;
      const backends = taskFaults
        ? withTaskFaults(options.backends, taskFaults, { stateMachine: spec.name, state: name })
        : options.backends;
      this.handlers[name] = { resource: state.Resource ?? "", run: bindTask(name, state, backends) };
    }
    const declared = (spec.definition as { TimeoutSeconds?: number }).TimeoutSeconds;
    this.definition =
      spec.type === "EXPRESS"
        ? ({
            ...spec.definition,
            TimeoutSeconds: Math.min(declared ?? EXPRESS_MAX_SECONDS, EXPRESS_MAX_SECONDS),
          } as AslMachine)
        : spec.definition;
  }

  /** StartExecution: validates the input and starts the execution in the background; refusals are AwsServiceErrors. */
  startExecution(input: unknown, name: string = randomUUID()): ExecutionRecord {
    const json = JSON.stringify(input ?? {});
    const size = Buffer.byteLength(json, "utf8");
    if (size > MAX_PAYLOAD_BYTES)
      throw new AwsServiceError("InvalidExecutionInput", `input is ${size} bytes; the limit is ${MAX_PAYLOAD_BYTES}`);
    const express = this.spec.type === "EXPRESS";
    // Express execution ARNs carry a run id of their own after the name: a name may be started again.
    const executionArn = express
      ? `${this.spec.arn.replace(":stateMachine:", ":express:")}:${name}:${randomUUID()}`
      : `${this.spec.arn.replace(":stateMachine:", ":execution:")}:${name}`;
    if (this.executions.has(executionArn))
      throw new AwsServiceError("ExecutionAlreadyExists", `Execution Already Exists: '${executionArn}'`);
    const parsed = JSON.parse(json) as unknown;
    const record: ExecutionRecord = {
      executionArn,
      name,
      startDate: new Date(),
      input: parsed,
      status: "RUNNING",
      redriveCount: 0,
      done: Promise.resolve(undefined as never),
    };
    this.executions.set(executionArn, record);
    this.stats.started++;
    this.options.trace.emit({ kind: "execution-started", executionArn, stateMachine: this.spec.name, input: parsed });
    this.run(record, parsed);
    return record;
  }

  /**
   * RedriveExecution (Standard only): the same execution, same ARN and input, continues from the state
   * it stopped in, entered again with the input it had; what succeeded before is not run again, and
   * `redriveCount` goes up (https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html).
   */
  redriveExecution(executionArn: string): ExecutionRecord {
    if (this.spec.type === "EXPRESS")
      throw new AwsServiceError(
        "ExecutionNotRedrivable",
        "RedriveExecution is not supported by EXPRESS state machines.",
      );
    const record = this.executions.get(executionArn);
    if (!record) throw new AwsServiceError("ExecutionDoesNotExist", `Execution Does Not Exist: '${executionArn}'`);
    if (record.status === "RUNNING" || record.status === "SUCCEEDED")
      throw new AwsServiceError("ExecutionNotRedrivable", `Execution is ${record.status} and cannot be redriven.`);
    if (record.stopDate && Date.now() - record.stopDate.getTime() > REDRIVABLE_MS)
      throw new AwsServiceError("ExecutionNotRedrivable", "Execution redrivable period exceeded.");
    const from = record.stoppedAt;
    if (!from) throw new AwsServiceError("ExecutionNotRedrivable", "Execution stopped before it entered a state.");
    record.status = "RUNNING";
    record.redriveCount++;
    record.redriveDate = new Date();
    for (const key of ["stopDate", "output", "error", "cause", "stoppedAt"] as const) delete record[key];
    this.stats.redriven++;
    this.options.trace.emit({
      kind: "execution-redriven",
      executionArn,
      stateMachine: this.spec.name,
      state: from.state,
      redriveCount: record.redriveCount,
    });
    this.run(record, from.input, from.state);
    return record;
  }

  private run(record: ExecutionRecord, input: unknown, startAt?: string): void {
    let settle!: (r: ExecutionRecord) => void;
    record.done = new Promise<ExecutionRecord>((resolve) => (settle = resolve));
    const { executionArn, name } = record;
    const taskContext = { executionArn, stateMachineArn: this.spec.arn };
    const traced = this.options.traceStates?.() ?? true;
    const tasks: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [state, { resource, run }] of Object.entries(this.handlers)) {
      tasks[state] = traced
        ? async (input) => {
            const call = { kind: "task", executionArn, state, resource, input } as const;
            try {
              const output = await run(input, taskContext);
              this.options.trace.emit(call);
              return output;
            } catch (error) {
              this.options.trace.emit({ ...call, error: (error as Error).name });
              throw error;
            }
          }
        : (input) => run(input, taskContext);
    }
    const outcome = runExecution(
      this.definition,
      input,
      {
        executionArn,
        executionName: name,
        stateMachineArn: this.spec.arn,
        stateMachineName: this.spec.name,
        roleArn: this.spec.roleArn ?? "",
        redriveCount: record.redriveCount,
      },
      {
        tasks,
        scaled: (ms) => this.options.clock.scaled(ms),
        random: this.options.random ?? Math.random,
        ...(startAt !== undefined ? { startAt } : {}),
        onStopped: (at) => (record.stoppedAt = at),
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
    if (this.spec.type === "EXPRESS") this.executions.delete(record.executionArn);
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
