/**
 * The order saga as a Step Functions (Standard, JSONPath) definition: a pure builder of
 * a plain object. The stack passes Terraform references as the refs and renders the
 * result with JSON.stringify, so the definition holds no `${` and no list tokens.
 *
 * Input: the "Order Created" event exactly as EventBridge delivers it (the rule target
 * has no input transformer). The saga trusts nothing of it but `$.detail.orderId`: anyone
 * allowed to put events on the bus could have written the rest. ClaimOrder reads the
 * stored order back (ReturnValues ALL_NEW) into `$.order`, and every later task and both
 * outcome events take the customer, the amount and the items from there; MarkFailed reads
 * it back again, so the failure path has it even when ClaimOrder itself failed. Task
 * results are added beside it ($.payment, $.reservation, $.inventoryRelease,
 * $.paymentRefund, $.completedEvent, $.failedEvent) and a caught error goes to $.error,
 * so no task replaces another's result.
 *
 *   ClaimOrder -> ProcessPayment -> ReserveInventory -> CompleteOrder -> PublishOrderCompleted -> OrderSucceeded
 *   ClaimOrder (order not PENDING or owned by another execution)  -> DuplicateIgnored
 *   PaymentDeclined                                -> MarkFailed -> PublishOrderFailed -> OrderFailed
 *   OutOfStock, other ProcessPayment failures      -> RefundPayment -> MarkFailed -> ...
 *   other ReserveInventory / CompleteOrder / PublishOrderCompleted failures
 *                                                  -> ReleaseInventory -> RefundPayment -> MarkFailed -> ...
 *
 * Business errors are never retried. Transient errors are retried with exponential
 * backoff, a delay cap and full jitter. Compensations retry and have no Catch: when one
 * finally fails the execution fails at that state (ExecutionsFailed alarm), the order
 * keeps its status, and the execution can be redriven from the failed compensation
 * (every compensation is idempotent).
 */
import { BusinessError, TransientServiceError } from "../contracts/errors";
import { Currency, DetailType, EventSource } from "../contracts/event-routing";
import { OrderAttribute, OrderStatus } from "../contracts/tables";
import { StateName } from "./names";
import {
  TaskTimeoutSeconds,
  catchTo,
  dynamodbRetry,
  dynamodbUpdateItem,
  lambdaInvoke,
  lambdaRetry,
  putEvent,
  putEventsRetry,
  retrier,
} from "./tasks";
import type { StateMachineDefinition, TaskState } from "./asl";

export type { StateMachineDefinition } from "./asl";

export interface OrderWorkflowRefs {
  readonly paymentFunctionArn: string;
  readonly inventoryFunctionArn: string;
  readonly ordersTableName: string;
  readonly eventBusName: string;
}

/** Longest an execution may run (a safety net above every retry budget). */
const WORKFLOW_TIMEOUT_SECONDS = 3600;

const orderKey = { orderId: { "S.$": "$.detail.orderId" } };
const executionId = { "S.$": "$$.Execution.Id" };

/**
 * The stored order as an update reads it back: the DynamoDB integration answers in DynamoDB JSON,
 * numbers as strings, so the total and the lines (kept as JSON text) go through States.StringToJson
 * (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html).
 */
const STORED_ORDER_SELECTOR = {
  "orderId.$": `$.Attributes.${OrderAttribute.orderId}.S`,
  "customerId.$": `$.Attributes.${OrderAttribute.customerId}.S`,
  "totalCents.$": `States.StringToJson($.Attributes.${OrderAttribute.totalCents}.N)`,
  "items.$": `States.StringToJson($.Attributes.${OrderAttribute.itemsJson}.S)`,
} as const;
const storedOrder = { selector: { ...STORED_ORDER_SELECTOR }, resultPath: "$.order" };

function assertRefs(refs: OrderWorkflowRefs): void {
  for (const [name, value] of Object.entries(refs)) {
    if (typeof value !== "string" || value.length === 0) {
      throw new Error(`buildOrderWorkflowDefinition: refs.${name} must be a non-empty string`);
    }
  }
}

