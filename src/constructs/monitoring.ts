import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Fn, Op, Token } from "cdktf";
import { Construct } from "constructs";
import { buildAlarmSpecs } from "../monitoring/alarm-specs";
import { buildDashboardBody } from "../monitoring/dashboard-body";
import { ObservedResources } from "../monitoring/observed-resources";

export interface MonitoringProps {
  /** Prefix of the dashboard, topic and alarm names. */
  readonly namePrefix: string;
  readonly observed: ObservedResources;
  /** E-mail address subscribed to the alarm topic; empty string for none. */
  readonly alarmEmail: string;
}

/** A dashboard of the pipeline and alarms on what fails, notifying an encrypted SNS topic. */
export class Monitoring extends Construct {
  readonly dashboard: CloudwatchDashboard;
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, "alarm-topic", {
      name: `${props.namePrefix}-alarms`,
      kmsMasterKeyId: "alias/aws/sns",
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
