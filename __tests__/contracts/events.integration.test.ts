/**
 * Event contracts: every event the services and the workflow actually emit (captured on the bus of
 * the local runtime while real orders run through the synthesized stack, the functions on the
 * in-process host) matches exactly the rules meant to receive it, and no other, and its detail
 * parses with its schema.
 */
import {
  EventContractError,
  EventContracts,
  IntendedRules,
  RulePatterns,
  buildPutEventsEntry,
  eventKindOf,
  parseEvent,
  type EventKind,
} from "../../src/contracts/events";
import { matchingPatterns } from "../../src/local/event-pattern";
import { startPipeline, type RunningPipeline } from "../local/e2e/support";
import { orderRequest } from "../support/orders";

/** An event the bus accepted, as far as its contract speaks of it. */
interface EmittedEvent {
  readonly event: {
    readonly id: string;
    readonly source: string;
    readonly "detail-type": string;
    readonly detail: unknown;
  };
}

let pipeline: RunningPipeline;
let emitted: EmittedEvent[];

beforeAll(async () => {
  pipeline = await startPipeline({ lambdaHost: "in-process" });
  const accepted: EmittedEvent[] = [];
  pipeline.runtime.trace.subscribe((r) => {
    if (r.kind === "event-accepted")
      accepted.push({ event: { id: r.eventId, source: r.source, "detail-type": r.detailType, detail: r.detail } });
  });
  const requests = [
    orderRequest({ customerId: "happy" }),
    orderRequest({ customerId: "declined-customer" }),
    orderRequest({
      customerId: "unlucky",
      items: [{ productId: "prod-005", quantity: 101, price: 4.95 }],
      totalAmount: 499.95,
    }),
  ];
  for (const request of requests) await pipeline.submit(request);
  emitted = accepted;
}, 120_000);
afterAll(() => pipeline?.stop());

describe("emitted events", () => {
  test("the run emitted every kind of event in the contracts", () => {
    const kinds = new Set(emitted.map((e) => eventKindOf(e.event.source, e.event["detail-type"])));
    expect([...kinds].sort()).toEqual((Object.keys(EventContracts) as EventKind[]).sort());
  });

  test("each event matches exactly the rules meant to receive it (RulePatterns), and no other", () => {
    for (const { event } of emitted) {
      const kind = eventKindOf(event.source, event["detail-type"]);
      expect(kind).toBeDefined();
      expect({ kind, rules: matchingPatterns(RulePatterns, event) }).toEqual({
        kind,
        rules: [...IntendedRules[kind!]],
      });
    }
  });

  test("each event matches exactly the intended rules of the synthesized stack, too", () => {
    // The stack's rules, as synthesized and as the runtime runs them.
    const rulePatterns = Object.fromEntries(
      pipeline.runtime.bus.rules.map((rule) => [rule.name, rule.pattern as Record<string, unknown>]),
    );
    // Which contract pattern each synthesized rule is.
    const ruleFor = Object.fromEntries(
      Object.entries(rulePatterns).map(([id, pattern]) => {
        const match = Object.entries(RulePatterns).find(([, p]) => JSON.stringify(p) === JSON.stringify(pattern));
        expect(match).toBeDefined();
        return [id, match![0]];
      }),
    );
    for (const { event } of emitted) {
      const kind = eventKindOf(event.source, event["detail-type"])!;
      const matched = matchingPatterns(rulePatterns, event).map((id) => ruleFor[id]);
      expect(matched.sort()).toEqual([...IntendedRules[kind]].sort());
    }
  });

  test("each event's detail parses with its contract schema", () => {
    for (const { event } of emitted) expect(() => parseEvent(event)).not.toThrow();
  });

  test("the Notification service accepts every outcome event the workflow emits", async () => {
    const outcomes = emitted.filter((e) => e.event.source === "orders.order-workflow");
    expect(outcomes.length).toBeGreaterThanOrEqual(3);
    const notification = [...pipeline.runtime.functions.keys()].find((name) => name.endsWith("-notification"))!;
    for (const { event } of outcomes) {
      const result = await pipeline.runtime.invoke(notification, event);
      expect(result.functionError).toBeUndefined();
      expect(result.payload).toMatchObject({ orderId: (event.detail as { orderId: string }).orderId });
    }
  });

  test("an event from another source or of another type reaches no rule", () => {
    const base = emitted[0]!.event;
    expect(matchingPatterns(RulePatterns, { ...base, source: "orders.somebody-else" })).toEqual([]);
    expect(matchingPatterns(RulePatterns, { ...base, "detail-type": "Order Shipped" })).toEqual([]);
    expect(matchingPatterns(RulePatterns, { ...base, source: "orders.order-workflow" })).toEqual([]); // Order Created from the workflow
  });
});

describe("entry builder and parser", () => {
  const detail = {
    orderId: `ord_${"a".repeat(32)}`,
    customerId: "c-1",
    totalCents: 100,
    currency: "USD" as const,
    status: "COMPLETED" as const,
    paymentId: `pay_${"b".repeat(24)}`,
  };

  test("builds a PutEvents entry from the contract", () => {
    expect(buildPutEventsEntry("orderCompleted", detail, "bus")).toEqual({
      Source: "orders.order-workflow",
      DetailType: "Order Completed",
      Detail: JSON.stringify(detail),
      EventBusName: "bus",
    });
  });

  test.each<[string, Record<string, unknown>, string]>([
    ["a fractional amount", { totalCents: 1.5 }, "detail.totalCents"],
    ["a bad order id", { orderId: "42" }, "detail.orderId"],
    ["another currency", { currency: "EUR" }, "detail.currency"],
    ["a missing payment id", { paymentId: undefined }, "detail.paymentId"],
  ])("refuses to build an entry with %s, naming the field", (_name, change, field) => {
    const error = (() => {
      try {
        buildPutEventsEntry("orderCompleted", { ...detail, ...change } as never, "bus");
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(EventContractError);
    expect((error as EventContractError).issues.map((i) => i.field)).toContain(field);
  });

  test("parseEvent restricts the kinds accepted", () => {
    const event = { id: "1", source: "orders.order-workflow", "detail-type": "Order Completed", detail };
    expect(parseEvent(event, ["orderCompleted"]).detail).toEqual(detail);
    expect(() => parseEvent(event, ["orderCreated"])).toThrow(/detail-type must be one of "Order Created"/);
  });
});
