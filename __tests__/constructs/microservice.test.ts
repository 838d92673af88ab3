import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Testing } from "cdktf";
import { Construct } from "constructs";
import { Microservice, MicroserviceProps } from "../../src/constructs/microservice";
import { fixtureBundles } from "../support/bundles";

const bundles = fixtureBundles();
const props = (overrides: Partial<MicroserviceProps> = {}): MicroserviceProps => ({
  functionName: "orders-dev-payment",
  description: "Charges",
  bundle: bundles.payment,
  memorySize: 256,
  logRetentionDays: 7,
  tracingEnabled: true,
  environment: { PAYMENTS_TABLE_NAME: "orders-dev-payments" },
  ...overrides,
});
const synth = (build: (scope: Construct) => void) => JSON.parse(Testing.synthScope(build));

describe("Microservice", () => {
  const json = synth((scope) => new Microservice(scope, "payment", props()));
  const resource = (type: string) => Object.values(json.resource[type] ?? {})[0] as Record<string, any>;

  test("deploys the bundle zipped by archive_file, hashed from the archive, on nodejs22.x", () => {
    expect(JSON.stringify(json)).toHaveDataSourceWithProperties(DataArchiveFile, {
      type: "zip",
      output_path: "dist/payment.zip",
      output_file_mode: "0644",
    });
    const fn = resource("aws_lambda_function");
    expect(fn.runtime).toBe("nodejs22.x");
    expect(fn.handler).toBe("index.handler");
    expect(fn.filename).toMatch(/^\$\{data\.archive_file\.payment_zip_[0-9A-F]+\.output_path\}$/);
    expect(fn.source_code_hash).toMatch(/^\$\{data\.archive_file\.payment_zip_[0-9A-F]+\.output_base64sha256\}$/);
    const zip = Object.values(json.data.archive_file)[0] as Record<string, string>;
    expect(zip.source_dir).toMatch(/^assets\/payment_bundle_[0-9A-F]+\/[0-9A-F]{32}$/);
  });

  test("logs as JSON to its own log group with retention, which exists before the function", () => {
    expect(JSON.stringify(json)).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/aws/lambda/orders-dev-payment",
      retention_in_days: 7,
    });
    const fn = resource("aws_lambda_function");
    expect(fn.logging_config).toMatchObject({ log_format: "JSON" });
    expect(fn.logging_config.log_group).toMatch(/aws_cloudwatch_log_group\.payment_logs_/);
    expect(fn.depends_on.some((d: string) => d.startsWith("aws_cloudwatch_log_group.payment_logs_"))).toBe(true);
  });

  test("has its own role trusted by Lambda only, allowed to write its logs and traces", () => {
    expect(JSON.stringify(json)).toHaveResourceWithProperties(IamRole, { name: "orders-dev-payment-fn" });
    const trust = JSON.parse(resource("aws_iam_role").assume_role_policy);
    expect(trust.Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: ["sts:AssumeRole"] },
    ]);
    const policy = JSON.parse(resource("aws_iam_role_policy").policy);
    expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(["WriteOwnLogs", "WriteXRayTraces"]);
  });

  test("sets memory, timeout, tracing, environment and the Powertools service name", () => {
    expect(JSON.stringify(json)).toHaveResourceWithProperties(LambdaFunction, {
      function_name: "orders-dev-payment",
      memory_size: 256,
      timeout: 10,
      tracing_config: { mode: '${true ? "Active" : "PassThrough"}' },
      environment: {
        variables: {
          PAYMENTS_TABLE_NAME: "orders-dev-payments",
          POWERTOOLS_SERVICE_NAME: "payment",
          POWERTOOLS_TRACE_ENABLED: '${true ? "true" : "false"}',
        },
      },
    });
  });

  test("an async failure queue: two retries, then the event lands in an encrypted queue the function may send to", () => {
    const asyncJson = synth(
      (scope) =>
        new Microservice(
          scope,
          "notification",
          props({ bundle: bundles.notification, asyncFailureQueueName: "orders-dev-notification-failures" }),
        ),
    );
    const text = JSON.stringify(asyncJson);
    expect(text).toHaveResourceWithProperties(SqsQueue, {
      name: "orders-dev-notification-failures",
      sqs_managed_sse_enabled: true,
    });
    expect(text).toHaveResourceWithProperties(LambdaFunctionEventInvokeConfig, { maximum_retry_attempts: 2 });
    const policy = JSON.parse((Object.values(asyncJson.resource.aws_iam_role_policy)[0] as { policy: string }).policy);
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({
        Sid: "SendFailedInvocations",
        Action: ["sqs:SendMessage"],
        Resource: [expect.stringContaining("aws_sqs_queue.")],
      }),
    );
  });

  test.each([
    [{ timeoutSeconds: 0 }, 'Microservice "bad": timeoutSeconds must be a whole number from 1 to 900, got 0.'],
    [{ timeoutSeconds: 901 }, "timeoutSeconds must be a whole number from 1 to 900, got 901"],
    [
      { environment: { "bad-name": "x" } },
      'environment variable name "bad-name" must be letters, digits and underscores',
    ],
    [{ environment: { AWS_REGION: "x" } }, 'environment variable "AWS_REGION" is reserved by Lambda'],
  ])("fails at synth when %j", (overrides, message) => {
    expect(() =>
      synth((scope) => new Microservice(scope, "bad", props(overrides as Partial<MicroserviceProps>))),
    ).toThrow(message);
  });
});
