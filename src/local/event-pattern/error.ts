/**
 * Why EventBridge refuses a pattern. `reason` is the text EventBridge puts after "Reason:" in its
 * InvalidEventPatternException (the message of aws/event-ruler's rule compiler); `path` says where.
 */
export class EventPatternError extends Error {
  override readonly name = "EventPatternError";

  constructor(
    readonly reason: string,
    readonly path = "",
  ) {
    super(`Event pattern is not valid. Reason: ${reason}${path ? ` (at ${path})` : ""}`);
  }
}
