import { parseReference } from "../../terraform/stack-document";
import {
  PolicyStatementView,
  actionMatches,
  conditionValues,
  parsePolicy,
  policyDocumentsOf,
  statementName,
} from "../iam-document";
import { describe } from "../terraform-values";
import { NOT_APPLICABLE, Problem, ResourceRule, SynthesizedResource, verdictOf } from "../types";
import type { StackContext } from "../stack-context";

const PUT_EVENTS = "events:PutEvents";
const IDENTITY_TYPES = [
  "aws_iam_role_policy",
  "aws_iam_role",
  "aws_iam_policy",
  "aws_iam_user_policy",
  "aws_iam_group_policy",
];

/**
 * The one list of extra principals a reservation may admit besides the source's owner: the operator roles
 * that put dead letters back on the bus (npm run redrive), a variable validated to IAM role ARNs whose
 * default is empty, so that no deployment admits anyone extra unless it names the roles.
 */
const REDRIVE_VARIABLE = "event_redrive_principal_arns";

/**
 * The principals an ArnNotEquals list exempts: literal entries, and a list variable spliced in as the
 * bus policy builder writes it (`["<owner>%{ for arn in var.x }","${arn}%{ endfor }"]`, src/iam/bus-policy.ts).
 */
function exemptions(values: readonly string[]): { readonly principals: string[]; readonly variable?: string } {
  const spliced = values.length === 2 && values[1] === "${arn}%{ endfor }";
  const head = spliced ? /^(.+)%\{ for arn in var\.([A-Za-z_][A-Za-z0-9_-]*) \}$/.exec(values[0] ?? "") : null;
  return head ? { principals: [head[1] as string], variable: head[2] as string } : { principals: [...values] };
}

const putsEvents = (s: PolicyStatementView) => s.actions.some((a) => actionMatches(a, PUT_EVENTS));
const onBus = (bus: SynthesizedResource) => (value: unknown, stack: StackContext) =>
  stack.refersTo(value, bus, "name") || value === bus.config.name;

/** The role a policy document belongs to, as `aws_iam_role.<name>`; undefined when it is not a role's. */
function holderOf(resource: SynthesizedResource, stack: StackContext): string | undefined {
  if (resource.type === "aws_iam_role") return resource.address;
  if (resource.type !== "aws_iam_role_policy") return undefined;
  const role = stack.referenced(resource.config.role, "aws_iam_role");
  return role?.address;
}

/** `${aws_iam_role.x.arn}` -> `aws_iam_role.x`; a literal ARN stays as it is. */
function principalOf(arn: string): string {
  const reference = parseReference(arn);
  return reference && reference.attribute === "arn" && reference.suffix === ""
    ? `${reference.type}.${reference.name}`
    : arn;
}

/** The sources a rule's pattern names as plain strings. */
function patternSources(rule: SynthesizedResource, stack: StackContext): string[] {
  const parsed = stack.parseJson(rule.config.event_pattern);
  if (!parsed.ok || parsed.value === null || typeof parsed.value !== "object") return [];
  const source = (parsed.value as { source?: unknown }).source;
  return Array.isArray(source) ? source.filter((s): s is string => typeof s === "string") : [];
}

