import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchEventArchive } from "@cdktf/provider-aws/lib/cloudwatch-event-archive";
import { CloudwatchEventBus } from "@cdktf/provider-aws/lib/cloudwatch-event-bus";
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { ArchivePattern, EventSource, RulePatterns } from "../../src/contracts/events";
import { ORDER_CREATED_FILTER, ORDER_CREATED_INPUT_TEMPLATE } from "../../src/contracts/outbox";
import { ACTIONS_WITHOUT_RESOURCE_SCOPE } from "../../src/iam/policy-document";
import { fixtureBundles } from "../support/bundles";
import { StackJson, resourcesOf, synthPipeline } from "../support/synth";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require("asl-validator") as (definition: unknown) => {
  isValid: boolean;
  errorsText: (sep?: string) => string;
};

const bundles = fixtureBundles();
const dev = synthPipeline("dev", bundles);
const prod = synthPipeline("prod", bundles);

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource?: string[];
  Principal?: Record<string, string>;
}
const policiesOf = (json: StackJson) =>
  Object.entries(resourcesOf(json, "aws_iam_role_policy")).map(([name, p]) => ({
    name,
    role: p.role as string,
    statements: (JSON.parse(p.policy as string) as { Statement: Statement[] }).Statement,
  }));

describe("OrderPipelineStack (dev)", () => {
  const { synthesized, json } = dev;

  test("keeps state in S3: encrypted with the bootstrap stack's key (SSE-KMS), natively locked, one key per environment", () => {
    expect(json.terraform.backend).toEqual({
      s3: {
        bucket: "orders-terraform-state",
        key: "orders-pipeline/orders-dev.tfstate",
        region: "us-east-1",
        encrypt: true,
        kms_key_id: "alias/orders-terraform-state",
        use_lockfile: true,
      },
    });
  });

  test("pins the providers and tags everything with project, environment and managed-by", () => {
    expect(json.terraform.required_providers).toMatchObject({
      aws: { version: "5.100.0" },
      archive: { version: "2.7.1" },
    });
    expect(json.provider.aws).toEqual([
      {
        region: "us-east-1",
        default_tags: [{ tags: { project: "${var.project_name}", environment: "dev", "managed-by": "cdktf" } }],
      },
    ]);
  });

  test("declares the architecture: bus, two rules, four functions zipped by archive_file, four tables, a state machine, a dashboard", () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchEventBus, { name: "${var.project_name}-dev-orders" });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchEventRule, {
      event_pattern: JSON.stringify(RulePatterns.orderCreated),
    });
    expect(synthesized).toHaveResourceWithProperties(CloudwatchEventRule, {
      event_pattern: JSON.stringify(RulePatterns.orderOutcome),
    });
    expect(Object.keys(resourcesOf(json, "aws_lambda_function"))).toHaveLength(4);
    expect(Object.keys(json.data?.archive_file ?? {})).toHaveLength(4);
    expect(synthesized).toHaveDataSource(DataArchiveFile);
    for (const name of ["orders", "inventory", "payments", "idempotency"]) {
      expect(synthesized).toHaveResourceWithProperties(DynamodbTable, { name: `\${var.project_name}-dev-${name}` });
    }
    // The type is the validated workflow_type variable, STANDARD unless set.
    expect(synthesized).toHaveResourceWithProperties(SfnStateMachine, { type: "${var.workflow_type}" });
    expect(json.variable.workflow_type).toMatchObject({ type: "string", default: "STANDARD" });
    expect(synthesized).toHaveResource(CloudwatchDashboard);
    expect(synthesized).toHaveResource(SnsTopic);
  });

  test("archives the bus's events of the project's sources, for event_archive_retention_days, for StartReplay", () => {
    // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateArchive.html: RetentionDays 0 keeps
    // events indefinitely; without a pattern every event but replayed ones would be archived.
    const [busId] = Object.keys(resourcesOf(json, "aws_cloudwatch_event_bus"));
    expect(synthesized).toHaveResourceWithProperties(CloudwatchEventArchive, {
      name: "${var.project_name}-dev-orders-archive",
      event_source_arn: `\${aws_cloudwatch_event_bus.${busId}.arn}`,
      retention_days: "${var.event_archive_retention_days}",
      event_pattern: JSON.stringify(ArchivePattern),
    });
    expect(JSON.parse(JSON.stringify(ArchivePattern))).toEqual({
      source: [EventSource.orderService, EventSource.orderWorkflow],
    });
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_event_archive"))).toHaveLength(1);
    expect((json.output as Record<string, { value: string }>).event_archive_arn?.value).toMatch(
      /^\$\{aws_cloudwatch_event_archive\.event-bus_archive_[0-9A-F]+\.arn\}$/,
    );
  });

  test("every function: nodejs22.x, tracing and memory from the variables, JSON logs, table names in its environment; Order is not told the bus", () => {
    for (const fn of Object.values(resourcesOf(json, "aws_lambda_function"))) {
      expect(fn).toMatchObject({
        runtime: "nodejs22.x",
        memory_size: "${var.lambda_memory_size}",
        tracing_config: { mode: '${var.xray_tracing_enabled ? "Active" : "PassThrough"}' },
        logging_config: { log_format: "JSON" },
      });
    }
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      function_name: "${var.project_name}-dev-order",
      environment: {
        variables: expect.objectContaining({
          ORDERS_TABLE_NAME: expect.stringContaining("aws_dynamodb_table.orders-table_"),
        }),
      },
    });
    const order = Object.entries(resourcesOf(json, "aws_lambda_function")).find(([name]) =>
      name.startsWith("order-service"),
    )?.[1] as { environment: { variables: Record<string, string> } };
    expect(order.environment.variables.EVENT_BUS_NAME).toBeUndefined();
  });

  test("log groups keep events for log_retention_days; the state machine logs ALL with execution data to a vended-logs group", () => {
    const groups = Object.values(resourcesOf(json, "aws_cloudwatch_log_group"));
    expect(groups).toHaveLength(5);
    for (const g of groups) expect(g.retention_in_days).toBe("${var.log_retention_days}");
    const sm = Object.values(resourcesOf(json, "aws_sfn_state_machine"))[0] as Record<string, any>;
    expect(sm.logging_configuration).toMatchObject({ level: "ALL", include_execution_data: true });
    expect(sm.logging_configuration.log_destination).toMatch(
      /^\$\{aws_cloudwatch_log_group\.order-workflow_logs_[0-9A-F]+\.arn\}:\*$/,
    );
    expect(groups.map((g) => g.name)).toContain("/aws/vendedlogs/states/${var.project_name}-dev-order-saga");
    expect(sm.tracing_configuration).toEqual({ enabled: "${var.xray_tracing_enabled}" });
  });

  test("the state machine definition is valid Amazon States Language", () => {
    const sm = Object.values(resourcesOf(json, "aws_sfn_state_machine"))[0] as { definition: string };
    const result = aslValidator(JSON.parse(sm.definition));
    expect({ valid: result.isValid, errors: result.errorsText("\n") }).toEqual({ valid: true, errors: "" });
  });

  test("outputs what an operator needs, described", () => {
    for (const name of [
      "event_bus_name",
      "event_bus_arn",
      "state_machine_arn",
      "orders_table_name",
      "table_names",
      "function_names",
      "dashboard_url",
      "submit_test_order_command",
    ]) {
      expect(json.output[name]).toEqual(
        expect.objectContaining({ description: expect.any(String), value: expect.anything() }),
      );
    }
    expect(json.output.submit_test_order_command?.value).toMatch(
      /^aws lambda invoke --region us-east-1 --function-name \$\{aws_lambda_function\.order-service_function_[0-9A-F]+\.function_name\} /,
    );
  });
});

