import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Testing } from "cdktf";
import { DataTable, DataTableProps } from "../../src/constructs/data-table";
import { Tables } from "../../src/contracts/tables";

const props = (overrides: Partial<DataTableProps> = {}): DataTableProps => ({
  tableName: "orders-dev-orders",
  schema: Tables.orders,
  readCapacity: 0,
  writeCapacity: 0,
  ...overrides,
});

describe("DataTable", () => {
  test("point-in-time recovery and encryption at rest, keyed as the contract says", () => {
    const out = Testing.synthScope((s) => new DataTable(s, "orders", props()));
    expect(out).toHaveResourceWithProperties(DynamodbTable, {
      name: "orders-dev-orders",
      hash_key: "orderId",
      attribute: [{ name: "orderId", type: "S" }],
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: false,
    });
  });

  test("capacity 0 means on-demand: billing mode and capacities follow the value", () => {
    const table = Object.values(
      JSON.parse(Testing.synthScope((s) => new DataTable(s, "orders", props()))).resource.aws_dynamodb_table,
    )[0] as Record<string, string>;
    expect(table.billing_mode).toBe('${(0 < 1) ? "PAY_PER_REQUEST" : "PROVISIONED"}');
    expect(table.read_capacity).toBe("${(0 < 1) ? null : 0}");
  });

  test("a sort key and TTL come from the schema", () => {
    const out = Testing.synthScope((s) => {
      new DataTable(s, "inventory", props({ tableName: "inv", schema: Tables.inventory }));
      new DataTable(s, "idempotency", props({ tableName: "idem", schema: Tables.idempotency }));
    });
    expect(out).toHaveResourceWithProperties(DynamodbTable, { name: "inv", hash_key: "pk", range_key: "sk" });
    expect(out).toHaveResourceWithProperties(DynamodbTable, {
      name: "idem",
      ttl: { attribute_name: "expiration", enabled: true },
    });
  });

  test("prod: deletion protection, autoscaling between the capacity and a multiple of it, capacity drift ignored", () => {
    const out = Testing.synthScope(
      (s) =>
        new DataTable(
          s,
          "orders",
          props({ readCapacity: 5, writeCapacity: 5, deletionProtection: true, autoscalingMaxMultiplier: 20 }),
        ),
    );
    expect(out).toHaveResourceWithProperties(DynamodbTable, {
      deletion_protection_enabled: true,
      lifecycle: { ignore_changes: ["read_capacity", "write_capacity"] },
    });
    expect(out).toHaveResourceWithProperties(AppautoscalingPolicy, {
      policy_type: "TargetTrackingScaling",
      target_tracking_scaling_policy_configuration: {
        target_value: 70,
        predefined_metric_specification: { predefined_metric_type: "DynamoDBReadCapacityUtilization" },
      },
    });
    const targets = JSON.parse(out).resource.aws_appautoscaling_target;
    expect(Object.values(targets).map((t: any) => [t.scalable_dimension, t.min_capacity, t.max_capacity])).toEqual([
      ["dynamodb:table:ReadCapacityUnits", 5, "${(5 * 20)}"],
      ["dynamodb:table:WriteCapacityUnits", 5, "${(5 * 20)}"],
    ]);
  });

  test("grants name the table's ARN and the DynamoDB actions only", () => {
    let statement: unknown;
    Testing.synthScope((s) => {
      statement = new DataTable(s, "orders", props()).grant("ReadOrders", ["GetItem"]);
    });
    expect(statement).toEqual({
      Sid: "ReadOrders",
      Effect: "Allow",
      Action: ["dynamodb:GetItem"],
      Resource: [expect.stringMatching(/^\$\{TfToken\[/)],
    });
  });

  test.each([
    [
      { schema: { partitionKey: "id", sortKey: "id" } },
      'DataTable "bad": schema.sortKey must differ from schema.partitionKey ("id").',
    ],
    [{ autoscalingMaxMultiplier: 1 }, "autoscalingMaxMultiplier must be a whole number of at least 2, got 1"],
  ])("fails at synth when %j", (overrides, message) => {
    expect(() =>
      Testing.synthScope((s) => new DataTable(s, "bad", props(overrides as Partial<DataTableProps>))),
    ).toThrow(message);
  });
});
