import { iamNoAwsManagedPolicies } from "../../../src/policy/rules/iam-no-aws-managed-policies";
import { iamNoPrivilegeEscalation } from "../../../src/policy/rules/iam-no-privilege-escalation";
import { iamNoWildcardActions } from "../../../src/policy/rules/iam-no-wildcard-actions";
import { iamTrustOneServicePrincipal } from "../../../src/policy/rules/iam-trust-one-service-principal";
import { iamWildcardResourceOnlyForUnscopableActions } from "../../../src/policy/rules/iam-wildcard-resource-only-for-unscopable-actions";
import { judge, messages, stackJson } from "../support/judge";

const POLICY = "aws_iam_role_policy.fn";
type Statement = Record<string, unknown>;
const document = (...statements: Statement[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const rolePolicy = (...statements: Statement[]) =>
  stackJson({ aws_iam_role_policy: { fn: { role: "${aws_iam_role.fn.id}", policy: document(...statements) } } });

/** The statements the Microservice construct grants, as synthesized. */
const LEAST_PRIVILEGE = [
  {
    Sid: "WriteOwnLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: ["${aws_cloudwatch_log_group.fn.arn}:*"],
  },
  {
    Sid: "WriteXRayTraces",
    Effect: "Allow",
    Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
    Resource: ["*"],
  },
  {
    Sid: "RecordOrders",
    Effect: "Allow",
    Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
    Resource: ["${aws_dynamodb_table.orders.arn}"],
  },
];

describe("iam-no-wildcard-actions", () => {
  it("accepts named actions, and wildcards in Deny statements", () => {
    const tlsOnly = {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: { AWS: "*" },
      Action: ["s3:*"],
      Resource: ["*"],
    };
    expect(judge(iamNoWildcardActions, rolePolicy(...LEAST_PRIVILEGE, tlsOnly), POLICY).status).toBe("compliant");
  });

  it('fails "*", "service:*", partial wildcards and NotAction in Allow statements', () => {
    const verdict = judge(
      iamNoWildcardActions,
      rolePolicy(
        { Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" },
        {
          Sid: "Tables",
          Effect: "Allow",
          Action: ["dynamodb:*", "s3:Get*"],
          Resource: ["${aws_dynamodb_table.orders.arn}"],
        },
        { Sid: "AllBut", Effect: "Allow", NotAction: ["iam:*"], Resource: "*" },
      ),
      POLICY,
    );
    expect(messages(verdict)).toEqual([
      'statement "Everything" allows "*"',
      'statement "Tables" allows "dynamodb:*", "s3:Get*"',
      'statement "AllBut" uses NotAction in an Allow, granting every other action',
    ]);
  });

  it("checks resource policies (queue policies) too", () => {
    const queuePolicy = stackJson({
      aws_sqs_queue_policy: {
        q: {
          queue_url: "${aws_sqs_queue.q.url}",
          policy: document({
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sqs:*",
            Resource: "${aws_sqs_queue.q.arn}",
          }),
        },
      },
    });
    expect(messages(judge(iamNoWildcardActions, queuePolicy, "aws_sqs_queue_policy.q"))).toEqual([
      'statement "#0" allows "sqs:*"',
    ]);
  });

  it("fails a policy it cannot read, and does not apply to a role without inline policies", () => {
    const unreadable = stackJson({
      aws_iam_role_policy: { fn: { policy: "${data.aws_iam_policy_document.fn.json}" } },
    });
    expect(messages(judge(iamNoWildcardActions, unreadable, POLICY))[0]).toMatch(
      /^policy is not a JSON policy document the policy check can read/,
    );
    const role = stackJson({ aws_iam_role: { fn: { assume_role_policy: document() } } });
    expect(judge(iamNoWildcardActions, role, "aws_iam_role.fn").status).toBe("not-applicable");
  });
});

describe("iam-wildcard-resource-only-for-unscopable-actions", () => {
  it('accepts Resource "*" for X-Ray and log-delivery actions, and references as specific resources', () => {
    expect(judge(iamWildcardResourceOnlyForUnscopableActions, rolePolicy(...LEAST_PRIVILEGE), POLICY).status).toBe(
      "compliant",
    );
  });

  it('fails scopable actions on "*", on an ARN ending in ":*", and with NotResource', () => {
    const verdict = judge(
      iamWildcardResourceOnlyForUnscopableActions,
      rolePolicy(
        { Sid: "AnyTable", Effect: "Allow", Action: ["dynamodb:GetItem", "xray:PutTraceSegments"], Resource: ["*"] },
        {
          Sid: "AnyQueue",
          Effect: "Allow",
          Action: ["sqs:SendMessage"],
          Resource: ["arn:aws:sqs:us-east-1:123456789012:*"],
        },
        {
          Sid: "AllButOne",
          Effect: "Allow",
          Action: ["lambda:InvokeFunction"],
          NotResource: ["${aws_lambda_function.admin.arn}"],
        },
      ),
      POLICY,
    );
    expect(messages(verdict)).toEqual([
      'statement "AnyTable" allows dynamodb:GetItem on every resource',
      'statement "AnyQueue" allows sqs:SendMessage on every resource',
      'statement "AllButOne" allows lambda:InvokeFunction on every resource',
    ]);
  });

  it("does not apply to resource policies, whose Resource is the resource itself", () => {
    const bucketPolicy = stackJson({
      aws_s3_bucket_policy: {
        b: { policy: document({ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: "*" }) },
      },
    });
    expect(judge(iamWildcardResourceOnlyForUnscopableActions, bucketPolicy, "aws_s3_bucket_policy.b").status).toBe(
      "not-applicable",
    );
  });
});

describe("iam-trust-one-service-principal", () => {
  const role = (principal: unknown) =>
    stackJson({
      aws_iam_role: {
        r: { assume_role_policy: document({ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }) },
      },
    });
  const R = "aws_iam_role.r";

  it("accepts a role trusted by one service", () => {
    expect(judge(iamTrustOneServicePrincipal, role({ Service: "lambda.amazonaws.com" }), R).status).toBe("compliant");
  });

  it('fails two services, an account, or "*"', () => {
    expect(
      messages(
        judge(iamTrustOneServicePrincipal, role({ Service: ["lambda.amazonaws.com", "states.amazonaws.com"] }), R),
      ),
    ).toEqual(["is trusted by 2 principals (Service lambda.amazonaws.com, Service states.amazonaws.com), not one"]);
    expect(messages(judge(iamTrustOneServicePrincipal, role({ AWS: "arn:aws:iam::123456789012:root" }), R))).toEqual([
      "is trusted by AWS arn:aws:iam::123456789012:root, not an AWS service principal",
    ]);
    expect(messages(judge(iamTrustOneServicePrincipal, role("*"), R))).toEqual([
      'is trusted by "*", not an AWS service principal',
    ]);
  });
});

describe("iam-no-aws-managed-policies", () => {
  it("fails an AWS-managed policy attachment, accepts a customer-managed one", () => {
    const attach = (arn: string) =>
      stackJson({ aws_iam_role_policy_attachment: { a: { role: "r", policy_arn: arn } } });
    const A = "aws_iam_role_policy_attachment.a";
    expect(
      messages(judge(iamNoAwsManagedPolicies, attach("arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"), A)),
    ).toEqual(["attaches the AWS-managed arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess"]);
    expect(judge(iamNoAwsManagedPolicies, attach("${aws_iam_policy.orders.arn}"), A).status).toBe("compliant");
  });

  it("checks managed_policy_arns on roles, and does not apply to roles without any", () => {
    const role = (arns?: string[]) =>
      stackJson({ aws_iam_role: { r: { assume_role_policy: "{}", managed_policy_arns: arns } } });
    expect(
      judge(
        iamNoAwsManagedPolicies,
        role(["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]),
        "aws_iam_role.r",
      ).status,
    ).toBe("non-compliant");
    expect(judge(iamNoAwsManagedPolicies, role(), "aws_iam_role.r").status).toBe("not-applicable");
  });
});

describe("iam-no-privilege-escalation", () => {
  it("accepts PassRole on a named role", () => {
    const scoped = rolePolicy({
      Sid: "PassOne",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: "${aws_iam_role.worker.arn}",
    });
    expect(judge(iamNoPrivilegeEscalation, scoped, POLICY).status).toBe("compliant");
  });

  it("fails IAM-writing actions, wildcards covering them, and PassRole / AssumeRole on *", () => {
    const verdict = judge(
      iamNoPrivilegeEscalation,
      rolePolicy(
        {
          Sid: "Rewrite",
          Effect: "Allow",
          Action: ["iam:CreatePolicyVersion", "iam:PutRolePolicy"],
          Resource: "${aws_iam_policy.p.arn}",
        },
        { Sid: "IamAll", Effect: "Allow", Action: "iam:Attach*", Resource: "${aws_iam_role.r.arn}" },
        { Sid: "PassAny", Effect: "Allow", Action: ["iam:PassRole", "sts:AssumeRole"], Resource: "*" },
      ),
      POLICY,
    );
    expect(messages(verdict)).toEqual([
      'statement "Rewrite" allows iam:CreatePolicyVersion, iam:PutRolePolicy',
      'statement "IamAll" allows iam:AttachRolePolicy, iam:AttachUserPolicy, iam:AttachGroupPolicy',
      'statement "PassAny" allows iam:PassRole, sts:AssumeRole on every resource',
    ]);
  });
});
