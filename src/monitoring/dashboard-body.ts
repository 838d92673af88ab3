import { ObservedResources, SERVICE_METRICS } from "./observed-resources";

/** A CloudWatch metric line: namespace, metric name, then dimension name/value pairs, then options. */
type MetricLine = (string | { readonly label?: string; readonly stat?: string })[];

interface MetricWidget {
  readonly type: "metric";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: {
    readonly title: string;
    readonly region: string;
    readonly view: "timeSeries";
    readonly stat: string;
    readonly period: number;
    readonly metrics: readonly MetricLine[];
  };
}

export interface DashboardBody {
  readonly widgets: readonly MetricWidget[];
}

const WIDTH = 8;
const HEIGHT = 6;
const PER_ROW = 3;

/**
 * The dashboard: functions (invocations, errors, duration, throttles), the state machine (started,
 * succeeded, failed, timed out), rules (invocations, failures, dead-letter deliveries), pipes (events, failures), tables
 * (consumed capacity, throttles) and dead-letter queue depth. Every metric names the dimensions its
 * namespace publishes it under, or CloudWatch would draw nothing.
 */
export function buildDashboardBody(r: ObservedResources): DashboardBody {
  const fn = (metric: string, stat?: string): MetricLine[] =>
    r.functions.map((f) => [
      "AWS/Lambda",
      metric,
      "FunctionName",
      f.name,
      { label: f.label, ...(stat ? { stat } : {}) },
    ]);
  const sfn = (metric: string): MetricLine => [
    "AWS/States",
    metric,
    "StateMachineArn",
    r.stateMachine.arn,
    { label: metric },
  ];
  const rule = (metric: string): MetricLine[] =>
    r.rules.map((x) => [
      "AWS/Events",
      metric,
      "EventBusName",
      x.busName,
      "RuleName",
      x.ruleName,
      { label: `${x.label} ${metric}` },
    ]);
  const table = (metric: string): MetricLine[] =>
    r.tables.map((t) => ["AWS/DynamoDB", metric, "TableName", t.name, { label: `${t.label} ${metric}` }]);

  const panels: { title: string; stat: string; metrics: MetricLine[] }[] = [
    { title: "Function invocations", stat: "Sum", metrics: fn("Invocations") },
    { title: "Function errors", stat: "Sum", metrics: fn("Errors") },
    { title: "Function duration p99 (ms)", stat: "p99", metrics: fn("Duration") },
    { title: "Function throttles", stat: "Sum", metrics: fn("Throttles") },
    {
      title: `Order workflow executions (${r.stateMachine.label})`,
      stat: "Sum",
      metrics: ["ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut"].map(sfn),
    },
    { title: "Rule invocations", stat: "Sum", metrics: rule("Invocations") },
    {
      title: "Rule failed invocations and dead-letter deliveries",
      stat: "Sum",
      metrics: [...rule("FailedInvocations"), ...rule("DeadLetterInvocations")],
    },
    {
      title: "Pipe events and failures",
      stat: "Sum",
      metrics: r.pipes.flatMap((p) =>
        ["EventCount", "ExecutionFailed", "TargetStageFailed"].map((metric): MetricLine => [
          "AWS/EventBridge/Pipes",
          metric,
          "PipeName",
          p.name,
          { label: `${p.label} ${metric}` },
        ]),
      ),
    },
    {
      title: "Table consumed capacity",
      stat: "Sum",
      metrics: [...table("ConsumedReadCapacityUnits"), ...table("ConsumedWriteCapacityUnits")],
    },
    {
      title: "Table throttles",
      stat: "Sum",
      metrics: [...table("ReadThrottleEvents"), ...table("WriteThrottleEvents")],
    },
    {
      title: "Order outcomes (service metrics)",
      stat: "Sum",
      metrics: SERVICE_METRICS.map((m) => [
        r.metricsNamespace,
        m.metricName,
        "service",
        m.service,
        { label: m.metricName },
      ]),
    },
    {
      title: "Dead-letter queue depth",
      stat: "Maximum",
      metrics: r.queues.map((q) => [
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "QueueName",
        q.name,
        { label: q.label },
      ]),
    },
  ];
  return {
    widgets: panels.map((p, i) => ({
      type: "metric",
      x: (i % PER_ROW) * WIDTH,
      y: Math.floor(i / PER_ROW) * HEIGHT,
      width: WIDTH,
      height: HEIGHT,
      properties: {
        title: p.title,
        region: r.region,
        view: "timeSeries",
        stat: p.stat,
        period: 300,
        metrics: p.metrics,
      },
    })),
  };
}
