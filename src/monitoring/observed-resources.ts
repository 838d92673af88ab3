/** What the dashboard and the alarms watch: names and ARNs, possibly Terraform tokens. */
export interface ObservedResources {
  readonly region: string;
  /** Function names, labelled by service. */
  readonly functions: readonly { readonly label: string; readonly name: string }[];
  readonly stateMachine: { readonly label: string; readonly arn: string };
  /** Rules on the custom bus. */
  readonly rules: readonly { readonly label: string; readonly busName: string; readonly ruleName: string }[];
  /** EventBridge Pipes (the outbox's pipe from the orders table's stream to the bus). */
  readonly pipes: readonly { readonly label: string; readonly name: string }[];
  readonly tables: readonly { readonly label: string; readonly name: string }[];
  /** Dead-letter queues (rule DLQs and async-invocation failure queues). */
  readonly queues: readonly { readonly label: string; readonly name: string }[];
  /** Namespace of the services' Powertools metrics (dimension `service`). */
  readonly metricsNamespace: string;
}

/** Business metrics the services publish: (service, metric name). */
export const SERVICE_METRICS = [
  { service: "order", metricName: "OrderCreated" },
  { service: "order", metricName: "OrderDuplicateSubmission" },
  { service: "payment", metricName: "PaymentDeclined" },
  { service: "inventory", metricName: "OutOfStock" },
] as const;
