/**
 * Where a function's code runs. A LocalFunction keeps a pool of instances (each a cold start), one
 * invocation at a time each, and asks its host for a new one when all are busy. Two hosts: the
 * worker-thread sandbox (worker-host.ts), which `npm run local` uses, and the in-process host
 * (in-process-host.ts) for fast tests; both give the code the same environment and context.
 */
import type { FunctionErrorPayload, FunctionSpec } from "./local-function";

/** What one invocation answered: the JSON text of the result, or the function error. */
export interface InstanceOutcome {
  readonly payload?: string;
  readonly error?: FunctionErrorPayload;
  /** The bytes the code logged during this invocation: what CloudWatch Logs would ingest. */
  readonly logBytes?: number;
}

/** One instance of the function's code, loaded once (its init) and invoked one event at a time. */
export interface FunctionInstance {
  /** Settles once the code is loaded (an init error is answered by every invocation). */
  readonly ready: Promise<void>;
  busy: boolean;
  readonly dead: boolean;
  run(requestId: string, eventJson: string): Promise<InstanceOutcome>;
  stop(): Promise<void>;
}

/** Starts an instance of `spec`'s code; `onDeath` is called once if it dies (crash, timeout). */
export type FunctionHost = (
  spec: FunctionSpec,
  logs: { readonly logFile?: string; readonly echoLogs?: boolean },
  onDeath: (instance: FunctionInstance) => void,
) => FunctionInstance;
