import { matchesEventPattern } from "../../../src/local/event-pattern";
import { Activity } from "../../../src/local/runtime/activity";
import { Clock } from "../../../src/local/runtime/clock";
import {
  LocalEventBridge,
  LocalEventBridgeOptions,
  RuleSpec,
  TargetDispatcher,
} from "../../../src/local/runtime/eventbridge/bus";
import { AwsServiceError } from "../../../src/local/runtime/service-error";
import { LocalQueues } from "../../../src/local/runtime/sqs/queues";
import { Trace } from "../../../src/local/runtime/trace";

const DLQ = "arn:aws:sqs:us-east-1:000000000000:created-dlq";
const rule = (over: Partial<RuleSpec> = {}): RuleSpec => ({
  name: "created",
  arn: "arn:aws:events:us-east-1:000000000000:rule/orders/created",
  busName: "orders",
  pattern: { source: ["orders.order-service"], "detail-type": ["Order Created"] },
  enabled: true,
  targets: [
    {
      id: "t",
      arn: "arn:aws:states:us-east-1:000000000000:stateMachine:saga",
      retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 3600 },
      deadLetterArn: DLQ,
    },
  ],
  ...over,
});

function busWith(
  dispatch: TargetDispatcher,
  rules: RuleSpec[] = [rule()],
  iam: Partial<Pick<LocalEventBridgeOptions, "authorize" | "authorizeDeadLetter">> = {},
) {
  const queues = new LocalQueues();
  queues.add({ name: "created-dlq", arn: DLQ, url: "https://sqs/created-dlq", retentionSeconds: 60 });
  const activity = new Activity();
  const trace = new Trace();
  const bus = new LocalEventBridge({
    busNames: ["orders"],
    rules,
    matcher: (p, e) => matchesEventPattern(p as never, e),
    dispatch,
    queues,
    account: { accountId: "000000000000", region: "us-east-1" },
    clock: new Clock(0),
    random: () => 0.5,
    trace,
    activity,
    ...iam,
  });
  return { bus, queues, activity, trace };
}

const entry = (over: Record<string, unknown> = {}) => ({
  Source: "orders.order-service",
  DetailType: "Order Created",
  Detail: '{"orderId":"o1"}',
  EventBusName: "orders",
  ...over,
});

