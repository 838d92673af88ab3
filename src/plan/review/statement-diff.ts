/**
 * What changes between two versions of a policy document, statement by statement: which statements
 * are added or removed, and for those that stay, which actions, resources, principals and conditions
 * they gain or lose, and whether that widens or narrows what the statement lets through.
 */
import { actionMatches, isWildcardAction } from "../../policy/iam-document";

/** A statement with its string-or-list fields as sorted lists. */
export interface Statement {
  readonly sid?: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** `Service:events.amazonaws.com`, `AWS:arn:aws:iam::123:root`, or `*`. */
  readonly principals: readonly string[];
  /** Each condition as `Operator key=value[,value]`, sorted. */
  readonly conditions: readonly string[];
}

export type ParsedDocument =
  { readonly ok: true; readonly statements: readonly Statement[] } | { readonly ok: false; readonly error: string };

const list = (value: unknown): string[] =>
  value === undefined || value === null ? [] : (Array.isArray(value) ? value : [value]).map((v) => String(v)).sort();

function principalsOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== "object") return [String(value)];
  return Object.entries(value as Record<string, unknown>)
    .flatMap(([kind, values]) => list(values).map((v) => `${kind}:${v}`))
    .sort();
}

function conditionsOf(value: unknown): string[] {
  if (value === undefined || value === null || typeof value !== "object") return [];
  return Object.entries(value as Record<string, unknown>)
    .flatMap(([operator, byKey]) =>
      Object.entries((byKey ?? {}) as Record<string, unknown>).map(
        ([key, values]) => `${operator} ${key}=${list(values).join(",")}`,
      ),
    )
    .sort();
}

/** The statements of a policy document given as JSON text or as a parsed object. */
export function parseDocument(document: unknown): ParsedDocument {
  let doc = document;
  if (typeof document === "string") {
    try {
      doc = JSON.parse(document);
    } catch (error) {
      return { ok: false, error: `not JSON (${(error as Error).message})` };
    }
  }
  if (doc === null || typeof doc !== "object") return { ok: false, error: "not a policy document" };
  const raw = (doc as { Statement?: unknown }).Statement;
  if (raw === undefined) return { ok: false, error: "has no Statement" };
  const statements = (Array.isArray(raw) ? raw : [raw]).map((s: Record<string, unknown>): Statement => ({
    ...(typeof s.Sid === "string" && s.Sid !== "" ? { sid: s.Sid } : {}),
    effect: String(s.Effect),
    actions: list(s.Action),
    notActions: list(s.NotAction),
    resources: list(s.Resource),
    notResources: list(s.NotResource),
    principals: principalsOf(
      s.Principal ?? (s.NotPrincipal === undefined ? undefined : { NotPrincipal: s.NotPrincipal }),
    ),
    conditions: conditionsOf(s.Condition),
  }));
  return { ok: true, statements };
}

/** Gained and lost entries of one field. */
interface FieldChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

export type StatementChange =
  | { readonly kind: "added"; readonly statement: Statement }
  | { readonly kind: "removed"; readonly statement: Statement }
  | {
      /** `widened`: lets more through; `narrowed`: less; `changed`: some of both, or the effect changed. */
      readonly kind: "widened" | "narrowed" | "changed";
      readonly before: Statement;
      readonly statement: Statement;
      readonly fields: Readonly<
        Partial<
          Record<"actions" | "notActions" | "resources" | "notResources" | "principals" | "conditions", FieldChange>
        >
      >;
    };

const FIELDS = ["actions", "notActions", "resources", "notResources", "principals", "conditions"] as const;

const key = (s: Statement) => JSON.stringify([s.effect, ...FIELDS.map((f) => s[f])]);

/** How a document changes; `before` undefined for a new document, `after` undefined for a deleted one. */
export function diffStatements(before: readonly Statement[] = [], after: readonly Statement[] = []): StatementChange[] {
  const unmatchedBefore = [...before];
  const pairs: [Statement, Statement][] = [];
  const unmatchedAfter: Statement[] = [];
  const take = (predicate: (b: Statement) => boolean): Statement | undefined => {
    const i = unmatchedBefore.findIndex(predicate);
    return i < 0 ? undefined : unmatchedBefore.splice(i, 1)[0];
  };
  for (const a of after) {
    const match =
      a.sid !== undefined ? take((b) => b.sid === a.sid) : take((b) => b.sid === undefined && key(b) === key(a));
    if (match) pairs.push([match, a]);
    else unmatchedAfter.push(a);
  }
  // Statements without a Sid that kept their effect and two of actions, resources and principals.
  const stillUnmatched: Statement[] = [];
  for (const a of unmatchedAfter) {
    const same = (b: Statement, fields: readonly ("actions" | "resources" | "principals")[]) =>
      b.sid === undefined &&
      a.sid === undefined &&
      b.effect === a.effect &&
      fields.every((f) => JSON.stringify(b[f]) === JSON.stringify(a[f]));
    const match =
      take((b) => same(b, ["actions", "resources"])) ??
      take((b) => same(b, ["principals", "resources"])) ??
      take((b) => same(b, ["principals", "actions"]));
    if (match) pairs.push([match, a]);
    else stillUnmatched.push(a);
  }

  const changes: StatementChange[] = [];
  for (const [b, a] of pairs) {
    if (key(b) === key(a)) continue;
    const fields: Partial<Record<(typeof FIELDS)[number], FieldChange>> = {};
    for (const field of FIELDS) {
      const added = a[field].filter((v) => !b[field].includes(v));
      const removed = b[field].filter((v) => !a[field].includes(v));
      if (added.length > 0 || removed.length > 0) fields[field] = { added, removed };
    }
    changes.push({ kind: classify(b, a, fields), before: b, statement: a, fields });
  }
  for (const a of stillUnmatched) changes.push({ kind: "added", statement: a });
  for (const b of unmatchedBefore) changes.push({ kind: "removed", statement: b });
  return changes;
}

/**
 * An Allow lets more through with more actions, resources or principals, or fewer conditions (and fewer
 * NotAction or NotResource exclusions); a Deny lets more through when it covers less.
 */
function classify(
  b: Statement,
  a: Statement,
  fields: Partial<Record<(typeof FIELDS)[number], FieldChange>>,
): "widened" | "narrowed" | "changed" {
  if (b.effect !== a.effect) return "changed";
  const grows = (f: FieldChange | undefined) => (f?.added.length ?? 0) > 0;
  // An entry replaced by a wildcard that covers it (`s3:GetObject` by `s3:*`) is not lost.
  const shrinks = (f: FieldChange | undefined) =>
    (f?.removed ?? []).some((r) => !(f?.added ?? []).some((pattern) => covers(pattern, r)));
  const included = [fields.actions, fields.resources, fields.principals];
  const excluded = [fields.notActions, fields.notResources, fields.conditions];
  const coversMore = included.some(grows) || excluded.some(shrinks);
  const coversLess = included.some(shrinks) || excluded.some(grows);
  const [more, less] = a.effect === "Deny" ? [coversLess, coversMore] : [coversMore, coversLess];
  if (more && !less) return "widened";
  if (less && !more) return "narrowed";
  return "changed";
}

/** Whether a wildcard pattern (`*`, `?`) matches `value`, compared as IAM compares actions. */
function covers(pattern: string, value: string): boolean {
  return isWildcardAction(pattern) && actionMatches(pattern, value);
}
