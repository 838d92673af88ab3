import { conditionHolds } from "./conditions";
import { actionMatches, arnMatches, RequestContext } from "./matching";
import type { Policy, PrincipalSpec, Statement } from "./policy";

/** Who makes a request: a role session (a function, a state machine, a rule's role) or an AWS service. */
export type Principal =
  | {
      readonly kind: "role-session";
      readonly account: string;
      readonly roleArn: string;
      /** `arn:aws:sts::<account>:assumed-role/<role>/<session>` */
      readonly arn: string;
    }
  | { readonly kind: "service"; readonly service: string };

export interface AuthorizationRequest {
  readonly principal: Principal;
  readonly action: string;
  readonly resource: string;
  /** Condition keys, lower-cased. */
  readonly context: RequestContext;
}

export type Decision =
  | { readonly allowed: true; readonly by: "identity-based" | "resource-based" }
  | { readonly allowed: false; readonly explicit: true; readonly in: "identity-based" | "resource-based" }
  | { readonly allowed: false; readonly explicit: false; readonly missing: "identity-based" | "resource-based" };

const ACCOUNT_ROOT = /^arn:aws[a-z-]*:iam::(\d{12}):root$/;

/**
 * How a Principal element names the requester: "direct" (the session, its role, the service, or
 * anyone), "account" (the requester's account, which delegates to its identity-based policies
 * rather than granting), or not at all.
 */
function principalMatch(spec: PrincipalSpec, principal: Principal): "direct" | "account" | undefined {
  if (spec === "*") return "direct";
  if (principal.kind === "service") return spec.Service?.includes(principal.service) ? "direct" : undefined;
  let account = false;
  for (const p of spec.AWS ?? []) {
    if (p === "*" || p === principal.roleArn || p === principal.arn) return "direct";
    if (p === principal.account || ACCOUNT_ROOT.exec(p)?.[1] === principal.account) account = true;
  }
  return account ? "account" : undefined;
}

/**
 * Whether NotPrincipal excludes the requester. It names principals exactly: a role session is
 * excluded only when its assumed-role ARN is listed (IAM User Guide, NotPrincipal).
 */
function namedExactly(spec: PrincipalSpec, principal: Principal): boolean {
  if (spec === "*") return true;
  if (principal.kind === "service") return spec.Service?.includes(principal.service) === true;
  return spec.AWS?.includes(principal.arn) === true;
}

function inList(patterns: readonly string[], matches: (p: string) => boolean): boolean {
  for (const p of patterns) if (matches(p)) return true;
  return false;
}

/** Whether a statement applies to the request (Action, Resource, Condition; Principal is judged by the caller). */
function applies(statement: Statement, policy: Policy, request: AuthorizationRequest): boolean {
  const { action, resource, context } = request;
  if (
    statement.action
      ? !inList(statement.action, (p) => actionMatches(p, action))
      : inList(statement.notAction as readonly string[], (p) => actionMatches(p, action))
  ) {
    return false;
  }
  const variables = policy.version === "2012-10-17" ? context : undefined;
  if (statement.resource && !inList(statement.resource, (p) => arnMatches(p, resource, variables))) return false;
  if (statement.notResource && inList(statement.notResource, (p) => arnMatches(p, resource, variables))) return false;
  for (const c of statement.condition) if (!conditionHolds(c, context, variables !== undefined)) return false;
  return true;
}

/** Scans a policy: an applying Deny, else the strongest applying Allow. */
function scan(
  policies: readonly Policy[],
  request: AuthorizationRequest,
  resourceBased: boolean,
): { deny: boolean; allow?: "direct" | "account" } {
  let allow: "direct" | "account" | undefined;
  for (const policy of policies) {
    for (const s of policy.statements) {
      let who: "direct" | "account" | undefined = "direct";
      if (resourceBased) {
        if (s.principal) who = principalMatch(s.principal, request.principal);
        else if (s.notPrincipal) who = namedExactly(s.notPrincipal, request.principal) ? undefined : "direct";
        if (who === undefined) continue;
      }
      if (!applies(s, policy, request)) continue;
      if (s.effect === "Deny") return { deny: true };
      if (allow !== "direct") allow = who;
    }
  }
  return { deny: false, ...(allow ? { allow } : {}) };
}

/**
 * The IAM User Guide's policy evaluation logic for a request within one account, with the policy
 * types the stack declares: an explicit Deny in any identity- or resource-based policy denies; else
 * an Allow in the resource-based policy that names the requester (its session, its role, the
 * service) allows; else an Allow in the requester's identity-based policies allows (a resource-based
 * policy that names only the account delegates to them); else the request is implicitly denied.
 * A service principal has no identity-based policies: only a resource-based (or trust) policy can
 * let it in.
 */
export function evaluate(
  request: AuthorizationRequest,
  policies: { readonly identity: readonly Policy[]; readonly resource: readonly Policy[] },
): Decision {
  const identity = request.principal.kind === "service" ? { deny: false } : scan(policies.identity, request, false);
  if (identity.deny) return { allowed: false, explicit: true, in: "identity-based" };
  const resource = scan(policies.resource, request, true);
  if (resource.deny) return { allowed: false, explicit: true, in: "resource-based" };
  if (resource.allow === "direct") return { allowed: true, by: "resource-based" };
  if (identity.allow) return { allowed: true, by: "identity-based" };
  return {
    allowed: false,
    explicit: false,
    missing: request.principal.kind === "service" ? "resource-based" : "identity-based",
  };
}

/**
 * The message AWS writes for a denial (IAM User Guide, "Troubleshoot access denied error messages"):
 * `User: <principal> is not authorized to perform: <action> on resource: <arn> because no
 * identity-based policy allows the <action> action`, or `... with an explicit deny in a
 * resource-based policy`.
 */
export function denialMessage(request: AuthorizationRequest, decision: Extract<Decision, { allowed: false }>): string {
  const who = request.principal.kind === "service" ? request.principal.service : request.principal.arn;
  const head = `User: ${who} is not authorized to perform: ${request.action} on resource: ${request.resource}`;
  return decision.explicit
    ? `${head} with an explicit deny in a ${decision.in} policy`
    : `${head} because no ${decision.missing} policy allows the ${request.action} action`;
}
