import { IResolvable, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { EnvironmentProfile } from "./profiles";
import { VARIABLE_SPECS, VariableSpec } from "./variable-specs";

/** The stack's tfvars-style settings, declared from `VARIABLE_SPECS` with the profile's defaults. */
export class PipelineVariables extends Construct {
  readonly projectName: string;
  readonly logRetentionDays: number;
  readonly eventArchiveRetentionDays: number;
  readonly lambdaMemorySize: number;
  readonly dynamodbReadCapacity: number;
  readonly dynamodbWriteCapacity: number;
  readonly xrayTracingEnabled: IResolvable;
  readonly alarmEmail: string;
  /** `STANDARD` or `EXPRESS`, as validated (a token). */
  readonly workflowType: string;
  /** The name of the list variable of operator roles the bus policy admits for the project's sources. */
  readonly eventRedrivePrincipalsVariable: string;

  constructor(scope: Construct, id: string, profile: EnvironmentProfile) {
    super(scope, id);
    const declared = new Map(VARIABLE_SPECS.map((spec) => [spec.name, declare(this, spec, profile)]));
    const get = (name: string) => declared.get(name) as TerraformVariable;
    this.projectName = get("project_name").stringValue;
    this.logRetentionDays = get("log_retention_days").numberValue;
    this.eventArchiveRetentionDays = get("event_archive_retention_days").numberValue;
    this.lambdaMemorySize = get("lambda_memory_size").numberValue;
    this.dynamodbReadCapacity = get("dynamodb_read_capacity").numberValue;
    this.dynamodbWriteCapacity = get("dynamodb_write_capacity").numberValue;
    this.xrayTracingEnabled = get("xray_tracing_enabled").booleanValue;
    this.alarmEmail = get("alarm_email").stringValue;
    this.workflowType = get("workflow_type").stringValue;
    this.eventRedrivePrincipalsVariable = get("event_redrive_principal_arns").friendlyUniqueId;
  }
}

function declare(scope: Construct, spec: VariableSpec, profile: EnvironmentProfile): TerraformVariable {
  const variable = new TerraformVariable(scope, spec.name, {
    type: spec.type,
    description: spec.description,
    default: profile[spec.defaultFrom],
    nullable: false,
    validation: spec.validations.map((v) => ({ condition: `\${${v.condition}}`, errorMessage: v.errorMessage })),
  });
  // tfvars files and TF_VAR_* name variables by their Terraform name, not a construct path.
  variable.overrideLogicalId(spec.name);
  return variable;
}
