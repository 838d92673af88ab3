import { CONDITION_OPERATORS, parseOperator } from "./conditions";

/** A policy the runtime cannot evaluate as AWS would (AWS refuses it as MalformedPolicyDocument); names where it is. */
export class PolicyError extends Error {
  override readonly name = "PolicyError";
}

/** The value of a condition key in a request: single-valued (string) or multivalued (list). */
export type ContextValue = string | readonly string[];

/** `Principal` / `NotPrincipal`, normalized: `"*"` or lists by principal type. */
export type PrincipalSpec =
  | "*"
  | {
      readonly AWS?: readonly string[];
      readonly Service?: readonly string[];
      readonly Federated?: readonly string[];
      readonly CanonicalUser?: readonly string[];
    };

export interface Statement {
  readonly sid?: string;
  readonly effect: "Allow" | "Deny";
  /** Exactly one of action / notAction is set. */
  readonly action?: readonly string[];
  readonly notAction?: readonly string[];
  /** Identity-based policies need one of resource / notResource; trust policies may have neither. */
  readonly resource?: readonly string[];
  readonly notResource?: readonly string[];
  readonly principal?: PrincipalSpec;
  readonly notPrincipal?: PrincipalSpec;
  /** Operator (as written, e.g. `ForAnyValue:StringLikeIfExists`) -> key -> values. */
  readonly condition: readonly {
    readonly operator: string;
    readonly key: string;
    readonly values: readonly string[];
  }[];
}

export interface Policy {
  /** Where it comes from, for messages: `aws_iam_role_policy.x`. */
  readonly source: string;
  /** `2012-10-17` enables policy variables; `2008-10-17` (or none) treats `${...}` literally. */
  readonly version: string;
  readonly statements: readonly Statement[];
}

const list = (v: unknown, where: string): string[] => {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  throw new PolicyError(`${where} must be a string or a list of strings, got ${JSON.stringify(v)}`);
};

function principalSpec(v: unknown, where: string): PrincipalSpec {
  if (v === "*") return "*";
  if (!v || typeof v !== "object" || Array.isArray(v))
    throw new PolicyError(`${where} must be "*" or an object of principal types, got ${JSON.stringify(v)}`);
  const out: Record<string, string[]> = {};
  for (const [type, values] of Object.entries(v as Record<string, unknown>)) {
    if (!["AWS", "Service", "Federated", "CanonicalUser"].includes(type))
      throw new PolicyError(`${where}: unknown principal type "${type}"`);
    out[type] = list(values, `${where}.${type}`);
  }
  return out;
}

/** A scalar condition value as IAM compares it: booleans and numbers as their JSON text. */
const conditionValue = (v: unknown, where: string): string => {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  throw new PolicyError(`${where}: condition values must be strings, numbers or booleans, got ${JSON.stringify(v)}`);
};

/**
 * Reads a policy document (JSON text or object) into statements, refusing what IAM refuses: no
 * Statement, an Effect other than Allow/Deny, both Action and NotAction, an unknown condition
 * operator, NotPrincipal with Allow.
 */
