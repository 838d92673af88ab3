import { randomUUID } from "node:crypto";
import { Activity } from "../activity";
import { Clock } from "../clock";
import { AwsServiceError } from "../service-error";
import { LocalQueues } from "../sqs/queues";
import { Trace } from "../trace";
import type { EventBridgeEnvelope } from "../../../contracts/events";
import type { Principal } from "../iam/evaluate";
import type { PutEventsCaller, PutEventsRequestEntry, PutEventsResult, PutEventsResultEntry } from "./put-events";

/** Decides whether an event matches a rule's pattern (EventBridge semantics). */
type EventPatternMatcher = (pattern: unknown, event: unknown) => boolean;

/** A rule target's retry policy; AWS's defaults are 185 attempts and 24 hours. */
export interface RetryPolicy {
  readonly maximumRetryAttempts: number;
  readonly maximumEventAgeSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 };

export interface TargetSpec {
  readonly id: string;
  readonly arn: string;
  readonly retryPolicy: RetryPolicy;
  /** ARN of the dead-letter queue, if any. */
  readonly deadLetterArn?: string;
  /** Constant JSON text sent instead of the event (`input`). */
  readonly input?: string;
  /** JSONPath (`$.detail`) of the part of the event to send (`input_path`). */
  readonly inputPath?: string;
  /** The role EventBridge assumes to call the target (`role_arn`). */
  readonly roleArn?: string;
}

export interface RuleSpec {
  readonly name: string;
  readonly arn: string;
  readonly busName: string;
  /** The parsed event_pattern. */
  readonly pattern: unknown;
  readonly enabled: boolean;
  readonly targets: readonly TargetSpec[];
}

/**
 * Delivers an event (or the part `input`/`input_path` selects) to a target. A failed delivery throws
 * an AwsServiceError (EventBridge retries only retryable ones); any other error counts as a
 * retryable InternalException.
 */
export type TargetDispatcher = (delivery: {
  readonly rule: RuleSpec;
  readonly target: TargetSpec;
  readonly payload: unknown;
  readonly event: EventBridgeEnvelope;
}) => Promise<void>;

/** Who puts events: a signed request's access key, or a principal the runtime calls as (a state machine's role). */
export type EventsCaller = PutEventsCaller & { readonly principal?: Principal };

/** Whether the caller may put this entry on this bus: the denial message, or undefined. */
export type PutEventsAuthorizer = (
  entry: PutEventsRequestEntry,
  busName: string,
  caller: EventsCaller | undefined,
) => string | undefined;

export interface LocalEventBridgeOptions {
  /** Names of the buses that exist besides `default`. */
  readonly busNames: readonly string[];
  readonly rules: readonly RuleSpec[];
  readonly matcher: EventPatternMatcher;
  readonly dispatch: TargetDispatcher;
  readonly queues: LocalQueues;
  readonly account: { readonly accountId: string; readonly region: string };
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly trace?: Trace;
  readonly activity?: Activity;
  /** IAM for PutEvents (identity and bus policies); every entry is allowed when omitted. */
  readonly authorize?: PutEventsAuthorizer;
  /** IAM for sending a rule's failed event to its dead-letter queue (the queue policy): the denial message, or undefined. */
  readonly authorizeDeadLetter?: (rule: RuleSpec, queueArn: string) => string | undefined;
  /** Told of every event PutEvents accepts (never of a replayed one): the bus's archives. */
  readonly archive?: (bus: string, event: EventBridgeEnvelope) => void;
  /** Told of each PutEvents request served: billed SDK calls, by caller. */
  readonly onPutEvents?: (caller: EventsCaller | undefined) => void;
}

/** The largest PutEvents entry EventBridge accepts. */
const MAX_ENTRY_BYTES = 256 * 1024;

/**
 * Nominal wait before retry `attempt` (1-based): exponential from 1 s, capped at 3 minutes, with
 * jitter between half and all of it. AWS documents "exponential back-off and jitter" without numbers.
 */
function retryDelayMs(attempt: number, random: () => number): number {
  const base = Math.min(1000 * 2 ** (attempt - 1), 180_000);
  return base / 2 + (random() * base) / 2;
}

