/**
 * review.md: a plan summarized for a pull-request comment. First the resources by action, then what
 * needs a reviewer's eye: IAM statements added, removed or widened (identity and trust policies),
 * resource policies, anything replaced or destroyed, and the policy check's findings with the
 * exceptions it accepted.
 */
import { isWildcardAction, isWildcardResource } from "../../policy/iam-document";
import { type StackDocument, constructPathInStack } from "../../terraform/stack-document";
import { HeldPolicy, POLICY_ATTACHMENT_TYPES, PolicyKind, Values, policiesOf } from "./policy-documents";
import { Statement, StatementChange, diffStatements } from "./statement-diff";

/** The parts of `terraform show -json` the review reads. */
export interface ReviewedPlan {
  readonly terraform_version?: string;
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly type: string;
    readonly mode?: string;
    readonly action_reason?: string;
    readonly change: {
      readonly actions: readonly string[];
      readonly before?: Values | null;
      readonly after?: Values | null;
      readonly after_unknown?: Values;
      readonly replace_paths?: readonly unknown[];
    };
  }[];
}

/** The parts of a policy SARIF log the review reads. */
export interface ReviewedSarif {
  readonly runs?: readonly {
    readonly tool?: { readonly driver?: { readonly rules?: readonly unknown[] } };
    readonly results?: readonly {
      readonly ruleId?: string;
      readonly message?: { readonly text?: string };
      readonly properties?: { readonly address?: string; readonly constructPath?: string };
      readonly suppressions?: readonly {
        readonly justification?: string;
        readonly properties?: { readonly exception?: string };
      }[];
    }[];
    readonly invocations?: readonly {
      readonly toolConfigurationNotifications?: readonly { readonly message?: { readonly text?: string } }[];
    }[];
  }[];
}

export interface ReviewInput {
  readonly stackName: string;
  readonly plan: ReviewedPlan;
  /** The planned cdk.tf.json: construct paths, and policies as configured where values are known only at apply. */
  readonly stack?: Pick<StackDocument, "resource">;
  /** The synth's policy.sarif of the stack. Default: the section says it is missing. */
  readonly sarif?: ReviewedSarif;
  /** One line saying how the plan was made (offline, against the account). */
  readonly planDescription: string;
  /** Further lines for the header, e.g. what was stood in. */
  readonly notes?: readonly string[];
}

/** GitHub refuses comments longer than 65,536 characters. */
export const COMMENT_LIMIT = 60_000;

type Action = "create" | "update" | "replace" | "destroy" | "read" | "forget" | "no-op";
const ACTION_ORDER: readonly Action[] = ["create", "update", "replace", "destroy", "read", "forget", "no-op"];
const ACTION_LABEL: Record<Action, string> = {
  create: "create",
  update: "update in place",
  replace: "replace",
  destroy: "destroy",
  read: "read (data source)",
  forget: "forget (removed from state only)",
  "no-op": "no change",
};
const PAST: Record<Action, string> = {
  create: "created",
  update: "updated",
  replace: "replaced",
  destroy: "destroyed",
  read: "read",
  forget: "forgotten",
  "no-op": "unchanged",
};

export function actionOf(actions: readonly string[]): Action {
  if (actions.includes("delete") && actions.includes("create")) return "replace";
  if (actions.includes("delete")) return "destroy";
  const [first] = actions;
  return (ACTION_ORDER as readonly string[]).includes(first ?? "") ? (first as Action) : "no-op";
}

