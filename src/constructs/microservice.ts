import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaFunctionEventInvokeConfig } from "@cdktf/provider-aws/lib/lambda-function-event-invoke-config";
import { AssetType, Fn, IResolvable, TerraformAsset } from "cdktf";
import { Construct } from "constructs";
import { HandlerBundle, LAMBDA_RUNTIME } from "../bundling/handler-bundles";
import { PolicyStatement, logWriteStatement, xrayWriteStatement } from "../iam/policy-document";
import { DeadLetterQueue } from "./dead-letter-queue";
import { ServiceRole } from "./service-role";

export interface MicroserviceProps {
  /** The function's name (at most 64 characters once resolved). */
  readonly functionName: string;
  /** One-line purpose. */
  readonly description: string;
  /** The esbuild bundle to deploy. */
  readonly bundle: HandlerBundle;
  /** Memory in MB. */
  readonly memorySize: number;
  /** Timeout in seconds, 1-900. Default: 10. */
  readonly timeoutSeconds?: number;
  /** Days the function's log group keeps events. */
  readonly logRetentionDays: number;
  /** Active X-Ray tracing (usually the `xray_tracing_enabled` variable's token). */
  readonly tracingEnabled: boolean | IResolvable;
  /** Environment variables, besides the Powertools service name. */
  readonly environment?: Readonly<Record<string, string>>;
  /** What the function does beyond writing its logs and traces. Default: nothing. */
  readonly permissions?: readonly PolicyStatement[];
  /**
   * For functions invoked asynchronously (by EventBridge): retry twice, then send the event to this
   * queue as the on-failure destination. Default: no async configuration.
   */
  readonly asyncFailureQueueName?: string;
  /** Tags of the function, besides the provider's default tags. Default: none. */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * One Lambda microservice: its bundle zipped by the archive provider, its own role granting exactly
 * what it does, and its own log group with retention, created before the function.
 */
export class Microservice extends Construct {
  readonly function: LambdaFunction;
  readonly role: ServiceRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly archive: DataArchiveFile;
  /** Where failed asynchronous invocations land, when `asyncFailureQueueName` is set. */
  readonly asyncFailureQueue?: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: MicroserviceProps) {
    super(scope, id);
    const timeout = props.timeoutSeconds ?? 10;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 900) {
      throw new Error(`Microservice "${id}": timeoutSeconds must be a whole number from 1 to 900, got ${timeout}.`);
    }
    for (const key of Object.keys(props.environment ?? {})) {
      if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) {
        throw new Error(
          `Microservice "${id}": environment variable name "${key}" must be letters, digits and underscores.`,
        );
      }
      if (key.startsWith("AWS_")) {
        throw new Error(`Microservice "${id}": environment variable "${key}" is reserved by Lambda (AWS_ prefix).`);
      }
    }

    const asset = new TerraformAsset(this, "bundle", { path: props.bundle.directory, type: AssetType.DIRECTORY });
    this.archive = new DataArchiveFile(this, "zip", {
      type: "zip",
      sourceDir: asset.path,
      outputPath: `dist/${props.bundle.service}.zip`,
      // A fixed mode keeps the zip, and so source_code_hash, the same whatever the checkout's umask.
      outputFileMode: "0644",
    });

    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
    });

    if (props.asyncFailureQueueName !== undefined) {
      this.asyncFailureQueue = new DeadLetterQueue(this, "async-failures", { queueName: props.asyncFailureQueueName });
    }
    this.role = new ServiceRole(this, "role", {
      roleName: `${props.functionName}-fn`,
      servicePrincipal: "lambda.amazonaws.com",
      description: `Runs the ${props.functionName} function`,
      statements: [
        logWriteStatement(this.logGroup.arn),
        xrayWriteStatement(),
        ...(props.permissions ?? []),
        ...(this.asyncFailureQueue ? [this.asyncFailureQueue.grantSend("SendFailedInvocations")] : []),
      ],
    });

    this.function = new LambdaFunction(this, "function", {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: ["arm64"],
      handler: "index.handler",
      filename: this.archive.outputPath,
      sourceCodeHash: this.archive.outputBase64Sha256,
      memorySize: props.memorySize,
      timeout,
      tracingConfig: { mode: Fn.conditional(props.tracingEnabled, "Active", "PassThrough") },
      loggingConfig: {
        logFormat: "JSON",
        logGroup: this.logGroup.name,
        applicationLogLevel: "INFO",
        systemLogLevel: "WARN",
      },
      environment: {
        variables: {
          POWERTOOLS_SERVICE_NAME: props.bundle.service,
          // Without tracing the handlers do not load the Tracer (and the X-Ray SDK) at all.
          POWERTOOLS_TRACE_ENABLED: Fn.conditional(props.tracingEnabled, "true", "false"),
          ...props.environment,
        },
      },
      ...(props.tags ? { tags: { ...props.tags } } : {}),
      dependsOn: [this.logGroup, this.role.policy],
    });
    if (this.asyncFailureQueue) {
      new LambdaFunctionEventInvokeConfig(this, "async-invoke", {
        functionName: this.function.functionName,
        maximumRetryAttempts: 2,
        maximumEventAgeInSeconds: 3600,
        destinationConfig: { onFailure: { destination: this.asyncFailureQueue.arn } },
      });
    }
  }

  get functionName(): string {
    return this.function.functionName;
  }

  get arn(): string {
    return this.function.arn;
  }
}
