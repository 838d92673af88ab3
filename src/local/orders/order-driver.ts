import { isApiRequest } from "../../../handlers/shared/api";
import { OrderStatus } from "../../contracts/tables";
import { LocalRuntime } from "../runtime/runtime";
import { AwsServiceError } from "../runtime/service-error";
import { TraceRecord } from "../runtime/trace";
import { OrderReader, PipelineParts, StoredOrder, isFinal } from "./pipeline";

/** How one submitted order ended, as `--json` reports it. */
type FinalStatus = "COMPLETED" | "FAILED" | "REJECTED";

export interface OrderOutcome {
  /** Position in submission order. */
  readonly index: number;
  /** The order id, once the Order service gave one (a rejected order has none). */
  readonly orderId: string | null;
  readonly status: FinalStatus;
  readonly error: { readonly name: string; readonly message: string } | null;
  /** Submission to final status, in ms. */
  readonly latencyMs: number;
  /** Submissions it took (retries of transient failures included). */
  readonly attempts: number;
  /** Index of the first trace record of this order (for showing its path). */
  readonly traceFrom: number;
  /** When it was first submitted, ms since the epoch. */
  readonly submittedAt: number;
  /** Request ids of the Order service's invocations for it, one per attempt that reached the code. */
  readonly requestIds: readonly string[];
}

type OrderError = { readonly name: string; readonly message: string };

/** What one answer of the Order service means for the client. */
type Answer =
  | { readonly kind: "accepted"; readonly orderId: string; readonly status: string | undefined }
  | { readonly kind: "rejected"; readonly error: OrderError }
  | { readonly kind: "retry"; readonly error: OrderError }
  | { readonly kind: "unexpected"; readonly error: OrderError };

/** Errors of the Order service that a client fixes by changing the order: not retried. */
const REJECTIONS = new Set(["ValidationError", "IdempotencyConflict", "PriceChanged"]);

export interface OrderDriverOptions {
  /** Longest wait for an order to reach COMPLETED or FAILED, in ms. Default 60 s. */
  readonly timeoutMs?: number;
  /** Submissions of one order at most (transient failures are retried with the same request). Default 5. */
  readonly maxAttempts?: number;
  /** Called when the Order service accepts an order (before it is final). */
  readonly onAccepted?: (orderId: string) => void;
}

interface Waiter {
  readonly resolve: (r: { order?: StoredOrder; reason?: OrderError }) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Submits orders to the Order service the way a client would (a synchronous invoke of the function,
 * retrying transient failures with the same request, so the idempotency key keeps it one order), then
 * follows each accepted order until the orders table says COMPLETED or FAILED. It listens to the
 * runtime's trace: when an execution of the order ends, the table is read; when the order's event
 * reached no workflow (no rule matched, or the delivery was dead-lettered) the order is reported
 * FAILED at once with that reason; otherwise it is given up on after `timeoutMs`.
 */
export class OrderDriver {
  private readonly reader: OrderReader;
  private readonly waiters = new Map<string, Waiter>();
  private readonly eventOrders = new Map<string, string>();
  private readonly running = new Map<string, number>();
  /** Why an order's workflow did not (or no longer) run, noted even before anyone waits for the order. */
  private readonly endedWithout = new Map<string, { name: string; message: string }>();
  private readonly unsubscribe: () => void;
  private nextIndex = 0;

  constructor(
    private readonly runtime: LocalRuntime,
    private readonly parts: PipelineParts,
    private readonly options: OrderDriverOptions = {},
  ) {
    this.reader = new OrderReader(runtime, parts.ordersTable);
    this.unsubscribe = runtime.trace.subscribe((record) => this.observe(record));
  }

  close(): void {
    this.unsubscribe();
    for (const w of this.waiters.values()) clearTimeout(w.timer);
    this.waiters.clear();
  }

