/**
 * IAM policy documents as the stacks synthesize them: JSON strings whose values may hold Terraform
 * references (`${aws_sqs_queue.x.arn}`), which name one specific resource. Statements are normalized
 * (string-or-list fields become lists) so rules can read them one way.
 */
import { blocks } from "../terraform/stack-document";
import { withoutInterpolations } from "./terraform-values";
import type { StackContext } from "./stack-context";
import type { Problem, SynthesizedResource } from "./types";

interface PolicyPrincipal {
  /** `Service`, `AWS`, `Federated`, `CanonicalUser`, or `*` for `"Principal": "*"`. */
  readonly kind: string;
  readonly value: string;
}

export interface PolicyStatementView {
  /** The Sid, or `#<index>` when the statement has none. */
  readonly label: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  readonly principals: readonly PolicyPrincipal[];
  readonly condition: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined;
}

export type ParsedPolicy =
  | { readonly ok: true; readonly statements: readonly PolicyStatementView[] }
  | { readonly ok: false; readonly error: string };

/** Where a resource keeps a policy document, and what kind of policy it is. */
export interface PolicyDocumentSource {
  /** `identity` (grants a role, user or group), `resource` (attached to a resource), or `trust` (who may assume a role). */
  readonly kind: "identity" | "resource" | "trust";
  /** The argument holding it, e.g. `policy` or `inline_policy[0].policy`. */
  readonly argument: string;
  readonly text: unknown;
}

const IDENTITY_POLICY_TYPES = ["aws_iam_role_policy", "aws_iam_policy", "aws_iam_user_policy", "aws_iam_group_policy"];
const RESOURCE_POLICY_TYPES = [
  "aws_sqs_queue_policy",
  "aws_s3_bucket_policy",
  "aws_sns_topic_policy",
  "aws_cloudwatch_event_bus_policy",
  "aws_sqs_queue",
  "aws_sns_topic",
];

/** Every resource type that can hold an identity or resource policy document. */
export const POLICY_HOLDING_TYPES: readonly string[] = [
  ...IDENTITY_POLICY_TYPES,
  "aws_iam_role",
  ...RESOURCE_POLICY_TYPES,
];

/** The identity and resource policy documents a resource holds (trust policies are separate: `trustPolicyOf`). */
export function policyDocumentsOf(resource: SynthesizedResource): PolicyDocumentSource[] {
  const { type, config } = resource;
  if (IDENTITY_POLICY_TYPES.includes(type)) return [{ kind: "identity", argument: "policy", text: config.policy }];
  if (type === "aws_iam_role") {
    return blocks(config.inline_policy)
      .map((p, i) => ({ kind: "identity" as const, argument: `inline_policy[${i}].policy`, text: p.policy }))
      .filter((p) => p.text !== undefined);
  }
  if (RESOURCE_POLICY_TYPES.includes(type) && config.policy !== undefined) {
    return [{ kind: "resource", argument: "policy", text: config.policy }];
  }
  return [];
}

/** The trust policy of a role. */
export function trustPolicyOf(resource: SynthesizedResource): PolicyDocumentSource | undefined {
  return resource.type === "aws_iam_role"
    ? { kind: "trust", argument: "assume_role_policy", text: resource.config.assume_role_policy }
    : undefined;
}

const asList = (value: unknown): string[] =>
  value === undefined || value === null ? [] : (Array.isArray(value) ? value : [value]).map((v) => String(v));

function principalsOf(value: unknown): PolicyPrincipal[] {
  if (value === undefined) return [];
  if (value === "*") return [{ kind: "*", value: "*" }];
  if (value === null || typeof value !== "object") return [{ kind: "unknown", value: String(value) }];
  return Object.entries(value as Record<string, unknown>).flatMap(([kind, values]) =>
    asList(values).map((v) => ({ kind, value: v })),
  );
}

/** The statements of a policy document held in a string argument. */
export function parsePolicy(stack: StackContext, text: unknown): ParsedPolicy {
  const parsed = stack.parseJson(text);
  if (!parsed.ok) {
    return {
      ok: false,
      error: `is not a JSON policy document the policy check can read (${parsed.error}); build it with src/iam/policy-document.ts`,
    };
  }
  const doc = parsed.value as { Statement?: unknown } | null;
  if (doc === null || typeof doc !== "object" || doc.Statement === undefined)
    return { ok: false, error: "has no Statement" };
  const raw = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const statements = raw.map((s: Record<string, unknown>, i: number): PolicyStatementView => ({
    label: typeof s.Sid === "string" && s.Sid !== "" ? s.Sid : `#${i}`,
    effect: String(s.Effect),
    actions: asList(s.Action),
    notActions: asList(s.NotAction),
    resources: asList(s.Resource),
    notResources: asList(s.NotResource),
    principals: principalsOf(s.Principal),
    condition: s.Condition as PolicyStatementView["condition"],
  }));
  return { ok: true, statements };
}

/** Whether an IAM action pattern (`s3:Get*`, `*`) covers `action`; IAM compares actions case-insensitively. */
export function actionMatches(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    "i",
  );
  return regex.test(action);
}

/** Whether an action entry holds a wildcard (`*`, `s3:*`, `s3:Get*`). */
export const isWildcardAction = (action: string): boolean => action.includes("*") || action.includes("?");

/**
 * Whether a Resource entry covers every resource: `*`, or an ARN whose service or resource part is `*`.
 * A Terraform reference names one specific resource, whatever the text around it.
 */
export function isWildcardResource(resource: string): boolean {
  const literal = withoutInterpolations(resource);
  if (literal === "*") return true;
  const parts = literal.split(":");
  return parts[0] === "arn" && parts.length >= 6 && (parts[2] === "*" || parts.slice(5).join(":") === "*");
}

/** A statement's label and effect, for messages: `statement "WriteLogs"`. */
export const statementName = (s: PolicyStatementView): string => `statement ${JSON.stringify(s.label)}`;

/** The Allow statements of some policy documents, and a problem for each document that cannot be read. */
export function allowStatementsOf(
  stack: StackContext,
  documents: readonly PolicyDocumentSource[],
): { readonly statements: PolicyStatementView[]; readonly unreadable: Problem[] } {
  const statements: PolicyStatementView[] = [];
  const unreadable: Problem[] = [];
  for (const doc of documents) {
    const policy = parsePolicy(stack, doc.text);
    if (!policy.ok) unreadable.push({ message: `${doc.argument} ${policy.error}`, subject: doc.argument });
    else statements.push(...policy.statements.filter((s) => s.effect === "Allow"));
  }
  return { statements, unreadable };
}

/**
 * The values a statement's condition gives `key` under operators matching `operator` (`StringEquals`,
 * `/^Arn(Not)?Like|Arn(Not)?Equals$/`). IAM compares operator names and condition keys case-insensitively.
 */
export function conditionValues(statement: PolicyStatementView, operator: RegExp, key: string): string[] {
  const values: string[] = [];
  for (const [op, keys] of Object.entries(statement.condition ?? {})) {
    if (!operator.test(op)) continue;
    for (const [k, v] of Object.entries(keys ?? {}))
      if (k.toLowerCase() === key.toLowerCase()) values.push(...asList(v));
  }
  return values;
}

/** Whether the statement denies requests made without TLS (`Bool` `aws:SecureTransport` false). */
export function deniesInsecureTransport(statement: PolicyStatementView): boolean {
  const values = conditionValues(statement, /^bool$/i, "aws:SecureTransport");
  return statement.effect === "Deny" && values.length === 1 && values[0] === "false";
}
