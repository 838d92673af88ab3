import { DATA_LIMIT_EXCEEDED } from "./error-handling";

/**
 * Step Functions' payload quota: 256 KiB of data as a UTF-8 encoded string, for the input or output
 * of a task, a state or an execution ("Step Functions service quotas", limits-overview.html).
 */
export const MAX_PAYLOAD_BYTES = 256 * 1024;

/** A payload's size as Step Functions counts it: its JSON text in UTF-8. */
export function payloadBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value ?? null), "utf8");
}

/**
 * `States.DataLimitExceeded`, "a terminal error that can't be caught by the States.ALL error type"
 * ("Error names", concepts-error-handling.html); see errorMatches for what matches it.
 */
export class DataLimitExceeded extends Error {
  override readonly name = DATA_LIMIT_EXCEEDED;

  /** For a result: the Cause Step Functions writes ("The state/task '<what>' returned a result ..."). */
  static resultOf(what: string): DataLimitExceeded {
    return new DataLimitExceeded(
      `The state/task '${what}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    );
  }

  /** For a state's input once its Parameters are applied. */
  static inputOf(state: string): DataLimitExceeded {
    return new DataLimitExceeded(
      `The state/task '${state}' has an input with a size exceeding the maximum number of bytes service limit.`,
    );
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
