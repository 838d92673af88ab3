import { costPerMillionOrders, usagePerOrder } from "../../../src/local/cost/cost-model";
import { PRICES_AS_OF, US_EAST_1 } from "../../../src/local/cost/prices";
import type { Usage } from "../../../src/local/runtime/usage";

/** What 10 orders used: round numbers, so each figure below can be worked out by hand. */
const usage: Usage = {
  lambda: { order: { memoryMb: 1024, requests: 20, billedMs: 4000, gbSeconds: 4 } },
  stepFunctions: { saga: { type: "STANDARD", executions: 10, transitions: 60, expressGbSeconds: 2 } },
  dynamodb: { orders: { readUnits: 40, writeUnits: 100 } },
  dynamodbRequests: 150,
  sdkCalls: { order: { "dynamodb:PutItem": 10, "dynamodb:GetItem": 15 }, states: { "dynamodb:UpdateItem": 20 } },
  eventbridge: { events: 30, deliveries: 30 },
  pipes: { outbox: { requests: 20, records: 20 } },
  sqs: { requests: 5 },
  logs: { "/aws/lambda/order": 1024 ** 3 / 1000, "states:saga": 1024 ** 3 / 1000 },
  xray: { traces: 30 },
};

describe("cost per million orders", () => {
  const cost = costPerMillionOrders(usage, 10);

  it("prices each service's work at the table's prices, scaled from 10 orders to a million", () => {
    // A million orders is 100,000 times this run.
    expect(cost.byService.lambda).toBeCloseTo(100_000 * (20 * 0.2e-6 + 4 * 0.0000133334), 2);
    expect(cost.byService.stepFunctions).toBe(150); // 6,000,000 transitions at $0.025 per 1,000
    expect(cost.byService.dynamodb).toBe(6.25 + 0.5); // 10 M WRU at $0.625/M, 4 M RRU at $0.125/M
    expect(cost.byService.eventbridge).toBe(3); // 3 M events at $1/M; same-account deliveries free
    expect(cost.byService.pipes).toBe(0.8);
    expect(cost.byService.sqs).toBe(0.2);
    expect(cost.byService.cloudwatchLogs).toBe(100); // 200 GB at $0.50
    expect(cost.byService.xray).toBe(15);
  });

  it("totals the per-service figures, rounded to the cent, so the parts add up to the whole", () => {
    const sum = Object.values(cost.byService).reduce((a, b) => a + b, 0);
    expect(cost.perMillionOrders).toBeCloseTo(sum, 6);
    expect(cost).toMatchObject({ currency: "USD", pricesAsOf: PRICES_AS_OF });
  });

  it("prices the state machine as EXPRESS by requests and GB-seconds when asked", () => {
    const express = costPerMillionOrders(usage, 10, { workflowType: "EXPRESS" });
    // 1 M requests at $1/M, 200,000 GB-s at $0.06 per GB-hour.
    expect(express.byService.stepFunctions).toBeCloseTo(1 + (200_000 * 0.06) / 3600, 2);
    expect(express.byService.lambda).toBe(cost.byService.lambda);
  });

  it("refuses a run of no orders", () => {
    expect(() => costPerMillionOrders(usage, 0)).toThrow("orders must be a positive integer, got 0");
  });

  it("says per order how many SDK calls each function made and how many DynamoDB requests were served", () => {
    expect(usagePerOrder(usage, 10)).toMatchObject({
      sdkCallsByFunction: { order: 2.5 },
      integrationCallsByCaller: { states: 2 },
      dynamodbRequests: 15,
      stateTransitions: 6,
    });
  });
});

describe("the price table", () => {
  it("gives every price its source, the day it was read, and where an unread page's figure comes from", () => {
    for (const [name, p] of Object.entries(US_EAST_1)) {
      expect([name, p.source]).toEqual([name, expect.stringMatching(/^https:\/\/aws\.amazon\.com\//)]);
      expect(p.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      if (!p.read) expect([name, p.figureFrom]).toEqual([name, expect.stringMatching(/^https:\/\//)]);
    }
  });
});