describe("alarm topic", () => {
  const { json } = dev;

  test("is encrypted with its own rotating key that CloudWatch may use, from this account only", () => {
    const topic = Object.values(resourcesOf(json, "aws_sns_topic"))[0] as { kms_master_key_id: string };
    expect(topic.kms_master_key_id).toMatch(/^\$\{aws_kms_key\.monitoring_alarm-topic-key_[0-9A-F]+\.arn\}$/);
    const key = Object.values(resourcesOf(json, "aws_kms_key"))[0] as { policy: string; enable_key_rotation: boolean };
    expect(key.enable_key_rotation).toBe(true);
    const statements = JSON.parse(key.policy).Statement as Statement[];
    const accountId = "${local.account_id}";
    // The account id comes from the bus's ARN (no data source calls AWS); terraform checks the expression in the offline plan.
    expect((json as unknown as { locals: Record<string, string> }).locals.account_id).toMatch(
      /^\$\{element\(split\(.*, aws_cloudwatch_event_bus\.event-bus_[0-9A-F]+\.arn\), 4\)\}$/,
    );
    expect(statements[0]).toMatchObject({ Principal: { AWS: expect.stringContaining(accountId) }, Action: ["kms:*"] });
    expect(statements[1]).toMatchObject({
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Condition: { StringEquals: { "aws:SourceAccount": expect.stringContaining(accountId) } },
    });
  });
});

