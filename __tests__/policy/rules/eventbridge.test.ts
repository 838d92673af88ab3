import { eventbridgeBusPolicyNotPublic } from "../../../src/policy/rules/eventbridge-bus-policy-not-public";
import { eventbridgeTargetRetryAndDlq } from "../../../src/policy/rules/eventbridge-target-retry-and-dlq";
import { eventbridgeTargetRoleLeastPrivilege } from "../../../src/policy/rules/eventbridge-target-role-least-privilege";
import { judge, messages, stackJson } from "../support/judge";

const TARGET = "aws_cloudwatch_event_target.start";
const trust = (service: string) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole"] }],
  });
const allow = (actions: string[], resources: string[]) =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Sid: "StartOneStateMachine", Effect: "Allow", Action: actions, Resource: resources }],
  });

/** A rule target starting the saga through its own role, shaped like EventRoute's. */
function stack(
  target: Record<string, unknown> = {},
  role: { trust?: string; policy?: string } = {},
  more: Record<string, Record<string, Record<string, unknown>>> = {},
) {
  return stackJson({
    aws_cloudwatch_event_target: {
      start: {
        rule: "${aws_cloudwatch_event_rule.created.name}",
        arn: "${aws_sfn_state_machine.saga.arn}",
        role_arn: "${aws_iam_role.events.arn}",
        retry_policy: { maximum_retry_attempts: 8, maximum_event_age_in_seconds: 3600 },
        dead_letter_config: { arn: "${aws_sqs_queue.dlq.arn}" },
        ...target,
      },
    },
    aws_sqs_queue: { dlq: { name: "dlq" } },
    aws_sfn_state_machine: { saga: { name: "saga" } },
    aws_iam_role: { events: { assume_role_policy: role.trust ?? trust("events.amazonaws.com") } },
    aws_iam_role_policy: {
      events: {
        role: "${aws_iam_role.events.id}",
        policy: role.policy ?? allow(["states:StartExecution"], ["${aws_sfn_state_machine.saga.arn}"]),
      },
    },
    ...more,
  });
}

describe("eventbridge-target-retry-and-dlq", () => {
  it("accepts a target with a retry policy and an SQS dead-letter queue of the stack", () => {
    expect(judge(eventbridgeTargetRetryAndDlq, stack(), TARGET).status).toBe("compliant");
  });

  it("fails a target without them, or one that never retries", () => {
    expect(
      messages(
        judge(eventbridgeTargetRetryAndDlq, stack({ retry_policy: undefined, dead_letter_config: undefined }), TARGET),
      ),
    ).toEqual(["has no retry_policy", "has no dead_letter_config: undeliverable events are dropped"]);
    const noRetries = stack({ retry_policy: { maximum_retry_attempts: 0, maximum_event_age_in_seconds: 60 } });
    expect(messages(judge(eventbridgeTargetRetryAndDlq, noRetries, TARGET))).toEqual([
      "retry_policy.maximum_retry_attempts is 0, so it never retries",
    ]);
  });

  it("fails a dead-letter queue that is not a queue of the stack", () => {
    const elsewhere = stack({ dead_letter_config: { arn: "arn:aws:sqs:us-east-1:123456789012:somewhere" } });
    expect(messages(judge(eventbridgeTargetRetryAndDlq, elsewhere, TARGET))).toEqual([
      'dead_letter_config.arn is "arn:aws:sqs:us-east-1:123456789012:somewhere", not an SQS queue of this stack',
    ]);
  });
});

describe("eventbridge-target-role-least-privilege", () => {
  it("accepts a role trusted by events.amazonaws.com allowed only states:StartExecution on the state machine", () => {
    expect(judge(eventbridgeTargetRoleLeastPrivilege, stack(), TARGET).status).toBe("compliant");
  });

  it("fails the state machine's own role (trusted by states.amazonaws.com)", () => {
    expect(
      messages(judge(eventbridgeTargetRoleLeastPrivilege, stack({}, { trust: trust("states.amazonaws.com") }), TARGET)),
    ).toEqual(["aws_iam_role.events is trusted by Service states.amazonaws.com, not events.amazonaws.com alone"]);
  });

  it("fails extra actions, wildcard resources and managed policies", () => {
    const broad = stack(
      {},
      { policy: allow(["states:StartExecution", "lambda:InvokeFunction"], ["*"]) },
      {
        aws_iam_role_policy_attachment: {
          admin: { role: "${aws_iam_role.events.name}", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        },
      },
    );
    expect(messages(judge(eventbridgeTargetRoleLeastPrivilege, broad, TARGET))).toEqual([
      "aws_iam_role.events has a managed policy attached (aws_iam_role_policy_attachment.admin)",
      'aws_iam_role_policy.events statement "StartOneStateMachine" allows lambda:InvokeFunction, not only states:StartExecution',
      'aws_iam_role_policy.events statement "StartOneStateMachine" applies to *, not to specific state machines',
    ]);
  });

  it("fails a state machine target without a role; does not apply to a function target", () => {
    expect(messages(judge(eventbridgeTargetRoleLeastPrivilege, stack({ role_arn: undefined }), TARGET))).toEqual([
      "starts a state machine but has no role_arn",
    ]);
    expect(
      judge(
        eventbridgeTargetRoleLeastPrivilege,
        stack({ role_arn: undefined, arn: "${aws_lambda_function.notify.arn}" }),
        TARGET,
      ).status,
    ).toBe("not-applicable");
  });
});

describe("eventbridge-bus-policy-not-public", () => {
  const busPolicy = (statement: Record<string, unknown>) =>
    stackJson({
      aws_cloudwatch_event_bus_policy: {
        open: {
          event_bus_name: "orders",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Sid: "Put", Effect: "Allow", Action: "events:PutEvents", Resource: "*", ...statement }],
          }),
        },
      },
    });
  const P = "aws_cloudwatch_event_bus_policy.open";

  it('fails Principal "*" without an organization or account condition', () => {
    expect(messages(judge(eventbridgeBusPolicyNotPublic, busPolicy({ Principal: "*" }), P))).toEqual([
      'statement "Put" allows Principal "*" without an organization or account condition',
    ]);
    expect(judge(eventbridgeBusPolicyNotPublic, busPolicy({ Principal: { AWS: "*" } }), P).status).toBe(
      "non-compliant",
    );
  });

  it("accepts a named account, or * confined to the organization", () => {
    expect(
      judge(eventbridgeBusPolicyNotPublic, busPolicy({ Principal: { AWS: "arn:aws:iam::123456789012:root" } }), P)
        .status,
    ).toBe("compliant");
    const org = busPolicy({ Principal: "*", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-abc123" } } });
    expect(judge(eventbridgeBusPolicyNotPublic, org, P).status).toBe("compliant");
  });

  it("fails an event permission for everyone without a condition", () => {
    const permission = stackJson({ aws_cloudwatch_event_permission: { all: { principal: "*", statement_id: "all" } } });
    expect(messages(judge(eventbridgeBusPolicyNotPublic, permission, "aws_cloudwatch_event_permission.all"))).toEqual([
      'grants principal "*" without a condition',
    ]);
  });
});
