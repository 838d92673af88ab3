/** IAM policy documents as plain objects: built and tested here, rendered by the constructs. */

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: readonly string[];
  /** Absent only in trust policies, where the role itself is the resource. */
  readonly Resource?: readonly string[];
  readonly Principal?: Readonly<Record<string, string | readonly string[]>>;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[] | boolean>>>>;
}

export type PolicyCondition = NonNullable<PolicyStatement["Condition"]>;

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** An Allow statement, optionally conditional; `sid` must be alphanumeric, as IAM requires. */
export function allow(
  sid: string,
  actions: readonly string[],
  resources: readonly string[],
  condition?: PolicyCondition,
): PolicyStatement {
  if (!/^[A-Za-z0-9]+$/.test(sid)) throw new Error(`IAM statement id "${sid}" must be alphanumeric.`);
  if (actions.length === 0) throw new Error(`IAM statement "${sid}" needs at least one action.`);
  if (resources.length === 0) throw new Error(`IAM statement "${sid}" needs at least one resource.`);
  return {
    Sid: sid,
    Effect: "Allow",
    Action: [...actions],
    Resource: [...resources],
    ...(condition ? { Condition: condition } : {}),
  };
}

export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  const sids = statements.map((s) => s.Sid).filter((s): s is string => s !== undefined);
  const duplicate = sids.find((s, i) => sids.indexOf(s) !== i);
  if (duplicate) throw new Error(`IAM policy has two statements with Sid "${duplicate}".`);
  return { Version: "2012-10-17", Statement: statements };
}

/** On whose behalf a service may assume a role: the account and the one resource it acts for. */
export interface TrustSource {
  /** The account that owns the resource (`aws:SourceAccount`). */
  readonly account: string;
  /** The resource the service acts for (`aws:SourceArn`), e.g. the rule or the state machine. */
  readonly arn: string;
}

/**
 * Trust policy letting exactly one AWS service assume a role and, with `source`, only on behalf of that
 * resource of that account (`aws:SourceAccount`, `aws:SourceArn`): a confused deputy acting for another
 * account's rule or state machine cannot assume it.
 */
export function serviceTrustPolicy(servicePrincipal: string, source?: TrustSource): PolicyDocument {
  if (!/^[a-z0-9.-]+\.amazonaws\.com$/.test(servicePrincipal)) {
    throw new Error(`"${servicePrincipal}" is not an AWS service principal (expected <service>.amazonaws.com).`);
  }
  const condition: PolicyCondition | undefined = source
    ? { StringEquals: { "aws:SourceAccount": source.account }, ArnEquals: { "aws:SourceArn": source.arn } }
    : undefined;
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Service: servicePrincipal },
      Action: ["sts:AssumeRole"],
      ...(condition ? { Condition: condition } : {}),
    },
  ]);
}

/** A Deny of every `actions` on `resources` made without TLS (`aws:SecureTransport` false), for any principal. */
export function denyInsecureTransport(actions: readonly string[], resources: readonly string[]): PolicyStatement {
  return {
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: { AWS: "*" },
    Action: [...actions],
    Resource: [...resources],
    Condition: { Bool: { "aws:SecureTransport": false } },
  };
}

/** Writing to one log group (the function's own). */
export function logWriteStatement(logGroupArn: string): PolicyStatement {
  return allow("WriteOwnLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [`${logGroupArn}:*`]);
}

/** X-Ray segment upload and sampling; AWS authorizes them only on `*`. */
const XRAY_WRITE_ACTIONS = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
] as const;

/** Log-delivery actions Step Functions needs for vended logs; AWS authorizes them only on `*`. */
export const LOG_DELIVERY_ACTIONS = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
] as const;

/** X-Ray segment upload: AWS offers no resource-level scoping for these actions. */
export function xrayWriteStatement(): PolicyStatement {
  return allow("WriteXRayTraces", XRAY_WRITE_ACTIONS, ["*"]);
}

/** The actions that AWS only authorizes on `Resource "*"`; policy checks allow `*` for these alone. */
export const ACTIONS_WITHOUT_RESOURCE_SCOPE: readonly string[] = [...XRAY_WRITE_ACTIONS, ...LOG_DELIVERY_ACTIONS];
