import { DATA_LIMIT_EXCEEDED, type ErrorMatcher } from "./retry-policy";

/**
 * Step Functions' payload quota: 256 KiB of UTF-8 for an execution's input and for every state's
 * input, output and task result ("Service quotas", limits-overview.html: "Maximum input or output
 * size for a task, state, or execution: 256 KiB of data as a UTF-8 encoded string").
 */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** A payload's size as Step Functions counts it: its JSON text in UTF-8. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), "utf8");
}

/**
 * The catcher the library is testing right now. Its catch loop is synchronous and reads each
 * catcher before asking the error whether it is catchable, so this names the catcher that asks.
 */
let catcherUnderTest: ErrorMatcher | undefined;

/** A state's Catch list that records which catcher the library tests (see DataLimitExceeded.isCatchable). */
export function observedCatchers<T extends ErrorMatcher>(catchers: readonly T[]): readonly T[] {
  return new Proxy(catchers, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof key === "string" && /^\d+$/.test(key)) catcherUnderTest = value as T;
      return value;
    },
  });
}

/**
 * `States.DataLimitExceeded`: a terminal error ("Error names", concepts-error-handling.html: "A terminal
 * error that can't be caught by the States.ALL error type"). It is never retried; only a catcher
 * that names it catches it.
 */
export class DataLimitExceeded extends Error {
  override readonly name = DATA_LIMIT_EXCEEDED;

  /** For a result: the Cause Step Functions writes ("The state/task '<what>' returned a result ..."). */
  static resultOf(what: string): DataLimitExceeded {
    return new DataLimitExceeded(`The state/task '${what}' returned a result with a size exceeding the maximum number of bytes service limit.`);
  }

  /** For a state's input once its Parameters are applied. */
  static inputOf(state: string): DataLimitExceeded {
    return new DataLimitExceeded(`The state/task '${state}' has an input with a size exceeding the maximum number of bytes service limit.`);
  }

  get isRetryable(): boolean {
    return false;
  }

  get isCatchable(): boolean {
    return catcherUnderTest?.ErrorEquals.includes(DATA_LIMIT_EXCEEDED) ?? false;
  }
}

/**
 * What the Cause of a task result that is too large names: `lambda` for an optimized integration
 * (`arn:aws:states:::lambda:invoke`), the Resource itself for a function ARN, as Step Functions
 * reports them; other integrations by their service the same way.
 */
export function resultSubject(resource: string): string {
  return /^arn:aws[a-z-]*:states:::([a-z0-9-]+):/.exec(resource)?.[1] ?? resource;
}
