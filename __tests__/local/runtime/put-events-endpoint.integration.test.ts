/**
 * The runtime's EventBridge over the PutEvents JSON protocol (runtime/eventbridge/endpoint.ts), as an
 * unmodified SDK client sees it.
 */
import "../../support/powertools-env";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { startPutEventsEndpoint, type PutEventsEndpoint } from "../../../src/local/runtime/eventbridge/endpoint";
import { LOCAL_AWS } from "../../support/local-aws";
import { RecordingBus } from "../../support/recording-bus";

let bus: RecordingBus;
let server: PutEventsEndpoint;
let client: EventBridgeClient;

beforeAll(async () => {
  bus = new RecordingBus({ busNames: ["orders"], account: { accountId: "111122223333", region: "eu-west-1" } });
  server = await startPutEventsEndpoint((entries, caller) => bus.putEvents(entries, caller));
  client = new EventBridgeClient({ ...LOCAL_AWS, endpoint: server.endpoint, maxAttempts: 1 });
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

const entry = (overrides: Record<string, unknown> = {}) => ({
  EventBusName: "orders",
  Source: "s",
  DetailType: "t",
  Detail: '{"a":1}',
  ...overrides,
});

describe("the local event bus over the PutEvents protocol", () => {
  test("an SDK client puts events; the bus records them as rule targets receive them", async () => {
    const result = await client.send(
      new PutEventsCommand({ Entries: [entry({ Time: new Date("2026-01-02T03:04:05.678Z") })] }),
    );
    expect(result.FailedEntryCount).toBe(0);
    expect(bus.events.at(-1)!.event).toEqual({
      version: "0",
      id: result.Entries![0]!.EventId,
      "detail-type": "t",
      source: "s",
      account: "111122223333",
      time: "2026-01-02T03:04:05Z",
      region: "eu-west-1",
      resources: [],
      detail: { a: 1 },
    });
    // Without a Time, the event is stamped with the time of the call, to the second.
    await client.send(new PutEventsCommand({ Entries: [entry()] }));
    expect(bus.events.at(-1)!.event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  test("bad entries fail one by one with error codes, the good ones go through", async () => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [entry({ Detail: "not json" }), entry(), entry({ EventBusName: "nope" }), entry({ Detail: "[1]" })],
      }),
    );
    expect(result.FailedEntryCount).toBe(3);
    expect(result.Entries!.map((e) => e.ErrorCode ?? "ok")).toEqual([
      "MalformedDetail",
      "ok",
      "ResourceNotFoundException",
      "MalformedDetail",
    ]);
  });

  // PutEvents takes 1 to 10 entries ("Entries ... Array Members: Minimum number of 1 item. Maximum number
  // of 10 items.", https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html); a
  // request outside that is refused whole with ValidationException, HTTP 400 ("The input fails to satisfy
  // the constraints specified by an AWS service.",
  // https://docs.aws.amazon.com/eventbridge/latest/APIReference/CommonErrors.html): a client error the
  // SDK does not retry, not a 500.
  test.each([0, 11])("a request of %i entries is HTTP 400 ValidationException", async (count) => {
    const before = bus.events.length;
    await expect(
      client.send(new PutEventsCommand({ Entries: Array.from({ length: count }, () => entry()) })),
    ).rejects.toMatchObject({
      name: "ValidationException",
      message: expect.stringContaining("Member must have length between 1 and 10"),
      $metadata: { httpStatusCode: 400 },
    });
    expect(bus.events).toHaveLength(before);
  });

  test("injected entry failures and request failures", async () => {
    bus.failNext(
      { entries: { errorCode: "ThrottlingException", indexes: [1] } },
      { request: { status: 500, type: "InternalException", message: "boom" } },
    );
    const partial = await client.send(new PutEventsCommand({ Entries: [entry(), entry()] }));
    expect(partial.Entries!.map((e) => e.ErrorCode ?? "ok")).toEqual(["ok", "ThrottlingException"]);
    await expect(client.send(new PutEventsCommand({ Entries: [entry()] }))).rejects.toMatchObject({
      name: "InternalException",
      $metadata: { httpStatusCode: 500 },
    });
    await expect(client.send(new PutEventsCommand({ Entries: [entry()] }))).resolves.toMatchObject({
      FailedEntryCount: 0,
    });
  });

  test("subscribers see every accepted event", async () => {
    const seen: string[] = [];
    const unsubscribe = bus.trace.subscribe((r) => {
      if (r.kind === "event-accepted") seen.push(r.eventId);
    });
    const result = await client.send(new PutEventsCommand({ Entries: [entry(), entry({ Detail: "x" })] }));
    unsubscribe();
    expect(seen).toEqual([result.Entries![0]!.EventId]);
  });
});
