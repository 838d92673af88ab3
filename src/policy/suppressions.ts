/**
 * The reviewed exceptions to the policy. Each one names a rule, the stacks and resources it covers and
 * why the finding is accepted. Synth fails on an exception without a reason (or with one shorter than
 * MIN_REASON_LENGTH) and on one that no longer matches anything: remove exceptions that are fixed.
 * Change this file only through review.
 */
import type { Suppression } from "./suppression-matching";

const PIPELINE = "orders-*";

const SYNCHRONOUS_SAGA_STEP =
  "Invoked only synchronously, by the order saga's lambda:invoke tasks (RequestResponse): a failure returns to the state machine, " +
  "which retries transient errors and compensates the rest. Lambda never queues these invocations, so a dead-letter queue or " +
  "on-failure destination would never receive anything.";

export const SUPPRESSIONS: readonly Suppression[] = [
  {
    rule: "lambda-in-vpc",
    stacks: PIPELINE,
    resource: "aws_lambda_function.*",
    reason:
      "The functions call only regional AWS APIs (DynamoDB, EventBridge) over TLS with IAM-signed requests and reach no private " +
      "resource. A VPC would add NAT or an interface endpoint per service, ENI cold starts and cost, without narrowing who can reach them.",
  },
  {
    rule: "lambda-reserved-concurrency",
    stacks: PIPELINE,
    resource: "aws_lambda_function.*",
    reason:
      "Reserving concurrency carves capacity out of the account's shared pool and fails the deploy when fewer than 100 unreserved " +
      "executions would remain, which is common in new or shared accounts. Throttles are alarmed per function instead; reserve " +
      "per deployment once the account's capacity is known.",
  },
  {
    rule: "lambda-code-signing",
    stacks: PIPELINE,
    resource: "aws_lambda_function.*",
    knownDefect: true,
    reason:
      "Known defect, not an accepted risk: nothing verifies that the deployed code is the reviewed build. Bundles are built " +
      "reproducibly and pinned by source_code_hash, but anyone who can update the functions can deploy any zip. The fix needs an " +
      "AWS Signer profile, a signing job in the release pipeline (Signer reads and writes packages in S3) and deploys from S3; " +
      "this deployment path zips locally and has no signing step yet.",
  },
  {
    rule: "lambda-failure-destination",
    stacks: PIPELINE,
    resource: "aws_lambda_function.order-service_*",
    reason:
      "The Order function is invoked synchronously by clients (RequestResponse) and answers with the error; the client retries with " +
      "the same idempotency key, and nothing is accepted before it is recorded. The asynchronously invoked Notification function has its queue.",
  },
  {
    rule: "lambda-failure-destination",
    stacks: PIPELINE,
    resource: "aws_lambda_function.payment-service_*",
    reason: SYNCHRONOUS_SAGA_STEP,
  },
  {
    rule: "lambda-failure-destination",
    stacks: PIPELINE,
    resource: "aws_lambda_function.inventory-service_*",
    reason: SYNCHRONOUS_SAGA_STEP,
  },
  {
    rule: "sfn-failure-paths-end-in-fail",
    stacks: PIPELINE,
    resource: "aws_sfn_state_machine.order-workflow_state-machine_*",
    subject: "ClaimOrder",
    reason:
      "ClaimOrder's catch of DynamoDB.ConditionalCheckFailedException is not a failure: EventBridge delivers at least once, and a " +
      "second execution for an order another execution owns (or that already ended) must stop quietly in DuplicateIgnored. Ending " +
      "in Fail would raise the ExecutionsFailed alarm on every redelivery. Its other catch (States.ALL) still ends in OrderFailed.",
  },
  {
    rule: "kms-customer-managed-key",
    stacks: PIPELINE,
    resource: "aws_sqs_queue.*",
    reason:
      "Dead-letter queues use SSE-SQS (encrypted at rest with keys SQS manages). A customer-managed key would add a key policy that " +
      "EventBridge and Lambda must be granted, and per-request KMS cost, for no access control the queue policies do not already give.",
  },
  {
    rule: "kms-customer-managed-key",
    stacks: PIPELINE,
    resource: "aws_dynamodb_table.*",
    reason:
      "Tables are encrypted with the AWS-managed aws/dynamodb KMS key (server_side_encryption enabled), whose use is logged in " +
      "CloudTrail; access is governed by the per-function IAM grants. No cross-account access or key-level revocation is required.",
  },
  {
    rule: "kms-customer-managed-key",
    stacks: PIPELINE,
    resource: "aws_cloudwatch_log_group.*",
    reason:
      "Log groups are encrypted at rest by CloudWatch Logs and expire with the environment's retention. A customer-managed key " +
      "would need a key policy for the logs service in each region and breaks log delivery if the key is disabled.",
  },
  {
    rule: "kms-customer-managed-key",
    stacks: PIPELINE,
    resource: "aws_lambda_function.*",
    reason:
      "The environment variables hold table and bus names, the service name and Node options; no secret (lambda-no-secrets-in-environment " +
      "enforces that). Lambda encrypts them at rest with its AWS-managed key.",
  },
];
