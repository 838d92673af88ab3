import "../support/powertools-env";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { LOCAL_AWS } from "../../src/local/dynamodb";
import { LocalEventBus, startLocalEventBridge, type LocalEventBridge } from "../../src/local/event-bus";

let bus: LocalEventBus;
let server: LocalEventBridge;
let client: EventBridgeClient;

beforeAll(async () => {
  bus = new LocalEventBus({
    busNames: ["orders"],
    account: "111122223333",
    region: "eu-west-1",
    now: () => new Date("2026-01-02T03:04:05.678Z"),
  });
  server = await startLocalEventBridge(bus);
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

describe("local event bus over the PutEvents protocol", () => {
  test("an SDK client puts events; the bus records them as rule targets receive them", async () => {
    const result = await client.send(new PutEventsCommand({ Entries: [entry()] }));
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
    const unsubscribe = bus.subscribe((e) => void seen.push(e.event.id));
    const result = await client.send(new PutEventsCommand({ Entries: [entry(), entry({ Detail: "x" })] }));
    unsubscribe();
    expect(seen).toEqual([result.Entries![0]!.EventId]);
  });
});
