import { randomBytes } from "node:crypto";
import { AuthorizationRequest, Principal, denialMessage, evaluate } from "./evaluate";
import { ContextValue, Policy, referencedKeys } from "./policy";
import type { StackPolicies } from "./stack-policies";

/** `--iam`: deny as AWS would, only report what AWS would deny, or evaluate nothing. */
export type IamMode = "enforce" | "warn" | "off";

export const IAM_MODES: readonly IamMode[] = ["enforce", "warn", "off"];

/** A request AWS would refuse: the message it writes, and the request. */
export interface Denial {
  readonly message: string;
  readonly request: AuthorizationRequest;
}

/** What the runtime does not evaluate, whatever the stack declares; start-up lists it. */
export const NOT_EVALUATED: readonly string[] = [
  "service control and resource control policies (AWS Organizations), permissions boundaries, session policies, VPC endpoint policies",
  "cross-account access: every resource and principal is in the one local account",
  "KMS key policies, and the kms: permissions that encrypted queues and tables ask of callers",
  "service-specific condition keys of DynamoDB (dynamodb:LeadingKeys, Attributes, Select, ReturnValues): absent from the request context",
  "calls the runtime does not make locally: CloudWatch Logs, X-Ray; and the client submitting orders, which stands in for an administrator",
];

export interface AuthorizerOptions {
  readonly mode: IamMode;
  readonly accountId: string;
  readonly region: string;
  /** Told of each distinct request `warn` lets through that AWS would refuse. */
  readonly onWarning?: (denial: Denial) => void;
}

/** Letters as Step Functions and EventBridge name their role sessions (32 of them). */
export function randomSessionName(): string {
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return [...randomBytes(32)].map((b) => letters[b % letters.length]).join("");
}

/**
 * Authorizes the calls the runtime serves against the stack's policies (evaluate.ts), with the
 * global condition keys AWS sets on every request, and remembers each decision per principal,
 * action, resource and the context keys the stack's policies refer to: a repeated call costs a
 * map lookup.
 */
export class Authorizer {
  private readonly decisions = new Map<string, Denial | null>();
  private readonly distinct: AuthorizationRequest[] = [];
  private readonly referenced = new Set<string>();
  /** Identity policies of roles outside the stack (an operator's), as `outsideRole` declares them. */
  private readonly outsideIdentity = new Map<string, readonly Policy[]>();
  readonly stats = { evaluated: 0, cached: 0, denied: 0 };

  constructor(
    readonly policies: StackPolicies,
    readonly options: AuthorizerOptions,
  ) {
    const all: Policy[] = [
      ...[...policies.identity.values()].flat(),
      ...policies.trust.values(),
      ...[...policies.resource.values()].flat(),
    ];
    for (const p of all) for (const k of referencedKeys(p)) this.referenced.add(k);
  }

  get mode(): IamMode {
    return this.options.mode;
  }

  /**
   * Declares the identity policies of a role the stack does not define (the stack's own roles keep theirs).
   * Its permissions live outside the stack; the stack's resource policies still judge every call.
   */
  outsideRole(roleArn: string, identity: readonly Policy[]): void {
    if (this.policies.identity.has(roleArn)) return;
    this.outsideIdentity.set(roleArn, identity);
    for (const p of identity) for (const k of referencedKeys(p)) this.referenced.add(k);
  }

  /** A session of a role, named as STS names it: `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  session(roleArn: string, sessionName: string): Principal {
    const role = /:role\/(?:.*\/)?([^/]+)$/.exec(roleArn)?.[1] ?? roleArn;
    const account = /^arn:aws[a-z-]*:iam::(\d+):/.exec(roleArn)?.[1] ?? this.options.accountId;
    return {
      kind: "role-session",
      account,
      roleArn,
      arn: `arn:aws:sts::${account}:assumed-role/${role}/${sessionName}`,
    };
  }

  /**
   * Whether `principal` may perform `action` on `resource`; the denial AWS would answer, else
   * undefined. `sts:AssumeRole` is judged against the role's trust policy. In `warn` mode a denial
   * is reported (once per distinct request) and the call goes through; `off` evaluates nothing.
   */
  authorize(
    principal: Principal,
    action: string,
    resource: string,
    context: Readonly<Record<string, ContextValue>> = {},
  ): Denial | undefined {
    if (this.options.mode === "off") return undefined;
    const full = this.context(principal, context);
    const relevant = [...full].filter(([k]) => this.referenced.has(k)).sort(([a], [b]) => (a < b ? -1 : 1));
    const who = principal.kind === "service" ? principal.service : principal.arn;
    const key = `${who}\u0000${action}\u0000${resource}\u0000${JSON.stringify(relevant)}`;
    let denial = this.decisions.get(key);
    if (denial === undefined) {
      this.stats.evaluated++;
      const request = { principal, action, resource, context: full };
      this.distinct.push(request);
      denial = this.decide(request) ?? null;
      this.decisions.set(key, denial);
      if (denial) {
        this.stats.denied++;
        if (this.options.mode === "warn") this.options.onWarning?.(denial);
      }
    } else {
      this.stats.cached++;
    }
    return denial && this.options.mode === "enforce" ? denial : undefined;
  }

  /** Every distinct request evaluated so far (what the stack's calls needed), oldest first. */
  requests(): readonly AuthorizationRequest[] {
    return this.distinct;
  }

  /** The decision on one request against this authorizer's policies, uncached; the denial, or undefined. */
  decide(request: AuthorizationRequest): Denial | undefined {
    const { principal, action, resource } = request;
    const identity =
      principal.kind === "role-session"
        ? (this.policies.identity.get(principal.roleArn) ?? this.outsideIdentity.get(principal.roleArn) ?? [])
        : [];
    const trust = action.toLowerCase() === "sts:assumerole" ? this.policies.trust.get(resource) : undefined;
    const resourcePolicies = trust ? [trust] : (this.policies.resource.get(resource) ?? []);
    const decision = evaluate(request, { identity, resource: resourcePolicies });
    return decision.allowed ? undefined : { message: denialMessage(request, decision), request };
  }

  /** The request context: the global keys AWS sets for this principal, then the call's own. */
  private context(principal: Principal, own: Readonly<Record<string, ContextValue>>): Map<string, ContextValue> {
    const c = new Map<string, ContextValue>();
    c.set("aws:requestedregion", this.options.region);
    c.set("aws:securetransport", "true");
    if (principal.kind === "role-session") {
      c.set("aws:principalarn", principal.roleArn);
      c.set("aws:principalaccount", principal.account);
      c.set("aws:principaltype", "AssumedRole");
      c.set("aws:principalisawsservice", "false");
      c.set("aws:viaawsservice", "false");
    } else {
      c.set("aws:principalisawsservice", "true");
      c.set("aws:principalservicename", principal.service);
    }
    if (this.referenced.has("aws:currenttime") || this.referenced.has("aws:epochtime")) {
      const now = new Date();
      c.set("aws:currenttime", now.toISOString().replace(/\.\d{3}Z$/, "Z"));
      c.set("aws:epochtime", String(Math.floor(now.getTime() / 1000)));
    }
    for (const [k, v] of Object.entries(own)) c.set(k.toLowerCase(), v);
    return c;
  }
}
