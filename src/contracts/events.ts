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
export type DetailTypeName = (typeof DetailType)[keyof typeof DetailType];

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
