/**
 * `process.env` and output per function, in one process: once installed, `process.env` is a view
 * that reads and writes the environment of the function whose code is running (the
 * AsyncLocalStorage scope its init and each of its invocations run in, through every await), and the
 * process's own environment outside any scope; what that code writes to stdout and stderr goes to
 * the function's log instead of the process's. The in-process host needs both: handlers and the AWS
 * SDK read their configuration (table names, region, credentials, endpoints) from `process.env`,
 * lazily, and a function's output is its log, as in a sandbox.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { nodeProcess } from "./node-loader";

/** Where one function's code runs: its environment, and what becomes of its output. */
export interface FunctionScope {
  readonly environment: Record<string, string>;
  readonly log: (text: string) => void;
}

const scope = new AsyncLocalStorage<FunctionScope>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const own = nodeProcess.env;
  const current = () => scope.getStore()?.environment ?? own;
  nodeProcess.env = new Proxy(own, {
    get: (_, key) => (typeof key === "string" ? current()[key] : undefined),
    set: (_, key, value) => {
      if (typeof key === "string") current()[key] = String(value);
      return true;
    },
    has: (_, key) => typeof key === "string" && key in current(),
    deleteProperty: (_, key) => (typeof key === "string" ? delete current()[key] : true),
    ownKeys: () => Reflect.ownKeys(current()),
    getOwnPropertyDescriptor: (_, key) => {
      const env = current();
      if (typeof key !== "string" || !(key in env)) return undefined;
      return { value: env[key], writable: true, enumerable: true, configurable: true };
    },
  });
  for (const stream of [nodeProcess.stdout, nodeProcess.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const function_ = scope.getStore();
      if (!function_) return write(chunk, ...rest);
      function_.log(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      done?.();
      return true;
    }) as typeof stream.write;
  }
}

/** Runs `fn` (and everything it awaits or schedules) as the code of the function `function_` describes. */
export function inScope<T>(function_: FunctionScope, fn: () => T): T {
  install();
  return scope.run(function_, fn);
}
