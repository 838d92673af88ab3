import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";
import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Fn, TerraformLocal, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { HandlerBundle, ServiceName } from "../bundling/handler-bundles";
import {
  AppSettings,
  PAYMENT_GATEWAY_ENV,
  PAYMENT_SIMULATOR_OPT_IN_TAG,
  SIMULATED_PAYMENT_GATEWAY,
} from "../config/app-config";
import { EnvironmentProfile } from "../config/profiles";
import { PipelineVariables } from "../config/variables";
import { DataTable } from "../constructs/data-table";
import { OrderEventBus } from "../constructs/event-bus";
import { EventRoute } from "../constructs/event-route";
import { Microservice } from "../constructs/microservice";
import { Monitoring } from "../constructs/monitoring";
import { OrderOutbox } from "../constructs/order-outbox";
import { OrderWorkflow } from "../constructs/order-workflow";
import { useS3StateBackend } from "../constructs/state-backend";
import {
  ArchivePattern,
  EventPublishers,
  EventSource,
  EventSourceName,
  RulePatterns,
} from "../contracts/event-routing";
import { EnvVar, InventoryKey, Tables, TableName } from "../contracts/tables";
import { PolicyStatement } from "../iam/policy-document";
import { SAMPLE_ORDER } from "./sample-order";

export interface OrderPipelineStackProps {
  /** The environment: defaults of the variables and settings that are not variables. */
  readonly profile: EnvironmentProfile;
  /** Region and state backend. */
  readonly settings: AppSettings;
  /** The four handlers' bundles. */
  readonly bundles: Readonly<Record<ServiceName, HandlerBundle>>;
}

/** A sample order for the `submit_test_order_command` output (and `npm run local`). */
/**
 * The partition and account id inside an ARN (`arn:partition:service:region:account:...`), as local
 * values: no data source that calls AWS, and plain `${local.account_id}` references that JSON documents
 * can embed.
 */
function arnPartsOf(scope: Construct, arn: string): { readonly partition: string; readonly accountId: string } {
  const local = (name: string, index: number) => {
    const value = new TerraformLocal(scope, name, Fn.element(Fn.split(":", arn), index));
    value.overrideLogicalId(name);
    return value.asString;
  };
  return { partition: local("partition", 1), accountId: local("account_id", 4) };
}

/** The detail-types the contracts give a source: all its owner may publish. */
function detailTypesOf(source: EventSourceName): string[] {
  return Object.values(EventPublishers)
    .filter((c) => c.source === source)
    .map((c) => c.detailType);
}

