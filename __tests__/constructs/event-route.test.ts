import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Testing } from "cdktf";
import { Construct } from "constructs";
import { OrderEventBus } from "../../src/constructs/event-bus";
import { EventRoute, EventRouteProps } from "../../src/constructs/event-route";
import { RulePatterns } from "../../src/contracts/events";

type RouteOverrides = Partial<Omit<EventRouteProps, "bus">>;
const route = (scope: Construct, overrides: RouteOverrides = {}) => {
  const bus = new OrderEventBus(scope, "bus", { busName: "orders-dev-orders" });
  return new EventRoute(scope, "route", {
    bus,
    accountId: "111111111111",
    ruleName: "orders-dev-order-created",
    description: "Starts the saga",
    pattern: RulePatterns.orderCreated,
    target: { kind: "state-machine", arn: "arn:aws:states:us-east-1:111111111111:stateMachine:saga" },
    ...overrides,
  });
};
const parse = (text: string) => JSON.parse(text);
const only = (json: any, type: string) => Object.values(json.resource[type] ?? {}) as any[];

describe("EventRoute to a state machine", () => {
  const text = Testing.synthScope((s) => route(s));
  const json = parse(text);

  test("the rule sits on the custom bus and matches the contract's pattern", () => {
    expect(text).toHaveResourceWithProperties(CloudwatchEventRule, {
      name: "orders-dev-order-created",
      event_pattern: JSON.stringify(RulePatterns.orderCreated),
    });
    expect(only(json, "aws_cloudwatch_event_rule")[0].event_bus_name).toMatch(
      /aws_cloudwatch_event_bus\.bus_[0-9A-F]+\.name/,
    );
  });

  test("the target retries, then dead-letters into the route's queue", () => {
    expect(text).toHaveResourceWithProperties(CloudwatchEventTarget, {
      retry_policy: { maximum_retry_attempts: 8, maximum_event_age_in_seconds: 3600 },
    });
    const target = only(json, "aws_cloudwatch_event_target")[0];
    expect(target.dead_letter_config.arn).toMatch(/aws_sqs_queue\.route_dlq_queue_.*\.arn/);
  });

  test("the dead-letter queue is encrypted, keeps messages 14 days, refuses plain HTTP and admits this rule only", () => {
    const queue = only(json, "aws_sqs_queue")[0];
    expect(queue).toMatchObject({
      name: "orders-dev-order-created-dlq",
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 1209600,
    });
    const policy = JSON.parse(only(json, "aws_sqs_queue_policy")[0].policy);
    expect(policy.Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: ["sqs:*"],
        Resource: [expect.stringMatching(/aws_sqs_queue\.route_dlq_queue_.*\.arn/)],
        Condition: { Bool: { "aws:SecureTransport": false } },
      },
      expect.objectContaining({
        Principal: { Service: "events.amazonaws.com" },
        Action: ["sqs:SendMessage"],
        Condition: {
          ArnEquals: { "aws:SourceArn": expect.stringMatching(/aws_cloudwatch_event_rule\.route_rule_.*\.arn/) },
        },
      }),
    ]);
  });

  test("EventBridge gets its own role, trusted by events.amazonaws.com for this rule of this account, allowed to start that state machine only", () => {
    const role = only(json, "aws_iam_role")[0];
    const [trust] = JSON.parse(role.assume_role_policy).Statement;
    expect(trust.Principal).toEqual({ Service: "events.amazonaws.com" });
    // EventBridge sets aws:SourceArn to the rule's ARN and aws:SourceAccount to the rule's account
    // ("Using IAM policy conditions in Amazon EventBridge", condition keys table).
    expect(trust.Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "111111111111" },
      ArnEquals: {
        "aws:SourceArn": expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.route_rule_[0-9A-F]+\.arn\}$/),
      },
    });
    expect(JSON.parse(only(json, "aws_iam_role_policy")[0].policy).Statement).toEqual([
      {
        Sid: "StartOneStateMachine",
        Effect: "Allow",
        Action: ["states:StartExecution"],
        Resource: ["arn:aws:states:us-east-1:111111111111:stateMachine:saga"],
      },
    ]);
    expect(only(json, "aws_cloudwatch_event_target")[0].role_arn).toMatch(/aws_iam_role\.route_role_[0-9A-F]+\.arn/);
  });
});

describe("EventRoute to a function", () => {
  const text = Testing.synthScope((s) =>
    route(s, {
      target: { kind: "function", arn: "arn:aws:lambda:us-east-1:1:function:notify", functionName: "notify" },
    }),
  );
  const json = parse(text);

  test("takes no role: a permission lets this rule alone invoke the function", () => {
    expect(json.resource.aws_iam_role).toBeUndefined();
    expect(text).toHaveResourceWithProperties(LambdaPermission, {
      action: "lambda:InvokeFunction",
      function_name: "notify",
      principal: "events.amazonaws.com",
    });
    expect(only(json, "aws_lambda_permission")[0].source_arn).toMatch(/aws_cloudwatch_event_rule\.route_rule_.*\.arn/);
    expect(only(json, "aws_lambda_permission")[0].source_account).toBe("111111111111");
    expect(only(json, "aws_cloudwatch_event_target")[0].role_arn).toBeUndefined();
  });
});

describe("EventRoute props", () => {
  test.each([
    [{ maxRetryAttempts: 186 }, 'EventRoute "route": maxRetryAttempts must be a whole number from 0 to 185, got 186.'],
    [{ maxRetryAttempts: 1.5 }, "maxRetryAttempts must be a whole number from 0 to 185"],
    [{ maxEventAgeSeconds: 59 }, "maxEventAgeSeconds must be a whole number from 60 to 86400, got 59"],
    [{ pattern: { source: [], "detail-type": ["x"] } }, "pattern must name at least one source and one detail-type"],
  ])("fails at synth when %j", (overrides, message) => {
    expect(() => Testing.synthScope((s) => route(s, overrides as RouteOverrides))).toThrow(message);
  });
});