export function reviewMarkdown(input: ReviewInput): string {
  const changes = input.plan.resource_changes ?? [];
  const configOf = (address: string): Values | undefined => {
    const dot = address.indexOf(".");
    return input.stack?.resource?.[address.slice(0, dot)]?.[address.slice(dot + 1)];
  };
  const where = (address: string) => {
    const config = configOf(address);
    const p = config && constructPathInStack(config);
    return `\`${address}\`${p ? ` (${p})` : ""}`;
  };

  const lines: string[] = [
    `## Plan review: ${input.stackName}`,
    "",
    input.planDescription,
    ...(input.notes ?? []).map((n) => `- ${n}`),
    "",
  ];

  lines.push("### Resources by action", "", "| action | resources | by type |", "|---|---:|---|");
  const byAction = new Map<Action, string[]>();
  for (const c of changes) {
    const action = actionOf(c.change.actions);
    byAction.set(action, [...(byAction.get(action) ?? []), c.type]);
  }
  for (const action of ACTION_ORDER) {
    const types = byAction.get(action) ?? [];
    if (types.length === 0 && (action === "read" || action === "forget" || action === "no-op")) continue;
    const counts = new Map<string, number>();
    for (const t of types) counts.set(t, (counts.get(t) ?? 0) + 1);
    const byType = [...counts]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([t, n]) => `${t} ×${n}`)
      .join(", ");
    lines.push(`| ${ACTION_LABEL[action]} | ${types.length} | ${byType || "–"} |`);
  }
  lines.push("", "### Needs a reviewer's eye", "");

  const policyChanges = new Map<PolicyKind, string[]>([
    ["identity", []],
    ["trust", []],
    ["resource", []],
  ]);
  for (const c of changes) {
    const action = actionOf(c.change.actions);
    if (action === "no-op" || action === "read" || action === "forget") continue;
    if (POLICY_ATTACHMENT_TYPES.includes(c.type)) {
      policyChanges
        .get("identity")
        ?.push(...attachmentLines(c.change.before, c.change.after, where(c.address), action));
      continue;
    }
    const before = policiesOf(c.type, c.change.before);
    const after =
      action === "destroy" ? [] : policiesOf(c.type, c.change.after, c.change.after_unknown, configOf(c.address));
    for (const kind of ["identity", "trust", "resource"] as const) {
      const afterOfKind = after.filter((p) => p.kind === kind);
      const rendered = documentChanges(
        before.filter((p) => p.kind === kind),
        afterOfKind,
      );
      if (rendered.length === 0) continue;
      const asConfigured = afterOfKind.some((p) => p.statements && p.note)
        ? " (as configured: `${...}` references resolve at apply)"
        : "";
      policyChanges
        .get(kind)
        ?.push(`- ${where(c.address)}: ${PAST[action]}${asConfigured}`, ...rendered.map((l) => `  ${l}`));
    }
  }
  const section = (title: string, body: readonly string[], none: string) => [
    `#### ${title}`,
    "",
    ...(body.length > 0 ? body : [none]),
    "",
  ];
  const gone = changes.filter((c) => ["replace", "destroy"].includes(actionOf(c.change.actions)));
  const replaced = section(
    "Replaced or destroyed",
    gone.map((c) => {
      const reason = c.action_reason ? `, ${c.action_reason.replace(/_/g, " ")}` : "";
      const paths = (c.change.replace_paths ?? []).map((p) => (Array.isArray(p) ? p.join(".") : String(p)));
      return `- **${actionOf(c.change.actions)}** ${where(c.address)}${reason}${paths.length > 0 ? `; forced by ${paths.map((p) => `\`${p}\``).join(", ")}` : ""}`;
    }),
    "Nothing is replaced or destroyed.",
  );

  const findings = [...findingsSection(input.sarif), ""];
  // The policy sections are the long ones: shorten them until the comment fits.
  for (let budget = Number.POSITIVE_INFINITY; ; budget = Math.floor(Math.min(budget, 4000) / 2)) {
    const policies = [
      section(
        "IAM statements (identity policies)",
        shortened(policyChanges.get("identity") ?? [], budget),
        "No identity policy changes.",
      ),
      section(
        "IAM trust policies (who may assume a role)",
        shortened(policyChanges.get("trust") ?? [], budget),
        "No trust policy changes.",
      ),
      section(
        "Resource policies",
        shortened(policyChanges.get("resource") ?? [], budget),
        "No resource policy changes.",
      ),
    ].flat();
    const text = [...lines, ...policies, ...replaced, ...findings].join("\n");
    if (text.length <= COMMENT_LIMIT || budget < 8) return text;
  }
}

function shortened(body: readonly string[], budget: number): readonly string[] {
  if (body.length <= budget) return body;
  return [
    ...body.slice(0, budget),
    `- … ${body.length - budget} more lines: plan.txt and plan.json hold the whole plan`,
  ];
}

function documentChanges(before: readonly HeldPolicy[], after: readonly HeldPolicy[]): string[] {
  const out: string[] = [];
  const labels = [...new Set([...before.map((p) => p.label), ...after.map((p) => p.label)])];
  for (const label of labels) {
    const b = before.find((p) => p.label === label);
    const a = after.find((p) => p.label === label);
    const heading = labels.length > 1 || label !== "policy" ? `${label}: ` : "";
    if (a && !a.statements) {
      out.push(`- ${heading}${a.note ?? "not known until apply"}`);
      continue;
    }
    if (b && !b.statements) {
      out.push(`- ${heading}previous version ${b.note ?? "not readable"}`);
      continue;
    }
    for (const change of diffStatements(b?.statements, a?.statements))
      out.push(`- ${heading}${statementChangeLine(change)}`);
  }
  return out;
}

const code = (values: readonly string[]) => values.map((v) => `\`${v}\``).join(", ");

