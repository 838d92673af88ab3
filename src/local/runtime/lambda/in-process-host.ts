import * as fs from "node:fs";
import * as path from "node:path";
import { nodeRequire } from "./node-loader";
import { inScope, type FunctionScope } from "./scoped-environment";
import type { FunctionHost, FunctionInstance, InstanceOutcome } from "./function-host";
import type { FunctionErrorPayload, FunctionSpec } from "./local-function";

/** A Lambda handler as a Node.js module exports it: promise-returning, or callback-style with three parameters. */
export type LambdaHandler = (
  event: unknown,
  context: LambdaContext,
  callback?: (error: unknown, result?: unknown) => void,
) => unknown;

/** The context object Lambda's Node.js runtime passes, as the worker sandbox builds it too. */
export interface LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
  done(error?: unknown, result?: unknown): void;
  succeed(result: unknown): void;
  fail(error: unknown): void;
}

/**
 * The context of one invocation of `spec`, as the worker sandbox builds it (sandbox-source.ts):
 * `getRemainingTimeInMillis` counts down to `deadline`; `done`, `succeed` and `fail` answer it.
 */
export function lambdaContext(
  spec: Pick<FunctionSpec, "name" | "arn" | "memoryMb" | "logGroupName">,
  invocation: {
    readonly requestId: string;
    readonly deadline: number;
    readonly logStreamName: string;
    readonly succeed: (result: unknown) => void;
    readonly fail: (error: unknown) => void;
  },
): LambdaContext {
  const { succeed, fail } = invocation;
  return {
    functionName: spec.name,
    functionVersion: "$LATEST",
    invokedFunctionArn: spec.arn,
    memoryLimitInMB: String(spec.memoryMb),
    awsRequestId: invocation.requestId,
    logGroupName: spec.logGroupName,
    logStreamName: invocation.logStreamName,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, invocation.deadline - Date.now()),
    done: (err, res) => (err ? fail(err) : succeed(res)),
    succeed,
    fail,
  };
}

/** Finds a function's handler; called in the function's environment, once per instance. */
type HandlerLoader = (spec: FunctionSpec) => LambdaHandler;

/** The deployed bundle's handler: `handler` (`index.handler`) resolved in the code directory, as the sandbox does. */
const requireHandler: HandlerLoader = (spec) => {
  const dot = spec.handler.lastIndexOf(".");
  const moduleName = dot > 0 ? spec.handler.slice(0, dot) : spec.handler;
  const exportName = dot > 0 ? spec.handler.slice(dot + 1) : "handler";
  // Node's own require, as Lambda's runtime loads the module (not a test runner's module registry).
  const mod = nodeRequire(path.join(spec.codeDir, "index.js"))(path.join(spec.codeDir, moduleName)) as Record<
    string,
    unknown
  >;
  const fn = mod[exportName];
  if (typeof fn !== "function")
    throw Object.assign(new Error(`${moduleName}.${exportName} is undefined or not exported`), {
      name: "Runtime.HandlerNotFound",
    });
  return fn as LambdaHandler;
};

function errorOf(e: unknown, fallbackType = "Error"): FunctionErrorPayload {
  const error = e as { name?: unknown; message?: unknown; stack?: unknown } | null;
  const errorType =
    (error && typeof error === "object" && typeof error.name === "string" && error.name) || fallbackType;
  const errorMessage = error && typeof error === "object" && "message" in error ? String(error.message) : String(e);
  const trace = error && typeof error.stack === "string" ? error.stack.split("\n") : [];
  return { errorType, errorMessage, trace };
}

/**
 * A function's output as the sandbox writes it: each line prefixed with the function name, appended
 * to the log file and echoed to stderr when asked, discarded otherwise.
 */
function functionLog(name: string, logs: { readonly logFile?: string; readonly echoLogs?: boolean }) {
  return (text: string) => {
    if (!logs.logFile && !logs.echoLogs) return;
    const lines = text
      .split("\n")
      .filter((line) => line)
      .map((line) => `${name} ${line}\n`)
      .join("");
    // Written synchronously, as the sandbox writes its fd: lines stay in order and are on disk when stop() returns.
    if (logs.logFile) fs.appendFileSync(logs.logFile, lines);
    if (logs.echoLogs) fs.write(2, lines, () => undefined);
  };
}

