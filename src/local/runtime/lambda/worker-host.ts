import { randomUUID } from "node:crypto";
import { Worker } from "node:worker_threads";
import { SANDBOX_SOURCE } from "./sandbox-source";
import type { FunctionHost, FunctionInstance, InstanceOutcome } from "./function-host";
import type { FunctionErrorPayload, FunctionSpec } from "./local-function";

interface Pending {
  readonly resolve: (r: InstanceOutcome) => void;
}

/** One sandbox: a worker thread that has loaded the function's code. */
class Sandbox implements FunctionInstance {
  readonly worker: Worker;
  readonly ready: Promise<void>;
  busy = false;
  dead = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private initError?: FunctionErrorPayload;

  constructor(
    private readonly spec: FunctionSpec,
    logs: { readonly logFile?: string; readonly echoLogs?: boolean },
    private readonly onDeath: (sandbox: FunctionInstance) => void,
  ) {
    this.worker = new Worker(SANDBOX_SOURCE, {
      eval: true,
      env: { ...spec.environment },
      execArgv: [...spec.execArgv],
      workerData: {
        logFile: logs.logFile,
        echoLogs: logs.echoLogs === true,
        codeDir: spec.codeDir,
        handler: spec.handler,
        functionName: spec.name,
        functionArn: spec.arn,
        memoryMb: spec.memoryMb,
        logGroupName: spec.logGroupName,
        logStreamName: `local/[$LATEST]${randomUUID().replace(/-/g, "")}`,
      },
    });
    this.ready = new Promise((resolve) => {
      this.worker.on(
        "message",
        (msg: { type: string; id?: number; payload?: string; error?: FunctionErrorPayload; logBytes?: number }) => {
          if (msg.type === "ready") resolve();
          else if (msg.type === "init-error") {
            this.initError = msg.error;
            resolve();
          } else if (msg.type === "result" && msg.id !== undefined) {
            const p = this.pending.get(msg.id);
            this.pending.delete(msg.id);
            p?.resolve({ payload: msg.payload, error: msg.error, logBytes: msg.logBytes });
          }
        },
      );
    });
    const die = (error: FunctionErrorPayload) => {
      if (this.dead) return;
      this.dead = true;
      for (const p of this.pending.values()) p.resolve({ error });
      this.pending.clear();
      this.onDeath(this);
    };
    this.worker.on("error", (e) =>
      die({
        errorType: "Runtime.ExitError",
        errorMessage: `RequestId: the sandbox crashed: ${e.message}`,
        trace: (e.stack ?? "").split("\n"),
      }),
    );
    this.worker.on("exit", (code) =>
      die({ errorType: "Runtime.ExitError", errorMessage: `the sandbox exited with code ${code}`, trace: [] }),
    );
  }

  /** Lets the sandbox exit on its own (its output flushed), or ends it after a second. */
  async stop(): Promise<void> {
    if (this.dead) return;
    const exited = new Promise<void>((resolve) => this.worker.once("exit", () => resolve()));
    this.worker.postMessage({ type: "stop" });
    const timer = setTimeout(() => void this.worker.terminate(), 1000);
    await exited;
    clearTimeout(timer);
  }

  /** Runs one invocation; resolves with the JSON payload or the error. */
  async run(requestId: string, eventJson: string): Promise<InstanceOutcome> {
    await this.ready;
    if (this.initError) return { error: this.initError };
    if (this.dead) return { error: { errorType: "Runtime.ExitError", errorMessage: "the sandbox is gone", trace: [] } };
    const id = this.nextId++;
    const timeoutMs = this.spec.timeoutSeconds * 1000;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        resolve({
          error: {
            errorType: "Sandbox.Timedout",
            errorMessage: `Task timed out after ${this.spec.timeoutSeconds.toFixed(2)} seconds`,
            trace: [],
          },
        });
        // Lambda ends a timed-out sandbox; so does the runtime (a new one starts on demand).
        void this.worker.terminate();
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
      this.worker.postMessage({ type: "invoke", id, requestId, event: eventJson, deadline: Date.now() + timeoutMs });
    });
  }
}

/** Each instance a worker thread with the function's own `process.env`, as a Lambda sandbox. */
export const workerHost: FunctionHost = (spec, logs, onDeath) => new Sandbox(spec, logs, onDeath);