  /** Submits one order and waits for its final status. */
  async submit(order: unknown): Promise<OrderOutcome> {
    const index = this.nextIndex++;
    const traceFrom = this.runtime.trace.records.length;
    const started = Date.now();
    const maxAttempts = this.options.maxAttempts ?? 5;
    const outcome = (
      orderId: string | null,
      status: FinalStatus,
      error: OrderOutcome["error"],
      attempts: number,
    ): OrderOutcome => ({
      index,
      orderId,
      status,
      error,
      latencyMs: Date.now() - started,
      attempts,
      traceFrom,
      submittedAt: started,
      requestIds,
    });

    let accepted: { orderId: string; status: string | undefined } | undefined;
    let lastError: OrderError = { name: "Unknown", message: "no attempt was made" };
    let attempts = 0;
    const requestIds: string[] = [];
    while (!accepted && attempts < maxAttempts) {
      attempts++;
      try {
        const result = await this.parts.orderFunction.invoke(order, { kind: "client" });
        requestIds.push(result.requestId);
        const answer = readAnswer(order, result);
        if (answer.kind === "accepted") {
          accepted = answer;
          break;
        }
        if (answer.kind === "rejected") return outcome(null, "REJECTED", answer.error, attempts);
        if (answer.kind === "unexpected") return outcome(null, "FAILED", answer.error, attempts);
        lastError = answer.error;
      } catch (error) {
        const e = error as Error;
        lastError = { name: error instanceof AwsServiceError ? `Lambda.${e.name}` : e.name, message: e.message };
        if (error instanceof AwsServiceError && error.statusCode === 413)
          return outcome(null, "REJECTED", lastError, attempts);
      }
      // The client's own back-off (50, 100, 200, 400 ms), real time, then the same request again (the
      // same idempotency key): an Order function that died after its write answers with the stored order.
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** (attempts - 1)));
    }
    if (!accepted) return outcome(null, "FAILED", lastError, attempts);

    const { orderId } = accepted;
    this.options.onAccepted?.(orderId);
    let stored: StoredOrder | undefined;
    let reason: OrderError | undefined;
    if (isFinal(accepted.status)) {
      try {
        stored = await this.reader.get(orderId);
      } catch (error) {
        reason = errorOf(error);
      }
    } else ({ order: stored, reason } = await this.waitFinal(orderId));
    if (stored?.status === OrderStatus.completed) return outcome(orderId, "COMPLETED", null, attempts);
    if (stored?.status === OrderStatus.failed) {
      return outcome(
        orderId,
        "FAILED",
        { name: stored.failureReason ?? "Unknown", message: causeMessage(stored.failureCause) },
        attempts,
      );
    }
    return outcome(
      orderId,
      "FAILED",
      reason ?? { name: "OrderNotFinished", message: `order ${orderId} is ${stored?.status ?? "missing"}` },
      attempts,
    );
  }

  private waitFinal(orderId: string): Promise<{ order?: StoredOrder; reason?: OrderError }> {
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.reader.get(orderId).then(
          (order) =>
            this.settle(orderId, {
              order,
              reason: {
                name: "OrderTimedOut",
                message: `order ${orderId} was still ${order?.status ?? "missing"} after ${timeoutMs / 1000} s`,
              },
            }),
          (error: unknown) => this.settle(orderId, { reason: errorOf(error) }),
        );
      }, timeoutMs);
      this.waiters.set(orderId, { resolve, timer });
      // Its execution may have ended, or its event gone nowhere, before the waiter was registered.
      const ended = this.endedWithout.get(orderId);
      if (ended) this.recheck(orderId, ended);
    });
  }

  private settle(orderId: string, result: { order?: StoredOrder; reason?: OrderError }): void {
    this.endedWithout.delete(orderId);
    const waiter = this.waiters.get(orderId);
    if (!waiter) return;
    this.waiters.delete(orderId);
    clearTimeout(waiter.timer);
    waiter.resolve(result);
  }

  /** `check` from an event handler: a failed read settles the order with that error instead of escaping. */
  private recheck(orderId: string, ifNotFinal?: OrderError): void {
    this.check(orderId, ifNotFinal).catch((error: unknown) => this.settle(orderId, { reason: errorOf(error) }));
  }

  /** Reads the order; settles its waiter when it is final, or with `ifNotFinal` when no execution of it runs. */
  private async check(orderId: string, ifNotFinal?: OrderError): Promise<void> {
    if (ifNotFinal && !this.running.get(orderId)) {
      this.endedWithout.set(orderId, ifNotFinal);
      // Only orders between their submission and their wait need this; keep it bounded.
      if (this.endedWithout.size > 10_000) this.endedWithout.delete(this.endedWithout.keys().next().value as string);
    }
    if (!this.waiters.has(orderId)) return;
    const order = await this.reader.get(orderId);
    if (order && isFinal(order.status)) this.settle(orderId, { order });
    else if (ifNotFinal && !this.running.get(orderId)) this.settle(orderId, { order, reason: ifNotFinal });
  }

  private observe(record: TraceRecord): void {
    switch (record.kind) {
      case "event-accepted": {
        const orderId = orderIdOf(record.detail);
        if (orderId) this.eventOrders.set(record.eventId, orderId);
        return;
      }
      case "event-unmatched": {
        const orderId = this.eventOrders.get(record.eventId);
        this.eventOrders.delete(record.eventId);
        if (orderId) {
          this.recheck(orderId, {
            name: "NoRuleMatched",
            message: `"${record.detailType}" of order ${orderId} matched no rule on bus ${record.bus}: no workflow started`,
          });
        }
        return;
      }
      case "dead-lettered":
      case "dropped": {
        const orderId = record.eventId ? this.eventOrders.get(record.eventId) : undefined;
        if (orderId)
          this.recheck(orderId, {
            name: "DeliveryFailed",
            message: `the event of order ${orderId} was not delivered: ${record.reason}`,
          });
        return;
      }
      case "delivered":
        this.eventOrders.delete(record.eventId);
        return;
      case "execution-started": {
        const orderId = orderIdOf((record.input as { detail?: unknown } | null)?.detail);
        if (orderId) {
          this.running.set(orderId, (this.running.get(orderId) ?? 0) + 1);
          this.endedWithout.delete(orderId);
        }
        return;
      }
      case "execution-finished": {
        const orderId = orderIdOf((record.input as { detail?: unknown } | null)?.detail);
        if (!orderId) return;
        this.running.set(orderId, Math.max(0, (this.running.get(orderId) ?? 1) - 1));
        if (!this.running.get(orderId)) this.running.delete(orderId);
        this.recheck(orderId, {
          name: record.error ?? "WorkflowEnded",
          message: `execution ${record.executionArn.split(":").pop()} ended ${record.status}${record.cause ? `: ${causeMessage(record.cause)}` : ""} and the order is not final`,
        });
        return;
      }
      default:
        return;
    }
  }
}

