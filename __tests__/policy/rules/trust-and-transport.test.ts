import { iamServiceRoleTrustConditions } from "../../../src/policy/rules/iam-service-role-trust-conditions";
import { tlsOnlyResourcePolicies } from "../../../src/policy/rules/tls-only-resource-policies";
import { judge, messages, outcome, stackJson } from "../support/judge";

const doc = (...statements: Record<string, unknown>[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });

describe("iam-service-role-trust-conditions", () => {
  const R = "aws_iam_role.r";
  const trustedBy = (service: string, condition?: Record<string, unknown>) =>
    stackJson({
      aws_iam_role: {
        r: {
          assume_role_policy: doc({
            Effect: "Allow",
            Principal: { Service: service },
            Action: ["sts:AssumeRole"],
            ...(condition ? { Condition: condition } : {}),
          }),
        },
      },
    });
  const verdict = (service: string, condition?: Record<string, unknown>) =>
    judge(iamServiceRoleTrustConditions, trustedBy(service, condition), R);

  it("accepts the events role pinned to its rule and account, and the states role pinned to its state machine", () => {
    expect(
      verdict("events.amazonaws.com", {
        StringEquals: { "aws:SourceAccount": "${local.account_id}" },
        ArnEquals: { "aws:SourceArn": "${aws_cloudwatch_event_rule.created.arn}" },
      }).status,
    ).toBe("compliant");
    expect(
      verdict("states.amazonaws.com", {
        StringEquals: { "aws:SourceAccount": "${local.account_id}" },
        ArnEquals: {
          "aws:SourceArn":
            "arn:${local.partition}:states:us-east-1:${local.account_id}:stateMachine:${var.project_name}-dev-order-saga",
        },
      }).status,
    ).toBe("compliant");
  });

  it("fails a trust policy that names only the service, and one whose source is every state machine", () => {
    expect(outcome(verdict("events.amazonaws.com"))).toEqual({
      status: "non-compliant",
      messages: [
        "trusts events.amazonaws.com without aws:SourceAccount naming one account (StringEquals)",
        "trusts events.amazonaws.com without aws:SourceArn naming one rule (ArnEquals), found none",
      ],
    });
    expect(
      messages(
        verdict("states.amazonaws.com", {
          StringEquals: { "aws:SourceAccount": "111111111111" },
          ArnLike: { "aws:SourceArn": "arn:aws:states:us-east-1:111111111111:stateMachine:*" },
        }),
      ),
    ).toEqual([
      'trusts states.amazonaws.com without aws:SourceArn naming one state machine (ArnEquals), found ["arn:aws:states:us-east-1:111111111111:stateMachine:*"]',
    ]);
  });

  it("fails a source of another service: the rule's ARN does not pin a state machine role", () => {
    expect(
      messages(
        verdict("states.amazonaws.com", {
          StringEquals: { "aws:SourceAccount": "111111111111" },
          ArnEquals: { "aws:SourceArn": "${aws_cloudwatch_event_rule.created.arn}" },
        }),
      ),
    ).toEqual([
      'trusts states.amazonaws.com without aws:SourceArn naming one state machine (ArnEquals), found ["${aws_cloudwatch_event_rule.created.arn}"]',
    ]);
  });

  it("does not apply to Lambda execution roles", () => {
    expect(verdict("lambda.amazonaws.com").status).toBe("not-applicable");
  });
});

describe("tls-only-resource-policies", () => {
  const denyPlainHttp = (service: string, resource: string) => ({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: { AWS: "*" },
    Action: [`${service}:*`],
    Resource: [resource],
    Condition: { Bool: { "aws:SecureTransport": false } },
  });
  const queue = (policy?: string) =>
    stackJson({
      aws_sqs_queue: { dlq: { name: "dlq" } },
      ...(policy ? { aws_sqs_queue_policy: { dlq: { queue_url: "${aws_sqs_queue.dlq.url}", policy } } } : {}),
    });
  const topic = (policy?: string) =>
    stackJson({
      aws_sns_topic: { alarms: { name: "alarms" } },
      ...(policy ? { aws_sns_topic_policy: { alarms: { arn: "${aws_sns_topic.alarms.arn}", policy } } } : {}),
    });

  it("accepts a queue and a topic whose policies deny every action without TLS", () => {
    expect(
      judge(tlsOnlyResourcePolicies, queue(doc(denyPlainHttp("sqs", "${aws_sqs_queue.dlq.arn}"))), "aws_sqs_queue.dlq")
        .status,
    ).toBe("compliant");
    expect(
      judge(
        tlsOnlyResourcePolicies,
        topic(doc(denyPlainHttp("sns", "${aws_sns_topic.alarms.arn}"))),
        "aws_sns_topic.alarms",
      ).status,
    ).toBe("compliant");
  });

  it("fails a queue without a policy, and one whose policy only allows", () => {
    const expected = ['no policy of this queue denies sqs:* on it to "*" when aws:SecureTransport is false'];
    expect(messages(judge(tlsOnlyResourcePolicies, queue(), "aws_sqs_queue.dlq"))).toEqual(expected);
    const allowOnly = doc({
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: ["sqs:SendMessage"],
      Resource: ["${aws_sqs_queue.dlq.arn}"],
    });
    expect(messages(judge(tlsOnlyResourcePolicies, queue(allowOnly), "aws_sqs_queue.dlq"))).toEqual(expected);
  });

  it("fails a topic whose Deny covers only Publish, or another topic, or lets plain HTTP through (SecureTransport true)", () => {
    const expected = ['no policy of this topic denies sns:* on it to "*" when aws:SecureTransport is false'];
    const verdict = (statement: Record<string, unknown>) =>
      messages(judge(tlsOnlyResourcePolicies, topic(doc(statement)), "aws_sns_topic.alarms"));
    expect(verdict({ ...denyPlainHttp("sns", "${aws_sns_topic.alarms.arn}"), Action: ["sns:Publish"] })).toEqual(
      expected,
    );
    expect(verdict(denyPlainHttp("sns", "${aws_sns_topic.other.arn}"))).toEqual(expected);
    expect(
      verdict({
        ...denyPlainHttp("sns", "${aws_sns_topic.alarms.arn}"),
        Condition: { Bool: { "aws:SecureTransport": true } },
      }),
    ).toEqual(expected);
  });
});
