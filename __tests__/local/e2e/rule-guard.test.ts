/**
 * The runtime runs the rules as synthesized: a copy of the stack whose "order created" rule no longer
 * matches the event the Order service emits starts no workflow, and the order is reported as stuck.
 * This is what protects the pattern: change it in the stack and the end-to-end run fails.
 */
import { DetailType, RulePatterns } from "../../../src/contracts/events";
import { itemsOf, order, startPipeline, type RunningPipeline } from "./support";
import type { StackDocument } from "../../../src/terraform/stack-document";

const createdRule = (document: StackDocument) => {
  const rules = document.resource?.aws_cloudwatch_event_rule ?? {};
  const entry = Object.entries(rules).find(([, r]) =>
    JSON.parse(String(r.event_pattern))["detail-type"]?.includes(DetailType.orderCreated),
  );
  if (!entry) throw new Error("the synthesized stack has no rule for Order Created");
  return entry[1] as Record<string, unknown>;
};

let pipeline: RunningPipeline;

beforeAll(async () => {
  pipeline = await startPipeline({
    mutate: (document) => {
      expect(JSON.parse(String(createdRule(document).event_pattern))).toEqual(RulePatterns.orderCreated);
      (createdRule(document) as { event_pattern: string }).event_pattern = JSON.stringify({
        ...RulePatterns.orderCreated,
        "detail-type": ["Order Placed"],
      });
    },
  });
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
});

it("starts no workflow when the rule's pattern no longer matches the emitted event", async () => {
  const outcome = await pipeline.submit(order({ idempotencyKey: "guard-1" }));

  expect(pipeline.runtime.executions()).toHaveLength(0);
  expect(pipeline.runtime.bus.stats).toMatchObject({ accepted: 1, unmatched: 1 });
  expect(outcome).toMatchObject({ status: "FAILED", error: { name: "NoRuleMatched" } });
  expect(outcome.error?.message).toMatch(
    /"Order Created" of order ord_[0-9a-f]{32} matched no rule on bus orders-dev-orders/,
  );
  const [stored] = await itemsOf(pipeline.runtime, "orders");
  expect(stored).toMatchObject({ orderId: outcome.orderId, status: "PENDING" });
});
