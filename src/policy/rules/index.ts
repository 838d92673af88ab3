/** Every rule of the policy, in report order. */
import { backendS3EncryptedAndLocked } from "./backend-s3-encrypted-and-locked";
import { backendS3KmsKey } from "./backend-s3-kms-key";
import { dynamodbDeletionProtectionInProd } from "./dynamodb-deletion-protection-in-prod";
import { dynamodbEncryptedWithKms } from "./dynamodb-encrypted-with-kms";
import { dynamodbPointInTimeRecovery } from "./dynamodb-point-in-time-recovery";
import { eventbridgeBusPolicyNotPublic } from "./eventbridge-bus-policy-not-public";
import { eventbridgeBusPolicyPerSource } from "./eventbridge-bus-policy-per-source";
import { eventbridgeTargetRetryAndDlq } from "./eventbridge-target-retry-and-dlq";
import { eventbridgeTargetRoleLeastPrivilege } from "./eventbridge-target-role-least-privilege";
import { iamNoAwsManagedPolicies } from "./iam-no-aws-managed-policies";
import { iamNoPrivilegeEscalation } from "./iam-no-privilege-escalation";
import { iamNoWildcardActions } from "./iam-no-wildcard-actions";
import { iamServiceRoleTrustConditions } from "./iam-service-role-trust-conditions";
import { iamTrustOneServicePrincipal } from "./iam-trust-one-service-principal";
import { iamWildcardResourceOnlyForUnscopableActions } from "./iam-wildcard-resource-only-for-unscopable-actions";
import { kmsCustomerManagedKey } from "./kms-customer-managed-key";
import { kmsKeyPolicyNotPublic } from "./kms-key-policy-not-public";
import { kmsKeyRotationEnabled } from "./kms-key-rotation-enabled";
import { lambdaActiveTracing } from "./lambda-active-tracing";
import { lambdaCodeSigning } from "./lambda-code-signing";
import { lambdaExplicitTimeoutAndMemory } from "./lambda-explicit-timeout-and-memory";
import { lambdaFailureDestination } from "./lambda-failure-destination";
import { lambdaInVpc } from "./lambda-in-vpc";
import { lambdaNoSecretsInEnvironment } from "./lambda-no-secrets-in-environment";
import { lambdaOwnLogGroupWithRetention } from "./lambda-own-log-group-with-retention";
import { lambdaPermissionScopedToSource } from "./lambda-permission-scoped-to-source";
import { lambdaReservedConcurrency } from "./lambda-reserved-concurrency";
import { lambdaSupportedRuntime } from "./lambda-supported-runtime";
import { logsRetentionSet } from "./logs-retention-set";
import { monitoringAlarmTopicAcceptsCloudwatch } from "./monitoring-alarm-topic-accepts-cloudwatch";
import { monitoringMetricsNameDimensions } from "./monitoring-metrics-name-dimensions";
import { paymentSimulatorNotInProd } from "./payment-simulator-not-in-prod";
import { s3DefaultEncryption } from "./s3-default-encryption";
import { s3PublicAccessFullyBlocked } from "./s3-public-access-fully-blocked";
import { s3TlsOnlyPolicy } from "./s3-tls-only-policy";
import { s3VersioningEnabled } from "./s3-versioning-enabled";
import { sfnBusinessErrorsNotRetried } from "./sfn-business-errors-not-retried";
import { sfnFailurePathsEndInFail } from "./sfn-failure-paths-end-in-fail";
import { sfnFullExecutionLogging } from "./sfn-full-execution-logging";
import { sfnStatesAllAloneAndLast } from "./sfn-states-all-alone-and-last";
import { sfnTaskResultPathPreservesState } from "./sfn-task-result-path-preserves-state";
import { sfnTaskRetriesTransientErrors } from "./sfn-task-retries-transient-errors";
import { sfnTaskTimeouts } from "./sfn-task-timeouts";
import { sfnXrayTracing } from "./sfn-xray-tracing";
import { sqsEncryptedAtRest } from "./sqs-encrypted-at-rest";
import { sqsMessageRetentionSet } from "./sqs-message-retention-set";
import { tlsOnlyResourcePolicies } from "./tls-only-resource-policies";
import type { PolicyRule } from "../types";

export const ALL_RULES: readonly PolicyRule[] = [
  lambdaSupportedRuntime,
  lambdaActiveTracing,
  lambdaExplicitTimeoutAndMemory,
  lambdaOwnLogGroupWithRetention,
  lambdaNoSecretsInEnvironment,
  lambdaPermissionScopedToSource,
  lambdaFailureDestination,
  lambdaInVpc,
  lambdaReservedConcurrency,
  lambdaCodeSigning,
  sfnXrayTracing,
  sfnFullExecutionLogging,
  sfnTaskTimeouts,
  sfnTaskRetriesTransientErrors,
  sfnBusinessErrorsNotRetried,
  sfnStatesAllAloneAndLast,
  sfnFailurePathsEndInFail,
  sfnTaskResultPathPreservesState,
  eventbridgeTargetRetryAndDlq,
  eventbridgeTargetRoleLeastPrivilege,
  eventbridgeBusPolicyNotPublic,
  eventbridgeBusPolicyPerSource,
  sqsEncryptedAtRest,
  sqsMessageRetentionSet,
  tlsOnlyResourcePolicies,
  dynamodbPointInTimeRecovery,
  dynamodbEncryptedWithKms,
  dynamodbDeletionProtectionInProd,
  iamNoWildcardActions,
  iamWildcardResourceOnlyForUnscopableActions,
  iamTrustOneServicePrincipal,
  iamServiceRoleTrustConditions,
  iamNoAwsManagedPolicies,
  iamNoPrivilegeEscalation,
  logsRetentionSet,
  s3VersioningEnabled,
  s3PublicAccessFullyBlocked,
  s3TlsOnlyPolicy,
  s3DefaultEncryption,
  backendS3EncryptedAndLocked,
  backendS3KmsKey,
  paymentSimulatorNotInProd,
  monitoringMetricsNameDimensions,
  monitoringAlarmTopicAcceptsCloudwatch,
  kmsCustomerManagedKey,
  kmsKeyRotationEnabled,
  kmsKeyPolicyNotPublic,
];
