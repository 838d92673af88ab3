import { randomUUID } from "node:crypto";
import { Activity } from "../activity";
import { Clock } from "../clock";
import { AwsServiceError } from "../service-error";
import { LocalQueues } from "../sqs/queues";
import { Trace } from "../trace";
import { type FunctionHost, type FunctionInstance, type InstanceOutcome } from "./function-host";
import { toJsonText } from "./json-text";
import { workerHost } from "./worker-host";
import type { UsageRecorder } from "../usage";

/** What the runtime knows of one synthesized `aws_lambda_function`. */
export interface FunctionSpec {
  readonly name: string;
  readonly arn: string;
  /** `index.handler`: module and export, as the function's `handler`. */
  readonly handler: string;
  /** Absolute path of the code: the archive's `source_dir`. */
  readonly codeDir: string;
  /** Everything the sandbox's `process.env` holds (Lambda's reserved variables included). */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly logGroupName: string;
  /** Asynchronous invocation settings (aws_lambda_function_event_invoke_config, dead_letter_config). */
  readonly async: AsyncInvokeSettings;
  /** Node flags from NODE_OPTIONS that a worker accepts (e.g. --enable-source-maps). */
  readonly execArgv: readonly string[];
}

export interface AsyncInvokeSettings {
  /** Retries after a function error; Lambda's default is 2. */
  readonly maximumRetryAttempts: number;
  /** Lambda's default is 6 hours. */
  readonly maximumEventAgeSeconds: number;
  readonly onFailureArn?: string;
  readonly onSuccessArn?: string;
  /** The function's own dead_letter_config target. */
  readonly deadLetterArn?: string;
}

/** How Lambda reports a function error. */
export interface FunctionErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

/** The answer of a synchronous invocation: the payload, or the function error in its place. */
export interface InvokeResult {
  readonly requestId: string;
  readonly payload: unknown;
  /** Set when the function failed ("Unhandled" on AWS); `payload` is then the FunctionErrorPayload. */
  readonly functionError?: FunctionErrorPayload;
  readonly durationMs: number;
}

/** Who is invoking, so faults can be injected where a real failure of that kind is possible. */
export type InvocationCaller =
  | { readonly kind: "client" }
  | { readonly kind: "event-bridge"; readonly rule: string }
  | {
      readonly kind: "state-machine";
      readonly stateName: string;
      /** Error names the calling state catches (it can be answered with a business error). */
      readonly catches: readonly string[];
      /** Error names the calling state retries. */
      readonly retries: readonly string[];
    };

/** An invocation that fails on purpose (`--fail`), decided before the code runs. */
export type InjectedFault =
  | { readonly kind: "business"; readonly error: FunctionErrorPayload }
  /**
   * The code runs (its writes happen), then its answer is lost: the caller gets Runtime.ExitError (the
   * sandbox was killed), or `error` when given (a timeout after the writes, an exception thrown after them).
   */
  | { readonly kind: "crash"; readonly message: string; readonly error?: FunctionErrorPayload }
  | { readonly kind: "transient"; readonly serviceError?: AwsServiceError; readonly error?: FunctionErrorPayload };

/** Asked before each invocation runs, with its event: a fault to inject, or undefined to run it. */
export type FaultDecider = (
  fn: FunctionSpec,
  caller: InvocationCaller,
  invocationType: "RequestResponse" | "Event",
  event?: unknown,
) => InjectedFault | undefined;

export interface LocalFunctionOptions {
  /** Most sandboxes run at once; one invocation at a time each, as on Lambda. Default 2. */
  readonly maxSandboxes?: number;
  readonly queues: LocalQueues;
  readonly clock: Clock;
  readonly trace: Trace;
  readonly activity: Activity;
  readonly faults?: FaultDecider;
  /** File the functions' output (console, Powertools logs) is appended to. Default: discarded. */
  readonly logFile?: string;
  /** Also write the functions' output to stderr. */
  readonly echoLogs?: boolean;
  /** IAM for sending to a destination or dead-letter queue as the function's role: the denial message, or undefined. */
  readonly authorizeSend?: (queueArn: string) => string | undefined;
  /** Where the code runs: worker-thread sandboxes (the default) or in this process (see function-host.ts). */
  readonly host?: FunctionHost;
  /** Told of each invocation that ran (or stood in for running): billed work. */
  readonly usage?: Pick<UsageRecorder, "invoked">;
}

