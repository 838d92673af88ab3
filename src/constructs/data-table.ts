import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Fn, Op, Token } from "cdktf";
import { Construct } from "constructs";
import { TableKeySchema } from "../contracts/tables";
import { PolicyStatement, allow } from "../iam/policy-document";

/** DynamoDB actions a function may be granted on a table. */
export type TableAction = "GetItem" | "PutItem" | "UpdateItem" | "DeleteItem" | "Query" | "BatchGetItem";

export interface DataTableProps {
  /** The table's name. */
  readonly tableName: string;
  /** Keys (all strings) and the TTL attribute, from `src/contracts/tables.ts`. */
  readonly schema: TableKeySchema;
  /** Read capacity units; 0 makes the table on-demand. */
  readonly readCapacity: number;
  /** Write capacity units; 0 makes the table on-demand. */
  readonly writeCapacity: number;
  /** Refuse deletion. Default: false. */
  readonly deletionProtection?: boolean;
  /** When provisioned, scale each capacity from its setting up to this multiple. Default: no autoscaling. */
  readonly autoscalingMaxMultiplier?: number;
  /** Write a stream record of every change, with the item as it is after the change. Default: no stream. */
  readonly stream?: "NEW_IMAGE";
}

/**
 * A DynamoDB table with point-in-time recovery and encryption at rest, on-demand or provisioned as the
 * capacity variables say, optionally autoscaled.
 */
export class DataTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: DataTableProps) {
    super(scope, id);
    const { partitionKey, sortKey, ttlAttribute } = props.schema;
    if (sortKey === partitionKey) {
      throw new Error(`DataTable "${id}": schema.sortKey must differ from schema.partitionKey ("${partitionKey}").`);
    }
    const multiplier = props.autoscalingMaxMultiplier;
    if (multiplier !== undefined && (!Number.isInteger(multiplier) || multiplier < 2)) {
      throw new Error(
        `DataTable "${id}": autoscalingMaxMultiplier must be a whole number of at least 2, got ${multiplier}.`,
      );
    }
    // Capacities are validated to be 0 or at least 1; `< 1` avoids cdktf's Op dropping a literal 0.
    const onDemand = Op.lt(props.readCapacity, 1);
    this.table = new DynamodbTable(this, "table", {
      name: props.tableName,
      billingMode: Fn.conditional(onDemand, "PAY_PER_REQUEST", "PROVISIONED"),
      readCapacity: Token.asNumber(Fn.conditional(onDemand, null, props.readCapacity)),
      writeCapacity: Token.asNumber(Fn.conditional(onDemand, null, props.writeCapacity)),
      hashKey: partitionKey,
      rangeKey: sortKey,
      attribute: [partitionKey, ...(sortKey ? [sortKey] : [])].map((name) => ({ name, type: "S" })),
      ttl: ttlAttribute ? { enabled: true, attributeName: ttlAttribute } : undefined,
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection ?? false,
      ...(props.stream ? { streamEnabled: true, streamViewType: props.stream } : {}),
      lifecycle: multiplier ? { ignoreChanges: ["read_capacity", "write_capacity"] } : undefined,
    });
    if (multiplier) {
      this.addAutoscaling("read", props.readCapacity, multiplier);
      this.addAutoscaling("write", props.writeCapacity, multiplier);
    }
  }

  get name(): string {
    return this.table.name;
  }

  get arn(): string {
    return this.table.arn;
  }

  /** The latest stream's ARN; the table must have been given `stream`. */
  get streamArn(): string {
    if (!this.table.streamEnabled)
      throw new Error(`DataTable "${this.node.id}": the table has no stream (set the stream prop).`);
    return this.table.streamArn;
  }

  /**
   * An IAM statement allowing `actions` on this table only; with `partitionKeyPrefixes`, only on items
   * whose partition key starts with one of them (`dynamodb:LeadingKeys`).
   */
  grant(sid: string, actions: readonly TableAction[], partitionKeyPrefixes?: readonly string[]): PolicyStatement {
    const statement = allow(
      sid,
      actions.map((a) => `dynamodb:${a}`),
      [this.table.arn],
    );
    if (!partitionKeyPrefixes) return statement;
    if (partitionKeyPrefixes.length === 0)
      throw new Error(`DataTable grant "${sid}": partitionKeyPrefixes must not be empty.`);
    return {
      ...statement,
      Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": partitionKeyPrefixes.map((p) => `${p}*`) } },
    };
  }

  private addAutoscaling(kind: "read" | "write", capacity: number, multiplier: number): void {
    const dimension = kind === "read" ? "ReadCapacityUnits" : "WriteCapacityUnits";
    const target = new AppautoscalingTarget(this, `${kind}-scaling`, {
      count: Token.asNumber(Fn.conditional(Op.gte(capacity, 1), 1, 0)),
      serviceNamespace: "dynamodb",
      resourceId: `table/${this.table.name}`,
      scalableDimension: `dynamodb:table:${dimension}`,
      minCapacity: capacity,
      maxCapacity: Token.asNumber(Op.mul(capacity, multiplier)),
    });
    new AppautoscalingPolicy(this, `${kind}-scaling-policy`, {
      count: Token.asNumber(Fn.conditional(Op.gte(capacity, 1), 1, 0)),
      name: `${kind}-utilization`,
      policyType: "TargetTrackingScaling",
      serviceNamespace: "dynamodb",
      resourceId: `table/${this.table.name}`,
      scalableDimension: `dynamodb:table:${dimension}`,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: 70,
        predefinedMetricSpecification: {
          predefinedMetricType:
            kind === "read" ? "DynamoDBReadCapacityUtilization" : "DynamoDBWriteCapacityUtilization",
        },
      },
      dependsOn: [target],
    });
  }
}
