import { stateBucketPolicy } from "../../src/iam/bucket-policy";
import { sourceOwnershipBusPolicy, ownershipSid } from "../../src/iam/bus-policy";
import {
  allow,
  logWriteStatement,
  policyDocument,
  serviceTrustPolicy,
  xrayWriteStatement,
} from "../../src/iam/policy-document";

describe("IAM policy builders", () => {
  test("a trust policy admits exactly one service and has no resource", () => {
    expect(serviceTrustPolicy("states.amazonaws.com")).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "states.amazonaws.com" }, Action: ["sts:AssumeRole"] }],
    });
  });

  test("fails when the principal is not an AWS service", () => {
    expect(() => serviceTrustPolicy("*")).toThrow('"*" is not an AWS service principal');
    expect(() => serviceTrustPolicy("arn:aws:iam::123456789012:root")).toThrow(/not an AWS service principal/);
  });

  test("allow() refuses statements that would grant nothing or everything by accident", () => {
    expect(() => allow("Bad Sid", ["s3:GetObject"], ["arn"])).toThrow(
      'IAM statement id "Bad Sid" must be alphanumeric',
    );
    expect(() => allow("NoActions", [], ["arn"])).toThrow('IAM statement "NoActions" needs at least one action');
    expect(() => allow("NoResources", ["s3:GetObject"], [])).toThrow(
      'IAM statement "NoResources" needs at least one resource',
    );
  });

  test("a policy refuses duplicate statement ids", () => {
    const s = allow("Same", ["sqs:SendMessage"], ["arn:q"]);
    expect(() => policyDocument([s, s])).toThrow('two statements with Sid "Same"');
  });

  test("log writing is scoped to the log group's streams", () => {
    expect(logWriteStatement("arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f")).toEqual({
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: ["arn:aws:logs:us-east-1:1:log-group:/aws/lambda/f:*"],
    });
  });

  test("X-Ray writes use * because AWS offers no narrower resource, and grant nothing else", () => {
    const s = xrayWriteStatement();
    expect(s.Resource).toEqual(["*"]);
    expect(s.Action.every((a) => a.startsWith("xray:Put") || a.startsWith("xray:GetSampling"))).toBe(true);
  });

  test("the state bucket refuses every request without TLS, on the bucket and its objects, and every put without SSE-KMS", () => {
    const doc = stateBucketPolicy("arn:aws:s3:::state", { deployers: [] });
    expect(doc.Statement).toEqual([
      expect.objectContaining({
        Effect: "Deny",
        Action: ["s3:*"],
        Resource: ["arn:aws:s3:::state", "arn:aws:s3:::state/*"],
        Condition: { Bool: { "aws:SecureTransport": false } },
      }),
      // IAM user guide, "IAM JSON policy elements: Condition operators": a negated operator on a key absent
      // from the request is true, so this Deny also refuses puts that send no encryption header.
      expect.objectContaining({
        Effect: "Deny",
        Action: ["s3:PutObject"],
        Resource: ["arn:aws:s3:::state/*"],
        Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
      }),
    ]);
  });

  test("with deployers, the state bucket refuses state reads, writes and listings by anyone else, but not bucket management", () => {
    const [, , others] = stateBucketPolicy("arn:aws:s3:::state", {
      deployers: ["arn:aws:iam::111111111111:role/ci"],
    }).Statement;
    expect(others).toMatchObject({
      Effect: "Deny",
      Principal: { AWS: "*" },
      Condition: { ArnNotEquals: { "aws:PrincipalArn": ["arn:aws:iam::111111111111:role/ci"] } },
    });
    expect(others?.Action).toEqual(
      expect.arrayContaining(["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"]),
    );
    expect(others?.Action.some((a) => a.includes("Bucket") && a !== "s3:ListBucket")).toBe(false);
  });

  test("the bus policy gives each source one owner, with a Sid IAM accepts", () => {
    expect(ownershipSid("orders.order-service")).toBe("OnlyOwnerPublishesOrdersOrderService");
    const owners = [{ source: "a.b", principalArn: "arn:aws:iam::1:role/a" }];
    expect(() =>
      sourceOwnershipBusPolicy("arn:bus", [...owners, { source: "a.b", principalArn: "arn:aws:iam::1:role/b" }]),
    ).toThrow('Event source "a.b" is given two owners; each source has one.');
    expect(() => sourceOwnershipBusPolicy("arn:bus", [])).toThrow("needs at least one source");
  });

  test("a trust policy with a source pins the account and the resource", () => {
    expect(
      serviceTrustPolicy("events.amazonaws.com", {
        account: "111111111111",
        arn: "arn:aws:events:us-east-1:111111111111:rule/b/r",
      }).Statement[0]?.Condition,
    ).toEqual({
      StringEquals: { "aws:SourceAccount": "111111111111" },
      ArnEquals: { "aws:SourceArn": "arn:aws:events:us-east-1:111111111111:rule/b/r" },
    });
  });
});
