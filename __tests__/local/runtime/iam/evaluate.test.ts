/**
 * The evaluation logic against the IAM User Guide. Pages cited by case:
 *   [logic]    "Policy evaluation logic" (reference_policies_evaluation-logic)
 *   [account]  "Policy evaluation for requests within a single account" (reference_policies_evaluation-logic_policy-eval-basics)
 *   [deny]     "The difference between explicit and implicit denies" (reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay)
 *   [action]   "IAM JSON policy elements: Action" / "NotAction"; [resource] "Resource" / "NotResource"
 *   [principal] "IAM JSON policy elements: Principal" / "NotPrincipal"
 *   [denied]   "Troubleshoot access denied error messages" (troubleshoot_access-denied)
 */
import { AuthorizationRequest, Principal, denialMessage, evaluate } from "../../../../src/local/runtime/iam/evaluate";
import { PolicyError, parsePolicy } from "../../../../src/local/runtime/iam/policy";

const ACCOUNT = "111122223333";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/orders-fn`;
const session: Principal = {
  kind: "role-session",
  account: ACCOUNT,
  roleArn: ROLE,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/orders-fn/orders-fn`,
};
const events: Principal = { kind: "service", service: "events.amazonaws.com" };
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`;

const identity = (...statements: object[]) =>
  parsePolicy({ Version: "2012-10-17", Statement: statements }, "identity", "identity");
const resourcePolicy = (...statements: object[]) =>
  parsePolicy({ Version: "2012-10-17", Statement: statements }, "resource", "resource");
const request = (
  over: Partial<Omit<AuthorizationRequest, "context">> & { context?: Record<string, string> } = {},
): AuthorizationRequest => ({
  principal: over.principal ?? session,
  action: over.action ?? "dynamodb:PutItem",
  resource: over.resource ?? TABLE,
  context: new Map(Object.entries(over.context ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
});
const allowPut = { Effect: "Allow", Action: "dynamodb:PutItem", Resource: TABLE };

describe("same-account decisions [account] [logic]", () => {
  test("an identity-based Allow allows", () => {
    expect(evaluate(request(), { identity: [identity(allowPut)], resource: [] })).toEqual({
      allowed: true,
      by: "identity-based",
    });
  });

  test("nothing allows: implicit deny", () => {
    expect(
      evaluate(request(), { identity: [identity({ ...allowPut, Action: "dynamodb:GetItem" })], resource: [] }),
    ).toEqual({ allowed: false, explicit: false, missing: "identity-based" });
  });

  // [logic] "An explicit deny in any of these policies overrides the allow."
  test("an explicit Deny in the identity-based policy overrides an Allow", () => {
    const decision = evaluate(request(), {
      identity: [identity(allowPut, { Effect: "Deny", Action: "dynamodb:*", Resource: "*" })],
      resource: [],
    });
    expect(decision).toEqual({ allowed: false, explicit: true, in: "identity-based" });
  });

  test("an explicit Deny in the resource-based policy overrides the identity-based Allow", () => {
    const deny = resourcePolicy({ Effect: "Deny", Principal: "*", Action: "dynamodb:PutItem", Resource: TABLE });
    expect(evaluate(request(), { identity: [identity(allowPut)], resource: [deny] })).toEqual({
      allowed: false,
      explicit: true,
      in: "resource-based",
    });
  });

  // [account] "If the resource-based policy grants permission to the principal ... the request is allowed" without an identity-based Allow
  test("a resource-based Allow that names the role allows without an identity-based Allow", () => {
    const grant = resourcePolicy({
      Effect: "Allow",
      Principal: { AWS: ROLE },
      Action: "dynamodb:PutItem",
      Resource: TABLE,
    });
    expect(evaluate(request(), { identity: [], resource: [grant] })).toEqual({ allowed: true, by: "resource-based" });
    const toSession = resourcePolicy({
      Effect: "Allow",
      Principal: { AWS: session.kind === "role-session" ? session.arn : "" },
      Action: "dynamodb:PutItem",
      Resource: TABLE,
    });
    expect(evaluate(request(), { identity: [], resource: [toSession] })).toEqual({
      allowed: true,
      by: "resource-based",
    });
  });

  // [principal] an account principal delegates to the account's identity-based policies; it grants nothing on its own
  test("a resource-based Allow that names only the account needs the identity-based Allow", () => {
    const toAccount = resourcePolicy({
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: "dynamodb:PutItem",
      Resource: TABLE,
    });
    expect(evaluate(request(), { identity: [], resource: [toAccount] }).allowed).toBe(false);
    expect(evaluate(request(), { identity: [identity(allowPut)], resource: [toAccount] }).allowed).toBe(true);
    const denyAccount = resourcePolicy({
      Effect: "Deny",
      Principal: { AWS: ACCOUNT },
      Action: "dynamodb:PutItem",
      Resource: TABLE,
    });
    expect(evaluate(request(), { identity: [identity(allowPut)], resource: [denyAccount] })).toMatchObject({
      allowed: false,
      explicit: true,
    });
  });

  test("a service principal is let in by a resource-based policy only", () => {
    const fn = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:notify`;
    const rule = `arn:aws:events:us-east-1:${ACCOUNT}:rule/bus/outcome`;
    const permission = resourcePolicy({
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "lambda:InvokeFunction",
      Resource: fn,
      Condition: { ArnLike: { "AWS:SourceArn": rule } },
    });
    const invoke = (sourceArn: string) =>
      request({
        principal: events,
        action: "lambda:InvokeFunction",
        resource: fn,
        context: { "aws:SourceArn": sourceArn },
      });
    expect(evaluate(invoke(rule), { identity: [], resource: [permission] })).toEqual({
      allowed: true,
      by: "resource-based",
    });
    expect(evaluate(invoke(`${rule}-other`), { identity: [], resource: [permission] })).toEqual({
      allowed: false,
      explicit: false,
      missing: "resource-based",
    });
  });

  test("a trust policy: the service it names may assume the role, another may not", () => {
    const trust = resourcePolicy({
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sts:AssumeRole",
    });
    const assume = (service: string) =>
      request({ principal: { kind: "service", service }, action: "sts:AssumeRole", resource: ROLE });
    expect(evaluate(assume("events.amazonaws.com"), { identity: [], resource: [trust] }).allowed).toBe(true);
    expect(evaluate(assume("states.amazonaws.com"), { identity: [], resource: [trust] }).allowed).toBe(false);
  });

  // [principal] NotPrincipal with Deny: everyone but the named principals is denied
  test("Deny with NotPrincipal spares the session it names, and denies others", () => {
    const arn = session.kind === "role-session" ? session.arn : "";
    const spare = resourcePolicy({
      Effect: "Deny",
      NotPrincipal: { AWS: [arn, ROLE] },
      Action: "dynamodb:*",
      Resource: TABLE,
    });
    expect(evaluate(request(), { identity: [identity(allowPut)], resource: [spare] }).allowed).toBe(true);
    const other: Principal = {
      kind: "role-session",
      account: ACCOUNT,
      roleArn: `arn:aws:iam::${ACCOUNT}:role/other`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/other/s`,
    };
    expect(
      evaluate(request({ principal: other }), { identity: [identity(allowPut)], resource: [spare] }),
    ).toMatchObject({ allowed: false, explicit: true, in: "resource-based" });
  });
});

describe("explicit and implicit denies [deny]", () => {
  // [deny] AllowGetList allows iam:Get* and iam:List*; DenyReports denies iam:*Report; everything else is implicitly denied
  const policy = identity(
    { Sid: "AllowGetList", Effect: "Allow", Action: ["iam:Get*", "iam:List*"], Resource: "*" },
    { Sid: "DenyReports", Effect: "Deny", Action: "iam:*Report", Resource: "*" },
  );
  test.each([
    ["iam:GetUser", { allowed: true, by: "identity-based" }],
    ["iam:ListRoles", { allowed: true, by: "identity-based" }],
    ["iam:GetOrganizationsAccessReport", { allowed: false, explicit: true, in: "identity-based" }],
    ["iam:CreatePolicy", { allowed: false, explicit: false, missing: "identity-based" }],
  ])("%s", (action, expected) => {
    expect(evaluate(request({ action, resource: "*" }), { identity: [policy], resource: [] })).toEqual(expected);
  });
});

describe("Action, NotAction, Resource, NotResource [action] [resource]", () => {
  test("action names are case-insensitive; wildcards * and ?", () => {
    const p = identity({ Effect: "Allow", Action: ["DynamoDB:getitem", "dynamodb:?utItem"], Resource: "*" });
    expect(evaluate(request({ action: "dynamodb:GetItem" }), { identity: [p], resource: [] }).allowed).toBe(true);
    expect(evaluate(request({ action: "dynamodb:PutItem" }), { identity: [p], resource: [] }).allowed).toBe(true);
    expect(evaluate(request({ action: "dynamodb:UpdateItem" }), { identity: [p], resource: [] }).allowed).toBe(false);
  });

  // [action] NotAction with Allow: "allows everything except IAM"
  test("NotAction with Allow grants every action but the listed ones", () => {
    const p = identity({ Effect: "Allow", NotAction: "iam:*", Resource: "*" });
    expect(evaluate(request({ action: "dynamodb:PutItem" }), { identity: [p], resource: [] }).allowed).toBe(true);
    expect(evaluate(request({ action: "iam:CreateUser" }), { identity: [p], resource: [] }).allowed).toBe(false);
  });

  test("resource ARNs are case-sensitive and matched part by part", () => {
    const p = identity({
      Effect: "Allow",
      Action: "dynamodb:PutItem",
      Resource: `arn:aws:dynamodb:*:${ACCOUNT}:table/ord?rs`,
    });
    expect(evaluate(request(), { identity: [p], resource: [] }).allowed).toBe(true);
    expect(
      evaluate(request({ resource: TABLE.replace("orders", "Orders") }), { identity: [p], resource: [] }).allowed,
    ).toBe(false);
    // `table/orders` does not cover the table's indexes: `table/orders/index/*` does.
    expect(
      evaluate(request({ action: "dynamodb:PutItem", resource: `${TABLE}/index/byCustomer` }), {
        identity: [p],
        resource: [],
      }).allowed,
    ).toBe(false);
  });

  test("NotResource with Deny denies every resource but the listed ones", () => {
    const p = identity(
      allowPut,
      { Effect: "Allow", Action: "dynamodb:PutItem", Resource: `${TABLE}-archive` },
      { Effect: "Deny", Action: "dynamodb:*", NotResource: TABLE },
    );
    expect(evaluate(request(), { identity: [p], resource: [] }).allowed).toBe(true);
    expect(evaluate(request({ resource: `${TABLE}-archive` }), { identity: [p], resource: [] })).toMatchObject({
      allowed: false,
      explicit: true,
    });
  });

  test("policy variables in Resource (Version 2012-10-17 only)", () => {
    const p = (version: string) =>
      parsePolicy(
        {
          Version: version,
          Statement: [
            {
              Effect: "Allow",
              Action: "dynamodb:PutItem",
              Resource: `arn:aws:dynamodb:*:${ACCOUNT}:table/\${aws:PrincipalTag/team}`,
            },
          ],
        },
        "p",
        "identity",
      );
    const withTag = request({ context: { "aws:PrincipalTag/team": "orders" } });
    expect(evaluate(withTag, { identity: [p("2012-10-17")], resource: [] }).allowed).toBe(true);
    expect(evaluate(withTag, { identity: [p("2008-10-17")], resource: [] }).allowed).toBe(false);
    expect(evaluate(request(), { identity: [p("2012-10-17")], resource: [] }).allowed).toBe(false);
  });

  test("conditions of a statement are ANDed across operators and keys", () => {
    const p = identity({
      ...allowPut,
      Condition: {
        StringEquals: { "aws:RequestedRegion": "us-east-1", "aws:PrincipalAccount": ACCOUNT },
        Bool: { "aws:SecureTransport": "true" },
      },
    });
    const ok = { "aws:RequestedRegion": "us-east-1", "aws:PrincipalAccount": ACCOUNT, "aws:SecureTransport": "true" };
    expect(evaluate(request({ context: ok }), { identity: [p], resource: [] }).allowed).toBe(true);
    expect(
      evaluate(request({ context: { ...ok, "aws:RequestedRegion": "eu-west-1" } }), { identity: [p], resource: [] })
        .allowed,
    ).toBe(false);
    expect(
      evaluate(request({ context: { ...ok, "aws:SecureTransport": "false" } }), { identity: [p], resource: [] })
        .allowed,
    ).toBe(false);
  });
});

describe("the message AWS writes [denied]", () => {
  test("implicit deny: because no identity-based policy allows the action", () => {
    const r = request();
    expect(denialMessage(r, { allowed: false, explicit: false, missing: "identity-based" })).toBe(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/orders-fn/orders-fn is not authorized to perform: dynamodb:PutItem on resource: ${TABLE} because no identity-based policy allows the dynamodb:PutItem action`,
    );
  });
  test("explicit deny: with an explicit deny in a resource-based policy", () => {
    expect(denialMessage(request(), { allowed: false, explicit: true, in: "resource-based" })).toMatch(
      / on resource: \S+ with an explicit deny in a resource-based policy$/,
    );
  });
});

describe("policies IAM refuses (MalformedPolicyDocument) are refused at start-up, naming where", () => {
  test.each([
    [
      { Statement: [{ Effect: "Permit", Action: "s3:*", Resource: "*" }] },
      /Statement\[0\]\.Effect must be "Allow" or "Deny"/,
    ],
    [
      { Statement: [{ Effect: "Allow", Action: "s3:*", NotAction: "iam:*", Resource: "*" }] },
      /exactly one of Action and NotAction/,
    ],
    [
      { Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*", Condition: { StringEqual: { k: "v" } } }] },
      /unknown condition operator "StringEqual"/,
    ],
    [{ Statement: [{ Effect: "Allow", Action: "s3:*" }] }, /needs Resource or NotResource/],
    [
      { Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" }] },
      /identity-based policy cannot name a Principal/,
    ],
    [{ Version: "2012-10-18", Statement: [] }, /Version must be 2012-10-17 or 2008-10-17/],
    ["{not json", /not valid JSON/],
  ])("%j", (doc, message) => {
    expect(() => parsePolicy(doc, "aws_iam_role_policy.p.policy", "identity")).toThrow(PolicyError);
    expect(() => parsePolicy(doc, "aws_iam_role_policy.p.policy", "identity")).toThrow(message);
  });
  test("NotPrincipal with Allow", () => {
    expect(() =>
      parsePolicy(
        { Statement: [{ Effect: "Allow", NotPrincipal: "*", Action: "s3:*", Resource: "*" }] },
        "q",
        "resource",
      ),
    ).toThrow(/NotPrincipal is supported with "Effect": "Deny" only/);
  });
});