export function parsePolicy(document: unknown, source: string, kind: "identity" | "resource"): Policy {
  let doc = document;
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc);
    } catch (error) {
      throw new PolicyError(`${source}: the policy is not valid JSON (${(error as Error).message})`);
    }
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc))
    throw new PolicyError(`${source}: a policy must be a JSON object`);
  const d = doc as Record<string, unknown>;
  const version = d.Version === undefined ? "2008-10-17" : String(d.Version);
  if (version !== "2012-10-17" && version !== "2008-10-17")
    throw new PolicyError(`${source}: Version must be 2012-10-17 or 2008-10-17, got "${version}"`);
  if (d.Statement === undefined) throw new PolicyError(`${source}: the policy has no Statement`);
  const raw = Array.isArray(d.Statement) ? d.Statement : [d.Statement];
  const statements = raw.map((s, i): Statement => {
    const where = `${source}: Statement[${i}]`;
    if (!s || typeof s !== "object") throw new PolicyError(`${where} must be an object`);
    const st = s as Record<string, unknown>;
    if (st.Effect !== "Allow" && st.Effect !== "Deny")
      throw new PolicyError(`${where}.Effect must be "Allow" or "Deny", got ${JSON.stringify(st.Effect)}`);
    const has = (k: string) => st[k] !== undefined;
    if (has("Action") === has("NotAction")) throw new PolicyError(`${where} needs exactly one of Action and NotAction`);
    if (has("Resource") && has("NotResource"))
      throw new PolicyError(`${where} cannot have both Resource and NotResource`);
    if (has("Principal") && has("NotPrincipal"))
      throw new PolicyError(`${where} cannot have both Principal and NotPrincipal`);
    if (kind === "identity" && (has("Principal") || has("NotPrincipal")))
      throw new PolicyError(`${where}: an identity-based policy cannot name a Principal`);
    if (kind === "identity" && !has("Resource") && !has("NotResource"))
      throw new PolicyError(`${where}: an identity-based policy statement needs Resource or NotResource`);
    if (kind === "resource" && !has("Principal") && !has("NotPrincipal"))
      throw new PolicyError(`${where}: a resource-based policy statement needs Principal or NotPrincipal`);
    if (has("NotPrincipal") && st.Effect === "Allow")
      throw new PolicyError(`${where}: NotPrincipal is supported with "Effect": "Deny" only`);
    const condition: { operator: string; key: string; values: string[] }[] = [];
    if (has("Condition")) {
      if (typeof st.Condition !== "object" || st.Condition === null || Array.isArray(st.Condition))
        throw new PolicyError(`${where}.Condition must be an object`);
      for (const [operator, block] of Object.entries(st.Condition as Record<string, unknown>)) {
        if (!parseOperator(operator))
          throw new PolicyError(
            `${where}.Condition: unknown condition operator "${operator}" (known: ${CONDITION_OPERATORS.join(", ")}, with IfExists and ForAnyValue:/ForAllValues:)`,
          );
        if (!block || typeof block !== "object" || Array.isArray(block))
          throw new PolicyError(`${where}.Condition.${operator} must be an object of keys`);
        for (const [key, values] of Object.entries(block as Record<string, unknown>)) {
          const vs = Array.isArray(values) ? values : [values];
          condition.push({
            operator,
            key,
            values: vs.map((v) => conditionValue(v, `${where}.Condition.${operator}.${key}`)),
          });
        }
      }
    }
    return {
      ...(typeof st.Sid === "string" ? { sid: st.Sid } : {}),
      effect: st.Effect,
      ...(has("Action")
        ? { action: list(st.Action, `${where}.Action`) }
        : { notAction: list(st.NotAction, `${where}.NotAction`) }),
      ...(has("Resource") ? { resource: list(st.Resource, `${where}.Resource`) } : {}),
      ...(has("NotResource") ? { notResource: list(st.NotResource, `${where}.NotResource`) } : {}),
      ...(has("Principal") ? { principal: principalSpec(st.Principal, `${where}.Principal`) } : {}),
      ...(has("NotPrincipal") ? { notPrincipal: principalSpec(st.NotPrincipal, `${where}.NotPrincipal`) } : {}),
      condition,
    };
  });
  return { source, version, statements };
}

/** Every condition key and policy variable a policy refers to, lower-cased (condition keys are case-insensitive). */
export function referencedKeys(policy: Policy): Set<string> {
  const keys = new Set<string>();
  const variables = (texts: readonly string[] | undefined) => {
    for (const t of texts ?? [])
      for (const m of t.matchAll(/\$\{([^}*?$,]+)/g)) keys.add((m[1] as string).trim().toLowerCase());
  };
  for (const s of policy.statements) {
    for (const c of s.condition) {
      keys.add(c.key.toLowerCase());
      variables(c.values);
    }
    variables(s.resource);
    variables(s.notResource);
  }
  return keys;
}
