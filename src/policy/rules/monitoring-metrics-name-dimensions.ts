import { NOT_APPLICABLE, Problem, ResourceRule, nonCompliant, verdictOf } from "../types";
import type { StackContext } from "../stack-context";

/** The dimension each namespace publishes per-resource metrics under. */
const REQUIRED_DIMENSIONS: Readonly<Record<string, string>> = {
  "AWS/Lambda": "FunctionName",
  "AWS/States": "StateMachineArn",
  "AWS/Events": "RuleName",
  "AWS/DynamoDB": "TableName",
  "AWS/SQS": "QueueName",
};

/**
 * Step Functions' account-level metrics: its API throttling (by APIName) and state transition throttling
 * (by ServiceMetric), published per Region rather than per state machine
 * (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html).
 */
const STATES_ACCOUNT_METRICS = new Set([
  "ThrottledEvents",
  "ProvisionedBucketSize",
  "ProvisionedRefillRate",
  "ConsumedCapacity",
]);

interface Metric {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: ReadonlyMap<string, unknown>;
}

export const monitoringMetricsNameDimensions: ResourceRule = {
  id: "monitoring-metrics-name-dimensions",
  scope: "resource",
  title: "Dashboard and alarm metrics name the dimensions their namespace publishes them under",
  explanation:
    "CloudWatch matches a metric on its exact dimension set: AWS/Lambda by FunctionName, AWS/States by StateMachineArn (its API and state transition throttling by APIName or ServiceMetric), AWS/Events by RuleName (and EventBusName for a custom bus), AWS/DynamoDB by TableName, AWS/SQS by QueueName. A metric missing one draws an empty graph, and an alarm on it never fires.",
  fix: "Add the missing dimension to the metric (src/monitoring/dashboard-body.ts, alarm-specs.ts).",
  mirrors: [],
  resourceTypes: ["aws_cloudwatch_dashboard", "aws_cloudwatch_metric_alarm"],
  check(resource, stack) {
    let metrics: Metric[];
    if (resource.type === "aws_cloudwatch_metric_alarm") {
      const { namespace, metric_name: name, dimensions } = resource.config;
      if (typeof namespace !== "string" || typeof name !== "string") return NOT_APPLICABLE;
      metrics = [
        { namespace, name, dimensions: new Map(Object.entries((dimensions as Record<string, unknown>) ?? {})) },
      ];
    } else {
      const body = stack.parseJson(resource.config.dashboard_body);
      if (!body.ok)
        return nonCompliant(`dashboard_body is not a JSON document the policy check can read (${body.error})`);
      metrics = dashboardMetrics(body.value);
    }
    const problems: Problem[] = [];
    for (const metric of metrics) {
      const missing = missingDimensions(metric, stack);
      if (missing.length > 0) {
        problems.push({
          message: `${metric.namespace} ${metric.name} has no ${missing.join(" or ")} dimension`,
          subject: `${metric.namespace} ${metric.name}`,
        });
      }
    }
    return verdictOf(dedupe(problems));
  },
};

function missingDimensions(metric: Metric, stack: StackContext): string[] {
  if (metric.namespace === "AWS/States" && STATES_ACCOUNT_METRICS.has(metric.name))
    return metric.dimensions.has("APIName") || metric.dimensions.has("ServiceMetric")
      ? []
      : ["APIName or ServiceMetric"];
  const required = REQUIRED_DIMENSIONS[metric.namespace];
  if (!required) return [];
  const missing = metric.dimensions.has(required) ? [] : [required];
  if (metric.namespace === "AWS/Events" && !metric.dimensions.has("EventBusName")) {
    const rule = stack.referenced(metric.dimensions.get("RuleName"), "aws_cloudwatch_event_rule");
    const bus = rule && stack.resolve(rule.config.event_bus_name);
    if (bus !== undefined && bus !== "default") missing.push("EventBusName (the rule is on a custom bus)");
  }
  return missing;
}

/** The metrics of every metric widget, with CloudWatch's "." and "..." shorthands expanded. */
function dashboardMetrics(body: unknown): Metric[] {
  const widgets = (body as { widgets?: { properties?: { metrics?: unknown[] } }[] } | null)?.widgets ?? [];
  const out: Metric[] = [];
  for (const widget of widgets) {
    let previous: unknown[] = [];
    for (const raw of widget.properties?.metrics ?? []) {
      if (!Array.isArray(raw)) continue;
      const fields = raw.filter((f) => typeof f !== "object" || f === null);
      if (raw.some((f) => f !== null && typeof f === "object" && "expression" in f)) continue;
      const row =
        fields[0] === "..."
          ? [...previous.slice(0, Math.max(0, previous.length - (fields.length - 1))), ...fields.slice(1)]
          : fields;
      const expanded = row.map((f, i) => (f === "." ? previous[i] : f));
      previous = expanded;
      const [namespace, name, ...pairs] = expanded;
      const dimensions = new Map<string, unknown>();
      for (let i = 0; i + 1 < pairs.length; i += 2) dimensions.set(String(pairs[i]), pairs[i + 1]);
      out.push({ namespace: String(namespace), name: String(name), dimensions });
    }
  }
  return out;
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    if (seen.has(p.message)) return false;
    seen.add(p.message);
    return true;
  });
}