/** One instance: the handler loaded in this process, run in the function's environment. */
class InProcessInstance implements FunctionInstance {
  readonly ready: Promise<void>;
  busy = false;
  dead = false;
  private readonly scope: FunctionScope;
  private loggedBytes = 0;
  private handler?: LambdaHandler;
  private initError?: FunctionErrorPayload;
  private readonly logStreamName = `local/[$LATEST]${Math.random().toString(16).slice(2)}`;

  constructor(
    private readonly spec: FunctionSpec,
    logs: { readonly logFile?: string; readonly echoLogs?: boolean },
    load: HandlerLoader,
    private readonly onDeath: (instance: FunctionInstance) => void,
  ) {
    const write = functionLog(spec.name, logs);
    const log = (text: string) => {
      // What CloudWatch Logs would ingest of the invocation, as the sandbox counts it.
      this.loggedBytes += Buffer.byteLength(text, "utf8");
      write(text);
    };
    this.scope = { environment: { ...spec.environment }, log };
    try {
      this.handler = inScope(this.scope, () => load(spec));
    } catch (error) {
      this.initError = errorOf(error);
    }
    this.ready = Promise.resolve();
  }

  async run(requestId: string, eventJson: string): Promise<InstanceOutcome> {
    if (this.initError) return { error: this.initError };
    if (this.dead) return { error: { errorType: "Runtime.ExitError", errorMessage: "the sandbox is gone", trace: [] } };
    const handler = this.handler as LambdaHandler;
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    return new Promise<InstanceOutcome>((resolve) => {
      let settled = false;
      const answer = (outcome: InstanceOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...outcome, logBytes: this.loggedBytes });
        this.loggedBytes = 0;
      };
      const succeed = (result: unknown) => {
        try {
          answer({ payload: JSON.stringify(result === undefined ? null : result) });
        } catch (e) {
          answer({ error: errorOf(e, "Runtime.MarshalError") });
        }
      };
      const fail = (e: unknown) => answer({ error: errorOf(e) });
      const timer = setTimeout(() => {
        answer({
          error: {
            errorType: "Sandbox.Timedout",
            errorMessage: `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`,
            trace: [],
          },
        });
        // Lambda ends a timed-out sandbox: this instance takes no more invocations (its code may still run).
        this.dead = true;
        this.onDeath(this);
      }, timeoutMs);
      const context = lambdaContext(this.spec, {
        requestId,
        deadline,
        logStreamName: this.logStreamName,
        succeed,
        fail,
      });
      inScope(this.scope, () => {
        try {
          const event = JSON.parse(eventJson) as unknown;
          if (handler.length >= 3) {
            handler(event, context, (err, res) => (err ? fail(err) : succeed(res)));
          } else {
            Promise.resolve(handler(event, context)).then(succeed, fail);
          }
        } catch (e) {
          fail(e);
        }
      });
    });
  }

  async stop(): Promise<void> {
    this.dead = true;
  }
}

/**
 * The in-process host: each instance calls the function's handler in this process, with the context a
 * sandbox gives it and, while its code runs, its own environment as `process.env` and its output to
 * the function's log (see scoped-environment.ts). No thread to start, so it suits fast tests; its
 * isolation is weaker than a sandbox's: a module is loaded once per process, so instances of a
 * function (and functions of the same code) share it and its globals, and a timed-out invocation is
 * answered but keeps running. The handler is the deployed bundle's, as the sandbox loads it, unless
 * `instead` gives one for the function (a test that observes a dependency of the code, say).
 */
export function inProcessHost(instead?: (spec: FunctionSpec) => LambdaHandler | undefined): FunctionHost {
  const load: HandlerLoader = instead ? (spec) => instead(spec) ?? requireHandler(spec) : requireHandler;
  return (spec, logs, onDeath) => new InProcessInstance(spec, logs, load, onDeath);
}
