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
 * throttles; rule failed invocations; messages waiting in a dead-letter queue.
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
    ...r.rules.map(
      (x): AlarmSpec => ({
        id: `${x.label}-failed-invocations`,
        description: `Rule ${x.label}: EventBridge could not deliver to the target (events go to its dead-letter queue).`,
        namespace: "AWS/Events",
        metricName: "FailedInvocations",
        dimensions: { EventBusName: x.busName, RuleName: x.ruleName },
        statistic: "Sum",
        threshold: 1,
      }),
    ),
    {
      id: "order-publish-failed",
      description:
        "Order service: Order Created could not be published after retries; the order was marked FAILED and the client told to retry (503).",
      namespace: r.metricsNamespace,
      metricName: "OrderPublishFailed",
      dimensions: { service: "order" },
      statistic: "Sum",
      threshold: 1,
    },
    ...r.queues.map(
      (q): AlarmSpec => ({
        id: `${q.label}-depth`,
        description: `Dead-letter queue ${q.label} holds undelivered messages: inspect, fix, then redrive them.`,
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: q.name },
        statistic: "Maximum",
        threshold: 1,
      }),
    ),
  ];
}
