import { logsRetentionSet } from "../../../src/policy/rules/logs-retention-set";
import { monitoringAlarmTopicAcceptsCloudwatch } from "../../../src/policy/rules/monitoring-alarm-topic-accepts-cloudwatch";
import { monitoringMetricsNameDimensions } from "../../../src/policy/rules/monitoring-metrics-name-dimensions";
import { judge, messages, stackJson } from "../support/judge";

describe("logs-retention-set", () => {
  const group = (retention: unknown, variables: Record<string, unknown> = {}) =>
    stackJson(
      { aws_cloudwatch_log_group: { g: { name: "/aws/lambda/x", retention_in_days: retention } } },
      { variables },
    );
  const G = "aws_cloudwatch_log_group.g";

  it("accepts a number of days, directly or as a variable's default", () => {
    expect(judge(logsRetentionSet, group(14), G).status).toBe("compliant");
    expect(judge(logsRetentionSet, group("${var.log_retention_days}", { log_retention_days: 7 }), G).status).toBe(
      "compliant",
    );
  });

  it("fails no retention, 0, and a variable without a default", () => {
    expect(messages(judge(logsRetentionSet, group(undefined), G))).toEqual([
      "retention_in_days is unset: events never expire",
    ]);
    expect(messages(judge(logsRetentionSet, group(0), G))).toEqual(["retention_in_days is 0: events never expire"]);
    expect(messages(judge(logsRetentionSet, group("${var.retention}"), G))).toEqual([
      "retention_in_days is the expression ${var.retention}: events never expire",
    ]);
  });
});

describe("monitoring-metrics-name-dimensions", () => {
  const D = "aws_cloudwatch_dashboard.d";
  const rules = {
    aws_cloudwatch_event_rule: {
      created: { name: "created", event_bus_name: "${aws_cloudwatch_event_bus.orders.name}" },
      legacy: { name: "legacy" },
    },
  };
  const dashboard = (...metrics: unknown[][]) =>
    stackJson({
      aws_cloudwatch_dashboard: {
        d: { dashboard_body: JSON.stringify({ widgets: [{ type: "metric", properties: { metrics } }] }) },
      },
      ...rules,
    });

  it("accepts metrics with their namespace's dimensions (and EventBusName for rules on a custom bus)", () => {
    const ok = dashboard(
      ["AWS/Lambda", "Errors", "FunctionName", "${aws_lambda_function.order.function_name}", { label: "order" }],
      [".", "Throttles", ".", "."],
      ["AWS/States", "ExecutionsFailed", "StateMachineArn", "${aws_sfn_state_machine.saga.arn}"],
      // Account-level Step Functions metrics (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html).
      ["AWS/States", "ThrottledEvents", "APIName", "StartExecution"],
      ["AWS/States", "ThrottledEvents", "ServiceMetric", "StateTransition"],
      [
        "AWS/Events",
        "FailedInvocations",
        "EventBusName",
        "${aws_cloudwatch_event_bus.orders.name}",
        "RuleName",
        "${aws_cloudwatch_event_rule.created.name}",
      ],
      ["AWS/Events", "FailedInvocations", "RuleName", "${aws_cloudwatch_event_rule.legacy.name}"],
      ["AWS/DynamoDB", "ThrottledRequests", "TableName", "orders"],
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", "${aws_sqs_queue.dlq.name}"],
      [{ expression: "m1 + m2", label: "total" }],
    );
    expect(judge(monitoringMetricsNameDimensions, ok, D).status).toBe("compliant");
  });

  it("names each metric that misses its dimension", () => {
    const bad = dashboard(
      ["AWS/Lambda", "Errors"],
      ["AWS/States", "ExecutionsFailed", "StateMachineName", "saga"],
      ["AWS/States", "ThrottledEvents", "StateMachineArn", "${aws_sfn_state_machine.saga.arn}"],
      ["AWS/Events", "FailedInvocations", "RuleName", "${aws_cloudwatch_event_rule.created.name}"],
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "Queue", "dlq"],
    );
    expect(messages(judge(monitoringMetricsNameDimensions, bad, D))).toEqual([
      "AWS/Lambda Errors has no FunctionName dimension",
      "AWS/States ExecutionsFailed has no StateMachineArn dimension",
      "AWS/States ThrottledEvents has no APIName or ServiceMetric dimension",
      "AWS/Events FailedInvocations has no EventBusName (the rule is on a custom bus) dimension",
      "AWS/SQS ApproximateNumberOfMessagesVisible has no QueueName dimension",
    ]);
  });

  it("checks alarms' dimensions too", () => {
    const alarm = (dimensions: Record<string, string>) =>
      stackJson({
        aws_cloudwatch_metric_alarm: { a: { namespace: "AWS/DynamoDB", metric_name: "ThrottledRequests", dimensions } },
      });
    expect(
      judge(monitoringMetricsNameDimensions, alarm({ TableName: "orders" }), "aws_cloudwatch_metric_alarm.a").status,
    ).toBe("compliant");
    expect(messages(judge(monitoringMetricsNameDimensions, alarm({}), "aws_cloudwatch_metric_alarm.a"))).toEqual([
      "AWS/DynamoDB ThrottledRequests has no TableName dimension",
    ]);
  });
});

describe("monitoring-alarm-topic-accepts-cloudwatch", () => {
  const T = "aws_sns_topic.alarms";
  const keyPolicy = (service: string) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AlarmsPublish",
          Effect: "Allow",
          Principal: { Service: service },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
        },
      ],
    });
  const withTopic = (topic: Record<string, unknown>, alarmed = true, key = keyPolicy("cloudwatch.amazonaws.com")) =>
    stackJson({
      aws_sns_topic: { alarms: { name: "alarms", ...topic } },
      aws_kms_key: { alarms: { enable_key_rotation: true, policy: key } },
      aws_cloudwatch_metric_alarm: alarmed
        ? { errors: { namespace: "AWS/Lambda", metric_name: "Errors", alarm_actions: ["${aws_sns_topic.alarms.arn}"] } }
        : {},
    });

  it("fails a topic that alarms notify when it is encrypted with aws/sns", () => {
    expect(
      messages(judge(monitoringAlarmTopicAcceptsCloudwatch, withTopic({ kms_master_key_id: "alias/aws/sns" }), T)),
    ).toEqual([
      "is encrypted with the AWS-managed alias/aws/sns key, which CloudWatch alarms cannot use: their notifications are never delivered",
    ]);
  });

  it("accepts a customer-managed key whose policy lets CloudWatch use it, and a topic without SSE", () => {
    expect(
      judge(monitoringAlarmTopicAcceptsCloudwatch, withTopic({ kms_master_key_id: "${aws_kms_key.alarms.arn}" }), T)
        .status,
    ).toBe("compliant");
    expect(judge(monitoringAlarmTopicAcceptsCloudwatch, withTopic({}), T).status).toBe("compliant");
  });

  it("fails a customer-managed key whose policy leaves CloudWatch out", () => {
    const closed = withTopic({ kms_master_key_id: "${aws_kms_key.alarms.arn}" }, true, keyPolicy("sns.amazonaws.com"));
    expect(messages(judge(monitoringAlarmTopicAcceptsCloudwatch, closed, T))).toEqual([
      "is encrypted with aws_kms_key.alarms, whose policy does not allow cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*",
    ]);
  });

  it("does not apply to a topic no alarm notifies", () => {
    expect(
      judge(monitoringAlarmTopicAcceptsCloudwatch, withTopic({ kms_master_key_id: "alias/aws/sns" }, false), T).status,
    ).toBe("not-applicable");
  });
});
