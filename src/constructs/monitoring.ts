import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Fn, Op, Token } from "cdktf";
import { Construct } from "constructs";
import { alarmTopicKeyPolicy } from "../iam/key-policy";
import { alarmTopicPolicy } from "../iam/topic-policy";
import { buildAlarmSpecs } from "../monitoring/alarm-specs";
import { buildDashboardBody } from "../monitoring/dashboard-body";
import { ObservedResources } from "../monitoring/observed-resources";

export interface MonitoringProps {
  /** Prefix of the dashboard, topic and alarm names. */
  readonly namePrefix: string;
  readonly observed: ObservedResources;
  /** E-mail address subscribed to the alarm topic; empty string for none. */
  readonly alarmEmail: string;
  /** The AWS account the stack deploys to (a token taken from a resource's ARN will do). */
  readonly accountId: string;
}

/** A dashboard of the pipeline and alarms on what fails, notifying an encrypted, TLS-only SNS topic. */
export class Monitoring extends Construct {
  readonly dashboard: CloudwatchDashboard;
  readonly topic: SnsTopic;
  /** Encrypts the topic; CloudWatch cannot publish to a topic under the AWS-managed aws/sns key. */
  readonly topicKey: KmsKey;
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topicKey = new KmsKey(this, "alarm-topic-key", {
      description: `Encrypts the ${props.namePrefix} alarm topic`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: JSON.stringify(alarmTopicKeyPolicy(props.accountId)),
    });
    new KmsAlias(this, "alarm-topic-key-alias", {
      name: `alias/${props.namePrefix}-alarms`,
      targetKeyId: this.topicKey.keyId,
    });
    this.topic = new SnsTopic(this, "alarm-topic", {
      name: `${props.namePrefix}-alarms`,
      kmsMasterKeyId: this.topicKey.arn,
    });
    new SnsTopicPolicy(this, "alarm-topic-policy", {
      arn: this.topic.arn,
      policy: JSON.stringify(alarmTopicPolicy(this.topic.arn, props.accountId)),
    });
    new SnsTopicSubscription(this, "alarm-email", {
      // Not `alarm_email == ""`: cdktf's Op drops an empty-string operand.
      count: Token.asNumber(Fn.conditional(Op.gte(Fn.lengthOf(props.alarmEmail), 1), 1, 0)),
      topicArn: this.topic.arn,
      protocol: "email",
      endpoint: props.alarmEmail,
    });
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: props.namePrefix,
      dashboardBody: JSON.stringify(buildDashboardBody(props.observed)),
    });
    const ids = new Set<string>();
    this.alarms = buildAlarmSpecs(props.observed).map((spec) => {
      if (ids.has(spec.id)) throw new Error(`Monitoring "${id}": two alarms share the id "${spec.id}".`);
      ids.add(spec.id);
      return new CloudwatchMetricAlarm(this, `alarm-${spec.id}`, {
        alarmName: `${props.namePrefix}-${spec.id}`,
        alarmDescription: spec.description,
        namespace: spec.namespace,
        metricName: spec.metricName,
        dimensions: { ...spec.dimensions },
        statistic: spec.statistic,
        period: 300,
        evaluationPeriods: 1,
        threshold: spec.threshold,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
      });
    });
  }

  /** The console address of the dashboard. */
  dashboardUrl(region: string): string {
    return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${this.dashboard.dashboardName}`;
  }
}
