import { actionMatches, parsePolicy } from "../iam-document";
import { COMPLIANT, NOT_APPLICABLE, ResourceRule, SynthesizedResource, nonCompliant } from "../types";
import type { StackContext } from "../stack-context";

const ALARM_ACTION_ARGUMENTS = ["alarm_actions", "ok_actions", "insufficient_data_actions"] as const;
const KEY_ACTIONS_CLOUDWATCH_NEEDS = ["kms:Decrypt", "kms:GenerateDataKey"] as const;

/** Whether a key's policy lets the CloudWatch service principal use it to publish to the topic. */
function keyAllowsCloudWatch(key: SynthesizedResource, stack: StackContext): boolean {
  const policy = parsePolicy(stack, key.config.policy);
  if (!policy.ok) return false;
  const grants = policy.statements.filter(
    (s) =>
      s.effect === "Allow" && s.principals.some((p) => p.kind === "Service" && p.value === "cloudwatch.amazonaws.com"),
  );
  return KEY_ACTIONS_CLOUDWATCH_NEEDS.every((action) =>
    grants.some((s) => s.actions.some((a) => actionMatches(a, action))),
  );
}

export const monitoringAlarmTopicAcceptsCloudwatch: ResourceRule = {
  id: "monitoring-alarm-topic-accepts-cloudwatch",
  scope: "resource",
  title: "Topics that alarms notify are encrypted with a key CloudWatch may use (not aws/sns)",
  explanation:
    "CloudWatch alarms publish to an encrypted topic only if the topic's KMS key policy lets cloudwatch.amazonaws.com use the key. The AWS-managed aws/sns key's policy cannot be changed to allow that, so alarms on such a topic fail to publish: the alarm changes state and nobody is told.",
  fix: "Encrypt the topic with a customer-managed aws_kms_key whose policy allows cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* (scoped with aws:SourceAccount), or leave the topic without SSE (it carries alarm state changes only).",
  mirrors: ["Amazon SNS documentation: compatibility between AWS event sources and encrypted topics"],
  resourceTypes: ["aws_sns_topic"],
  check(topic, stack) {
    const notified = stack
      .resources("aws_cloudwatch_metric_alarm")
      .some((alarm) =>
        ALARM_ACTION_ARGUMENTS.some((arg) =>
          (Array.isArray(alarm.config[arg]) ? (alarm.config[arg] as unknown[]) : []).some((a) =>
            stack.refersTo(a, topic),
          ),
        ),
      );
    if (!notified) return NOT_APPLICABLE;
    const key = stack.resolve(topic.config.kms_master_key_id);
    if (key === undefined || key === null || key === "") return COMPLIANT;
    if (typeof key === "string" && /(^|:)alias\/aws\/sns$/.test(key)) {
      return nonCompliant(
        `is encrypted with the AWS-managed ${key} key, which CloudWatch alarms cannot use: their notifications are never delivered`,
      );
    }
    const customerKey = stack.referenced(key, "aws_kms_key");
    if (customerKey && keyAllowsCloudWatch(customerKey, stack)) return COMPLIANT;
    return nonCompliant(
      customerKey
        ? `is encrypted with ${customerKey.address}, whose policy does not allow cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey*`
        : `is encrypted with ${String(key)}, a key the check cannot see the policy of`,
    );
  },
};