/** One environment of the order pipeline: bus, rules, saga, services, tables, the outbox pipe, monitoring. */
export class OrderPipelineStack extends TerraformStack {
  readonly variables: PipelineVariables;
  readonly bus: OrderEventBus;
  readonly tables: Readonly<Record<TableName, DataTable>>;
  readonly services: Readonly<Record<ServiceName, Microservice>>;
  readonly workflow: OrderWorkflow;
  readonly outbox: OrderOutbox;
  readonly routes: { readonly orderCreated: EventRoute; readonly orderOutcome: EventRoute };
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: OrderPipelineStackProps) {
    super(scope, id);
    const { profile, settings } = props;
    for (const service of ["order", "payment", "inventory", "notification"] as const) {
      if (!props.bundles[service]) throw new Error(`OrderPipelineStack "${id}": bundles.${service} is missing.`);
    }
    useS3StateBackend(this, id, settings.stateBackend);
    const vars = (this.variables = new PipelineVariables(this, "variables", profile));
    new AwsProvider(this, "aws", {
      region: settings.region,
      ...(settings.allowedAccountIds.length > 0 ? { allowedAccountIds: [...settings.allowedAccountIds] } : {}),
      defaultTags: [{ tags: { project: vars.projectName, environment: profile.name, "managed-by": "cdktf" } }],
    });
    new ArchiveProvider(this, "archive");

    const prefix = `${vars.projectName}-${profile.name}`;
    this.bus = new OrderEventBus(this, "event-bus", {
      busName: `${prefix}-orders`,
      archive: { retentionDays: vars.eventArchiveRetentionDays, pattern: ArchivePattern },
    });
    const { partition, accountId } = arnPartsOf(this, this.bus.arn);

    const table = (name: TableName, stream?: "NEW_IMAGE") =>
      new DataTable(this, `${name}-table`, {
        tableName: `${prefix}-${name}`,
        schema: Tables[name],
        readCapacity: vars.dynamodbReadCapacity,
        writeCapacity: vars.dynamodbWriteCapacity,
        deletionProtection: profile.deletionProtection,
        autoscalingMaxMultiplier: profile.autoscalingMaxMultiplier,
        stream,
      });
    const tables = (this.tables = {
      // Its stream is the outbox: the pipe publishes Order Created from it.
      orders: table("orders", "NEW_IMAGE"),
      inventory: table("inventory"),
      payments: table("payments"),
      idempotency: table("idempotency"),
    });

    const service = (
      name: ServiceName,
      description: string,
      environment: Record<string, string>,
      permissions: PolicyStatement[],
      extra: { asyncFailureQueueName?: string; tags?: Record<string, string> } = {},
    ) =>
      new Microservice(this, `${name}-service`, {
        functionName: `${prefix}-${name}`,
        description,
        bundle: props.bundles[name],
        memorySize: vars.lambdaMemorySize,
        logRetentionDays: vars.logRetentionDays,
        tracingEnabled: vars.xrayTracingEnabled,
        environment: { POWERTOOLS_METRICS_NAMESPACE: `${vars.projectName}`, ...environment },
        permissions,
        ...extra,
      });

    const services = (this.services = {
      order: service(
        "order",
        "Validates and records orders at the catalogue's prices; the outbox pipe publishes Order Created",
        { [EnvVar.ordersTable]: tables.orders.name, [EnvVar.catalogueTable]: tables.inventory.name },
        [
          tables.orders.grant("RecordOrders", ["GetItem", "PutItem"]),
          // Product items only (pk PRODUCT#<id>), not the reservations beside them.
          tables.inventory.grant("ReadCataloguePrices", ["BatchGetItem"], [InventoryKey.stock("").pk]),
        ],
      ),
      payment: service(
        "payment",
        "Charges and refunds orders, idempotently per order",
        { [EnvVar.paymentsTable]: tables.payments.name, [PAYMENT_GATEWAY_ENV]: settings.payments.gateway },
        [tables.payments.grant("RecordPayments", ["PutItem", "UpdateItem"])],
        profile.name === "prod" &&
          settings.payments.gateway === SIMULATED_PAYMENT_GATEWAY &&
          settings.payments.simulatorAcceptedInProd
          ? { tags: { [PAYMENT_SIMULATOR_OPT_IN_TAG]: "accepted" } }
          : {},
      ),
      inventory: service(
        "inventory",
        "Reserves and releases stock without overselling",
        { [EnvVar.inventoryTable]: tables.inventory.name },
        [tables.inventory.grant("ReserveStock", ["PutItem", "UpdateItem"])],
      ),
      notification: service(
        "notification",
        "Tells customers how their order ended, once per event, as the stored order says",
        { [EnvVar.idempotencyTable]: tables.idempotency.name, [EnvVar.ordersTable]: tables.orders.name },
        [
          tables.idempotency.grant("TrackDeliveredNotifications", ["GetItem", "PutItem", "UpdateItem", "DeleteItem"]),
          tables.orders.grant("ReadOrderOutcomes", ["GetItem"]),
        ],
        { asyncFailureQueueName: `${prefix}-notification-failures` },
      ),
    });

    this.workflow = new OrderWorkflow(this, "order-workflow", {
      stateMachineName: `${prefix}-order-saga`,
      arnScope: { partition, region: settings.region, accountId },
      payment: services.payment,
      inventory: services.inventory,
      ordersTable: tables.orders,
      bus: this.bus,
      publishes: { source: EventSource.orderWorkflow, detailTypes: detailTypesOf(EventSource.orderWorkflow) },
      logging: profile.sagaLogging,
      logRetentionDays: vars.logRetentionDays,
      tracingEnabled: vars.xrayTracingEnabled,
      workflowType: vars.workflowType,
    });
    this.outbox = new OrderOutbox(this, "order-outbox", {
      pipeName: `${prefix}-order-created`,
      ordersTable: tables.orders,
      bus: this.bus,
      arnScope: { partition, region: settings.region, accountId },
    });
    this.bus.restrictSources(
      [
        { source: EventSource.orderService, principalArn: this.outbox.role.arn },
        { source: EventSource.orderWorkflow, principalArn: this.workflow.role.arn },
      ],
      { variable: vars.eventRedrivePrincipalsVariable },
    );

    this.routes = {
      orderCreated: new EventRoute(this, "order-created-route", {
        bus: this.bus,
        accountId,
        ruleName: `${prefix}-order-created`,
        description: "Starts the order saga for every new order",
        pattern: RulePatterns.orderCreated,
        target: { kind: "state-machine", arn: this.workflow.arn },
      }),
      orderOutcome: new EventRoute(this, "order-outcome-route", {
        bus: this.bus,
        accountId,
        ruleName: `${prefix}-order-outcome`,
        description: "Notifies the customer when an order completes or fails",
        pattern: RulePatterns.orderOutcome,
        target: { kind: "function", arn: services.notification.arn, functionName: services.notification.functionName },
      }),
    };

    this.monitoring = new Monitoring(this, "monitoring", {
      namePrefix: prefix,
      alarmEmail: vars.alarmEmail,
      accountId,
      observed: {
        metricsNamespace: vars.projectName,
        region: settings.region,
        functions: Object.entries(services).map(([label, fn]) => ({ label, name: fn.functionName })),
        stateMachine: { label: "order-saga", arn: this.workflow.arn },
        rules: Object.entries(this.routes).map(([label, route]) => ({
          label: label === "orderCreated" ? "order-created" : "order-outcome",
          busName: this.bus.name,
          ruleName: route.rule.name,
        })),
        pipes: [{ label: "order-created-pipe", name: this.outbox.name }],
        tables: Object.entries(tables).map(([label, t]) => ({ label, name: t.name })),
        queues: [
          { label: "order-created-dlq", name: this.routes.orderCreated.deadLetterQueue.name },
          { label: "order-outcome-dlq", name: this.routes.orderOutcome.deadLetterQueue.name },
          { label: "order-created-pipe-dlq", name: this.outbox.deadLetterQueue.name },
          { label: "notification-failures", name: (services.notification.asyncFailureQueue as { name: string }).name },
        ],
      },
    });

    this.addOutputs(settings.region);
  }

  /** Every zip the stack deploys: the offline plan stands these in where the archive provider is missing. */
  archives(): DataArchiveFile[] {
    return Object.values(this.services).map((s) => s.archive);
  }

  private addOutputs(region: string): void {
    const output = (name: string, value: unknown, description: string) =>
      new TerraformOutput(this, name, { value, description }).overrideLogicalId(name);
    output("event_bus_name", this.bus.name, "Name of the custom event bus the services publish to.");
    output("event_bus_arn", this.bus.arn, "ARN of the custom event bus.");
    output(
      "event_archive_arn",
      this.bus.archive?.arn,
      "ARN of the bus's archive: the EventSourceArn of a StartReplay (README: Replaying archived events).",
    );
    output("state_machine_arn", this.workflow.arn, "ARN of the order saga state machine.");
    output(
      "orders_table_name",
      this.tables.orders.name,
      "Name of the orders table (status PENDING, COMPLETED or FAILED).",
    );
    output(
      "table_names",
      Object.fromEntries(Object.entries(this.tables).map(([name, t]) => [name, t.name])),
      "Name of each table: orders, inventory (the catalogue and its stock), payments, idempotency.",
    );
    output(
      "function_names",
      Object.fromEntries(Object.entries(this.services).map(([name, s]) => [name, s.functionName])),
      "Name of each microservice's function.",
    );
    output("dashboard_url", this.monitoring.dashboardUrl(region), "CloudWatch dashboard of the pipeline.");
    output(
      "submit_test_order_command",
      `aws lambda invoke --region ${region} --function-name ${this.services.order.functionName} --cli-binary-format raw-in-base64-out --payload '${JSON.stringify(SAMPLE_ORDER)}' /dev/stdout`,
      "Submits a sample order through the Order function; follow it on the dashboard and in the state machine's executions.",
    );
  }
}