export const eventbridgeBusPolicyPerSource: ResourceRule = {
  id: "eventbridge-bus-policy-per-source",
  scope: "resource",
  title:
    "Each event source on a bus is published by its owner alone: a bus policy denies it to every other principal, and publish grants are conditioned on events:source",
  explanation:
    'Rules route by source and detail-type, and any principal allowed events:PutEvents may set any source: a forged "Order Created" starts a real saga, a forged outcome event tells a customer about a payment that never happened. EventBridge authorizes each entry with events:source set from it, and an explicit Deny in the bus policy holds for the account\'s own principals whatever their identity policies say.',
  fix: 'Attach an aws_cloudwatch_event_bus_policy with, per source, { "Effect": "Deny", "Principal": { "AWS": "*" }, "Action": "events:PutEvents", "Condition": { "StringEquals": { "events:source": <source> }, "ArnNotEquals": { "aws:PrincipalArn": <owner role arn> } } } (OrderEventBus.restrictSources; operators who redrive are admitted only through var.event_redrive_principal_arns, empty by default), and grant publishing with an events:source condition (OrderEventBus.grantPublish).',
  mirrors: [],
  resourceTypes: ["aws_cloudwatch_event_bus"],
  check(bus, stack) {
    const isThisBus = onBus(bus);
    const busArn = `\${${bus.type}.${bus.name}.arn}`;
    const problems: Problem[] = [];

    const owners = new Map<string, string[]>();
    for (const policy of stack
      .resources("aws_cloudwatch_event_bus_policy")
      .filter((p) => isThisBus(p.config.event_bus_name, stack))) {
      const parsed = parsePolicy(stack, policy.config.policy);
      if (!parsed.ok) {
        problems.push({ message: `${policy.address} policy ${parsed.error}`, subject: policy.address });
        continue;
      }
      for (const s of parsed.statements.filter(
        (s) => s.effect === "Deny" && putsEvents(s) && s.principals.some((p) => p.value === "*"),
      )) {
        const { principals: exempt, variable } = exemptions(
          conditionValues(s, /^ArnNot(Equals|Like)$/i, "aws:PrincipalArn"),
        );
        if (variable !== undefined && variable !== REDRIVE_VARIABLE)
          problems.push({
            message: `${policy.address} ${statementName(
              s,
            )} also admits the principals of var.${variable}, which is not the reviewed list of redrive roles (var.${REDRIVE_VARIABLE})`,
            subject: policy.address,
          });
        if (variable === REDRIVE_VARIABLE) {
          const byDefault = stack.resolve(`\${var.${REDRIVE_VARIABLE}}`);
          if (!Array.isArray(byDefault) || byDefault.length > 0)
            problems.push({
              message: `${policy.address} ${statementName(
                s,
              )} admits var.${REDRIVE_VARIABLE}, whose default is ${describe(
                byDefault,
              )}: it must be declared with an empty default, the roles named per deployment`,
              subject: policy.address,
            });
        }
        for (const source of conditionValues(s, /^StringEquals$/i, "events:source")) {
          owners.set(source, [
            ...(owners.get(source) ?? []),
            ...(exempt.length === 1 && exempt[0] !== undefined
              ? [principalOf(exempt[0])]
              : [`(${exempt.length} principals)`]),
          ]);
        }
      }
    }

    const sources = new Set(
      stack
        .resources("aws_cloudwatch_event_rule")
        .filter((r) => isThisBus(r.config.event_bus_name, stack))
        .flatMap((r) => patternSources(r, stack)),
    );
    const grants: { readonly holder: string | undefined; readonly where: string; readonly sources: string[] }[] = [];
    for (const type of IDENTITY_TYPES) {
      for (const resource of stack.resources(type)) {
        for (const doc of policyDocumentsOf(resource).filter((d) => d.kind === "identity")) {
          const parsed = parsePolicy(stack, doc.text);
          if (!parsed.ok) continue;
          for (const s of parsed.statements.filter((s) => s.effect === "Allow" && putsEvents(s))) {
            if (!s.resources.some((r) => r === busArn || r === "*")) continue;
            const where = `${resource.address} ${statementName(s)}`;
            const granted = conditionValues(s, /^StringEquals$/i, "events:source");
            if (granted.length === 0)
              problems.push({
                message: `${where} allows events:PutEvents on the bus without an events:source condition`,
                subject: where,
              });
            granted.forEach((g) => sources.add(g));
            grants.push({ holder: holderOf(resource, stack), where, sources: granted });
          }
        }
      }
    }
    if (sources.size === 0) return NOT_APPLICABLE;

    for (const source of [...sources].sort()) {
      const owner = owners.get(source) ?? [];
      if (owner.length === 0)
        problems.push({
          message: `no bus policy denies source "${source}" to every principal but its owner`,
          subject: source,
        });
      else if (owner.length > 1 || owner[0]?.startsWith("(")) {
        problems.push({
          message: `source "${source}" is reserved for ${owner.join(", ")}, not one owner`,
          subject: source,
        });
      }
    }
    for (const grant of grants) {
      for (const source of grant.sources) {
        const owner = owners.get(source);
        const [only] = owner ?? [];
        if (owner?.length === 1 && only !== undefined && !only.startsWith("(") && only !== grant.holder) {
          problems.push({
            message: `${grant.where} lets ${grant.holder ?? "a principal that is not a role"} publish "${source}", which the bus policy reserves for ${only}`,
            subject: grant.where,
          });
        }
      }
    }
    return verdictOf(problems);
  },
};