describe("least privilege", () => {
  const { json } = dev;
  const roles = resourcesOf(json, "aws_iam_role");
  const policies = policiesOf(json);

  test("one role per function, one for the state machine, one for EventBridge; each trusts exactly one service", () => {
    const principals = Object.values(roles).map((r) => {
      const trust = JSON.parse(r.assume_role_policy as string) as { Statement: Statement[] };
      expect(trust.Statement).toHaveLength(1);
      return trust.Statement[0]?.Principal?.Service;
    });
    expect(principals.sort()).toEqual([
      "events.amazonaws.com",
      "lambda.amazonaws.com",
      "lambda.amazonaws.com",
      "lambda.amazonaws.com",
      "lambda.amazonaws.com",
      "pipes.amazonaws.com",
      "states.amazonaws.com",
    ]);
    expect(json.resource.aws_iam_role_policy_attachment).toBeUndefined();
  });

  test("no wildcard actions, and Resource * only for actions AWS cannot scope", () => {
    for (const p of policies) {
      for (const s of p.statements) {
        for (const action of s.Action) expect(action).not.toMatch(/\*/);
        if (s.Resource?.includes("*")) {
          for (const action of s.Action) expect(ACTIONS_WITHOUT_RESOURCE_SCOPE).toContain(action);
        }
      }
    }
  });

  const actionsOfRole = (roleFragment: string) =>
    policies
      .filter((p) => p.role.includes(roleFragment))
      .flatMap((p) => p.statements.filter((s) => !s.Resource?.includes("*")).flatMap((s) => s.Action));

  test.each([
    // Writes its table and nothing else: Order Created leaves through the stream and the pipe.
    [
      "order-service",
      ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "logs:CreateLogStream", "logs:PutLogEvents"],
    ],
    [
      "order-outbox",
      [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
        "events:PutEvents",
        "sqs:SendMessage",
      ],
    ],
    [
      "payment-service",
      // No GetItem: its conditional writes answer with the record they find.
      ["dynamodb:PutItem", "dynamodb:UpdateItem", "logs:CreateLogStream", "logs:PutLogEvents"],
    ],
    [
      "notification-service",
      [
        "dynamodb:DeleteItem",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "sqs:SendMessage",
      ],
    ],
    [
      "inventory-service",
      // No GetItem: its conditional writes answer with the record they find.
      ["dynamodb:PutItem", "dynamodb:UpdateItem", "logs:CreateLogStream", "logs:PutLogEvents"],
    ],
    ["order-workflow", ["dynamodb:UpdateItem", "events:PutEvents", "lambda:InvokeFunction"]],
    ["order-created-route", ["states:StartExecution"]],
  ])("%s may do exactly what it does", (role, actions) => {
    expect([...new Set(actionsOfRole(role))].sort()).toEqual(actions);
  });

  test("the Order service reads prices from the inventory table's product items only; Notification reads the orders it announces", () => {
    const statement = (role: string, sid: string) =>
      policies
        .filter((p) => p.role.includes(role))
        .flatMap((p) => p.statements)
        .find((s) => s.Sid === sid);
    expect(statement("order-service", "ReadCataloguePrices")).toEqual({
      Sid: "ReadCataloguePrices",
      Effect: "Allow",
      Action: ["dynamodb:BatchGetItem"],
      Resource: [expect.stringMatching(/^\$\{aws_dynamodb_table\.inventory-table_[0-9A-F]+\.arn\}$/)],
      // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html
      Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["PRODUCT#*"] } },
    });
    expect(statement("notification-service", "ReadOrderOutcomes")).toEqual({
      Sid: "ReadOrderOutcomes",
      Effect: "Allow",
      Action: ["dynamodb:GetItem"],
      Resource: [expect.stringMatching(/^\$\{aws_dynamodb_table\.orders-table_[0-9A-F]+\.arn\}$/)],
    });
  });

  test("the state machine invokes exactly the payment and inventory functions", () => {
    const invoke = policies
      .filter((p) => p.role.includes("order-workflow"))
      .flatMap((p) => p.statements)
      .find((s) => s.Action.includes("lambda:InvokeFunction"));
    expect(invoke?.Resource).toEqual([
      expect.stringMatching(/^\$\{aws_lambda_function\.payment-service_function_[0-9A-F]+\.arn\}$/),
      expect.stringMatching(/^\$\{aws_lambda_function\.inventory-service_function_[0-9A-F]+\.arn\}$/),
    ]);
  });

  test("EventBridge's role may start this state machine only", () => {
    const start = policies.filter((p) => p.role.includes("order-created-route")).flatMap((p) => p.statements);
    expect(start).toEqual([
      {
        Sid: "StartOneStateMachine",
        Effect: "Allow",
        Action: ["states:StartExecution"],
        Resource: [expect.stringMatching(/^\$\{aws_sfn_state_machine\.order-workflow_state-machine_[0-9A-F]+\.arn\}$/)],
      },
    ]);
  });
});