/** Lambda's limits on a payload. */
const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
const MAX_ASYNC_PAYLOAD_BYTES = 256 * 1024;

/**
 * One Lambda function, run from its synthesized bundle: a pool of sandboxes (by default worker
 * threads, each with the function's own `process.env`; see function-host.ts), one invocation at a time each; a new sandbox (a cold start) when
 * all are busy, up to `maxSandboxes`, then invocations wait. Synchronous invocations answer like
 * Invoke (payload, or function error); asynchronous ones are retried after function errors as the
 * function's event invoke config says, then sent to its on-failure destination or dead-letter queue.
 */
export class LocalFunction {
  private readonly sandboxes: FunctionInstance[] = [];
  private readonly waiting: ((s: FunctionInstance) => void)[] = [];
  private readonly maxSandboxes: number;
  private stopped = false;
  readonly stats = { invocations: 0, errors: 0, injected: 0, coldStarts: 0, asyncFailures: 0 };

  constructor(
    readonly spec: FunctionSpec,
    private readonly options: LocalFunctionOptions,
  ) {
    this.maxSandboxes = Math.max(1, options.maxSandboxes ?? 2);
  }

  /** Starts one sandbox ahead of the first invocation; resolves once its code is loaded. */
  async warm(): Promise<void> {
    if (this.sandboxes.length === 0) this.spawn();
    await this.sandboxes[0]?.ready;
  }

  private spawn(): FunctionInstance {
    this.stats.coldStarts++;
    const sandbox = (this.options.host ?? workerHost)(
      this.spec,
      { logFile: this.options.logFile, echoLogs: this.options.echoLogs },
      (dead) => {
        const i = this.sandboxes.indexOf(dead);
        if (i >= 0) this.sandboxes.splice(i, 1);
        if (!this.stopped && this.waiting.length > 0) this.waiting.shift()?.(this.spawn());
      },
    );
    this.sandboxes.push(sandbox);
    return sandbox;
  }

  private acquire(): Promise<FunctionInstance> {
    const idle = this.sandboxes.find((s) => !s.busy && !s.dead);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    if (this.sandboxes.length < this.maxSandboxes) {
      const s = this.spawn();
      s.busy = true;
      return Promise.resolve(s);
    }
    return new Promise((resolve) =>
      this.waiting.push((s) => {
        s.busy = true;
        resolve(s);
      }),
    );
  }

  private release(sandbox: FunctionInstance): void {
    sandbox.busy = false;
    if (sandbox.dead) return;
    const next = this.waiting.shift();
    if (next) next(sandbox);
  }

  /**
   * Invoke (RequestResponse). Throws an AwsServiceError when Lambda itself refuses (payload too large,
   * an injected transient fault); a function error is returned, as the Invoke API returns it.
   */
  async invoke(event: unknown, caller: InvocationCaller = { kind: "client" }): Promise<InvokeResult> {
    return this.run(event, caller, "RequestResponse");
  }

