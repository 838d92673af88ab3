import { CloudwatchEventArchive } from "@cdktf/provider-aws/lib/cloudwatch-event-archive";
import { CloudwatchEventBus } from "@cdktf/provider-aws/lib/cloudwatch-event-bus";
import { CloudwatchEventBusPolicy } from "@cdktf/provider-aws/lib/cloudwatch-event-bus-policy";
import { Construct } from "constructs";
import { SourceOwner, sourceOwnershipBusPolicy } from "../iam/bus-policy";
import { PolicyStatement, allow } from "../iam/policy-document";

export interface OrderEventBusProps {
  /** The bus's name. */
  readonly busName: string;
  /** An archive of the events matching `pattern`, kept `retentionDays` (0: indefinitely). Default: none. */
  readonly archive?: { readonly retentionDays: number; readonly pattern: object };
}

/**
 * The custom event bus the services publish to. Only this account's principals reach it (its policy
 * grants no one else), and `restrictSources` makes each of our sources publishable by its owner alone.
 */
export class OrderEventBus extends Construct {
  readonly bus: CloudwatchEventBus;
  /**
   * The archive StartReplay replays from (README: "Replaying archived events"). Encrypted with an AWS owned
   * key: provider 5.100.0's aws_cloudwatch_event_archive has no kms_key_identifier, and the bus itself uses
   * the AWS owned key too.
   */
  readonly archive?: CloudwatchEventArchive;
  /** The source-ownership policy, once `restrictSources` is called. */
  policy?: CloudwatchEventBusPolicy;

  constructor(scope: Construct, id: string, props: OrderEventBusProps) {
    super(scope, id);
    this.bus = new CloudwatchEventBus(this, "bus", { name: props.busName });
    if (props.archive) {
      this.archive = new CloudwatchEventArchive(this, "archive", {
        name: `${props.busName}-archive`,
        description: "Events of this project's sources, for StartReplay",
        eventSourceArn: this.bus.arn,
        eventPattern: JSON.stringify(props.archive.pattern),
        retentionDays: props.archive.retentionDays,
      });
    }
  }

  get name(): string {
    return this.bus.name;
  }

  get arn(): string {
    return this.bus.arn;
  }

  /**
   * An IAM statement allowing `events:PutEvents` on this bus only, and only of events with this `source`
   * and one of these detail-types.
   */
  grantPublish(sid: string, source: string, detailTypes: readonly string[]): PolicyStatement {
    if (detailTypes.length === 0)
      throw new Error(`OrderEventBus.grantPublish("${sid}"): name at least one detail-type of ${source}.`);
    return allow(sid, ["events:PutEvents"], [this.bus.arn], {
      StringEquals: { "events:source": source, "events:detail-type": [...detailTypes] },
    });
  }

  /**
   * Attaches the bus policy denying each source to every principal but its owner, and the roles the list
   * variable `redrivers` names (the reviewed operator roles that put dead letters back). Call it once.
   */
  restrictSources(owners: readonly SourceOwner[], redrivers?: { readonly variable: string }): CloudwatchEventBusPolicy {
    if (this.policy) throw new Error(`OrderEventBus "${this.node.id}": restrictSources was already called.`);
    this.policy = new CloudwatchEventBusPolicy(this, "policy", {
      eventBusName: this.bus.name,
      policy: JSON.stringify(sourceOwnershipBusPolicy(this.bus.arn, owners, redrivers)),
    });
    return this.policy;
  }
}
