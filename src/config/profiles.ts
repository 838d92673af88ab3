import type { WorkflowType } from "./variable-specs";

/** The environments this app can synthesize, each a stack with its own state key. */
export const ENVIRONMENT_NAMES = ["dev", "staging", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** Defaults an environment gives its variables, and the settings that are not variables. */
export interface EnvironmentProfile {
  readonly name: EnvironmentName;
  /** Default of `project_name`. */
  readonly projectName: string;
  /** Default of `log_retention_days`. */
  readonly logRetentionDays: number;
  /** Default of `event_archive_retention_days`; 0 keeps archived events indefinitely. */
  readonly eventArchiveRetentionDays: number;
  /** Default of `lambda_memory_size`, in MB. */
  readonly lambdaMemorySize: number;
  /** Default of `dynamodb_read_capacity`; 0 means on-demand. */
  readonly dynamodbReadCapacity: number;
  /** Default of `dynamodb_write_capacity`; 0 means on-demand. */
  readonly dynamodbWriteCapacity: number;
  /** Default of `xray_tracing_enabled`. */
  readonly xrayTracingEnabled: boolean;
  /** Default of `alarm_email`; empty means no e-mail subscription. */
  readonly alarmEmail: string;
  /** Default of `workflow_type`: the saga's Step Functions workflow type. */
  readonly workflowType: WorkflowType;
  /** Default of `event_redrive_principal_arns`: the operator roles the bus policy also admits (none). */
  readonly eventRedrivePrincipalArns: readonly string[];
  /** Tables refuse deletion (and Terraform refuses to destroy them). */
  readonly deletionProtection: boolean;
  /** Provisioned tables scale between capacity and this multiple of it. */
  readonly autoscalingMaxMultiplier?: number;
  /**
   * What the saga's execution log records. Production logs every transition without execution data: state
   * inputs and outputs hold customer ids, items and amounts, and the log keeps them for the retention period.
   */
  readonly sagaLogging: { readonly level: "ALL" | "ERROR"; readonly includeExecutionData: boolean };
}

export const PROFILES: Readonly<Record<EnvironmentName, EnvironmentProfile>> = {
  dev: {
    name: "dev",
    projectName: "orders",
    logRetentionDays: 7,
    eventArchiveRetentionDays: 7,
    lambdaMemorySize: 256,
    dynamodbReadCapacity: 0,
    dynamodbWriteCapacity: 0,
    xrayTracingEnabled: true,
    alarmEmail: "",
    workflowType: "STANDARD",
    eventRedrivePrincipalArns: [],
    deletionProtection: false,
    sagaLogging: { level: "ALL", includeExecutionData: true },
  },
  staging: {
    name: "staging",
    projectName: "orders",
    logRetentionDays: 30,
    eventArchiveRetentionDays: 30,
    lambdaMemorySize: 512,
    dynamodbReadCapacity: 0,
    dynamodbWriteCapacity: 0,
    xrayTracingEnabled: true,
    alarmEmail: "",
    workflowType: "STANDARD",
    eventRedrivePrincipalArns: [],
    deletionProtection: false,
    sagaLogging: { level: "ALL", includeExecutionData: true },
  },
  prod: {
    name: "prod",
    projectName: "orders",
    logRetentionDays: 90,
    eventArchiveRetentionDays: 90,
    lambdaMemorySize: 1024,
    dynamodbReadCapacity: 5,
    dynamodbWriteCapacity: 5,
    xrayTracingEnabled: true,
    alarmEmail: "",
    workflowType: "STANDARD",
    eventRedrivePrincipalArns: [],
    deletionProtection: true,
    autoscalingMaxMultiplier: 20,
    sagaLogging: { level: "ALL", includeExecutionData: false },
  },
};

export function isEnvironmentName(value: string): value is EnvironmentName {
  return (ENVIRONMENT_NAMES as readonly string[]).includes(value);
}
