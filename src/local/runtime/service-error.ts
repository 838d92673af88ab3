/**
 * An error answered by an emulated AWS service, in one shape for every service: `name` is the
 * exception name the service answers with (ValidationException, ResourceNotFoundException, ...),
 * `statusCode` the HTTP status of that answer, `retryable` whether AWS callers (SDK, EventBridge
 * targets, Step Functions retriers through the error name) treat it as transient.
 */
export class AwsServiceError extends Error {
  readonly statusCode: number;
  readonly retryable: boolean;

  constructor(
    name: string,
    message: string,
    options: { readonly statusCode?: number; readonly retryable?: boolean; readonly cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    this.statusCode = options.statusCode ?? 400;
    // Throttling (429) and server-side failures (5xx) are the ones AWS retries.
    this.retryable = options.retryable ?? this.statusCode >= 429;
  }
}