  private async run(
    event: unknown,
    caller: InvocationCaller,
    invocationType: "RequestResponse" | "Event",
  ): Promise<InvokeResult> {
    if (this.stopped)
      throw new AwsServiceError("ServiceException", "the local runtime is stopping", { statusCode: 500 });
    const requestId = randomUUID();
    const eventJson = toJsonText(event);
    const limit = invocationType === "Event" ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
    const size = Buffer.byteLength(eventJson, "utf8");
    if (size > limit) {
      throw new AwsServiceError(
        "RequestEntityTooLargeException",
        `Request must be smaller than ${limit} bytes for the ${invocationType} invocation type (got ${size})`,
        { statusCode: 413 },
      );
    }
    this.stats.invocations++;
    const started = Date.now();
    const fault = this.options.faults?.(this.spec, caller, invocationType, event);
    if (fault?.kind === "crash") return this.runAndCrash(requestId, eventJson, invocationType, fault, started, caller);
    if (fault) {
      this.stats.injected++;
      const error = fault.error;
      this.options.trace.emit({
        kind: "function-invoked",
        functionName: this.spec.name,
        requestId,
        invocationType,
        durationMs: 0,
        errorType:
          fault.kind === "transient" && fault.serviceError ? `Lambda.${fault.serviceError.name}` : error?.errorType,
        errorMessage:
          fault.kind === "transient" && fault.serviceError ? fault.serviceError.message : error?.errorMessage,
        injected: fault.kind,
      });
      if (fault.kind === "transient" && fault.serviceError) throw fault.serviceError;
      this.stats.errors++;
      this.options.usage?.invoked(this.spec.name, 0, 0, caller);
      return { requestId, payload: error, functionError: error, durationMs: 0 };
    }
    const sandbox = await this.acquire();
    let outcome: InstanceOutcome;
    try {
      outcome = await sandbox.run(requestId, eventJson);
    } finally {
      this.release(sandbox);
    }
    const durationMs = Date.now() - started;
    this.options.usage?.invoked(this.spec.name, durationMs, outcome.logBytes ?? 0, caller);
    this.options.trace.emit({
      kind: "function-invoked",
      functionName: this.spec.name,
      requestId,
      invocationType,
      durationMs,
      errorType: outcome.error?.errorType,
      errorMessage: outcome.error?.errorMessage,
    });
    if (outcome.error) {
      this.stats.errors++;
      return { requestId, payload: outcome.error, functionError: outcome.error, durationMs };
    }
    return { requestId, payload: JSON.parse(outcome.payload ?? "null") as unknown, durationMs };
  }

