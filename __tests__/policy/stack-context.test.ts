import { StackContext } from "../../src/policy/stack-context";

const resource = {
  aws_sqs_queue: {
    dlq_queue_D8985F29: { "//": { metadata: { path: "orders-dev/order-created-route/dlq/queue" } }, name: "dlq" },
  },
};

describe("StackContext", () => {
  it("indexes resources by type and address, without cdktf metadata, with their construct path", () => {
    const stack = new StackContext("orders-dev", { resource });
    expect(stack.resources("aws_sqs_queue")).toEqual([
      {
        type: "aws_sqs_queue",
        name: "dlq_queue_D8985F29",
        address: "aws_sqs_queue.dlq_queue_D8985F29",
        constructPath: "order-created-route/dlq/queue",
        config: { name: "dlq" },
      },
    ]);
    expect(stack.referenced("${aws_sqs_queue.dlq_queue_D8985F29.arn}", "aws_sqs_queue")?.address).toBe(
      "aws_sqs_queue.dlq_queue_D8985F29",
    );
    expect(stack.referenced("${aws_sqs_queue.dlq_queue_D8985F29.arn}", "aws_sns_topic")).toBeUndefined();
  });

  it("takes the environment from the aws provider's default environment tag first", () => {
    const tagged = new StackContext("orders-blue", {
      variable: { env: { default: "prod" } },
      provider: { aws: [{ default_tags: [{ tags: { environment: "${var.env}" } }] }] },
    });
    expect([tagged.environment, tagged.isProduction]).toEqual(["prod", true]);
  });

  it("falls back to the stack name", () => {
    expect([
      new StackContext("orders-prod", {}).isProduction,
      new StackContext("orders-staging", {}).environment,
    ]).toEqual([true, "staging"]);
    expect(new StackContext("state-bootstrap", {}).isProduction).toBe(false);
  });

  it("parses a JSON argument once and reports one it cannot parse", () => {
    const stack = new StackContext("s", {});
    const text = '{"a":1}';
    expect(stack.parseJson(text)).toBe(stack.parseJson(text));
    expect(stack.parseJson("${data.aws_iam_policy_document.p.json}").ok).toBe(false);
  });
});