/**
 * The stack's event buses: PutEvents with EventBridge's validation and per-entry results, then,
 * asynchronously, every rule whose pattern matches delivers the event to its targets. A failed
 * delivery is retried with back-off while the target's retry policy allows (attempts and event age,
 * counted in nominal time); then, or at once for a failure EventBridge does not retry, the event goes
 * to the target's dead-letter queue with the attributes EventBridge sets, or is dropped (and traced)
 * when the target has none.
 */
export class LocalEventBridge {
  private readonly rulesByBus = new Map<string, RuleSpec[]>();
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly trace: Trace;
  private readonly activity: Activity;
  /** Counters for summaries and tests. */
  readonly stats = {
    accepted: 0,
    rejected: 0,
    unmatched: 0,
    deliveries: 0,
    failedAttempts: 0,
    deadLettered: 0,
    dropped: 0,
    replayed: 0,
  };

  constructor(private readonly options: LocalEventBridgeOptions) {
    for (const name of ["default", ...options.busNames]) this.rulesByBus.set(name, []);
    for (const rule of options.rules) {
      const list = this.rulesByBus.get(rule.busName);
      if (!list)
        throw new Error(`rule ${rule.name} is on event bus "${rule.busName}", which the stack does not declare`);
      list.push(rule);
    }
    this.clock = options.clock ?? new Clock();
    this.random = options.random ?? Math.random;
    this.trace = options.trace ?? new Trace({ retain: false });
    this.activity = options.activity ?? new Activity();
  }

  get rules(): readonly RuleSpec[] {
    return this.options.rules;
  }

  /** The bus an entry names (name or ARN), or undefined when it does not exist. */
  busOf(name: string | undefined): string | undefined {
    const n = name === undefined || name === "" ? "default" : name;
    if (this.rulesByBus.has(n)) return n;
    const m = /^arn:aws[a-z-]*:events:[^:]*:[^:]*:event-bus\/(.+)$/.exec(n);
    return m && this.rulesByBus.has(m[1] as string) ? m[1] : undefined;
  }

