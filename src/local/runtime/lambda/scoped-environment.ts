/**
 * `process.env` per function, in one process: once installed, `process.env` is a view that reads and
 * writes the environment of the function whose code is running (the AsyncLocalStorage scope its init
 * and each of its invocations run in, through every await), and the process's own environment outside
 * any scope. The in-process host needs it: handlers and the AWS SDK read their configuration
 * (table names, region, credentials, endpoints) from `process.env`, lazily.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const scope = new AsyncLocalStorage<Record<string, string>>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const own = process.env;
  const current = () => scope.getStore() ?? own;
  process.env = new Proxy(own, {
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
}

/** Runs `fn` (and everything it awaits or schedules) with `environment` as `process.env`. */
export function withEnvironment<T>(environment: Record<string, string>, fn: () => T): T {
  install();
  return scope.run(environment, fn);
}
