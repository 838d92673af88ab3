/**
 * Names the order workflow is made of: its states and the errors it routes. Tests, the
 * policy rules and the local runtime import them from here.
 */
import { BusinessError, type BusinessErrorName } from "../contracts/errors";

export const StateName = {
  /** Takes ownership of the PENDING order (a duplicate start ends in DuplicateIgnored). */
  claimOrder: "ClaimOrder",
  processPayment: "ProcessPayment",
  reserveInventory: "ReserveInventory",
  completeOrder: "CompleteOrder",
  publishOrderCompleted: "PublishOrderCompleted",
  orderSucceeded: "OrderSucceeded",
  duplicateIgnored: "DuplicateIgnored",
  /** Compensation: gives reserved stock back. */
  releaseInventory: "ReleaseInventory",
  /** Compensation: refunds (or voids) the payment. */
  refundPayment: "RefundPayment",
  markFailed: "MarkFailed",
  publishOrderFailed: "PublishOrderFailed",
  orderFailed: "OrderFailed",
} as const;
export type StateNameValue = (typeof StateName)[keyof typeof StateName];

/** Every state of the workflow. */
export const WORKFLOW_STATE_NAMES: readonly StateNameValue[] = Object.values(StateName);

/** The compensation states, in the order they run. */
export const COMPENSATION_STATE_NAMES: readonly StateNameValue[] = [
  StateName.releaseInventory,
  StateName.refundPayment,
];

/** Business errors: caught and compensated, never retried. */
export const WORKFLOW_BUSINESS_ERRORS: readonly BusinessErrorName[] = Object.values(BusinessError);

/** Transient Lambda service errors (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html). */
export const LAMBDA_TRANSIENT_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
  "Lambda.ClientExecutionTimeoutException",
] as const;

/** Transient DynamoDB errors of the dynamodb:* service integration. */
export const DYNAMODB_TRANSIENT_ERRORS = [
  "DynamoDB.ProvisionedThroughputExceededException",
  "DynamoDB.RequestLimitExceededException",
  "DynamoDB.ThrottlingException",
  "DynamoDB.InternalServerErrorException",
  "DynamoDB.AmazonDynamoDBException",
  "DynamoDB.SdkClientException",
] as const;

/** Transient EventBridge errors of the events:putEvents service integration. */
export const EVENTBRIDGE_TRANSIENT_ERRORS = [
  "EventBridge.InternalException",
  "EventBridge.ThrottlingException",
  "EventBridge.AmazonEventBridgeException",
  "EventBridge.SdkClientException",
  /** A non-zero FailedEntryCount (the integration fails the task with this error). */
  "EventBridge.FailedEntry",
] as const;

/** The task timed out, or the function did (Lambda.Unknown covers function timeouts and crashes). */
export const TIMEOUT_ERRORS = ["States.Timeout", "Lambda.Unknown"] as const;
