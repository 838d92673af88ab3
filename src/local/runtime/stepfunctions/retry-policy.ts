/** A retrier as the ASL spells it. */
export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: "FULL" | "NONE";
}

/** A catcher, as far as matching an error needs. */
export interface ErrorMatcher {
  readonly ErrorEquals: readonly string[];
}

export const DATA_LIMIT_EXCEEDED = "States.DataLimitExceeded";

/**
 * Whether a retrier's or catcher's ErrorEquals matches an error, as Step Functions matches it
 * ("Error names" in the Step Functions developer guide, concepts-error-handling.html):
 * `States.Runtime` is never retried and always fails the execution; `States.ALL` matches any other
 * error but the terminal `States.DataLimitExceeded`, which only its own name matches;
 * `States.TaskFailed` matches what `States.ALL` does but `States.Timeout`; any other name matches itself.
 */
export function errorMatches(matcher: ErrorMatcher, errorName: string): boolean {
  if (errorName === "States.Runtime") return false;
  if (matcher.ErrorEquals.includes(errorName)) return true;
  if (errorName === DATA_LIMIT_EXCEEDED) return false;
  if (matcher.ErrorEquals.includes("States.ALL")) return true;
  return errorName !== "States.Timeout" && matcher.ErrorEquals.includes("States.TaskFailed");
}

/**
 * The nominal wait before retry number `attempt` (0 for the first retry) of a retrier, in ms:
 * IntervalSeconds x BackoffRate^attempt, at most MaxDelaySeconds, and with JitterStrategy FULL a
 * random point between 0 and that ("Retrying after an error", concepts-error-handling.html;
 * defaults IntervalSeconds 1, BackoffRate 2.0).
 */
export function retryWaitMs(retrier: Retrier, attempt: number, random: () => number): number {
  const backoff = (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** attempt;
  const capped = retrier.MaxDelaySeconds !== undefined ? Math.min(backoff, retrier.MaxDelaySeconds) : backoff;
  return (retrier.JitterStrategy === "FULL" ? random() * capped : capped) * 1000;
}

/**
 * The retries of one entry into a state: which retrier answers an error, and whether it still has
 * attempts (MaxAttempts, default 3, counted per retrier; 0 never retries).
 */
export class RetryCounter {
  private readonly attempts: number[];
  /** Retries so far in this entry (the context object's State.RetryCount). */
  retries = 0;

  constructor(private readonly retriers: readonly Retrier[]) {
    this.attempts = retriers.map(() => 0);
  }

  /** Records a failure: the retrier that retries it and the retry's number, or undefined if none does. */
  fail(errorName: string): { readonly index: number; readonly retrier: Retrier; readonly attempt: number } | undefined {
    if (errorName === DATA_LIMIT_EXCEEDED) return undefined;
    const index = this.retriers.findIndex((r) => errorMatches(r, errorName));
    const retrier = this.retriers[index];
    if (!retrier) return undefined;
    const attempt = this.attempts[index] as number;
    if (attempt >= (retrier.MaxAttempts ?? 3)) return undefined;
    this.attempts[index] = attempt + 1;
    this.retries++;
    return { index, retrier, attempt };
  }
}
