import { EnvironmentProfile } from "./profiles";

/** Log retention periods CloudWatch Logs accepts (0, "never expire", is refused by policy). */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** One tfvars-style setting: its Terraform declaration, minus the default, which the profile gives. */
export interface VariableSpec {
  readonly name: string;
  readonly type: "string" | "number" | "bool" | "list(string)";
  readonly description: string;
  /** The profile field that supplies the default. */
  readonly defaultFrom: keyof EnvironmentProfile;
  /** Terraform validation rules: a boolean expression and the message shown when it is false. */
  readonly validations: readonly { readonly condition: string; readonly errorMessage: string }[];
}

const wholeNumber = (v: string) => `floor(${v}) == ${v}`;

/** The Step Functions workflow types (`aws_sfn_state_machine.type`). */
const WORKFLOW_TYPES = ["STANDARD", "EXPRESS"] as const;
export type WorkflowType = (typeof WORKFLOW_TYPES)[number];

/**
 * An IAM role ARN, as a Terraform (RE2) pattern: roles only (never a user, a root or a "*"), any partition;
 * role names and paths never hold a space, so a space-joined list is checked with one regex.
 */
const ROLE_ARN = "arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}";

/** The variables every environment stack declares, in the order the README lists them. */
export const VARIABLE_SPECS: readonly VariableSpec[] = [
  {
    name: "project_name",
    type: "string",
    description:
      "Prefix of every resource name: 3-22 characters, lowercase letters, digits and hyphens, starting with a letter.",
    defaultFrom: "projectName",
    validations: [
      {
        condition: `can(regex("^[a-z][a-z0-9-]{1,20}[a-z0-9]$", var.project_name))`,
        errorMessage:
          "project_name must be 3-22 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen.",
      },
    ],
  },
  {
    name: "log_retention_days",
    type: "number",
    description: "Days CloudWatch keeps the functions' and the state machine's logs.",
    defaultFrom: "logRetentionDays",
    validations: [
      {
        condition: `contains([${LOG_RETENTION_DAYS.join(", ")}], var.log_retention_days)`,
        errorMessage: `log_retention_days must be one of the periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(
          ", ",
        )}.`,
      },
    ],
  },
  {
    name: "event_archive_retention_days",
    type: "number",
    description:
      "Days the bus's archive keeps events for replay; 0 keeps them indefinitely (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html).",
    defaultFrom: "eventArchiveRetentionDays",
    validations: [
      {
        // CreateArchive: RetentionDays is an Integer, minimum 0, no maximum; 0 means indefinitely.
        condition: `var.event_archive_retention_days >= 0 && ${wholeNumber("var.event_archive_retention_days")}`,
        errorMessage: "event_archive_retention_days must be a whole number of days, 0 (keep indefinitely) or more.",
      },
    ],
  },
  {
    name: "lambda_memory_size",
    type: "number",
    description: "Memory of each function in MB (CPU scales with it).",
    defaultFrom: "lambdaMemorySize",
    validations: [
      {
        condition: `var.lambda_memory_size >= 128 && var.lambda_memory_size <= 10240 && ${wholeNumber(
          "var.lambda_memory_size",
        )}`,
        errorMessage: "lambda_memory_size must be a whole number of MB from 128 to 10240.",
      },
    ],
  },
  {
    name: "dynamodb_read_capacity",
    type: "number",
    description: "Read capacity units of each table; 0 makes the tables on-demand (PAY_PER_REQUEST).",
    defaultFrom: "dynamodbReadCapacity",
    validations: [
      {
        condition: `var.dynamodb_read_capacity == 0 || (var.dynamodb_read_capacity >= 1 && var.dynamodb_read_capacity <= 40000 && ${wholeNumber(
          "var.dynamodb_read_capacity",
        )})`,
        errorMessage:
          "dynamodb_read_capacity must be 0 (on-demand) or a whole number of capacity units from 1 to 40000.",
      },
    ],
  },
  {
    name: "dynamodb_write_capacity",
    type: "number",
    description: "Write capacity units of each table; 0 makes the tables on-demand. Set both capacities or neither.",
    defaultFrom: "dynamodbWriteCapacity",
    validations: [
      {
        condition: `var.dynamodb_write_capacity == 0 || (var.dynamodb_write_capacity >= 1 && var.dynamodb_write_capacity <= 40000 && ${wholeNumber(
          "var.dynamodb_write_capacity",
        )})`,
        errorMessage:
          "dynamodb_write_capacity must be 0 (on-demand) or a whole number of capacity units from 1 to 40000.",
      },
      {
        condition: `(var.dynamodb_read_capacity == 0) == (var.dynamodb_write_capacity == 0)`,
        errorMessage:
          "dynamodb_read_capacity and dynamodb_write_capacity must both be 0 (on-demand) or both be at least 1 (provisioned).",
      },
    ],
  },
  {
    name: "xray_tracing_enabled",
    type: "bool",
    description: "Trace the functions and the state machine with AWS X-Ray.",
    defaultFrom: "xrayTracingEnabled",
    validations: [],
  },
  {
    name: "alarm_email",
    type: "string",
    description:
      "Address subscribed to the alarm topic; empty for none (the subscription must be confirmed by e-mail).",
    defaultFrom: "alarmEmail",
    validations: [
      {
        condition: `var.alarm_email == "" || can(regex("^[^@ ]+@[^@ ]+[.][^@ ]+$", var.alarm_email))`,
        errorMessage: "alarm_email must be empty or one e-mail address such as ops@example.com.",
      },
    ],
  },
  {
    name: "workflow_type",
    type: "string",
    description:
      "The saga's Step Functions workflow type: STANDARD (exactly once, execution history, redrive) or EXPRESS (at least once, history only in its log group, no redrive, 5 minutes at most).",
    defaultFrom: "workflowType",
    validations: [
      {
        condition: `contains([${WORKFLOW_TYPES.map((t) => `"${t}"`).join(", ")}], var.workflow_type)`,
        errorMessage: `workflow_type must be one of ${WORKFLOW_TYPES.join(", ")} (uppercase).`,
      },
    ],
  },
  {
    name: "event_redrive_principal_arns",
    type: "list(string)",
    description:
      "IAM role ARNs that may put the project's own events (orders.order-service, orders.order-workflow) back on the bus besides their owners: the operator roles that run npm run redrive. Empty (the default) admits nobody.",
    defaultFrom: "eventRedrivePrincipalArns",
    validations: [
      {
        condition: `length(var.event_redrive_principal_arns) == 0 || can(regex("^${ROLE_ARN}( ${ROLE_ARN})*$", join(" ", var.event_redrive_principal_arns)))`,
        errorMessage:
          "event_redrive_principal_arns must be IAM role ARNs (arn:aws:iam::<12-digit account>:role/<name>), no users, no wildcards.",
      },
    ],
  },
];
