import type { EventBridgeEnvelope } from "../../../contracts/events";

/** An event archive as synthesized (`aws_cloudwatch_event_archive`). */
export interface ArchiveSpec {
  readonly name: string;
  readonly arn: string;
  /** The bus whose events it keeps (`event_source_arn`). */
  readonly busName: string;
  /** The parsed event_pattern; every event when absent. */
  readonly pattern?: unknown;
  /** 0 keeps events indefinitely. */
  readonly retentionDays: number;
}

/** A StartReplay request, as the API takes it (times as Dates). */
export interface ReplayRequest {
  readonly replayName: string;
  readonly eventSourceArn: string;
  readonly eventStartTime: Date;
  readonly eventEndTime: Date;
  readonly destination: { readonly arn: string; readonly filterArns?: readonly string[] };
}

/** What DescribeReplay answers of a replay, plus the number of events it replayed. */
export interface ReplayRecord {
  readonly replayName: string;
  readonly replayArn: string;
  readonly eventSourceArn: string;
  readonly eventStartTime: Date;
  readonly eventEndTime: Date;
  readonly state: "COMPLETED";
  readonly replayStartTime: Date;
  readonly replayEndTime: Date;
  readonly eventLastReplayedTime?: Date;
  readonly eventsReplayed: number;
}

/** StartReplay refused the request; `name` is the error code EventBridge answers with. */
class ReplayError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Puts one archived event back on its bus, with `replay-name`, to the rules given (all when undefined). */
export type ReplayDelivery = (
  busName: string,
  event: EventBridgeEnvelope,
  replayName: string,
  ruleArns: readonly string[] | undefined,
) => void;

const DAY_MS = 86_400_000;
/** ReplayName: 1-64 characters of `[\.\-_A-Za-z0-9]` (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html). */
const REPLAY_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;

/**
 * The stack's event archives and their replays. An archive keeps each event its bus accepts that matches
 * its pattern, never a replayed one ("Replayed events are not sent to an archive":
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html), and drops events
 * older than its retention. A replay puts the events of a time window back on the archive's bus, the
 * window judged by each event's `time`, start included, end excluded, minute by minute from the start
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html).
 */
export class LocalArchives {
  private readonly kept = new Map<string, { readonly event: EventBridgeEnvelope; readonly archivedAt: number }[]>();
  private readonly replays = new Map<string, ReplayRecord>();

  constructor(
    readonly specs: readonly ArchiveSpec[],
    private readonly options: {
      readonly matcher: (pattern: unknown, event: unknown) => boolean;
      readonly account: { readonly accountId: string; readonly region: string };
      readonly busArn: (busName: string) => string;
      readonly now?: () => number;
    },
  ) {
    for (const spec of specs) this.kept.set(spec.arn, []);
  }

  /** Offers an event its bus accepted (from PutEvents, not a replay) to the bus's archives. */
  offer(busName: string, event: EventBridgeEnvelope): void {
    for (const spec of this.specs) {
      if (spec.busName !== busName) continue;
      if (spec.pattern !== undefined && !this.options.matcher(spec.pattern, event)) continue;
      this.kept.get(spec.arn)?.push({ event, archivedAt: this.now() });
    }
  }

  /** The events an archive holds now, oldest archived first. */
  events(archiveArn: string): EventBridgeEnvelope[] {
    return this.retained(archiveArn).map((k) => k.event);
  }

  /** StartReplay, run to its end: every event of the window is handed to `deliver` before it returns. */
  startReplay(request: ReplayRequest, deliver: ReplayDelivery): ReplayRecord {
    const spec = this.specs.find((s) => s.arn === request.eventSourceArn);
    if (!spec) throw new ReplayError("ResourceNotFoundException", `Archive ${request.eventSourceArn} does not exist.`);
    if (!REPLAY_NAME.test(request.replayName))
      throw new ReplayError(
        "ValidationException",
        `ReplayName "${request.replayName}" must be 1-64 characters of letters, digits, ".", "-" and "_".`,
      );
    if (this.replays.has(request.replayName))
      throw new ReplayError("ResourceAlreadyExistsException", `Replay ${request.replayName} already exists.`);
    const [start, end] = [request.eventStartTime.getTime(), request.eventEndTime.getTime()];
    if (!(start < end)) throw new ReplayError("ValidationException", "EventStartTime must be before EventEndTime.");
    // "you can replay events only to the same event bus that emitted the events"
    if (request.destination.arn !== this.options.busArn(spec.busName))
      throw new ReplayError(
        "ValidationException",
        `Destination ${request.destination.arn} is not the archive's event bus ${this.options.busArn(spec.busName)}.`,
      );
    const replayStartTime = new Date(this.now());
    const window = this.retained(spec.arn)
      .map((k) => k.event)
      .filter((e) => {
        const t = Date.parse(e.time);
        return t >= start && t < end;
      })
      // Stable: events of the same second keep the order they were archived in.
      .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    for (const event of window) deliver(spec.busName, event, request.replayName, request.destination.filterArns);
    const last = window.at(-1);
    const record: ReplayRecord = {
      replayName: request.replayName,
      replayArn: `arn:aws:events:${this.options.account.region}:${this.options.account.accountId}:replay/${request.replayName}`,
      eventSourceArn: spec.arn,
      eventStartTime: request.eventStartTime,
      eventEndTime: request.eventEndTime,
      state: "COMPLETED",
      replayStartTime,
      replayEndTime: new Date(this.now()),
      ...(last ? { eventLastReplayedTime: new Date(last.time) } : {}),
      eventsReplayed: window.length,
    };
    this.replays.set(record.replayName, record);
    return record;
  }

  private retained(archiveArn: string) {
    const spec = this.specs.find((s) => s.arn === archiveArn);
    const kept = this.kept.get(archiveArn) ?? [];
    if (!spec || spec.retentionDays === 0) return kept;
    const oldest = this.now() - spec.retentionDays * DAY_MS;
    return kept.filter((k) => k.archivedAt >= oldest);
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
