import { lambdaActiveTracing } from "../../../src/policy/rules/lambda-active-tracing";
import { lambdaCodeSigning } from "../../../src/policy/rules/lambda-code-signing";
import { lambdaExplicitTimeoutAndMemory } from "../../../src/policy/rules/lambda-explicit-timeout-and-memory";
import { lambdaFailureDestination } from "../../../src/policy/rules/lambda-failure-destination";
import { lambdaInVpc } from "../../../src/policy/rules/lambda-in-vpc";
import { lambdaNoSecretsInEnvironment } from "../../../src/policy/rules/lambda-no-secrets-in-environment";
import { lambdaOwnLogGroupWithRetention } from "../../../src/policy/rules/lambda-own-log-group-with-retention";
import { lambdaPermissionScopedToSource } from "../../../src/policy/rules/lambda-permission-scoped-to-source";
import { lambdaReservedConcurrency } from "../../../src/policy/rules/lambda-reserved-concurrency";
import { lambdaSupportedRuntimeOn } from "../../../src/policy/rules/lambda-supported-runtime";
import { judge, messages, outcome, stackJson } from "../support/judge";

const FN = "aws_lambda_function.order";
const VARIABLES = { log_retention_days: 7, lambda_memory_size: 256, xray_tracing_enabled: true };

/** A function shaped like the Microservice construct's, with `changes` applied (undefined removes). */
function fn(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    function_name: "${var.project_name}-dev-order",
    runtime: "nodejs22.x",
    timeout: 10,
    memory_size: "${var.lambda_memory_size}",
    tracing_config: { mode: '${var.xray_tracing_enabled ? "Active" : "PassThrough"}' },
    logging_config: { log_format: "JSON", log_group: "${aws_cloudwatch_log_group.logs.name}" },
    environment: {
      variables: { ORDERS_TABLE_NAME: "${aws_dynamodb_table.orders.name}", NODE_OPTIONS: "--enable-source-maps" },
    },
  };
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return base;
}

function stack(
  functionConfig: Record<string, unknown>,
  more: Record<string, Record<string, Record<string, unknown>>> = {},
  variables = VARIABLES,
) {
  return stackJson(
    {
      aws_lambda_function: { order: functionConfig },
      aws_cloudwatch_log_group: {
        logs: { name: "/aws/lambda/orders-dev-order", retention_in_days: "${var.log_retention_days}" },
      },
      ...more,
    },
    { variables },
  );
}

describe("lambda-supported-runtime", () => {
  const rule = lambdaSupportedRuntimeOn(() => new Date("2026-06-01T00:00:00Z"));

  it("accepts nodejs22.x", () => {
    expect(judge(rule, stack(fn()), FN).status).toBe("compliant");
  });

  it("fails nodejs20.x once its end of support (2026-04-30) has passed, not before", () => {
    expect(messages(judge(rule, stack(fn({ runtime: "nodejs20.x" })), FN))).toEqual([
      'runtime "nodejs20.x" reached end of support on 2026-04-30',
    ]);
    const before = lambdaSupportedRuntimeOn(() => new Date("2026-04-29T12:00:00Z"));
    expect(judge(before, stack(fn({ runtime: "nodejs20.x" })), FN).status).toBe("compliant");
  });

  it("fails a runtime it does not know, and a missing one", () => {
    expect(messages(judge(rule, stack(fn({ runtime: "nodejs8.10" })), FN))).toEqual([
      'runtime "nodejs8.10" is not a runtime the check knows to be supported',
    ]);
    expect(judge(rule, stack(fn({ runtime: undefined })), FN).status).toBe("non-compliant");
  });

  it("does not apply to container images", () => {
    expect(judge(rule, stack(fn({ runtime: undefined, package_type: "Image" })), FN).status).toBe("not-applicable");
  });
});

describe("lambda-active-tracing", () => {
  it("accepts Active, including through the xray_tracing_enabled default", () => {
    expect(judge(lambdaActiveTracing, stack(fn()), FN).status).toBe("compliant");
  });

  it("fails when the variable's default turns tracing off, or tracing_config is missing", () => {
    const off = stack(fn(), {}, { ...VARIABLES, xray_tracing_enabled: false });
    expect(messages(judge(lambdaActiveTracing, off, FN))).toEqual([
      'tracing_config.mode is "PassThrough", not "Active"',
    ]);
    expect(messages(judge(lambdaActiveTracing, stack(fn({ tracing_config: undefined })), FN))).toEqual([
      'tracing_config.mode is unset, not "Active"',
    ]);
  });
});

