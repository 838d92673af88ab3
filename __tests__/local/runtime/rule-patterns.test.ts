import { StackModelError, readStackModel } from "../../../src/local/runtime/stack-model";
import { LOCAL_ACCOUNT_ID, TerraformReferences } from "../../../src/local/runtime/terraform/references";
import type { StackDocument } from "../../../src/terraform/stack-document";

const stackWithRule = (eventPattern: string): StackDocument =>
  ({
    resource: {
      aws_cloudwatch_event_bus: { orders: { name: "orders" } },
      aws_cloudwatch_event_rule: {
        created: { name: "order-created", event_bus_name: "orders", event_pattern: eventPattern },
      },
    },
  }) as unknown as StackDocument;

const read = (document: StackDocument) =>
  readStackModel(
    document,
    new TerraformReferences(document, {}, { accountId: LOCAL_ACCOUNT_ID, region: "us-east-1" }),
    { stackDir: "/tmp" },
  );

describe("rules are loaded as EventBridge accepts them", () => {
  test("a rule whose pattern EventBridge refuses stops the start, naming the rule and EventBridge's reason", () => {
    // The reason is AWS's for consecutive wildcards (localstack's AWS-validated content_wildcard_repeating_star_EXC).
    const document = stackWithRule(JSON.stringify({ source: [{ wildcard: "orders.**" }] }));
    expect(() => read(document)).toThrow(StackModelError);
    expect(() => read(document)).toThrow(
      "aws_cloudwatch_event_rule.created (rule order-created): Event pattern is not valid. Reason: Consecutive wildcard characters at pos 8 (at source)",
    );
  });

  test("a rule with a valid pattern loads", () => {
    const pattern = { source: ["orders"], detail: { amount: [{ numeric: [">", 0] }] } };
    expect(read(stackWithRule(JSON.stringify(pattern))).rules).toMatchObject([
      { name: "order-created", busName: "orders", pattern },
    ]);
  });
});