/**
 * Reads an answer of the Order service. A direct invoke answers with the order or a function error;
 * an API-Gateway-style request (`{ body, headers? }`) always answers `{ statusCode, body }`, where a
 * 4xx the handler does not mark retryable is the client's to fix and a 5xx is retried.
 */
export function readAnswer(
  request: unknown,
  result: {
    readonly payload: unknown;
    readonly functionError?: { readonly errorType: string; readonly errorMessage: string };
  },
): Answer {
  if (result.functionError) {
    const error = { name: result.functionError.errorType, message: result.functionError.errorMessage };
    return REJECTIONS.has(error.name) ? { kind: "rejected", error } : { kind: "retry", error };
  }
  if (!isApiRequest(request)) return acceptedOrder(result.payload, "the answer");
  const response = result.payload as { statusCode?: unknown; body?: unknown } | null;
  if (typeof response?.statusCode !== "number" || typeof response.body !== "string") {
    return unexpected(
      `an API-Gateway-style request was answered without a statusCode and a string body: ${preview(result.payload)}`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return unexpected(`HTTP ${response.statusCode} with a body that is not JSON: ${preview(response.body)}`);
  }
  if (response.statusCode >= 200 && response.statusCode < 300)
    return acceptedOrder(body, `the HTTP ${response.statusCode} body`);
  const { error, message, retryable } = (body ?? {}) as { error?: unknown; message?: unknown; retryable?: unknown };
  const named = {
    name: typeof error === "string" ? error : `HTTP ${response.statusCode}`,
    message: typeof message === "string" ? message : preview(response.body),
  };
  return response.statusCode < 500 && retryable !== true
    ? { kind: "rejected", error: named }
    : { kind: "retry", error: named };
}

function acceptedOrder(view: unknown, what: string): Answer {
  const { orderId, status } = (view ?? {}) as { orderId?: unknown; status?: unknown };
  if (typeof orderId !== "string" || orderId === "") return unexpected(`${what} holds no orderId: ${preview(view)}`);
  return { kind: "accepted", orderId, status: typeof status === "string" ? status : undefined };
}

const unexpected = (message: string): Answer => ({ kind: "unexpected", error: { name: "UnexpectedAnswer", message } });

function preview(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function errorOf(error: unknown): OrderError {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: "Error", message: String(error) };
}

function orderIdOf(detail: unknown): string | undefined {
  const id = (detail as { orderId?: unknown } | null | undefined)?.orderId;
  return typeof id === "string" ? id : undefined;
}

/** The readable part of an error cause (Lambda's JSON `{ errorMessage, ... }`, or the text itself). */
export function causeMessage(cause: string | undefined): string {
  if (!cause) return "";
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: string; message?: string };
    return parsed.errorMessage ?? parsed.message ?? cause;
  } catch {
    return cause;
  }
}
