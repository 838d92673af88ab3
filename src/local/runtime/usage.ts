import { STATES_ACCESS_KEY_ID } from "./dynamodb/json-client";
import { functionAccessKeyId } from "./lambda/environment";
import type { DynamoDbMeter } from "./dynamodb/dynalite-server";
import type { EventsCaller } from "./eventbridge/bus";
import type { InvocationCaller } from "./lambda/local-function";
import type { DeclaredStateMachine, StackModel } from "./stack-model";
import type { Trace, TraceRecord } from "./trace";

/** Billable work of one function: requests, and duration at the stack's memory size. */
interface LambdaUsage {
  readonly memoryMb: number;
  readonly requests: number;
  /** Measured durations, each rounded up to the millisecond as Lambda bills it. */
  readonly billedMs: number;
  readonly gbSeconds: number;
}

/** Billable work of one state machine: transitions (STANDARD) or requests and GB-seconds (EXPRESS). */
interface StateMachineUsage {
  readonly type: "STANDARD" | "EXPRESS";
  readonly executions: number;
  /** Each state entered, and each retry of one. */
  readonly transitions: number;
  /** What EXPRESS bills of these executions: measured durations rounded up to 100 ms, at 64 MB (whatever the type). */
  readonly expressGbSeconds: number;
}

/** What the runtime served, as AWS would bill it. */
export interface Usage {
  readonly lambda: Readonly<Record<string, LambdaUsage>>;
  readonly stepFunctions: Readonly<Record<string, StateMachineUsage>>;
  /** Request units by table, of the functions' and the state machines' calls. */
  readonly dynamodb: Readonly<Record<string, { readonly readUnits: number; readonly writeUnits: number }>>;
  /** DynamoDB requests served to the functions and the state machines. */
  readonly dynamodbRequests: number;
  /** SDK calls by caller (function name, `states` for the state machines' integrations, a pipe's name), as `service:Operation`. */
  readonly sdkCalls: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly eventbridge: {
    /** Events published, in 64 KB chunks as billed. */
    readonly events: number;
    /** Delivery attempts to targets. */
    readonly deliveries: number;
  };
  /** Pipe requests: each batch handed to the target, retries included. */
  readonly pipes: Readonly<Record<string, { readonly requests: number; readonly records: number }>>;
  /** SQS requests (messages sent), in 64 KB chunks. */
  readonly sqs: { readonly requests: number };
  /** Bytes ingested by CloudWatch Logs, by log group. */
  readonly logs: Readonly<Record<string, number>>;
  /** X-Ray traces recorded. */
  readonly xray: { readonly traces: number };
}

/** How each figure is arrived at, for the report: what is measured, what is modelled. */
export const USAGE_NOTES: readonly string[] = [
  "Lambda: durations are measured locally (worker threads on this machine, not Lambda's), at each function's memory_size",
  "Lambda logs: the functions' own output, measured, plus the platform start and report records Lambda writes per invocation",
  "Step Functions: a transition per state entered and per retry; EXPRESS at 64 MB and measured durations rounded up to 100 ms",
  "Step Functions logs: one record per history event at the state machine's level, with input and output when include_execution_data is set",
  "DynamoDB: request units from the item sizes dynalite holds; Query and Scan are not metered (the stack's code makes none)",
  "X-Ray: one trace per request entering with tracing on (orders, rule-invoked functions, executions), every request sampled",
];

const CHUNK = 64 * 1024;
const chunks = (bytes: number) => Math.max(1, Math.ceil(bytes / CHUNK));

interface MutableLambda {
  memoryMb: number;
  requests: number;
  billedMs: number;
}

/**
 * Counts the billable work the runtime serves. The services call it at single points (an
 * invocation's end, a state machine's history event, a queue's send); the bus and the pipes are read
 * from the trace; DynamoDB's request units are counted in dynalite's worker and read with `usage()`.
 */
export class UsageRecorder {
  private lambdaUsage = new Map<string, MutableLambda>();
  private machines = new Map<string, { executions: number; transitions: number; expressGbSeconds: number }>();
  private events = 0;
  private deliveries = 0;
  private pipeUsage = new Map<string, { requests: number; records: number }>();
  private sqsRequests = 0;
  private logBytes = new Map<string, number>();
  private traces = 0;
  private putEventsCalls = new Map<string, number>();
  private readonly callers = new Map<string, string>();

