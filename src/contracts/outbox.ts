/**
 * The outbox: "Order Created" is not published by the Order service but by an EventBridge Pipe that
 * reads the orders table's stream. This module is the one place that says which stream records start
 * a workflow (the Pipe's filter) and how a record becomes the event's detail (the Pipe's input
 * template); the stack deploys them and the local runtime runs them.
 */
import { DetailType, EventSource } from "./event-routing";
import { OrderAttribute, OrderStatus } from "./tables";
import type { OrderCreatedDetail } from "./events";

/**
 * The Pipe's filter: a new order (an INSERT, never a MODIFY or REMOVE) stored PENDING. Stream records
 * carry DynamoDB JSON, so the status is matched inside its type descriptor
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-dynamodb.html).
 */
export const ORDER_CREATED_FILTER = {
  eventName: ["INSERT"],
  dynamodb: { NewImage: { [OrderAttribute.status]: { S: [OrderStatus.pending] } } },
} as const;

/** Each field of "Order Created" and the string attribute of the stored order it is read from. */
const DETAIL_FROM_NEW_IMAGE: Record<keyof OrderCreatedDetail, string> = {
  orderId: OrderAttribute.orderId,
  customerId: OrderAttribute.customerId,
  currency: "currency",
  createdAt: "createdAt",
};

/**
 * The Pipe's input template: the "Order Created" detail from the record's NewImage. Every field is a
 * string attribute (`.S`), placed in quotes as the Pipes input-transformation syntax asks for string
 * values (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html).
 */
export const ORDER_CREATED_INPUT_TEMPLATE = `{${Object.entries(DETAIL_FROM_NEW_IMAGE)
  .map(([field, attribute]) => `"${field}": "<$.dynamodb.NewImage.${attribute}.S>"`)
  .join(", ")}}`;

/** What the Pipe puts on the bus: the source and detail-type of "Order Created". */
export const ORDER_CREATED_TARGET = { source: EventSource.orderService, detailType: DetailType.orderCreated } as const;
