/**
 * Puts events on the bus and checks every entry. PutEvents can answer 200 with
 * `FailedEntryCount > 0`: entries that failed with a transient error code are sent
 * again (only those), with exponential backoff and full jitter; a permanent error code
 * or running out of attempts raises `PublishError` listing each failed entry.
 */
import { PutEventsCommand, type EventBridgeClient } from "@aws-sdk/client-eventbridge";
import type { PutEventsEntry } from "../../src/contracts/events";

/** Per-entry error codes worth another attempt. */
const TRANSIENT_ENTRY_CODES = new Set(["ThrottlingException", "InternalFailure", "InternalException", "ServiceUnavailable"]);

export interface PublishOptions {
  /** Attempts in total (first try included). Default 3. */
  readonly attempts?: number;
  /** Base backoff in ms; attempt n waits a random time up to base * 2^(n-1). Default 50. */
  readonly baseDelayMs?: number;
  /** How to wait between attempts. Default: a timer. */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface EntryFailure {
  readonly index: number;
  readonly errorCode: string;
  readonly errorMessage?: string;
}

export class PublishError extends Error {
  override readonly name = "PublishError";
  constructor(
    readonly failures: readonly EntryFailure[],
    readonly attempts: number,
  ) {
    super(
      `PutEvents failed after ${attempts} attempt(s): ` +
        failures.map((f) => `entry ${f.index}: ${f.errorCode}${f.errorMessage ? ` (${f.errorMessage})` : ""}`).join("; "),
    );
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function isTransientSdkError(error: unknown): boolean {
  const e = error as { $fault?: string; $retryable?: unknown; name?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.$retryable) return true;
  if (e?.name === "ThrottlingException" || e?.name === "TimeoutError") return true;
  if (e?.$fault === "server") return true;
  // Network errors carry no HTTP status at all.
  return e?.$metadata?.httpStatusCode === undefined && e?.$fault === undefined;
}

/** Puts `entries` (at most 10) and returns their event ids, in order. */
export async function putEventsChecked(
  client: EventBridgeClient,
  entries: readonly PutEventsEntry[],
  options: PublishOptions = {},
): Promise<string[]> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const baseDelayMs = options.baseDelayMs ?? 50;
  const sleep = options.sleep ?? defaultSleep;
  const eventIds: (string | undefined)[] = entries.map(() => undefined);
  let pending = entries.map((_, index) => index);
  let failures: EntryFailure[] = [];

  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 2));
    let response;
    try {
      response = await client.send(new PutEventsCommand({ Entries: pending.map((i) => ({ ...entries[i]! })) }));
    } catch (error) {
      const e = error as Error;
      failures = pending.map((index) => ({ index, errorCode: e.name || "Error", errorMessage: e.message }));
      if (!isTransientSdkError(error)) throw new PublishError(failures, attempt);
      continue;
    }
    const results = response.Entries ?? [];
    const stillPending: number[] = [];
    failures = [];
    let permanent = false;
    pending.forEach((index, position) => {
      const result = results[position];
      if (result?.EventId && !result.ErrorCode) {
        eventIds[index] = result.EventId;
        return;
      }
      const errorCode = result?.ErrorCode ?? "MissingResultEntry";
      failures.push({ index, errorCode, errorMessage: result?.ErrorMessage });
      stillPending.push(index);
      if (!TRANSIENT_ENTRY_CODES.has(errorCode) && errorCode !== "MissingResultEntry") permanent = true;
    });
    pending = stillPending;
    if (pending.length === 0) return eventIds as string[];
    if (permanent) throw new PublishError(failures, attempt);
  }
  throw new PublishError(failures, attempts);
}