  constructor(
    private readonly model: StackModel,
    private readonly dynamodb: { meter(reset?: boolean): Promise<DynamoDbMeter> },
    trace: Trace,
  ) {
    for (const fn of model.functions) this.callers.set(functionAccessKeyId(fn.name), fn.name);
    this.callers.set(STATES_ACCESS_KEY_ID, "states");
    trace.subscribe((record) => this.fromTrace(record));
  }

  /** A function invocation ended; `logBytes` is what its code wrote. */
  invoked(functionName: string, durationMs: number, logBytes: number, caller: InvocationCaller): void {
    const fn = this.model.functions.find((f) => f.name === functionName);
    if (!fn) return;
    let u = this.lambdaUsage.get(functionName);
    if (!u) this.lambdaUsage.set(functionName, (u = { memoryMb: fn.memoryMb, requests: 0, billedMs: 0 }));
    const billedMs = Math.max(1, Math.ceil(durationMs));
    u.requests++;
    u.billedMs += billedMs;
    this.log(fn.logGroupName, logBytes + platformRecordBytes(functionName, fn.memoryMb, billedMs));
    // Invoked by a state machine, the function is a segment of the execution's trace.
    if (fn.tracing && caller.kind !== "state-machine") this.traces++;
  }

  /** A history event of an execution (the library's event log entry). */
  stateMachineEvent(stateMachineArn: string, executionArn: string, event: { readonly type: string }): void {
    const sm = this.stateMachine(stateMachineArn);
    if (!sm) return;
    const m = this.machine(sm.arn);
    const type = String(event.type);
    if (type === "StateEntered" || type === "StateRetried") m.transitions++;
    if (type === "ExecutionStarted") {
      m.executions++;
      if (sm.tracing) this.traces++;
    }
    const level = sm.logging.level;
    if (level === "OFF" || (level !== "ALL" && !/Failed|Aborted|Timeout|Timed/.test(type))) return;
    const logGroup = `states:${sm.name}`;
    const data = sm.logging.includeExecutionData ? event : { type };
    // A Task state writes Scheduled, Started and Succeeded (or Failed) besides Entered and Exited.
    const state = (event as { state?: { type?: string } }).state;
    const records = type === "StateEntered" && state?.type === "Task" ? 4 : 1;
    this.log(logGroup, records * historyRecordBytes(executionArn, data));
  }

  /** An execution ended after `durationMs`. */
  executionFinished(stateMachineArn: string, durationMs: number): void {
    if (!this.stateMachine(stateMachineArn)) return;
    this.machine(stateMachineArn).expressGbSeconds += (Math.max(1, Math.ceil(durationMs / 100)) / 10) * (64 / 1024);
  }

  /** A PutEvents request was served: an SDK call of a function (its access key), a state machine or a pipe (their roles). */
  putEvents(caller: EventsCaller | undefined): void {
    const principal = caller?.principal;
    const roleArn = principal?.kind === "role-session" ? principal.roleArn : undefined;
    const name = caller?.accessKeyId
      ? this.callers.get(caller.accessKeyId)
      : roleArn && this.model.stateMachines.some((sm) => sm.roleArn === roleArn)
        ? "states"
        : this.model.pipes.find((p) => p.roleArn === roleArn)?.name;
    const key = name ?? "other";
    this.putEventsCalls.set(key, (this.putEventsCalls.get(key) ?? 0) + 1);
  }

  /** A message was sent to a queue. */
  sent(bodyBytes: number): void {
    this.sqsRequests += chunks(bodyBytes);
  }

