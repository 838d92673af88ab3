// zod/mini: the same validation core as "zod", a small fraction of its load time (every function
// imports this module; the stack only the names in event-routing.ts, and no validator).
import * as z from "zod/mini";
import { Currency, EventPublishers, RulePatterns } from "./event-routing";
import {
  MAX_INPUT_DEPTH,
  centsField,
  customerIdField,
  errorNameField,
  nestingDepth,
  orderIdField,
  paymentIdField,
} from "./fields";

export { ArchivePattern, Currency, DetailType, EventSource, RulePatterns } from "./event-routing";

/* ------------------------------------------------------------------------------------
 * Event details: one zod schema per event. Producers build entries with
 * `buildPutEventsEntry` (which validates), consumers read them with `parseEvent`.
 * All amounts are integer cents in `Currency`; never floating-point currency.
 * ---------------------------------------------------------------------------------- */

const nonEmpty = z.string().check(z.minLength(1, { error: "must not be empty" }));
const isoTime = z.iso.datetime({ error: "must be an ISO-8601 UTC timestamp" });

/**
 * Detail of "Order Created" (source orders.order-service): a notification that carries ids, not the
 * order. The orders table's stream and a Pipe write it (src/contracts/outbox.ts renders it from the
 * stored order's NewImage); the saga reads the order it names back from the table.
 */
export const OrderCreatedDetailSchema = z.strictObject({
  orderId: orderIdField,
  customerId: customerIdField,
  currency: z.literal(Currency),
  createdAt: isoTime,
});
export type OrderCreatedDetail = z.infer<typeof OrderCreatedDetailSchema>;

/** Detail of "Order Completed" (source orders.order-workflow). */
export const OrderCompletedDetailSchema = z.strictObject({
  orderId: orderIdField,
  customerId: customerIdField,
  totalCents: centsField,
  currency: z.literal(Currency),
  status: z.literal("COMPLETED"),
  paymentId: paymentIdField,
});
export type OrderCompletedDetail = z.infer<typeof OrderCompletedDetailSchema>;

/** Detail of "Order Failed" (source orders.order-workflow). `reason` is the error name. */
export const OrderFailedDetailSchema = z.strictObject({
  orderId: orderIdField,
  customerId: customerIdField,
  totalCents: centsField,
  currency: z.literal(Currency),
  status: z.literal("FAILED"),
  reason: errorNameField,
});
export type OrderFailedDetail = z.infer<typeof OrderFailedDetailSchema>;

/** Every event the pipeline emits: who emits it, its detail-type and its detail schema. */
export const EventContracts = {
  orderCreated: { ...EventPublishers.orderCreated, detail: OrderCreatedDetailSchema },
  orderCompleted: { ...EventPublishers.orderCompleted, detail: OrderCompletedDetailSchema },
  orderFailed: { ...EventPublishers.orderFailed, detail: OrderFailedDetailSchema },
} as const;

export type EventKind = keyof typeof EventContracts;
export type EventDetail<K extends EventKind> = z.infer<(typeof EventContracts)[K]["detail"]>;

/**
 * The rules (keys of `RulePatterns`) meant to receive each kind of event; the contract
 * tests check that each event matches these rules and no other.
 */
export const IntendedRules: Record<EventKind, readonly (keyof typeof RulePatterns)[]> = {
  orderCreated: ["orderCreated"],
  orderCompleted: ["orderOutcome"],
  orderFailed: ["orderOutcome"],
};

/** A PutEvents request entry (the shape of the SDK's `PutEventsRequestEntry`). */
export interface PutEventsEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly EventBusName: string;
  readonly Resources?: string[];
}

/** An event as EventBridge delivers it to a target. */
export interface EventBridgeEnvelope<D = unknown> {
  readonly version: string;
  readonly id: string;
  readonly "detail-type": string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: D;
}

/** A detail or an event that does not match its contract; names the field and the rule. */
export class EventContractError extends Error {
  override readonly name = "EventContractError";
  constructor(
    readonly kind: string,
    readonly issues: readonly { readonly field: string; readonly rule: string }[],
  ) {
    super(`${kind}: ${issues.map((i) => `${i.field} ${i.rule}`).join("; ")}`);
  }
}

function contractIssues(error: z.core.$ZodError, prefix: string) {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p)))]
      .filter(Boolean)
      .join(".")
      .replace(/\.\[/g, "["),
    rule: issue.message,
  }));
}

/** Validates `detail` against its contract and returns the PutEvents entry that carries it. */
export function buildPutEventsEntry<K extends EventKind>(
  kind: K,
  detail: EventDetail<K>,
  eventBusName: string,
): PutEventsEntry {
  const contract = EventContracts[kind];
  const parsed = contract.detail.safeParse(detail);
  if (!parsed.success) throw new EventContractError(kind, contractIssues(parsed.error, "detail"));
  if (!eventBusName) throw new EventContractError(kind, [{ field: "EventBusName", rule: "must not be empty" }]);
  return {
    Source: contract.source,
    DetailType: contract.detailType,
    Detail: JSON.stringify(parsed.data),
    EventBusName: eventBusName,
  };
}

/** Which contract an event (source + detail-type) belongs to, if any. */
export function eventKindOf(source: unknown, detailType: unknown): EventKind | undefined {
  for (const [kind, contract] of Object.entries(EventContracts) as [EventKind, (typeof EventContracts)[EventKind]][]) {
    if (contract.source === source && contract.detailType === detailType) return kind;
  }
  return undefined;
}

/** A delivered event whose detail was validated against its contract. */
export type ParsedEvent = {
  [K in EventKind]: {
    readonly kind: K;
    readonly id: string;
    readonly detail: EventDetail<K>;
    readonly envelope: EventBridgeEnvelope;
  };
}[EventKind];

// Not strict: EventBridge adds envelope fields of its own (`replay-name` on replayed events).
const EnvelopeSchema = z.object({
  id: nonEmpty,
  "detail-type": nonEmpty,
  source: nonEmpty,
  detail: z.unknown(),
});

/**
 * Parses an event as EventBridge delivers it. `expected` restricts the kinds accepted.
 * Throws `EventContractError` naming the field when the event is not a known contract.
 */
export function parseEvent<K extends EventKind = EventKind>(
  event: unknown,
  expected?: readonly K[],
): Extract<ParsedEvent, { kind: K }> {
  if (nestingDepth(event) > MAX_INPUT_DEPTH) {
    throw new EventContractError("event", [
      { field: "(root)", rule: `is nested deeper than ${MAX_INPUT_DEPTH} levels of objects and arrays` },
    ]);
  }
  const envelope = EnvelopeSchema.safeParse(event);
  if (!envelope.success) throw new EventContractError("event", contractIssues(envelope.error, ""));
  const { source, "detail-type": detailType, detail, id } = envelope.data;
  const kind = eventKindOf(source, detailType);
  if (!kind) {
    throw new EventContractError("event", [
      { field: "detail-type", rule: `"${detailType}" from "${source}" is not a known event` },
    ]);
  }
  if (expected && !expected.includes(kind as K)) {
    throw new EventContractError("event", [
      {
        field: "detail-type",
        rule: `must be one of ${expected.map((k) => `"${EventContracts[k].detailType}"`).join(", ")}`,
      },
    ]);
  }
  const parsed = EventContracts[kind].detail.safeParse(detail);
  if (!parsed.success) throw new EventContractError(kind, contractIssues(parsed.error, "detail"));
  return { kind, id, detail: parsed.data, envelope: event as EventBridgeEnvelope } as Extract<ParsedEvent, { kind: K }>;
}