describe("lambda-explicit-timeout-and-memory", () => {
  it("accepts a function that sets both (a variable counts)", () => {
    expect(judge(lambdaExplicitTimeoutAndMemory, stack(fn()), FN).status).toBe("compliant");
  });

  it("names each one left to Lambda's default", () => {
    expect(
      messages(judge(lambdaExplicitTimeoutAndMemory, stack(fn({ timeout: undefined, memory_size: undefined })), FN)),
    ).toEqual([
      "timeout is not set (Lambda defaults to 3 seconds)",
      "memory_size is not set (Lambda defaults to 128 MB)",
    ]);
  });
});

describe("lambda-own-log-group-with-retention", () => {
  it("accepts logging_config.log_group referencing a log group with retention", () => {
    expect(judge(lambdaOwnLogGroupWithRetention, stack(fn()), FN).status).toBe("compliant");
  });

  it("fails without logging_config, with a literal group name, or with a group that never expires", () => {
    expect(judge(lambdaOwnLogGroupWithRetention, stack(fn({ logging_config: undefined })), FN).status).toBe(
      "non-compliant",
    );
    expect(
      messages(
        judge(lambdaOwnLogGroupWithRetention, stack(fn({ logging_config: { log_group: "/aws/lambda/x" } })), FN),
      ),
    ).toEqual([
      'logging_config.log_group is "/aws/lambda/x", not a reference to an aws_cloudwatch_log_group of this stack',
    ]);
    const forever = stack(fn(), {
      aws_cloudwatch_log_group: { logs: { name: "/aws/lambda/x", retention_in_days: 0 } },
    });
    expect(messages(judge(lambdaOwnLogGroupWithRetention, forever, FN))).toEqual([
      "its log group aws_cloudwatch_log_group.logs has retention_in_days 0, so its events never expire",
    ]);
  });
});

describe("lambda-no-secrets-in-environment", () => {
  const withVariables = (variables: Record<string, string>) => stack(fn({ environment: { variables } }));

  it("accepts resource names and pointers to secrets", () => {
    const verdict = judge(
      lambdaNoSecretsInEnvironment,
      withVariables({
        ORDERS_TABLE_NAME: "${aws_dynamodb_table.orders.name}",
        GATEWAY_API_KEY_SECRET_ARN: "${aws_secretsmanager_secret.gateway.arn}",
        LOG_LEVEL: "INFO",
        OAUTH_SCOPES: "orders/read",
      }),
      FN,
    );
    expect(verdict.status).toBe("compliant");
  });

  it("flags credential-looking values whatever the name, and credential names holding a value", () => {
    const verdict = judge(
      lambdaNoSecretsInEnvironment,
      withVariables({
        SETTINGS: "AKIAIOSFODNN7EXAMPLE",
        UPSTREAM: "https://shop:hunter22@payments.example.com/v1",
        DB_PASSWORD: "correct-horse-battery-staple",
        GATEWAY_TOKEN: "${var.gateway_token}",
      }),
      FN,
    );
    expect(messages(verdict)).toEqual([
      "environment variable SETTINGS holds what looks like an AWS access key id",
      "environment variable UPSTREAM holds what looks like a URL with a password",
      "environment variable DB_PASSWORD is named like a credential and holds its value, not a pointer to it",
      "environment variable GATEWAY_TOKEN is named like a credential and holds its value, not a pointer to it",
    ]);
  });

  it("does not apply to a function without environment variables", () => {
    expect(judge(lambdaNoSecretsInEnvironment, stack(fn({ environment: undefined })), FN).status).toBe(
      "not-applicable",
    );
  });
});

