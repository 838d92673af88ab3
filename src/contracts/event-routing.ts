// The names an event is routed by (sources, detail-types, the rules' patterns), apart from the payload
// schemas in events.ts: the stack builds its rules from these without loading a validator.

/**
 * Event sources and detail-types: the one place they are spelled.
 * Handlers emit and parse with these, the stack builds rule patterns from them,
 * and the tests and the local runtime import them too.
 */
export const EventSource = {
  /** The Order service: emits "Order Created". */
  orderService: "orders.order-service",
  /** The order workflow (state machine): emits the outcome events. */
  orderWorkflow: "orders.order-workflow",
} as const;

export const DetailType = {
  orderCreated: "Order Created",
  orderCompleted: "Order Completed",
  orderFailed: "Order Failed",
} as const;

export type EventSourceName = (typeof EventSource)[keyof typeof EventSource];

/** An EventBridge event pattern, as a rule stores it. */
export interface EventPattern {
  readonly source: readonly string[];
  readonly "detail-type": readonly string[];
  readonly [key: string]: unknown;
}

/** The patterns the stack's rules use; each routes exactly one kind of event. */
export const RulePatterns = {
  /** Starts the order workflow. */
  orderCreated: { source: [EventSource.orderService], "detail-type": [DetailType.orderCreated] },
  /** Reaches the Notification service with every order outcome. */
  orderOutcome: {
    source: [EventSource.orderWorkflow],
    "detail-type": [DetailType.orderCompleted, DetailType.orderFailed],
  },
} as const satisfies Record<string, EventPattern>;

/**
 * What the bus's archive keeps: the events of this project's sources, the only ones its rules act on. An
 * event another principal of the account puts under a foreign source is neither routed nor archived.
 */
export const ArchivePattern = { source: Object.values(EventSource) } as const;

/** The one currency the pipeline handles; amounts are integer minor units (cents). */
export const Currency = "USD" as const;

/** Every event the pipeline emits: who emits it and its detail-type (events.ts adds each detail's schema). */
export const EventPublishers = {
  orderCreated: { source: EventSource.orderService, detailType: DetailType.orderCreated },
  orderCompleted: { source: EventSource.orderWorkflow, detailType: DetailType.orderCompleted },
  orderFailed: { source: EventSource.orderWorkflow, detailType: DetailType.orderFailed },
} as const;
