/**
 * Where the planned resources keep policies (identity, trust and resource policies, and the statement
 * a Lambda permission adds to its function's policy), read from a resource's planned values.
 */
import { Statement, parseDocument } from "./statement-diff";

export type PolicyKind = "identity" | "trust" | "resource";

interface DocumentSource {
  readonly kind: PolicyKind;
  /** The attribute, e.g. `policy`, or `inline_policy` (a list of `{ name, policy }` blocks). */
  readonly attribute: string;
}

const POLICY_ATTRIBUTES: Readonly<Record<string, readonly DocumentSource[]>> = {
  aws_iam_role_policy: [{ kind: "identity", attribute: "policy" }],
  aws_iam_policy: [{ kind: "identity", attribute: "policy" }],
  aws_iam_user_policy: [{ kind: "identity", attribute: "policy" }],
  aws_iam_group_policy: [{ kind: "identity", attribute: "policy" }],
  aws_iam_role: [
    { kind: "trust", attribute: "assume_role_policy" },
    { kind: "identity", attribute: "inline_policy" },
  ],
  aws_sqs_queue_policy: [{ kind: "resource", attribute: "policy" }],
  aws_sqs_queue: [{ kind: "resource", attribute: "policy" }],
  aws_sns_topic_policy: [{ kind: "resource", attribute: "policy" }],
  aws_sns_topic: [{ kind: "resource", attribute: "policy" }],
  aws_s3_bucket_policy: [{ kind: "resource", attribute: "policy" }],
  aws_cloudwatch_event_bus_policy: [{ kind: "resource", attribute: "policy" }],
  aws_kms_key: [{ kind: "resource", attribute: "policy" }],
  aws_cloudwatch_log_resource_policy: [{ kind: "resource", attribute: "policy_document" }],
  aws_dynamodb_resource_policy: [{ kind: "resource", attribute: "policy" }],
  aws_secretsmanager_secret_policy: [{ kind: "resource", attribute: "policy" }],
  aws_ecr_repository_policy: [{ kind: "resource", attribute: "policy" }],
};

/** Resource types that attach a managed policy to a role, user or group. */
export const POLICY_ATTACHMENT_TYPES = [
  "aws_iam_role_policy_attachment",
  "aws_iam_user_policy_attachment",
  "aws_iam_group_policy_attachment",
  "aws_iam_policy_attachment",
];

/** One policy a resource holds, in one version (before or after the change). */
export interface HeldPolicy {
  readonly kind: PolicyKind;
  /** `policy`, `assume_role_policy`, `inline_policy "name"`, or `permission` for a Lambda permission. */
  readonly label: string;
  /** The statements; undefined when the value is not known until apply. */
  readonly statements?: readonly Statement[];
  /** Why the statements are missing: not known until apply, or not readable. */
  readonly note?: string;
}

export type Values = Readonly<Record<string, unknown>>;

/**
 * The policies held in `values` (a resource's `before` or `after`). `unknown` marks attributes not
 * known until apply, and `config` (the resource as configured in cdk.tf.json) stands in for them, with
 * its `${...}` references left as they are.
 */
export function policiesOf(
  type: string,
  values: Values | null | undefined,
  unknown?: Values,
  config?: Values,
): HeldPolicy[] {
  if (!values) return [];
  if (type === "aws_lambda_permission") return [lambdaPermission(values, unknown, config)];
  const held: HeldPolicy[] = [];
  for (const source of POLICY_ATTRIBUTES[type] ?? []) {
    const known = unknown?.[source.attribute] !== true;
    const value = known ? values[source.attribute] : config?.[source.attribute];
    if (source.attribute === "inline_policy") {
      for (const block of Array.isArray(value) ? (value as Values[]) : []) {
        if (block.policy === undefined || block.policy === null || block.policy === "") continue;
        held.push(
          document(source.kind, `inline_policy ${JSON.stringify(String(block.name ?? ""))}`, block.policy, known),
        );
      }
      continue;
    }
    if (value === undefined || value === null || value === "") {
      if (!known) held.push({ kind: source.kind, label: source.attribute, note: "known after apply" });
      continue;
    }
    held.push(document(source.kind, source.attribute, value, known));
  }
  return held;
}

function document(kind: PolicyKind, label: string, value: unknown, known: boolean): HeldPolicy {
  const parsed = parseDocument(value);
  if (!parsed.ok) return { kind, label, note: known ? `not readable: ${parsed.error}` : "known after apply" };
  return {
    kind,
    label,
    statements: parsed.statements,
    ...(known ? {} : { note: "as configured; references resolve at apply" }),
  };
}

/** The statement `aws_lambda_permission` adds to its function's resource policy. */
function lambdaPermission(values: Values, unknown: Values | undefined, config: Values | undefined): HeldPolicy {
  const value = (attribute: string): string | undefined => {
    const v = unknown?.[attribute] === true ? config?.[attribute] : values[attribute];
    return v === undefined || v === null || v === "" ? undefined : String(v);
  };
  const principal = value("principal") ?? "";
  const conditions = [
    ...(value("source_arn") ? [`ArnLike AWS:SourceArn=${value("source_arn")}`] : []),
    ...(value("source_account") ? [`StringEquals AWS:SourceAccount=${value("source_account")}`] : []),
    ...(value("principal_org_id") ? [`StringEquals aws:PrincipalOrgID=${value("principal_org_id")}`] : []),
  ].sort();
  const statement: Statement = {
    ...(value("statement_id") ? { sid: value("statement_id") } : {}),
    effect: "Allow",
    actions: [value("action") ?? ""],
    notActions: [],
    resources: [`${value("function_name") ?? ""}${value("qualifier") ? `:${value("qualifier")}` : ""}`],
    notResources: [],
    principals: [principal.endsWith(".amazonaws.com") ? `Service:${principal}` : `AWS:${principal}`],
    conditions,
  };
  return { kind: "resource", label: "permission", statements: [statement] };
}