describe("lambda-permission-scoped-to-source", () => {
  const permission = (config: Record<string, unknown>) =>
    stack(fn(), {
      aws_lambda_permission: {
        p: { action: "lambda:InvokeFunction", function_name: "${aws_lambda_function.order.function_name}", ...config },
      },
    });
  const P = "aws_lambda_permission.p";

  it("accepts a service permission scoped to one rule", () => {
    expect(
      judge(
        lambdaPermissionScopedToSource,
        permission({
          principal: "events.amazonaws.com",
          source_arn: "${aws_cloudwatch_event_rule.r.arn}",
          source_account: "${local.account_id}",
        }),
        P,
      ).status,
    ).toBe("compliant");
  });

  it("fails a service permission that names the rule but not its account", () => {
    expect(
      messages(
        judge(
          lambdaPermissionScopedToSource,
          permission({ principal: "events.amazonaws.com", source_arn: "${aws_cloudwatch_event_rule.r.arn}" }),
          P,
        ),
      ),
    ).toEqual(["grants events.amazonaws.com without source_account (unset): the source is not pinned to an account"]);
  });

  it("fails a service permission without source_arn, and a public one", () => {
    expect(
      outcome(judge(lambdaPermissionScopedToSource, permission({ principal: "events.amazonaws.com" }), P)),
    ).toEqual({
      status: "non-compliant",
      messages: [
        "grants events.amazonaws.com without source_arn (unset): any events.amazonaws.com resource, in any account, may invoke the function",
      ],
    });
    expect(messages(judge(lambdaPermissionScopedToSource, permission({ principal: "*" }), P))).toEqual([
      'principal is "*": anyone may invoke the function',
    ]);
  });

  it("does not apply to a permission for an account", () => {
    expect(judge(lambdaPermissionScopedToSource, permission({ principal: "123456789012" }), P).status).toBe(
      "not-applicable",
    );
  });
});

describe("lambda-failure-destination", () => {
  const onFailure = {
    function_name: "${aws_lambda_function.order.function_name}",
    destination_config: { on_failure: { destination: "${aws_sqs_queue.failures.arn}" } },
  };

  it("accepts an on-failure destination or a dead-letter queue", () => {
    expect(
      judge(
        lambdaFailureDestination,
        stack(fn(), { aws_lambda_function_event_invoke_config: { async: onFailure } }),
        FN,
      ).status,
    ).toBe("compliant");
    expect(
      judge(lambdaFailureDestination, stack(fn({ dead_letter_config: { target_arn: "${aws_sqs_queue.dlq.arn}" } })), FN)
        .status,
    ).toBe("compliant");
  });

  it("fails without either, naming the asynchronous invokers it can see", () => {
    const invoked = stack(fn(), {
      aws_cloudwatch_event_target: { t: { arn: "${aws_lambda_function.order.arn}", rule: "r" } },
    });
    expect(messages(judge(lambdaFailureDestination, invoked, FN))).toEqual([
      "has no dead-letter queue or on-failure destination, and aws_cloudwatch_event_target.t invokes it asynchronously",
    ]);
    expect(messages(judge(lambdaFailureDestination, stack(fn()), FN))).toEqual([
      "has no dead-letter queue or on-failure destination (no asynchronous invoker in this stack)",
    ]);
  });

  it("does not count an invoke config of another function", () => {
    const other = { ...onFailure, function_name: "${aws_lambda_function.other.function_name}" };
    expect(
      judge(lambdaFailureDestination, stack(fn(), { aws_lambda_function_event_invoke_config: { async: other } }), FN)
        .status,
    ).toBe("non-compliant");
  });
});

describe("lambda-in-vpc, lambda-reserved-concurrency, lambda-code-signing", () => {
  it("accept functions with subnets, reserved concurrency and a signing configuration", () => {
    const hardened = stack(
      fn({
        vpc_config: { subnet_ids: ["subnet-1"], security_group_ids: ["sg-1"] },
        reserved_concurrent_executions: 50,
        code_signing_config_arn: "${aws_lambda_code_signing_config.c.arn}",
      }),
    );
    expect(
      [lambdaInVpc, lambdaReservedConcurrency, lambdaCodeSigning].map((rule) => judge(rule, hardened, FN).status),
    ).toEqual(["compliant", "compliant", "compliant"]);
  });

  it("fail functions without them", () => {
    expect(
      [lambdaInVpc, lambdaReservedConcurrency, lambdaCodeSigning].map((rule) => messages(judge(rule, stack(fn()), FN))),
    ).toEqual([
      ["has no vpc_config with subnets"],
      ["has no reserved_concurrent_executions; it scales into the account's shared pool without a cap"],
      ["has no code_signing_config_arn"],
    ]);
  });
});
