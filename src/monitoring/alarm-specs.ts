import { ObservedResources } from "./observed-resources";

/** One alarm: fires when the metric's statistic reaches the threshold in one five-minute period. */
export interface AlarmSpec {
  /** Unique within the stack; becomes part of the alarm's name. */
  readonly id: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: "Sum" | "Maximum";
  readonly threshold: number;
}

/**
 * Alarms on everything that fails: executions failed, timed out or throttled; function errors and
 * throttles; rule failed invocations; pipe executions and target deliveries failed; messages waiting in
 * a dead-letter queue (a pipe's among them: records it gave up on after its retries or its maximum
 * record age). And on every quota of an order's path that throttles before it fails (README, "Where it
 * stops scaling"): StartExecution calls, rules' target invocations, table writes (the hottest product's
 * stock item among them), each at its first throttled request, while retries still hide it from orders.
 */
export function buildAlarmSpecs(r: ObservedResources): AlarmSpec[] {
  const sfn = (metricName: string, what: string): AlarmSpec => ({
    id: `workflow-${metricName.toLowerCase()}`,
    description: `Order workflow: ${what}. Open the execution in the Step Functions console to see the failed state and its cause.`,
    namespace: "AWS/States",
    metricName,
    dimensions: { StateMachineArn: r.stateMachine.arn },
    statistic: "Sum",
    threshold: 1,
  });
  return [
    sfn("ExecutionsFailed", "an order ended FAILED (declined, out of stock, or a step that kept failing)"),
    sfn("ExecutionsTimedOut", "an execution timed out"),
    sfn("ExecutionThrottled", "executions are being throttled"),
    // API metrics carry APIName, not the state machine: the StartExecution quota is the account's, per Region
    // (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html).
    {
      id: "workflow-startexecution-throttled",
      description:
        "StartExecution calls were throttled (the account's quota in this Region, shared with every state machine): EventBridge retries starting the saga, so orders wait PENDING. Ask for a higher StartExecution quota.",
      namespace: "AWS/States",
      metricName: "ThrottledEvents",
      dimensions: { APIName: "StartExecution" },
      statistic: "Sum",
      threshold: 1,
    },
    ...r.functions.flatMap((f): AlarmSpec[] => [
      {
        id: `${f.label}-errors`,
        description: `${f.label} function: invocations ended in an error.`,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: f.name },
        statistic: "Sum",
        threshold: 1,
      },
      {
        id: `${f.label}-throttles`,
        description: `${f.label} function: invocations were throttled.`,
        namespace: "AWS/Lambda",
        metricName: "Throttles",
        dimensions: { FunctionName: f.name },
        statistic: "Sum",
        threshold: 1,
      },
    ]),
    ...r.rules.map((x): AlarmSpec => ({
      id: `${x.label}-failed-invocations`,
      description: `Rule ${x.label}: EventBridge could not deliver to the target (events go to its dead-letter queue).`,
      namespace: "AWS/Events",
      metricName: "FailedInvocations",
      dimensions: { EventBusName: x.busName, RuleName: x.ruleName },
      statistic: "Sum",
      threshold: 1,
    })),
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
    ...r.rules.map((x): AlarmSpec => ({
      id: `${x.label}-throttled`,
      description: `Rule ${x.label}: target invocations were throttled (the Region's invocations quota); EventBridge retries them, late.`,
      namespace: "AWS/Events",
      metricName: "ThrottledRules",
      dimensions: { EventBusName: x.busName, RuleName: x.ruleName },
      statistic: "Sum",
      threshold: 1,
    })),
    // Any write throttling of a table: a hot partition (1,000 write units a second per partition: the
    // hottest product's stock item), the table's or the account's limit
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TroubleshootingThrottling-cloudwatch.html).
    ...r.tables.map((t): AlarmSpec => ({
      id: `${t.label}-write-throttles`,
      description: `Table ${t.label}: writes were throttled. The SDK and the saga retry them; on the inventory table it is the hottest product's stock item (see the README on splitting it).`,
      namespace: "AWS/DynamoDB",
      metricName: "WriteThrottleEvents",
      dimensions: { TableName: t.name },
      statistic: "Sum",
      threshold: 1,
    })),
    // Pipes publish ExecutionFailed, TargetStageFailed and ExecutionThrottled per PipeName (namespace AWS/EventBridge/Pipes,
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-monitoring.html).
    ...r.pipes.flatMap((p): AlarmSpec[] =>
      (
        [
          [
            "ExecutionFailed",
            "a batch of stream records failed to reach the bus; the pipe retries it, then sends it to its dead-letter queue",
          ],
          ["TargetStageFailed", "the bus refused events the pipe put (access denied, throttled, or an invalid entry)"],
          ["ExecutionThrottled", "executions of the pipe were throttled; its records wait in the stream, in order"],
        ] as const
      ).map(([metricName, what]) => ({
        id: `${p.label}-${metricName.toLowerCase()}`,
        description: `Pipe ${p.label}: ${what}. Orders stay PENDING until their event is delivered.`,
        namespace: "AWS/EventBridge/Pipes",
        metricName,
        dimensions: { PipeName: p.name },
        statistic: "Sum",
        threshold: 1,
      })),
    ),
    ...r.queues.map((q): AlarmSpec => ({
      id: `${q.label}-depth`,
      description: `Dead-letter queue ${q.label} holds undelivered messages: inspect, fix, then redrive them.`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: q.name },
      statistic: "Maximum",
      threshold: 1,
    })),
  ];
}