function statementLine(s: Statement): string {
  const parts = [`${s.effect}`];
  if (s.principals.length > 0) parts.push(`to ${code(s.principals)}`);
  if (s.actions.length > 0) parts.push(code(s.actions));
  if (s.notActions.length > 0) parts.push(`every action except ${code(s.notActions)}`);
  if (s.resources.length > 0) parts.push(`on ${code(s.resources)}`);
  if (s.notResources.length > 0) parts.push(`on every resource except ${code(s.notResources)}`);
  if (s.conditions.length > 0) parts.push(`when ${code(s.conditions)}`);
  const wildcard =
    s.actions.some(isWildcardAction) ||
    s.notActions.length > 0 ||
    s.resources.some(isWildcardResource) ||
    s.principals.some((p) => p === "*" || p === "AWS:*");
  return `${parts.join(" ")}${wildcard && s.effect === "Allow" ? " ⚠ wildcard" : ""}`;
}

function statementChangeLine(change: StatementChange): string {
  const sid = change.statement.sid ? ` \`${change.statement.sid}\`` : "";
  if (change.kind === "added" || change.kind === "removed")
    return `**${change.kind}**${sid}: ${statementLine(change.statement)}`;
  const deltas = Object.entries(change.fields).map(([field, { added, removed }]) =>
    [
      field,
      ...(added.length > 0 ? [`+ ${code(added)}`] : []),
      ...(removed.length > 0 ? [`− ${code(removed)}`] : []),
    ].join(" "),
  );
  const effect =
    change.before.effect !== change.statement.effect
      ? `; effect ${change.before.effect} → ${change.statement.effect}`
      : "";
  return `**${change.kind}**${sid}: ${deltas.join("; ")}${effect} (now: ${statementLine(change.statement)})`;
}

function attachmentLines(
  before: Values | null | undefined,
  after: Values | null | undefined,
  where: string,
  action: Action,
): string[] {
  const arn = (v: Values | null | undefined) =>
    v?.policy_arn === undefined || v.policy_arn === null ? undefined : String(v.policy_arn);
  const [b, a] = [arn(before), action === "destroy" ? undefined : arn(after)];
  if (b === a) return [];
  return [
    `- ${where}: managed policy ${b ? `\`${b}\` detached` : ""}${b && a ? ", " : ""}${a ? `\`${a}\` attached` : ""}${a?.includes(":aws:policy/") ? " ⚠ AWS-managed" : ""}`,
  ];
}

function findingsSection(sarif: ReviewedSarif | undefined): string[] {
  const lines = ["#### Policy findings", ""];
  const run = sarif?.runs?.[0];
  if (!run) return [...lines, "No policy.sarif for this stack: the synth's policy result is missing."];
  const results = run.results ?? [];
  const violations = results.filter((r) => !r.suppressions || r.suppressions.length === 0);
  const accepted = results.filter((r) => r.suppressions && r.suppressions.length > 0);
  const notifications = run.invocations?.flatMap((i) => i.toolConfigurationNotifications ?? []) ?? [];
  const ruleCount = run.tool?.driver?.rules?.length ?? 0;
  lines.push(
    violations.length === 0 && notifications.length === 0
      ? `${ruleCount} rules passed; ${accepted.length} findings accepted as reviewed exceptions.`
      : `**${violations.length} violations** of ${ruleCount} rules, ${notifications.length} problems with the exceptions; ${accepted.length} findings accepted.`,
    "",
  );
  for (const v of violations)
    lines.push(`- **${v.ruleId}** \`${v.properties?.address ?? "?"}\`: ${v.message?.text ?? ""}`);
  for (const n of notifications) lines.push(`- **exception problem**: ${n.message?.text ?? ""}`);
  if (violations.length > 0 || notifications.length > 0) lines.push("");
  if (accepted.length > 0) {
    const groups = new Map<string, { rule: string; reason: string; resources: string[] }>();
    for (const r of accepted) {
      const s = r.suppressions?.[0];
      const id = `${r.ruleId}\u0000${s?.justification ?? ""}`;
      const group = groups.get(id) ?? { rule: r.ruleId ?? "?", reason: s?.justification ?? "", resources: [] };
      group.resources.push(r.properties?.constructPath ?? r.properties?.address ?? "?");
      groups.set(id, group);
    }
    lines.push("Accepted exceptions:", "", "| rule | resources | reason |", "|---|---|---|");
    for (const g of groups.values()) {
      const unique = [...new Set(g.resources)];
      lines.push(
        `| ${g.rule} | ${unique.length} (${unique.map((r) => `\`${r}\``).join(", ")}) | ${g.reason.replace(/\|/g, "\\|")} |`,
      );
    }
  }
  return lines;
}
