/** A retrier as the ASL spells it. */
export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: "FULL" | "NONE";
}

/** A retrier or a catcher, as far as matching an error needs. */
export interface ErrorMatcher {
  readonly ErrorEquals: readonly string[];
}

export const DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";

/**
 * Whether a retrier's or catcher's ErrorEquals matches an error, as Step Functions matches it
 * ("Error names", concepts-error-handling.html): `States.Runtime` is never retried and always fails
 * the execution; the terminal `States.DataLimitExceeded` is matched by its own name only;
 * `States.ALL` matches any other error, `States.TaskFailed` any other but `States.Timeout`; any other
 * name matches itself.
 */
export function errorMatches(matcher: ErrorMatcher, errorName: string): boolean {
  if (errorName === "States.Runtime") return false;
  if (matcher.ErrorEquals.includes(errorName)) return true;
  if (errorName === DATA_LIMIT_EXCEEDED) return false;
  if (matcher.ErrorEquals.includes("States.ALL")) return true;
  return errorName !== "States.Timeout" && matcher.ErrorEquals.includes("States.TaskFailed");
}

/**
 * The nominal wait before a retrier's retry number `attempt` (0 for its first), in ms:
 * IntervalSeconds x BackoffRate^attempt, at most MaxDelaySeconds, and with JitterStrategy FULL a
 * random point between 0 and that ("Retrying after an error", concepts-error-handling.html;
 * IntervalSeconds defaults to 1, BackoffRate to 2.0).
 */
export function retryWaitMs(retrier: Retrier, attempt: number, random: () => number): number {
  const backoff = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempt;
  const capped = retrier.MaxDelaySeconds !== undefined ? Math.min(backoff, retrier.MaxDelaySeconds) : backoff;
  return (retrier.JitterStrategy === "FULL" ? random() * capped : capped) * 1000;
}

/**
 * The retries of one entry into a state. The first retrier that matches an error answers it; its
 * interval grows with every retry it makes, and it retries each error name MaxAttempts times
 * (default 3; 0 never): "Complex retry scenarios", concepts-error-handling.html.
 */
export class RetryCounter {
  private readonly retriesBy: number[];
  private readonly retriesOfName: Map<string, number>[];
  /** Retries so far in this entry (the context object's State.RetryCount). */
  retries = 0;

  constructor(private readonly retriers: readonly Retrier[]) {
    this.retriesBy = retriers.map(() => 0);
    this.retriesOfName = retriers.map(() => new Map());
  }

  /** Records a failure: the retrier that retries it and its retry's number, or undefined if none does. */
  fail(errorName: string): { readonly retrier: Retrier; readonly attempt: number } | undefined {
    const index = this.retriers.findIndex((r) => errorMatches(r, errorName));
    const retrier = this.retriers[index];
    if (!retrier) return undefined;
    const ofName = this.retriesOfName[index] as Map<string, number>;
    if ((ofName.get(errorName) ?? 0) >= (retrier.MaxAttempts ?? 3)) return undefined;
    ofName.set(errorName, (ofName.get(errorName) ?? 0) + 1);
    const attempt = this.retriesBy[index] as number;
    this.retriesBy[index] = attempt + 1;
    this.retries++;
    return { retrier, attempt };
  }
}

/**
 * The retrier or catcher aws-local-stepfunctions is testing right now, and whose it is. Its retry
 * and catch loops are synchronous and read each retrier or catcher before asking the error whether
 * it is retryable or catchable, so this names the one that asks.
 */
let underTest: { readonly matcher: ErrorMatcher; readonly state: string } | undefined;

/** A state's Retry or Catch list that records which entry the library is testing. */
export function observed<T extends ErrorMatcher>(matchers: readonly T[], state: string): readonly T[] {
  return new Proxy(matchers, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof key === "string" && /^\d+$/.test(key)) underTest = { matcher: value as T, state };
      return value;
    },
  });
}

/**
 * Makes a Task's error answer the library's questions as Step Functions would: its own state
 * retries it when `retried` (decided by that state's RetryCounter); any other retrier (an enclosing
 * Parallel's or Map's) and every catcher match it by `errorMatches`.
 */
export function judged(error: Error, state: string, retried: boolean): Error {
  Object.defineProperty(error, "isRetryable", {
    configurable: true,
    get: () =>
      underTest?.state === state ? retried : underTest !== undefined && errorMatches(underTest.matcher, error.name),
  });
  Object.defineProperty(error, "isCatchable", {
    configurable: true,
    get: () => underTest !== undefined && errorMatches(underTest.matcher, error.name),
  });
  return error;
}