describe("the local event bus", () => {
  it("answers PutEvents per entry, as EventBridge does, and delivers accepted events to matching rules", async () => {
    const delivered: unknown[] = [];
    const { bus, activity } = busWith(async ({ payload }) => void delivered.push(payload));
    const result = await bus.putEvents([
      entry(),
      entry({ EventBusName: "arn:aws:events:us-east-1:000000000000:event-bus/orders" }),
      entry({ Detail: "not json" }),
      entry({ EventBusName: "nope" }),
      entry({ Source: undefined }),
    ]);
    expect(result.FailedEntryCount).toBe(3);
    expect(result.Entries.map((e) => e.ErrorCode ?? "ok")).toEqual([
      "ok",
      "ok",
      "MalformedDetail",
      "ResourceNotFoundException",
      "InvalidArgument",
    ]);
    await activity.idle();
    expect(delivered).toHaveLength(2);
    expect(delivered[0]).toMatchObject({
      version: "0",
      source: "orders.order-service",
      "detail-type": "Order Created",
      account: "000000000000",
      detail: { orderId: "o1" },
    });
  });

  it("refuses an empty or oversized request as a whole", async () => {
    const { bus } = busWith(async () => undefined);
    await expect(bus.putEvents([])).rejects.toMatchObject({ name: "ValidationException" });
    await expect(bus.putEvents(Array.from({ length: 11 }, () => entry()))).rejects.toMatchObject({
      name: "ValidationException",
    });
  });

  it("does not deliver an event that matches no rule (and says so)", async () => {
    const dispatch = jest.fn(async () => undefined);
    const { bus, activity, trace } = busWith(dispatch, [
      rule({ pattern: { source: ["orders.order-service"], "detail-type": ["Order Placed"] } }),
    ]);
    await bus.putEvents([entry()]);
    await activity.idle();
    expect(dispatch).not.toHaveBeenCalled();
    expect(trace.records.map((r) => r.kind)).toEqual(["event-accepted", "event-unmatched"]);
  });

  it("retries a failing target as its retry policy allows, then dead-letters the event with EventBridge's attributes", async () => {
    const dispatch = jest.fn(async () => {
      throw new AwsServiceError("ThrottlingException", "slow down", { retryable: true });
    });
    const { bus, queues, activity } = busWith(dispatch);
    await bus.putEvents([entry()]);
    await activity.idle();
    expect(dispatch).toHaveBeenCalledTimes(4);
    const [message] = queues.find(DLQ)?.messages ?? [];
    expect(JSON.parse(message?.Body ?? "{}")).toMatchObject({
      "detail-type": "Order Created",
      detail: { orderId: "o1" },
    });
    expect(message?.MessageAttributes).toMatchObject({
      ERROR_CODE: { StringValue: "ThrottlingException" },
      EXHAUSTED_RETRY_CONDITION: { StringValue: "MaximumRetryAttempts" },
      RETRY_ATTEMPTS: { StringValue: "3" },
      RULE_ARN: { StringValue: rule().arn },
    });
  });

  it("stops retrying when the event is older than the maximum age, counted in nominal time", async () => {
    const dispatch = jest.fn(async () => {
      throw new AwsServiceError("InternalException", "down", { retryable: true });
    });
    const targets = [{ ...rule().targets[0]!, retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeSeconds: 60 } }];
    const { bus, queues, activity } = busWith(dispatch, [rule({ targets })]);
    await bus.putEvents([entry()]);
    await activity.idle();
    // Waits of 0.75, 1.5, 3, 6, 12, 24 s fit in 60 s; the next (48 s) would not.
    expect(dispatch).toHaveBeenCalledTimes(7);
    expect(queues.find(DLQ)?.messages[0]?.MessageAttributes.EXHAUSTED_RETRY_CONDITION?.StringValue).toBe(
      "MaximumEventAge",
    );
  });

  it("dead-letters at once what EventBridge does not retry, and drops (traced) when there is no queue", async () => {
    const dispatch = jest.fn(async () => {
      throw new AwsServiceError("AccessDeniedException", "no permission", { retryable: false });
    });
    const noDlq = [{ ...rule().targets[0]!, deadLetterArn: undefined }];
    const { bus, queues, activity, trace } = busWith(dispatch, [rule(), rule({ name: "second", targets: noDlq })]);
    await bus.putEvents([entry()]);
    await activity.idle();
    expect(dispatch).toHaveBeenCalledTimes(2);
    expect(queues.find(DLQ)?.messages[0]?.MessageAttributes.EXHAUSTED_RETRY_CONDITION?.StringValue).toBe(
      "NonRetryable",
    );
    expect(trace.records.find((r) => r.kind === "dropped")).toMatchObject({
      reason: expect.stringMatching(/AccessDeniedException.*no dead-letter queue/),
    });
  });

  it("skips disabled rules", async () => {
    const dispatch = jest.fn(async () => undefined);
    const { bus, activity } = busWith(dispatch, [rule({ enabled: false })]);
    await bus.putEvents([entry()]);
    await activity.idle();
    expect(dispatch).not.toHaveBeenCalled();
  });

  describe("with IAM", () => {
    // Only entries from orders.order-service may be put (an events:source condition).
    const authorize = (e: { Source?: string }) =>
      e.Source === "orders.order-service" ? undefined : `not authorized for ${e.Source}`;

    it("refuses the entries IAM refuses, each with AccessDeniedException (PutEventsResultEntry's non-retryable errors)", async () => {
      const delivered: unknown[] = [];
      const { bus, activity } = busWith(async ({ payload }) => void delivered.push(payload), [rule()], { authorize });
      const result = await bus.putEvents([entry(), entry({ Source: "orders.payment-service" })]);
      expect(result).toMatchObject({
        FailedEntryCount: 1,
        Entries: [
          { EventId: expect.any(String) },
          { ErrorCode: "AccessDeniedException", ErrorMessage: "not authorized for orders.payment-service" },
        ],
      });
      await activity.idle();
      expect(delivered).toHaveLength(1);
    });

    it("fails the whole request with AccessDeniedException (HTTP 400) when IAM refuses every entry", async () => {
      const { bus } = busWith(async () => undefined, [rule()], { authorize });
      await expect(bus.putEvents([entry({ Source: "x" }), entry({ Source: "y" })])).rejects.toMatchObject({
        name: "AccessDeniedException",
        statusCode: 400,
        message: "not authorized for x",
      });
    });

    it("drops a dead letter the queue policy refuses, and says why", async () => {
      const { bus, queues, activity, trace } = busWith(
        async () => {
          throw new AwsServiceError("AccessDeniedException", "no", { retryable: false });
        },
        [rule()],
        { authorizeDeadLetter: () => "events.amazonaws.com may not send to the queue" },
      );
      await bus.putEvents([entry()]);
      await activity.idle();
      expect(queues.find(DLQ)?.messages).toHaveLength(0);
      expect(trace.records.find((r) => r.kind === "dropped")).toMatchObject({
        reason: expect.stringMatching(
          /the dead-letter queue refused it: AccessDenied: events.amazonaws.com may not send/,
        ),
      });
    });
  });
});
