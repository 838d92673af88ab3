import { CloudwatchEventBus } from "@cdktf/provider-aws/lib/cloudwatch-event-bus";
import { Construct } from "constructs";
import { PolicyStatement, allow } from "../iam/policy-document";

export interface OrderEventBusProps {
  /** The bus's name. */
  readonly busName: string;
}

/** The custom event bus the services publish to. It has no resource policy: only this account's principals reach it. */
export class OrderEventBus extends Construct {
  readonly bus: CloudwatchEventBus;

  constructor(scope: Construct, id: string, props: OrderEventBusProps) {
    super(scope, id);
    this.bus = new CloudwatchEventBus(this, "bus", { name: props.busName });
  }

  get name(): string {
    return this.bus.name;
  }

  get arn(): string {
    return this.bus.arn;
  }

  /** An IAM statement allowing `events:PutEvents` on this bus only. */
  grantPublish(sid: string): PolicyStatement {
    return allow(sid, ["events:PutEvents"], [this.bus.arn]);
  }
}