describe("who may publish, and on whose behalf services act", () => {
  const { json } = dev;
  const policies = policiesOf(json);
  const roleRef = (fragment: string) =>
    expect.stringMatching(new RegExp(`^\\$\\{aws_iam_role\\.${fragment}_role_[0-9A-F]+\\.arn\\}$`));
  const busArn = expect.stringMatching(/^\$\{aws_cloudwatch_event_bus\.event-bus_[0-9A-F]+\.arn\}$/);

  /** The owner, then the reviewed operator roles of var.event_redrive_principal_arns (none by default). */
  const ownerAndRedrivers = (fragment: string) => [
    expect.stringMatching(
      new RegExp(
        `^\\$\\{aws_iam_role\\.${fragment}_role_[0-9A-F]+\\.arn\\}%\\{ for arn in var\\.event_redrive_principal_arns \\}$`,
      ),
    ),
    "${arn}%{ endfor }",
  ];

  test("the bus policy denies each of our sources to every principal but the role that owns it (and the reviewed redrive roles)", () => {
    const [busPolicy] = Object.values(resourcesOf(json, "aws_cloudwatch_event_bus_policy")) as {
      event_bus_name: string;
      policy: string;
    }[];
    expect(busPolicy?.event_bus_name).toMatch(/^\$\{aws_cloudwatch_event_bus\.event-bus_[0-9A-F]+\.name\}$/);
    expect(JSON.parse(busPolicy?.policy ?? "{}").Statement).toEqual([
      {
        Sid: "OnlyOwnerPublishesOrdersOrderService",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: ["events:PutEvents"],
        Resource: [busArn],
        Condition: {
          StringEquals: { "events:source": "orders.order-service" },
          ArnNotEquals: { "aws:PrincipalArn": ownerAndRedrivers("order-outbox") },
        },
      },
      {
        Sid: "OnlyOwnerPublishesOrdersOrderWorkflow",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: ["events:PutEvents"],
        Resource: [busArn],
        Condition: {
          StringEquals: { "events:source": "orders.order-workflow" },
          ArnNotEquals: { "aws:PrincipalArn": ownerAndRedrivers("order-workflow") },
        },
      },
    ]);
  });

  test.each([
    ["order-outbox", "orders.order-service", ["Order Created"]],
    ["order-workflow", "orders.order-workflow", ["Order Completed", "Order Failed"]],
  ])("%s may publish its own source and detail-types only", (role, source, detailTypes) => {
    const grants = policies
      .filter((p) => p.role.includes(role))
      .flatMap((p) => p.statements)
      .filter((st) => st.Action.includes("events:PutEvents"));
    expect(grants).toEqual([
      expect.objectContaining({
        Resource: [busArn],
        Condition: { StringEquals: { "events:source": source, "events:detail-type": detailTypes } },
      }),
    ]);
  });

  test("Step Functions may assume the saga's role for this state machine of this account only", () => {
    const role = Object.entries(resourcesOf(json, "aws_iam_role")).find(([name]) =>
      name.startsWith("order-workflow"),
    )?.[1] as { assume_role_policy: string };
    expect(JSON.parse(role.assume_role_policy).Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "${local.account_id}" },
      ArnEquals: {
        "aws:SourceArn":
          "arn:${local.partition}:states:us-east-1:${local.account_id}:stateMachine:${var.project_name}-dev-order-saga",
      },
    });
    const machine = Object.values(resourcesOf(json, "aws_sfn_state_machine"))[0] as { name: string };
    expect(machine.name).toBe("${var.project_name}-dev-order-saga");
    expect((json as unknown as { locals: Record<string, string> }).locals.partition).toMatch(
      /^\$\{element\(split\(.*, aws_cloudwatch_event_bus\.event-bus_[0-9A-F]+\.arn\), 1\)\}$/,
    );
  });

  test("the outbox: a pipe from the orders table's NEW_IMAGE stream to the bus, new PENDING orders only, with retries and a dead-letter queue", () => {
    const tables = Object.entries(resourcesOf(json, "aws_dynamodb_table")) as [string, Record<string, unknown>][];
    expect(
      tables.filter(([, t]) => t.stream_enabled).map(([name, t]) => [name.split("_")[0], t.stream_view_type]),
    ).toEqual([["orders-table", "NEW_IMAGE"]]);
    const pipes = Object.values(resourcesOf(json, "aws_pipes_pipe")) as Record<string, any>[];
    expect(pipes).toHaveLength(1);
    const pipe = pipes[0]!;
    expect(pipe.source).toMatch(/^\$\{aws_dynamodb_table\.orders-table_[0-9A-F]+\.stream_arn\}$/);
    expect(pipe.target).toEqual(busArn);
    expect(pipe.role_arn).toEqual(roleRef("order-outbox"));
    const dynamodb = pipe.source_parameters.dynamodb_stream_parameters;
    expect(dynamodb).toMatchObject({
      starting_position: "TRIM_HORIZON",
      batch_size: 10,
      maximum_retry_attempts: 10,
      maximum_record_age_in_seconds: 3600,
    });
    expect(dynamodb.dead_letter_config.arn).toMatch(/^\$\{aws_sqs_queue\.order-outbox_dlq_queue_[0-9A-F]+\.arn\}$/);
    expect(
      pipe.source_parameters.filter_criteria.filter.map((f: { pattern: string }) => JSON.parse(f.pattern)),
    ).toEqual([ORDER_CREATED_FILTER]);
    expect(pipe.target_parameters).toEqual({
      input_template: ORDER_CREATED_INPUT_TEMPLATE,
      eventbridge_event_bus_parameters: { source: "orders.order-service", detail_type: "Order Created" },
    });
  });

  test("Pipes may assume the outbox role for this pipe of this account only", () => {
    const role = Object.entries(resourcesOf(json, "aws_iam_role")).find(([name]) =>
      name.startsWith("order-outbox"),
    )?.[1] as { assume_role_policy: string };
    expect(JSON.parse(role.assume_role_policy).Statement[0]).toMatchObject({
      Principal: { Service: "pipes.amazonaws.com" },
      Condition: {
        StringEquals: { "aws:SourceAccount": "${local.account_id}" },
        ArnEquals: {
          "aws:SourceArn":
            "arn:${local.partition}:pipes:us-east-1:${local.account_id}:pipe/${var.project_name}-dev-order-created",
        },
      },
    });
    const pipe = Object.values(resourcesOf(json, "aws_pipes_pipe"))[0] as { name: string };
    expect(pipe.name).toBe("${var.project_name}-dev-order-created");
  });

  test("the alarm topic accepts CloudWatch alarms of this account, and nothing without TLS", () => {
    const [topicPolicy] = Object.values(resourcesOf(json, "aws_sns_topic_policy")) as { arn: string; policy: string }[];
    expect(topicPolicy?.arn).toMatch(/^\$\{aws_sns_topic\.monitoring_alarm-topic_[0-9A-F]+\.arn\}$/);
    expect(JSON.parse(topicPolicy?.policy ?? "{}").Statement).toEqual([
      expect.objectContaining({
        Effect: "Deny",
        Action: ["sns:*"],
        Condition: { Bool: { "aws:SecureTransport": false } },
      }),
      expect.objectContaining({
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["sns:Publish"],
        Condition: { StringEquals: { "aws:SourceAccount": "${local.account_id}" } },
      }),
    ]);
  });

  test("every queue refuses plain HTTP", () => {
    const queuePolicies = Object.values(resourcesOf(json, "aws_sqs_queue_policy")) as { policy: string }[];
    expect(queuePolicies).toHaveLength(Object.keys(resourcesOf(json, "aws_sqs_queue")).length);
    for (const qp of queuePolicies) {
      expect(JSON.parse(qp.policy).Statement[0]).toMatchObject({
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Condition: { Bool: { "aws:SecureTransport": false } },
      });
    }
  });

  test("the Payment function is told its gateway; the provider is limited to the configured accounts", () => {
    const payment = Object.entries(resourcesOf(json, "aws_lambda_function")).find(([name]) =>
      name.startsWith("payment"),
    )?.[1] as { environment: { variables: Record<string, string> } };
    expect(payment.environment.variables.PAYMENT_GATEWAY).toBe("simulator");
    expect((json.provider.aws?.[0] as Record<string, unknown>).allowed_account_ids).toBeUndefined();
    const pinned = synthPipeline("dev", bundles, {
      ORDERS_AWS_ACCOUNT_IDS: "111111111111",
      ORDERS_PAYMENT_GATEWAY: "acme-pay",
    }).json;
    expect((pinned.provider.aws?.[0] as Record<string, unknown>).allowed_account_ids).toEqual(["111111111111"]);
    const pinnedPayment = Object.entries(resourcesOf(pinned, "aws_lambda_function")).find(([name]) =>
      name.startsWith("payment"),
    )?.[1] as { environment: { variables: Record<string, string> } };
    expect(pinnedPayment.environment.variables.PAYMENT_GATEWAY).toBe("acme-pay");
  });
});

