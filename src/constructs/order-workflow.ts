import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { IResolvable } from "cdktf";
import { Construct } from "constructs";
import { LOG_DELIVERY_ACTIONS, allow, xrayWriteStatement } from "../iam/policy-document";
import { buildOrderWorkflowDefinition } from "../workflow/order-workflow";
import { DataTable } from "./data-table";
import { OrderEventBus } from "./event-bus";
import { Microservice } from "./microservice";
import { ServiceRole } from "./service-role";

export interface OrderWorkflowProps {
  /** The state machine's name. */
  readonly stateMachineName: string;
  /** Charges and refunds. */
  readonly payment: Microservice;
  /** Reserves and releases stock. */
  readonly inventory: Microservice;
  /** Orders are marked COMPLETED or FAILED here. */
  readonly ordersTable: DataTable;
  /** Outcome events are published here. */
  readonly bus: OrderEventBus;
  /** Days the execution log keeps events. */
  readonly logRetentionDays: number;
  /** X-Ray tracing (usually the `xray_tracing_enabled` variable's token). */
  readonly tracingEnabled: boolean | IResolvable;
}

/**
 * The order saga as a Standard state machine: its definition from the pure builder, its own role
 * (invoke exactly the functions it calls, update the orders table, publish to the bus, deliver logs,
 * write traces), and full execution logging to a vended-logs group.
 */
export class OrderWorkflow extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: OrderWorkflowProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/vendedlogs/states/${props.stateMachineName}`,
      retentionInDays: props.logRetentionDays,
    });
    this.role = new ServiceRole(this, "role", {
      roleName: `${props.stateMachineName}-sfn`,
      servicePrincipal: "states.amazonaws.com",
      description: `Runs the ${props.stateMachineName} state machine`,
      statements: [
        allow("InvokeSagaFunctions", ["lambda:InvokeFunction"], [props.payment.arn, props.inventory.arn]),
        props.ordersTable.grant("RecordOrderOutcome", ["UpdateItem"]),
        props.bus.grantPublish("PublishOrderOutcome"),
        allow("DeliverExecutionLogs", [...LOG_DELIVERY_ACTIONS], ["*"]),
        xrayWriteStatement(),
      ],
    });
    const definition = buildOrderWorkflowDefinition({
      paymentFunctionArn: props.payment.arn,
      inventoryFunctionArn: props.inventory.arn,
      ordersTableName: props.ordersTable.name,
      eventBusName: props.bus.name,
    });
    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name: props.stateMachineName,
      type: "STANDARD",
      roleArn: this.role.arn,
      definition: JSON.stringify(definition),
      loggingConfiguration: {
        level: "ALL",
        includeExecutionData: true,
        logDestination: `${this.logGroup.arn}:*`,
      },
      tracingConfiguration: { enabled: props.tracingEnabled },
      dependsOn: [this.role.policy],
    });
  }

  get arn(): string {
    return this.stateMachine.arn;
  }
}
