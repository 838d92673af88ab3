/**
 * The local event archive and StartReplay, judged against the EventBridge documentation:
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html (pattern, retention,
 * replayed events never archived), https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_StartReplay.html
 * (window, destination, FilterArns, ReplayName) and
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-replay-archived-event.html (same bus only).
 */
import { matchesEventPattern } from "../../../src/local/event-pattern";
import { Activity } from "../../../src/local/runtime/activity";
import { Clock } from "../../../src/local/runtime/clock";
import { LocalArchives, type ArchiveSpec, type ReplayRequest } from "../../../src/local/runtime/eventbridge/archive";
import { LocalEventBridge, type RuleSpec } from "../../../src/local/runtime/eventbridge/bus";
import { LocalQueues } from "../../../src/local/runtime/sqs/queues";
import { Trace } from "../../../src/local/runtime/trace";

const BUS_ARN = "arn:aws:events:us-east-1:000000000000:event-bus/orders";
const ARCHIVE: ArchiveSpec = {
  name: "orders-archive",
  arn: "arn:aws:events:us-east-1:000000000000:archive/orders-archive",
  busName: "orders",
  pattern: { source: ["orders.order-service", "orders.order-workflow"] },
  retentionDays: 7,
};
const rule = (name: string, detailType: string): RuleSpec => ({
  name,
  arn: `arn:aws:events:us-east-1:000000000000:rule/orders/${name}`,
  busName: "orders",
  pattern: { "detail-type": [detailType] },
  enabled: true,
  targets: [
    {
      id: "t",
      arn: `arn:aws:sqs:us-east-1:000000000000:${name}`,
      retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
    },
  ],
});

function busWithArchive(spec: ArchiveSpec = ARCHIVE, now: () => number = Date.now) {
  const matcher = (p: unknown, e: unknown) => matchesEventPattern(p as never, e);
  const archives = new LocalArchives([spec], {
    matcher,
    account: { accountId: "000000000000", region: "us-east-1" },
    busArn: (name) => `arn:aws:events:us-east-1:000000000000:event-bus/${name}`,
    now,
  });
  const delivered: { rule: string; event: Record<string, unknown> }[] = [];
  const activity = new Activity();
  const bus = new LocalEventBridge({
    busNames: ["orders"],
    rules: [rule("created", "Order Created"), rule("outcome", "Order Completed")],
    matcher,
    dispatch: async ({ rule: r, payload }) =>
      void delivered.push({ rule: r.name, event: payload as Record<string, unknown> }),
    queues: new LocalQueues(),
    account: { accountId: "000000000000", region: "us-east-1" },
    clock: new Clock(0),
    trace: new Trace(),
    activity,
    archive: (name, event) => archives.offer(name, event),
  });
  const replay = (over: Partial<ReplayRequest> = {}) =>
    archives.startReplay(
      {
        replayName: "r1",
        eventSourceArn: ARCHIVE.arn,
        eventStartTime: new Date("2026-12-01T10:00:00Z"),
        eventEndTime: new Date("2026-12-01T11:00:00Z"),
        destination: { arn: BUS_ARN },
        ...over,
      },
      (b, e, name, arns) => bus.replay(b, e, name, arns),
    );
  return { bus, archives, delivered, activity, replay };
}

const put = (bus: LocalEventBridge, time: string, detailType = "Order Created", source = "orders.order-service") =>
  bus.putEvents([
    {
      Source: source,
      DetailType: detailType,
      Detail: `{"at":"${time}"}`,
      EventBusName: "orders",
      Time: new Date(time),
    },
  ]);