  /**
   * An invocation that dies once the handler has finished, before its answer leaves: its writes
   * happened, and the caller gets Lambda's answer for a runtime that exited (Runtime.ExitError), or the
   * fault's own error. The sandbox is kept: Lambda would start a new one, a cold start that only slows
   * a run down.
   */
  private async runAndCrash(
    requestId: string,
    eventJson: string,
    invocationType: "RequestResponse" | "Event",
    fault: Extract<InjectedFault, { kind: "crash" }>,
    started: number,
    caller: InvocationCaller,
  ): Promise<InvokeResult> {
    this.stats.injected++;
    const sandbox = await this.acquire();
    try {
      const ran = await sandbox.run(requestId, eventJson);
      this.options.usage?.invoked(this.spec.name, Date.now() - started, ran.logBytes ?? 0, caller);
    } finally {
      this.release(sandbox);
    }
    const error: FunctionErrorPayload = fault.error ?? {
      errorType: "Runtime.ExitError",
      errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed (${fault.message})`,
      trace: [],
    };
    this.stats.errors++;
    this.options.trace.emit({
      kind: "function-invoked",
      functionName: this.spec.name,
      requestId,
      invocationType,
      durationMs: Date.now() - started,
      errorType: error.errorType,
      errorMessage: error.errorMessage,
      injected: "crash",
    });
    return { requestId, payload: error, functionError: error, durationMs: Date.now() - started };
  }

  /**
   * Invoke with InvocationType Event: checks the payload size and queues the event (Lambda answers 202
   * at once); the invocation then runs in the background, with retries and destinations.
   */
  invokeAsync(event: unknown, caller: InvocationCaller): void {
    const size = Buffer.byteLength(toJsonText(event ?? null), "utf8");
    if (size > MAX_ASYNC_PAYLOAD_BYTES) {
      throw new AwsServiceError(
        "RequestEntityTooLargeException",
        `Request must be smaller than ${MAX_ASYNC_PAYLOAD_BYTES} bytes for the Event invocation type (got ${size})`,
        { statusCode: 413 },
      );
    }
    if (this.stopped)
      throw new AwsServiceError("ServiceException", "the local runtime is stopping", { statusCode: 500 });
    void this.options.activity.track(this.runAsync(event, caller));
  }

  private async runAsync(event: unknown, caller: InvocationCaller): Promise<void> {
    const { maximumRetryAttempts, maximumEventAgeSeconds } = this.spec.async;
    let nominalAgeMs = 0;
    let last: InvokeResult | undefined;
    let condition = "RetriesExhausted";
    for (let attempt = 1; ; attempt++) {
      try {
        last = await this.run(event, caller, "Event");
      } catch (error) {
        // Lambda itself failed (throttle, service error): retried until the event is too old.
        const delay = Math.min(1000 * 2 ** (attempt - 1), 300_000);
        if (nominalAgeMs + delay > maximumEventAgeSeconds * 1000 || this.stopped) {
          condition = "EventAgeExceeded";
          const e = error as Error;
          last = {
            requestId: randomUUID(),
            payload: null,
            functionError: { errorType: e.name, errorMessage: e.message, trace: [] },
            durationMs: 0,
          };
          break;
        }
        nominalAgeMs += delay;
        await this.options.clock.sleep(delay);
        attempt--;
        continue;
      }
      if (!last.functionError) {
        if (this.spec.async.onSuccessArn)
          this.sendRecord(this.spec.async.onSuccessArn, event, last, "Success", attempt);
        return;
      }
      if (attempt > maximumRetryAttempts) break;
      // Lambda waits about one minute before the first retry and two before the second.
      const delay = 60_000 * attempt;
      if (nominalAgeMs + delay > maximumEventAgeSeconds * 1000) {
        condition = "EventAgeExceeded";
        break;
      }
      nominalAgeMs += delay;
      await this.options.clock.sleep(delay);
    }
    this.stats.asyncFailures++;
    const attempts = maximumRetryAttempts + 1;
    if (this.spec.async.onFailureArn) {
      this.sendRecord(this.spec.async.onFailureArn, event, last as InvokeResult, condition, attempts);
    } else if (this.spec.async.deadLetterArn) {
      const error = last?.functionError;
      this.deliver(
        this.spec.async.deadLetterArn,
        JSON.stringify(event),
        "dead-letter queue",
        {
          RequestID: last?.requestId ?? "",
          ErrorCode: "200",
          ErrorMessage: `${error?.errorType}: ${error?.errorMessage}`,
        },
        `${error?.errorType}: ${error?.errorMessage} (${condition})`,
      );
    } else {
      this.options.trace.emit({
        kind: "dropped",
        source: `async invocation of ${this.spec.name}`,
        reason: `${last?.functionError?.errorType}: ${last?.functionError?.errorMessage} (${condition}); the function has no on-failure destination or dead-letter queue`,
      });
    }
  }

  /** An invocation record, as Lambda sends it to a destination. */
  private sendRecord(arn: string, event: unknown, result: InvokeResult, condition: string, attempts: number): void {
    const record = {
      version: "1.0",
      timestamp: new Date().toISOString(),
      requestContext: {
        requestId: result.requestId,
        functionArn: `${this.spec.arn}:$LATEST`,
        condition,
        approximateInvokeCount: attempts,
      },
      requestPayload: event,
      responseContext: {
        statusCode: 200,
        executedVersion: "$LATEST",
        ...(result.functionError ? { functionError: "Unhandled" } : {}),
      },
      responsePayload: result.payload,
    };
    const reason = result.functionError
      ? `${result.functionError.errorType}: ${result.functionError.errorMessage} (${condition}, ${attempts} attempts)`
      : "";
    this.deliver(
      arn,
      JSON.stringify(record),
      condition === "Success" ? "on-success destination" : "on-failure destination",
      {},
      reason,
    );
  }

  private deliver(arn: string, body: string, what: string, attributes: Record<string, string>, reason: string): void {
    try {
      const denial = this.options.authorizeSend?.(arn);
      if (denial) throw new Error(`AccessDenied: ${denial}`);
      this.options.queues.send(arn, body, attributes);
      const queue = this.options.queues.find(arn);
      if (what !== "on-success destination") {
        this.options.trace.emit({
          kind: "dead-lettered",
          queue: queue?.name ?? arn,
          source: `${what} of ${this.spec.name}`,
          reason,
        });
      }
    } catch (error) {
      this.options.trace.emit({
        kind: "dropped",
        source: `${what} of ${this.spec.name}`,
        reason: `${arn} refused it: ${(error as Error).message}`,
      });
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.sandboxes.map((s) => s.stop()));
    this.sandboxes.length = 0;
  }
}