  /**
   * PutEvents: 1-10 entries, each accepted (EventId) or refused (ErrorCode), as EventBridge answers.
   * Each entry is authorized with its own `events:source` and `events:detail-type`; when IAM refuses
   * every entry the whole request fails with AccessDeniedException (HTTP 400), otherwise the refused
   * entries carry it as their ErrorCode.
   */
  async putEvents(entries: readonly PutEventsRequestEntry[], caller?: EventsCaller): Promise<PutEventsResult> {
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
      throw new AwsServiceError(
        "ValidationException",
        "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10",
        { statusCode: 400 },
      );
    }
    this.options.onPutEvents?.(caller);
    const accepted: { bus: string; event: EventBridgeEnvelope }[] = [];
    const denials: string[] = [];
    const reject = (entry: PutEventsRequestEntry, problem: PutEventsResultEntry) => {
      this.stats.rejected++;
      this.trace.emit({
        kind: "event-rejected",
        bus: String(entry.EventBusName ?? "default"),
        source: entry.Source,
        detailType: entry.DetailType,
        errorCode: problem.ErrorCode as string,
        message: problem.ErrorMessage as string,
      });
      return problem;
    };
    const results = entries.map((entry): PutEventsResultEntry => {
      const problem = this.check(entry);
      if (problem) return reject(entry, problem);
      const bus = this.busOf(entry.EventBusName) as string;
      const denial = this.options.authorize?.(entry, bus, caller);
      if (denial) {
        denials.push(denial);
        return reject(entry, { ErrorCode: "AccessDeniedException", ErrorMessage: denial });
      }
      const event = this.envelope(entry);
      accepted.push({ bus, event });
      return { EventId: event.id };
    });
    if (denials.length === entries.length)
      throw new AwsServiceError("AccessDeniedException", denials[0] as string, { statusCode: 400 });
    for (const { bus, event } of accepted) {
      this.stats.accepted++;
      this.trace.emit({
        kind: "event-accepted",
        eventId: event.id,
        bus,
        source: event.source,
        detailType: event["detail-type"],
        detail: event.detail,
      });
      this.options.archive?.(bus, event);
      this.route(bus, event);
    }
    return { Entries: results, FailedEntryCount: results.filter((r) => r.ErrorCode).length };
  }

  private check(entry: PutEventsRequestEntry): PutEventsResultEntry | undefined {
    const invalid = (what: string) => ({
      ErrorCode: "InvalidArgument",
      ErrorMessage: `Parameter ${what} is not valid. Reason: ${what} is a required argument.`,
    });
    if (!entry || typeof entry !== "object")
      return { ErrorCode: "InvalidArgument", ErrorMessage: "Entry is not valid." };
    if (!entry.Source) return invalid("Source");
    if (!entry.DetailType) return invalid("DetailType");
    if (entry.Detail === undefined || entry.Detail === null) return invalid("Detail");
    try {
      const detail = JSON.parse(entry.Detail) as unknown;
      if (typeof detail !== "object" || detail === null || Array.isArray(detail)) throw new Error("not an object");
    } catch {
      return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
    }
    const size = Buffer.byteLength(JSON.stringify(entry), "utf8");
    if (size > MAX_ENTRY_BYTES)
      return {
        ErrorCode: "InvalidArgument",
        ErrorMessage: `Entry size ${size} exceeds the limit of ${MAX_ENTRY_BYTES} bytes.`,
      };
    if (!this.busOf(entry.EventBusName)) {
      return {
        ErrorCode: "ResourceNotFoundException",
        ErrorMessage: `Event bus ${entry.EventBusName} does not exist.`,
      };
    }
    return undefined;
  }

  private envelope(entry: PutEventsRequestEntry): EventBridgeEnvelope {
    const time =
      typeof entry.Time === "number" ? new Date(entry.Time * 1000) : entry.Time ? new Date(entry.Time) : new Date();
    return {
      version: "0",
      id: randomUUID(),
      "detail-type": entry.DetailType as string,
      source: entry.Source as string,
      account: this.options.account.accountId,
      time: time.toISOString().replace(/\.\d{3}Z$/, "Z"),
      region: this.options.account.region,
      resources: [...(entry.Resources ?? [])],
      detail: JSON.parse(entry.Detail as string) as unknown,
    };
  }

  /** The rules of `bus` that match `event` (enabled ones only). */
  matchingRules(bus: string, event: EventBridgeEnvelope): RuleSpec[] {
    return (this.rulesByBus.get(bus) ?? []).filter((rule) => rule.enabled && this.options.matcher(rule.pattern, event));
  }

  /**
   * An archived event put back on its bus by a replay: marked with `replay-name`, routed to the matching
   * rules (of `ruleArns` only, when given: StartReplay's FilterArns), not archived again.
   */
  replay(bus: string, event: EventBridgeEnvelope, replayName: string, ruleArns?: readonly string[]): void {
    const replayed = { ...event, "replay-name": replayName } as EventBridgeEnvelope;
    this.stats.replayed++;
    this.trace.emit({ kind: "event-replayed", eventId: event.id, bus, replayName, detailType: event["detail-type"] });
    this.route(bus, replayed, ruleArns);
  }

  private route(bus: string, event: EventBridgeEnvelope, ruleArns?: readonly string[]): void {
    const rules = this.matchingRules(bus, event).filter((r) => !ruleArns || ruleArns.includes(r.arn));
    if (rules.length === 0) {
      this.stats.unmatched++;
      this.trace.emit({ kind: "event-unmatched", eventId: event.id, bus, detailType: event["detail-type"] });
      return;
    }
    for (const rule of rules) {
      for (const target of rule.targets) {
        this.trace.emit({ kind: "rule-matched", eventId: event.id, rule: rule.name, target: target.arn });
        // Deliveries are asynchronous: PutEvents has already answered when they run.
        void this.activity.track(
          new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.deliver(rule, target, event)),
        );
      }
    }
  }

  private async deliver(rule: RuleSpec, target: TargetSpec, event: EventBridgeEnvelope): Promise<void> {
    const { maximumRetryAttempts, maximumEventAgeSeconds } = target.retryPolicy;
    let payload: unknown;
    try {
      payload = targetPayload(target, event);
    } catch (error) {
      await this.deadLetter(
        rule,
        target,
        event,
        new AwsServiceError("InvalidInput", (error as Error).message, { retryable: false, cause: error }),
        0,
        "NonRetryable",
      );
      return;
    }
    let nominalAgeMs = 0;
    for (let attempt = 1; ; attempt++) {
      this.stats.deliveries++;
      try {
        await this.options.dispatch({ rule, target, payload, event });
        this.trace.emit({
          kind: "delivered",
          eventId: event.id,
          rule: rule.name,
          target: target.arn,
          attempts: attempt,
        });
        return;
      } catch (raw) {
        const error =
          raw instanceof AwsServiceError
            ? raw
            : new AwsServiceError("InternalException", (raw as Error)?.message ?? String(raw), {
                retryable: true,
                cause: raw,
              });
        this.stats.failedAttempts++;
        const retriesUsed = attempt - 1;
        const delay = retryDelayMs(attempt, this.random);
        const exhausted = !error.retryable
          ? "NonRetryable"
          : retriesUsed >= maximumRetryAttempts
            ? "MaximumRetryAttempts"
            : nominalAgeMs + delay > maximumEventAgeSeconds * 1000
              ? "MaximumEventAge"
              : undefined;
        this.trace.emit({
          kind: "delivery-failed",
          eventId: event.id,
          rule: rule.name,
          target: target.arn,
          attempt,
          errorCode: error.name,
          message: error.message,
          willRetry: exhausted === undefined,
        });
        if (exhausted) {
          await this.deadLetter(rule, target, event, error, retriesUsed, exhausted);
          return;
        }
        nominalAgeMs += delay;
        await this.clock.sleep(delay);
      }
    }
  }

  private async deadLetter(
    rule: RuleSpec,
    target: TargetSpec,
    event: EventBridgeEnvelope,
    error: AwsServiceError,
    retries: number,
    condition: string,
  ): Promise<void> {
    const reason = `${error.name}: ${error.message} (${condition}, ${retries} retries)`;
    if (!target.deadLetterArn) {
      this.stats.dropped++;
      this.trace.emit({
        kind: "dropped",
        source: `rule ${rule.name} -> ${target.arn}`,
        reason: `${reason}; the target has no dead-letter queue`,
        eventId: event.id,
      });
      return;
    }
    try {
      const denial = this.options.authorizeDeadLetter?.(rule, target.deadLetterArn);
      if (denial) throw new Error(`AccessDenied: ${denial}`);
      this.options.queues.send(target.deadLetterArn, JSON.stringify(event), {
        RULE_ARN: rule.arn,
        TARGET_ARN: target.arn,
        ERROR_CODE: error.name,
        ERROR_MESSAGE: error.message,
        EXHAUSTED_RETRY_CONDITION: condition,
        RETRY_ATTEMPTS: String(retries),
      });
      this.stats.deadLettered++;
      const queue = this.options.queues.find(target.deadLetterArn);
      this.trace.emit({
        kind: "dead-lettered",
        queue: queue?.name ?? target.deadLetterArn,
        source: `rule ${rule.name}`,
        reason,
        eventId: event.id,
      });
    } catch (sendError) {
      this.stats.dropped++;
      this.trace.emit({
        kind: "dropped",
        source: `rule ${rule.name} -> ${target.arn}`,
        reason: `${reason}; the dead-letter queue refused it: ${(sendError as Error).message}`,
        eventId: event.id,
      });
    }
  }
}

/** What a target receives: the event, a constant `input`, or the part `input_path` selects. */
function targetPayload(target: TargetSpec, event: EventBridgeEnvelope): unknown {
  if (target.input !== undefined) return JSON.parse(target.input) as unknown;
  if (target.inputPath !== undefined) return selectPath(event, target.inputPath);
  return event;
}

function selectPath(value: unknown, path: string): unknown {
  if (path === "$") return value;
  if (!path.startsWith("$.")) throw new Error(`input_path "${path}" must start with "$."`);
  let v = value;
  for (const key of path.slice(2).split(".")) {
    if (v === null || typeof v !== "object" || !(key in v)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}