export function buildOrderWorkflowDefinition(refs: OrderWorkflowRefs): StateMachineDefinition {
  assertRefs(refs);
  const S = StateName;
  const ALL = ["States.ALL"];

  const claimOrder = dynamodbUpdateItem(
    {
      tableName: refs.ordersTableName,
      key: orderKey,
      update: "SET #execution = :execution, #startedAt = :startedAt",
      condition: "#status = :pending AND (attribute_not_exists(#execution) OR #execution = :execution)",
      names: {
        "#status": OrderAttribute.status,
        "#execution": OrderAttribute.workflowExecutionId,
        "#startedAt": OrderAttribute.workflowStartedAt,
      },
      values: {
        ":pending": { S: OrderStatus.pending },
        ":execution": executionId,
        ":startedAt": { "S.$": "$$.Execution.StartTime" },
      },
    },
    {
      comment:
        "Take ownership of the PENDING order, so a duplicate start (EventBridge delivers at least once) never runs the saga twice",
      timeoutSeconds: TaskTimeoutSeconds.dynamodb,
      retry: dynamodbRetry(),
      catch: [catchTo(["DynamoDB.ConditionalCheckFailedException"], S.duplicateIgnored), catchTo(ALL, S.markFailed)],
      next: S.processPayment,
    },
    storedOrder,
  );

  const processPayment = lambdaInvoke(
    refs.paymentFunctionArn,
    {
      action: "charge",
      "orderId.$": "$.order.orderId",
      "customerId.$": "$.order.customerId",
      "amountCents.$": "$.order.totalCents",
    },
    { paymentId: "paymentId", status: "status", amountCents: "amountCents" },
    {
      comment: "Charge the order total (idempotent per order)",
      resultPath: "$.payment",
      timeoutSeconds: TaskTimeoutSeconds.payment,
      retry: lambdaRetry([TransientServiceError.paymentGatewayUnavailable]),
      // Declined: nothing was charged. Anything else: a charge may have happened, refund it.
      catch: [catchTo([BusinessError.paymentDeclined], S.markFailed), catchTo(ALL, S.refundPayment)],
      next: S.reserveInventory,
    },
  );

  const reserveInventory = lambdaInvoke(
    refs.inventoryFunctionArn,
    { action: "reserve", "orderId.$": "$.order.orderId", "items.$": "$.order.items" },
    { status: "status", lines: "lines", units: "units" },
    {
      comment: "Reserve every line (idempotent per order; OutOfStock gives back what it took)",
      resultPath: "$.reservation",
      timeoutSeconds: TaskTimeoutSeconds.inventory,
      retry: lambdaRetry(),
      catch: [catchTo([BusinessError.outOfStock], S.refundPayment), catchTo(ALL, S.releaseInventory)],
      next: S.completeOrder,
    },
  );

  const completeOrder = dynamodbUpdateItem(
    {
      tableName: refs.ordersTableName,
      key: orderKey,
      update: "SET #status = :completed, #paymentId = :paymentId",
      // Idempotent for this execution (a retry after a lost response still succeeds).
      condition: "#execution = :execution AND #status IN (:pending, :completed)",
      names: {
        "#status": OrderAttribute.status,
        "#execution": OrderAttribute.workflowExecutionId,
        "#paymentId": OrderAttribute.paymentId,
      },
      values: {
        ":completed": { S: OrderStatus.completed },
        ":pending": { S: OrderStatus.pending },
        ":execution": executionId,
        ":paymentId": { "S.$": "$.payment.paymentId" },
      },
    },
    {
      comment: "Mark the order COMPLETED, with the payment that paid it",
      timeoutSeconds: TaskTimeoutSeconds.dynamodb,
      retry: dynamodbRetry(),
      catch: [catchTo(ALL, S.releaseInventory)],
      next: S.publishOrderCompleted,
    },
  );

  const publishOrderCompleted = putEvent(
    {
      eventBusName: refs.eventBusName,
      source: EventSource.orderWorkflow,
      detailType: DetailType.orderCompleted,
      detail: {
        "orderId.$": "$.order.orderId",
        "customerId.$": "$.order.customerId",
        "totalCents.$": "$.order.totalCents",
        currency: Currency,
        status: OrderStatus.completed,
        "paymentId.$": "$.payment.paymentId",
      },
    },
    {
      comment: 'Publish "Order Completed"',
      resultPath: "$.completedEvent",
      timeoutSeconds: TaskTimeoutSeconds.putEvents,
      retry: putEventsRetry(),
      catch: [catchTo(ALL, S.releaseInventory)],
      next: S.orderSucceeded,
    },
  );

  const releaseInventory = lambdaInvoke(
    refs.inventoryFunctionArn,
    { action: "release", "orderId.$": "$.order.orderId", "reason.$": "$.error.Error" },
    { status: "status", linesReleased: "linesReleased" },
    {
      comment: "Compensation: give the reserved stock back",
      resultPath: "$.inventoryRelease",
      timeoutSeconds: TaskTimeoutSeconds.inventory,
      retry: lambdaRetry(),
      next: S.refundPayment,
    },
  );

  const refundPayment: TaskState = lambdaInvoke(
    refs.paymentFunctionArn,
    { action: "refund", "orderId.$": "$.order.orderId", "reason.$": "$.error.Error" },
    { paymentId: "paymentId", status: "status", amountCents: "amountCents" },
    {
      comment: "Compensation: refund the payment (or void a charge that did not finish)",
      resultPath: "$.paymentRefund",
      timeoutSeconds: TaskTimeoutSeconds.payment,
      retry: [
        ...lambdaRetry([TransientServiceError.paymentGatewayUnavailable]),
        // A charge still running: wait for it to settle (about 2 minutes at most).
        retrier([TransientServiceError.paymentInProgress], 5, 10, 60),
      ],
      next: S.markFailed,
    },
  );

  const markFailed = dynamodbUpdateItem(
    {
      tableName: refs.ordersTableName,
      key: orderKey,
      update: "SET #status = :failed, #reason = :reason, #cause = :cause, #execution = :execution",
      condition: "attribute_exists(#orderId) AND (attribute_not_exists(#execution) OR #execution = :execution)",
      names: {
        "#orderId": OrderAttribute.orderId,
        "#status": OrderAttribute.status,
        "#reason": OrderAttribute.failureReason,
        "#cause": OrderAttribute.failureCause,
        "#execution": OrderAttribute.workflowExecutionId,
      },
      values: {
        ":failed": { S: OrderStatus.failed },
        ":reason": { "S.$": "$.error.Error" },
        ":cause": { "S.$": "$.error.Cause" },
        ":execution": executionId,
      },
    },
    {
      comment: "Mark the order FAILED with the error that failed it, and read it back for Order Failed",
      timeoutSeconds: TaskTimeoutSeconds.dynamodb,
      retry: dynamodbRetry(),
      next: S.publishOrderFailed,
    },
    storedOrder,
  );

  const publishOrderFailed = putEvent(
    {
      eventBusName: refs.eventBusName,
      source: EventSource.orderWorkflow,
      detailType: DetailType.orderFailed,
      detail: {
        "orderId.$": "$.order.orderId",
        "customerId.$": "$.order.customerId",
        "totalCents.$": "$.order.totalCents",
        currency: Currency,
        status: OrderStatus.failed,
        "reason.$": "$.error.Error",
      },
    },
    {
      comment: 'Publish "Order Failed"',
      resultPath: "$.failedEvent",
      timeoutSeconds: TaskTimeoutSeconds.putEvents,
      retry: putEventsRetry(),
      next: S.orderFailed,
    },
  );

  return {
    Comment: "Order saga: claim, charge, reserve, complete; compensate in reverse order on failure",
    StartAt: S.claimOrder,
    TimeoutSeconds: WORKFLOW_TIMEOUT_SECONDS,
    States: {
      [S.claimOrder]: claimOrder,
      [S.processPayment]: processPayment,
      [S.reserveInventory]: reserveInventory,
      [S.completeOrder]: completeOrder,
      [S.publishOrderCompleted]: publishOrderCompleted,
      [S.orderSucceeded]: { Type: "Succeed", Comment: "Order COMPLETED and announced" },
      [S.duplicateIgnored]: {
        Type: "Succeed",
        Comment: "Another execution owns this order, or it is no longer PENDING: nothing to do",
      },
      [S.releaseInventory]: releaseInventory,
      [S.refundPayment]: refundPayment,
      [S.markFailed]: markFailed,
      [S.publishOrderFailed]: publishOrderFailed,
      [S.orderFailed]: {
        Type: "Fail",
        Comment: "The order FAILED; the error is the one that failed it",
        ErrorPath: "$.error.Error",
        CausePath: "$.error.Cause",
      },
    },
  };
}