  /** Everything counted since the start or the last `reset`. */
  async usage(options: { reset?: boolean } = {}): Promise<Usage> {
    const meter = await this.dynamodb.meter(options.reset);
    const dynamodb: Record<string, { readUnits: number; writeUnits: number }> = {};
    const sdkCalls: Record<string, Record<string, number>> = {};
    let dynamodbRequests = 0;
    for (const [key, byTable] of Object.entries(meter.units)) {
      if (!this.callers.has(key)) continue;
      for (const [table, u] of Object.entries(byTable)) {
        const t = (dynamodb[table] ??= { readUnits: 0, writeUnits: 0 });
        t.readUnits += u.readUnits;
        t.writeUnits += u.writeUnits;
      }
    }
    for (const [key, byOperation] of Object.entries(meter.calls)) {
      const caller = this.callers.get(key);
      if (!caller) continue;
      const calls = (sdkCalls[caller] ??= {});
      for (const [operation, n] of Object.entries(byOperation)) {
        calls[`dynamodb:${operation}`] = (calls[`dynamodb:${operation}`] ?? 0) + n;
        dynamodbRequests += n;
      }
    }
    for (const [caller, n] of this.putEventsCalls) {
      const calls = (sdkCalls[caller] ??= {});
      calls["events:PutEvents"] = (calls["events:PutEvents"] ?? 0) + n;
    }
    const usage: Usage = {
      lambda: Object.fromEntries(
        [...this.lambdaUsage].map(([name, u]) => [
          name,
          { ...u, gbSeconds: (u.billedMs / 1000) * (u.memoryMb / 1024) },
        ]),
      ),
      stepFunctions: Object.fromEntries(
        this.model.stateMachines.map((sm) => {
          const m = this.machines.get(sm.arn) ?? { executions: 0, transitions: 0, expressGbSeconds: 0 };
          return [sm.name, { type: sm.type, ...m }];
        }),
      ),
      dynamodb,
      dynamodbRequests,
      sdkCalls,
      eventbridge: { events: this.events, deliveries: this.deliveries },
      pipes: Object.fromEntries([...this.pipeUsage].map(([name, p]) => [name, { ...p }])),
      sqs: { requests: this.sqsRequests },
      logs: Object.fromEntries(this.logBytes),
      xray: { traces: this.traces },
    };
    if (options.reset) this.clear();
    return usage;
  }

  private clear(): void {
    this.lambdaUsage = new Map();
    this.machines = new Map();
    this.events = 0;
    this.deliveries = 0;
    this.pipeUsage = new Map();
    this.sqsRequests = 0;
    this.logBytes = new Map();
    this.traces = 0;
    this.putEventsCalls = new Map();
  }

  private stateMachine(arn: string): DeclaredStateMachine | undefined {
    return this.model.stateMachines.find((sm) => sm.arn === arn);
  }

  private machine(arn: string) {
    let m = this.machines.get(arn);
    if (!m) this.machines.set(arn, (m = { executions: 0, transitions: 0, expressGbSeconds: 0 }));
    return m;
  }

  private log(group: string, bytes: number): void {
    this.logBytes.set(group, (this.logBytes.get(group) ?? 0) + bytes);
  }

  private fromTrace(record: TraceRecord): void {
    if (record.kind === "event-accepted") {
      const bytes = Buffer.byteLength(
        JSON.stringify({ source: record.source, "detail-type": record.detailType, detail: record.detail }),
        "utf8",
      );
      this.events += chunks(bytes);
    } else if (record.kind === "delivered" || record.kind === "delivery-failed") {
      this.deliveries++;
    } else if (record.kind === "pipe-delivered") {
      let p = this.pipeUsage.get(record.pipe);
      if (!p) this.pipeUsage.set(record.pipe, (p = { requests: 0, records: 0 }));
      p.requests += record.attempts;
      p.records += record.sequenceNumbers.length;
    }
  }
}

/** The platform records Lambda writes per invocation (JSON log format): platform.start and platform.report. */
function platformRecordBytes(functionName: string, memoryMb: number, billedMs: number): number {
  const requestId = "00000000-0000-0000-0000-000000000000";
  const time = new Date(0).toISOString();
  const start = { time, type: "platform.start", record: { requestId, functionArn: functionName, version: "$LATEST" } };
  const report = {
    time,
    type: "platform.report",
    record: {
      requestId,
      metrics: { durationMs: billedMs, billedDurationMs: billedMs, memorySizeMB: memoryMb, maxMemoryUsedMB: memoryMb },
      status: "success",
    },
  };
  return Buffer.byteLength(`${JSON.stringify(start)}\n${JSON.stringify(report)}\n`, "utf8");
}

/** One execution history record as Step Functions logs it to CloudWatch Logs. */
function historyRecordBytes(executionArn: string, details: unknown): number {
  const record = {
    id: "10",
    type: "TaskStateEntered",
    details,
    previous_event_id: "9",
    event_timestamp: "1700000000000",
    execution_arn: executionArn,
    redrive_count: "0",
  };
  return Buffer.byteLength(JSON.stringify(record), "utf8");
}
