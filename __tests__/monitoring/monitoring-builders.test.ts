import { buildAlarmSpecs } from "../../src/monitoring/alarm-specs";
import { buildDashboardBody } from "../../src/monitoring/dashboard-body";
import { ObservedResources } from "../../src/monitoring/observed-resources";

const observed: ObservedResources = {
  region: "eu-west-1",
  functions: [
    { label: "order", name: "p-dev-order" },
    { label: "payment", name: "p-dev-payment" },
  ],
  stateMachine: { label: "saga", arn: "arn:aws:states:eu-west-1:1:stateMachine:p-dev-saga" },
  rules: [{ label: "order-created", busName: "p-dev-orders", ruleName: "p-dev-order-created" }],
  pipes: [{ label: "order-created-pipe", name: "p-dev-order-created" }],
  tables: [{ label: "orders", name: "p-dev-orders" }],
  queues: [{ label: "order-created-dlq", name: "p-dev-order-created-dlq" }],
  metricsNamespace: "orders",
};

/** Namespace -> dimensions its metrics are published under (for custom buses, RuleName comes with EventBusName). */
const REQUIRED_DIMENSIONS: Record<string, string[]> = {
  "AWS/Lambda": ["FunctionName"],
  "AWS/States": ["StateMachineArn"],
  "AWS/Events": ["EventBusName", "RuleName"],
  "AWS/DynamoDB": ["TableName"],
  "AWS/SQS": ["QueueName"],
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-monitoring.html
  "AWS/EventBridge/Pipes": ["PipeName"],
};

describe("dashboard body", () => {
  const body = buildDashboardBody(observed);
  const lines = body.widgets.flatMap((w) => w.properties.metrics);

  test("every metric names the dimensions its namespace needs", () => {
    expect(lines.length).toBeGreaterThan(10);
    for (const line of lines.filter((l) => String(l[0]).startsWith("AWS/"))) {
      const [namespace, , ...rest] = line as string[];
      const dims = rest.filter((_, i) => i % 2 === 0 && typeof rest[i] === "string" && typeof rest[i + 1] === "string");
      expect(dims).toEqual(expect.arrayContaining(REQUIRED_DIMENSIONS[namespace as string] as string[]));
    }
  });

  test("shows what the issue asks for: functions, executions, rules, tables, DLQ depth", () => {
    const metricNames = new Set(lines.map((l) => `${l[0]}:${l[1]}`));
    for (const m of [
      "AWS/Lambda:Invocations",
      "AWS/Lambda:Errors",
      "AWS/Lambda:Duration",
      "AWS/Lambda:Throttles",
      "AWS/States:ExecutionsStarted",
      "AWS/States:ExecutionsSucceeded",
      "AWS/States:ExecutionsFailed",
      "AWS/States:ExecutionsTimedOut",
      "AWS/Events:Invocations",
      "AWS/Events:FailedInvocations",
      "AWS/Events:DeadLetterInvocations",
      "AWS/DynamoDB:ConsumedReadCapacityUnits",
      "AWS/DynamoDB:ConsumedWriteCapacityUnits",
      "AWS/DynamoDB:ReadThrottleEvents",
      "AWS/SQS:ApproximateNumberOfMessagesVisible",
      "AWS/EventBridge/Pipes:EventCount",
      "AWS/EventBridge/Pipes:ExecutionFailed",
      "AWS/EventBridge/Pipes:TargetStageFailed",
    ])
      expect(metricNames).toContain(m);
  });

  test("widgets are laid out without overlap and carry the region", () => {
    const cells = new Set(body.widgets.map((w) => `${w.x},${w.y}`));
    expect(cells.size).toBe(body.widgets.length);
    expect(body.widgets.every((w) => w.properties.region === "eu-west-1" && w.x + w.width <= 24)).toBe(true);
  });
});

test("the services' business metrics are drawn with their service dimension", () => {
  const lines = buildDashboardBody(observed).widgets.flatMap((w) => w.properties.metrics);
  expect(lines).toContainEqual(["orders", "OrderCreated", "service", "order", { label: "OrderCreated" }]);
  expect(lines).not.toContainEqual(expect.arrayContaining(["OrderPublishFailed"]));
  expect(lines).toContainEqual(["orders", "PaymentDeclined", "service", "payment", { label: "PaymentDeclined" }]);
  expect(lines).toContainEqual(["orders", "OutOfStock", "service", "inventory", { label: "OutOfStock" }]);
});

describe("alarm specs", () => {
  const alarms = buildAlarmSpecs(observed);

  test("alarm on failed, timed-out and throttled executions, each function's errors and throttles, rule failures, pipe failures and DLQ depth", () => {
    expect(alarms.map((a) => a.id)).toEqual([
      "workflow-executionsfailed",
      "workflow-executionstimedout",
      "workflow-executionthrottled",
      "workflow-startexecution-throttled",
      "order-errors",
      "order-throttles",
      "payment-errors",
      "payment-throttles",
      "order-created-failed-invocations",
      "order-created-throttled",
      "orders-write-throttles",
      "order-created-pipe-executionfailed",
      "order-created-pipe-targetstagefailed",
      "order-created-pipe-executionthrottled",
      "order-created-dlq-depth",
    ]);
  });

  test("ids are unique and every alarm fires on the first occurrence", () => {
    expect(new Set(alarms.map((a) => a.id)).size).toBe(alarms.length);
    expect(alarms.every((a) => a.threshold === 1)).toBe(true);
  });

  test("the outbox pipe alarms on failed executions, failed target deliveries and throttled executions, per pipe", () => {
    expect(alarms.filter((a) => a.namespace === "AWS/EventBridge/Pipes")).toEqual([
      expect.objectContaining({
        metricName: "ExecutionFailed",
        dimensions: { PipeName: "p-dev-order-created" },
        statistic: "Sum",
      }),
      expect.objectContaining({
        metricName: "TargetStageFailed",
        dimensions: { PipeName: "p-dev-order-created" },
        statistic: "Sum",
      }),
      expect.objectContaining({
        metricName: "ExecutionThrottled",
        dimensions: { PipeName: "p-dev-order-created" },
        statistic: "Sum",
      }),
    ]);
  });

  test("every quota on an order's path that throttles has an alarm at its first throttled request", () => {
    // Metric names and dimensions: Step Functions API metrics by APIName
    // (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html), EventBridge ThrottledRules
    // by bus and rule (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html), DynamoDB
    // WriteThrottleEvents by table
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TroubleshootingThrottling-cloudwatch.html).
    const byId = (id: string) => alarms.find((a) => a.id === id);
    expect(byId("workflow-startexecution-throttled")).toMatchObject({
      namespace: "AWS/States",
      metricName: "ThrottledEvents",
      dimensions: { APIName: "StartExecution" },
      statistic: "Sum",
    });
    expect(byId("order-created-throttled")).toMatchObject({
      namespace: "AWS/Events",
      metricName: "ThrottledRules",
      dimensions: { EventBusName: "p-dev-orders", RuleName: "p-dev-order-created" },
    });
    expect(byId("orders-write-throttles")).toMatchObject({
      namespace: "AWS/DynamoDB",
      metricName: "WriteThrottleEvents",
      dimensions: { TableName: "p-dev-orders" },
    });
    expect(byId("order-throttles")).toMatchObject({ namespace: "AWS/Lambda", metricName: "Throttles" });
  });

  test("DLQ depth watches the maximum of visible messages on that queue", () => {
    expect(alarms.find((a) => a.id === "order-created-dlq-depth")).toMatchObject({
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: "p-dev-order-created-dlq" },
      statistic: "Maximum",
    });
  });
});