describe("OrderPipelineStack (prod)", () => {
  const { json } = prod;

  test("logs every saga transition without execution data (customer ids, items, amounts)", () => {
    const machine = Object.values(resourcesOf(json, "aws_sfn_state_machine"))[0] as {
      logging_configuration: Record<string, unknown>;
    };
    expect(machine.logging_configuration).toMatchObject({ level: "ALL", include_execution_data: false });
    const devMachine = Object.values(resourcesOf(dev.json, "aws_sfn_state_machine"))[0] as {
      logging_configuration: Record<string, unknown>;
    };
    expect(devMachine.logging_configuration).toMatchObject({ level: "ALL", include_execution_data: true });
  });

  test("its own state key, deletion-protected tables, autoscaling when provisioned", () => {
    expect((json.terraform.backend as { s3: { key: string } }).s3.key).toBe("orders-pipeline/orders-prod.tfstate");
    for (const t of Object.values(resourcesOf(json, "aws_dynamodb_table")))
      expect(t.deletion_protection_enabled).toBe(true);
    expect(Object.keys(resourcesOf(json, "aws_appautoscaling_target"))).toHaveLength(8);
    expect((json.variable.dynamodb_read_capacity as { default: number }).default).toBe(5);
  });
});

describe("stack props", () => {
  test("fails at synth when a bundle is missing, naming it", () => {
    const { payment: _payment, ...incomplete } = bundles;
    expect(() => synthPipeline("dev", incomplete as typeof bundles)).toThrow(
      'OrderPipelineStack "orders-dev": bundles.payment is missing.',
    );
  });

  test("fails at synth on a bad setting, naming it", () => {
    expect(() => synthPipeline("dev", bundles, { ORDERS_STATE_BUCKET: "NOT_A_BUCKET" })).toThrow(/ORDERS_STATE_BUCKET/);
  });
});
