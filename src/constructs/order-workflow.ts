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

/** Where the stack deploys: the parts of the state machine's ARN, known before the state machine exists. */
interface ArnScope {
  /** `aws`, `aws-cn`, `aws-us-gov`. */
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** What the execution log records (`logging_configuration`). */
interface ExecutionLogging {
  /** `ALL` logs every state transition; `ERROR` only failures. */
  readonly level: "ALL" | "ERROR";
  /** Whether log events carry each state's input and output (the order, the customer). */
  readonly includeExecutionData: boolean;
}

export interface OrderWorkflowProps {
  /** The state machine's name. */
  readonly stateMachineName: string;
  /** Partition, region and account of the stack: the role trusts Step Functions for this state machine only. */
  readonly arnScope: ArnScope;
  /** Charges and refunds. */
  readonly payment: Microservice;
  /** Reserves and releases stock. */
  readonly inventory: Microservice;
  /** Orders are marked COMPLETED or FAILED here. */
  readonly ordersTable: DataTable;
  /** Outcome events are published here. */
  readonly bus: OrderEventBus;
  /** The `source` of the outcome events, and their detail-types: all the state machine may publish. */
  readonly publishes: { readonly source: string; readonly detailTypes: readonly string[] };
  /** What the execution log records. Default: every transition, with execution data. */
  readonly logging?: ExecutionLogging;
  /** Days the execution log keeps events. */
  readonly logRetentionDays: number;
  /** X-Ray tracing (usually the `xray_tracing_enabled` variable's token). */
  readonly tracingEnabled: boolean | IResolvable;
  /**
   * `STANDARD` or `EXPRESS` (usually the `workflow_type` variable's token). Default `STANDARD`. Nothing
   * else changes with it: both log every execution to the group (for Express the log is the only
   * history), and every step of the saga is idempotent, as Express's at-least-once starts require.
   */
  readonly workflowType?: string;
}

/**
 * The order saga as a Standard or Express state machine: its definition from the pure builder, its own role
 * (invoke exactly the functions it calls, update the orders table, publish its own events to the bus,
 * deliver logs, write traces), which Step Functions may assume only for this state machine, and
 * execution logging to a vended-logs group.
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
    const { partition, region, accountId } = props.arnScope;
    // Built from its parts: the state machine's own arn attribute would make the role depend on the
    // state machine, which depends on the role.
    const stateMachineArn = `arn:${partition}:states:${region}:${accountId}:stateMachine:${props.stateMachineName}`;
    this.role = new ServiceRole(this, "role", {
      roleName: `${props.stateMachineName}-sfn`,
      servicePrincipal: "states.amazonaws.com",
      description: `Runs the ${props.stateMachineName} state machine`,
      trustedSource: { account: accountId, arn: stateMachineArn },
      statements: [
        allow("InvokeSagaFunctions", ["lambda:InvokeFunction"], [props.payment.arn, props.inventory.arn]),
        props.ordersTable.grant("RecordOrderOutcome", ["UpdateItem"]),
        props.bus.grantPublish("PublishOrderOutcome", props.publishes.source, props.publishes.detailTypes),
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
      type: props.workflowType ?? "STANDARD",
      roleArn: this.role.arn,
      definition: JSON.stringify(definition),
      loggingConfiguration: {
        level: props.logging?.level ?? "ALL",
        includeExecutionData: props.logging?.includeExecutionData ?? true,
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
