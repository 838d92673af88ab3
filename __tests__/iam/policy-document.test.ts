import { allow, logWriteStatement, policyDocument, serviceTrustPolicy, xrayWriteStatement } from "../../src/iam/policy-document";
import { tlsOnlyBucketPolicy } from "../../src/iam/bucket-policy";

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
    expect(() => allow("Bad Sid", ["s3:GetObject"], ["arn"])).toThrow('IAM statement id "Bad Sid" must be alphanumeric');
    expect(() => allow("NoActions", [], ["arn"])).toThrow('IAM statement "NoActions" needs at least one action');
    expect(() => allow("NoResources", ["s3:GetObject"], [])).toThrow('IAM statement "NoResources" needs at least one resource');
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

  test("the state bucket refuses every request without TLS, on the bucket and its objects", () => {
    const doc = tlsOnlyBucketPolicy("arn:aws:s3:::state");
    expect(doc.Statement).toEqual([
      expect.objectContaining({
        Effect: "Deny",
        Action: ["s3:*"],
        Resource: ["arn:aws:s3:::state", "arn:aws:s3:::state/*"],
        Condition: { Bool: { "aws:SecureTransport": false } },
      }),
    ]);
  });
});