describe("the local event archive", () => {
  it("keeps what its pattern matches on its bus, and never a replayed event", async () => {
    const { bus, archives, activity, replay } = busWithArchive();
    await put(bus, "2026-12-01T10:00:00Z");
    await put(bus, "2026-12-01T10:00:01Z", "Order Completed", "orders.order-workflow");
    await put(bus, "2026-12-01T10:00:02Z", "Order Created", "someone.else");
    await activity.idle();
    expect(archives.events(ARCHIVE.arn).map((e) => [e.source, e["detail-type"]])).toEqual([
      ["orders.order-service", "Order Created"],
      ["orders.order-workflow", "Order Completed"],
    ]);
    replay();
    await activity.idle();
    expect(archives.events(ARCHIVE.arn)).toHaveLength(2);
  });

  it("replays the window's events by their time, start included and end excluded, marked with replay-name, to every matching rule", async () => {
    const { bus, delivered, activity, replay } = busWithArchive();
    await put(bus, "2026-12-01T09:59:59Z");
    await put(bus, "2026-12-01T10:00:00Z");
    await put(bus, "2026-12-01T10:30:00Z", "Order Completed", "orders.order-workflow");
    await put(bus, "2026-12-01T11:00:00Z");
    await activity.idle();
    const live = delivered.splice(0);
    expect(live).toHaveLength(4);
    const record = replay({ replayName: "incident-42" });
    await activity.idle();
    expect(delivered.map((d) => [d.rule, d.event.time, d.event["replay-name"]])).toEqual([
      ["created", "2026-12-01T10:00:00Z", "incident-42"],
      ["outcome", "2026-12-01T10:30:00Z", "incident-42"],
    ]);
    // The event itself is the archived one: same id and detail, plus replay-name.
    const original = live.find((d) => d.event.time === "2026-12-01T10:00:00Z")!.event;
    expect(delivered[0]!.event).toEqual({ ...original, "replay-name": "incident-42" });
    expect(record).toMatchObject({
      replayName: "incident-42",
      replayArn: "arn:aws:events:us-east-1:000000000000:replay/incident-42",
      state: "COMPLETED",
      eventsReplayed: 2,
      eventLastReplayedTime: new Date("2026-12-01T10:30:00Z"),
    });
    expect(bus.stats.replayed).toBe(2);
  });

  it("replays to the rules FilterArns names only", async () => {
    const { bus, delivered, activity, replay } = busWithArchive();
    await put(bus, "2026-12-01T10:00:00Z");
    await put(bus, "2026-12-01T10:00:01Z", "Order Completed", "orders.order-workflow");
    await activity.idle();
    delivered.splice(0);
    replay({ destination: { arn: BUS_ARN, filterArns: [rule("outcome", "Order Completed").arn] } });
    await activity.idle();
    expect(delivered.map((d) => d.rule)).toEqual(["outcome"]);
  });

  it("forgets events older than its retention", async () => {
    let now = Date.parse("2026-12-01T10:00:00Z");
    const { bus, archives, activity } = busWithArchive(ARCHIVE, () => now);
    await put(bus, "2026-12-01T10:00:00Z");
    await activity.idle();
    now += 7 * 86_400_000;
    expect(archives.events(ARCHIVE.arn)).toHaveLength(1);
    now += 1;
    expect(archives.events(ARCHIVE.arn)).toHaveLength(0);
  });

  it("refuses a replay as StartReplay does: unknown archive, bad or reused name, empty window, another bus", () => {
    const { replay } = busWithArchive();
    expect(() => replay({ eventSourceArn: `${ARCHIVE.arn}-x` })).toThrow(
      expect.objectContaining({ name: "ResourceNotFoundException" }),
    );
    expect(() => replay({ replayName: "has space" })).toThrow(expect.objectContaining({ name: "ValidationException" }));
    expect(() => replay({ replayName: "x".repeat(65) })).toThrow(/1-64 characters/);
    expect(() =>
      replay({ eventStartTime: new Date("2026-12-01T11:00:00Z"), eventEndTime: new Date("2026-12-01T11:00:00Z") }),
    ).toThrow(/EventStartTime must be before EventEndTime/);
    expect(() => replay({ destination: { arn: "arn:aws:events:us-east-1:000000000000:event-bus/default" } })).toThrow(
      /is not the archive's event bus/,
    );
    replay({ replayName: "once" });
    expect(() => replay({ replayName: "once" })).toThrow(
      expect.objectContaining({ name: "ResourceAlreadyExistsException" }),
    );
  });
});
