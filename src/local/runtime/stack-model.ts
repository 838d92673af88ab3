import * as path from "node:path";
import { ResourceConfig, StackDocument, dataOfType, resourcesOfType } from "../../terraform/stack-document";
import { UserInputError } from "../../user-input-error";
import { EventPatternError, compileEventPattern } from "../event-pattern";
import { StreamViewType, TableSpec } from "./dynamodb/local-tables";
import { ArchiveSpec } from "./eventbridge/archive";
import { DEFAULT_RETRY_POLICY, RuleSpec, TargetSpec } from "./eventbridge/bus";
import { AsyncInvokeSettings } from "./lambda/local-function";
import { AslMachine } from "./stepfunctions/task-bindings";
import { Value } from "./terraform/expression";
import { ReferenceError, TerraformReferences } from "./terraform/references";

/** A stack the runtime cannot run as synthesized; the message names the resource and the field. */
export class StackModelError extends UserInputError {
  override readonly name = "StackModelError";
}

/** A function as the stack declares it, before the runtime adds its own environment. */
export interface DeclaredFunction {
  readonly address: string;
  readonly name: string;
  readonly arn: string;
  readonly handler: string;
  readonly runtime: string;
  readonly codeDir: string;
  /** The synthesized environment variables, resolved. */
  readonly variables: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  readonly logGroupName: string;
  readonly applicationLogLevel?: string;
  readonly logFormat?: string;
  readonly async: AsyncInvokeSettings;
  /** The execution role's ARN (`role`). */
  readonly roleArn: string;
  /** Active X-Ray tracing (`tracing_config.mode`). */
  readonly tracing: boolean;
}

interface DeclaredQueue {
  readonly address: string;
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  readonly retentionSeconds: number;
}

export interface DeclaredStateMachine {
  readonly address: string;
  readonly name: string;
  readonly arn: string;
  readonly type: "STANDARD" | "EXPRESS";
  readonly definition: AslMachine;
  /** The role its Tasks run as (`role_arn`). */
  readonly roleArn: string;
  /** `logging_configuration`: the level (OFF when absent) and whether execution data is logged. */
  readonly logging: { readonly level: string; readonly includeExecutionData: boolean };
  /** `tracing_configuration.enabled`. */
  readonly tracing: boolean;
}

/** An EventBridge Pipe from a DynamoDB stream to a bus, as synthesized (what runs of it: src/local/runtime/pipes). */
export interface DeclaredPipe {
  readonly address: string;
  readonly name: string;
  readonly arn: string;
  readonly roleArn: string;
  /** The source's ARN: a table's stream. */
  readonly sourceArn: string;
  readonly targetArn: string;
  /** RUNNING unless desired_state says STOPPED. */
  readonly running: boolean;
  readonly batchSize: number;
  /** -1: retry until the record expires (the Pipes default for streams). */
  readonly maximumRetryAttempts: number;
  /** -1: records never expire (the Pipes default for streams). */
  readonly maximumRecordAgeSeconds: number;
  readonly deadLetterArn?: string;
  /** Filter patterns (parsed); a record passes when it matches any. Empty: every record passes. */
  readonly filters: readonly unknown[];
  readonly inputTemplate?: string;
  /** The event bus target's Source and DetailType. */
  readonly eventBus: { readonly source?: string; readonly detailType?: string };
  /** Settings the runtime does not emulate, named for the start-up report. */
  readonly notEmulated: readonly string[];
}

interface DeclaredBus {
  readonly name: string;
  readonly arn: string;
}

/** Everything the runtime runs, read from the synthesized stack with every reference resolved. */
export interface StackModel {
  readonly tables: readonly TableSpec[];
  readonly queues: readonly DeclaredQueue[];
  readonly buses: readonly DeclaredBus[];
  readonly rules: readonly RuleSpec[];
  readonly archives: readonly ArchiveSpec[];
  readonly functions: readonly DeclaredFunction[];
  readonly stateMachines: readonly DeclaredStateMachine[];
  readonly pipes: readonly DeclaredPipe[];
  /**
   * An `output` of the stack, evaluated as `terraform output` would show it after apply here: undefined
   * when the stack declares no such output. Evaluated when asked for, so an output nothing reads never
   * stops the stack from starting.
   */
  readonly output: (name: string) => Value | undefined;
}

/** Where a function's code is: the archive's `source_dir`, unless the caller maps it elsewhere. */
export type CodeDirLookup = (archive: {
  readonly address: string;
  readonly sourceDir: string;
  readonly outputPath: string;
}) => string | undefined;

export interface ReadStackOptions {
  /** The stack directory; relative `source_dir`s are resolved against it. */
  readonly stackDir: string;
  /** Overrides where a function's code is (tests use the bundles they built). */
  readonly codeDir?: CodeDirLookup;
}

const num = (v: Value, where: string): number => {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  throw new StackModelError(`${where} must be a number, got ${JSON.stringify(v)}`);
};

const first = (v: unknown): Record<string, unknown> | undefined => {
  if (Array.isArray(v)) return v[0] as Record<string, unknown> | undefined;
  return v && typeof v === "object" ? (v as Record<string, unknown>) : undefined;
};

/** Whether a resource exists in this configuration (its `count` is not 0). */
function exists(refs: TerraformReferences, config: ResourceConfig): boolean {
  return !("count" in config) || refs.resolve(config.count) !== 0;
}

/** Reads the resources the runtime runs out of a synthesized stack. */
export function readStackModel(
  document: StackDocument,
  refs: TerraformReferences,
  options: ReadStackOptions,
): StackModel {
  const str = (value: unknown, where: string) => refs.resolveString(value, where);
  const each = (type: string) => resourcesOfType(document, type).filter(([, config]) => exists(refs, config));

  const tables = each("aws_dynamodb_table").map(([name, c]): TableSpec => {
    const where = `aws_dynamodb_table.${name}`;
    const ttl = first(c.ttl);
    const billing = c.billing_mode === undefined ? "PROVISIONED" : str(c.billing_mode, `${where}.billing_mode`);
    const provisioned = billing === "PROVISIONED";
    const capacity = (field: "read_capacity" | "write_capacity") => {
      const v = refs.resolve(c[field], `${where}.${field}`);
      return v === null ? undefined : num(v, `${where}.${field}`);
    };
    const attributes = (Array.isArray(c.attribute) ? c.attribute : []).map((a, i) => ({
      name: str((a as Record<string, unknown>).name, `${where}.attribute[${i}].name`),
      type: str((a as Record<string, unknown>).type, `${where}.attribute[${i}].type`),
    }));
    const index = (field: string) =>
      (Array.isArray(c[field]) ? (c[field] as unknown[]) : []).map(
        (x, i) => refs.resolveConcrete(x, `${where}.${field}[${i}]`) as Record<string, unknown>,
      );
    return {
      name: str(c.name, `${where}.name`),
      arn: str(refs.attribute("aws_dynamodb_table", name, "arn"), `${where}.arn`),
      hashKey: str(c.hash_key, `${where}.hash_key`),
      rangeKey: c.range_key === undefined ? undefined : str(c.range_key, `${where}.range_key`),
      attributes,
      billingMode: provisioned ? "PROVISIONED" : "PAY_PER_REQUEST",
      readCapacity: provisioned ? capacity("read_capacity") : undefined,
      writeCapacity: provisioned ? capacity("write_capacity") : undefined,
      ttlAttribute:
        ttl && refs.resolve(ttl.enabled) === true ? str(ttl.attribute_name, `${where}.ttl.attribute_name`) : undefined,
      globalSecondaryIndexes: index("global_secondary_index"),
      localSecondaryIndexes: index("local_secondary_index"),
      ...(c.stream_enabled !== undefined && refs.resolve(c.stream_enabled, `${where}.stream_enabled`) === true
        ? {
            stream: {
              arn: str(refs.attribute("aws_dynamodb_table", name, "stream_arn"), `${where}.stream_arn`),
              viewType: str(c.stream_view_type, `${where}.stream_view_type`) as StreamViewType,
            },
          }
        : {}),
    };
  });

  const queues = each("aws_sqs_queue").map(([name, c]): DeclaredQueue => {
    const where = `aws_sqs_queue.${name}`;
    if (c.name === undefined) throw new StackModelError(`${where} has no name (name_prefix is not supported locally)`);
    return {
      address: where,
      name: str(c.name, `${where}.name`),
      arn: str(refs.attribute("aws_sqs_queue", name, "arn"), `${where}.arn`),
      url: str(refs.attribute("aws_sqs_queue", name, "url"), `${where}.url`),
      retentionSeconds:
        c.message_retention_seconds === undefined
          ? 345_600
          : num(refs.resolve(c.message_retention_seconds), `${where}.message_retention_seconds`),
    };
  });

  const buses = each("aws_cloudwatch_event_bus").map(([name, c]): DeclaredBus => ({
    name: str(c.name, `aws_cloudwatch_event_bus.${name}.name`),
    arn: str(refs.attribute("aws_cloudwatch_event_bus", name, "arn"), `aws_cloudwatch_event_bus.${name}.arn`),
  }));

  const targetsByRule = new Map<string, TargetSpec[]>();
  for (const [name, c] of each("aws_cloudwatch_event_target")) {
    const where = `aws_cloudwatch_event_target.${name}`;
    if (c.input_transformer !== undefined)
      throw new StackModelError(`${where}: input_transformer is not supported by the local runtime`);
    const bus = c.event_bus_name === undefined ? "default" : str(c.event_bus_name, `${where}.event_bus_name`);
    const rule = `${bus}/${str(c.rule, `${where}.rule`)}`;
    const retry = first(c.retry_policy);
    const dlq = first(c.dead_letter_config);
    const target: TargetSpec = {
      id: c.target_id === undefined ? name : str(c.target_id, `${where}.target_id`),
      arn: str(c.arn, `${where}.arn`),
      retryPolicy: {
        maximumRetryAttempts:
          retry?.maximum_retry_attempts === undefined
            ? DEFAULT_RETRY_POLICY.maximumRetryAttempts
            : num(refs.resolve(retry.maximum_retry_attempts), `${where}.retry_policy.maximum_retry_attempts`),
        maximumEventAgeSeconds:
          retry?.maximum_event_age_in_seconds === undefined
            ? DEFAULT_RETRY_POLICY.maximumEventAgeSeconds
            : num(
                refs.resolve(retry.maximum_event_age_in_seconds),
                `${where}.retry_policy.maximum_event_age_in_seconds`,
              ),
      },
      ...(dlq?.arn !== undefined ? { deadLetterArn: str(dlq.arn, `${where}.dead_letter_config.arn`) } : {}),
      ...(c.input !== undefined ? { input: str(c.input, `${where}.input`) } : {}),
      ...(c.input_path !== undefined ? { inputPath: str(c.input_path, `${where}.input_path`) } : {}),
      ...(c.role_arn !== undefined ? { roleArn: str(c.role_arn, `${where}.role_arn`) } : {}),
    };
    targetsByRule.set(rule, [...(targetsByRule.get(rule) ?? []), target]);
  }

  const rules = each("aws_cloudwatch_event_rule").map(([name, c]): RuleSpec => {
    const where = `aws_cloudwatch_event_rule.${name}`;
    if (c.event_pattern === undefined)
      throw new StackModelError(
        `${where}: only rules with an event_pattern run locally (schedule_expression does not)`,
      );
    const busName = c.event_bus_name === undefined ? "default" : str(c.event_bus_name, `${where}.event_bus_name`);
    const ruleName = str(c.name, `${where}.name`);
    let pattern: unknown;
    try {
      pattern = JSON.parse(str(c.event_pattern, `${where}.event_pattern`));
    } catch (error) {
      throw new StackModelError(`${where}.event_pattern is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    try {
      compileEventPattern(pattern);
    } catch (error) {
      // EventBridge refuses such a rule (PutRule: InvalidEventPatternException); so does the runtime, at start.
      if (error instanceof EventPatternError)
        throw new StackModelError(`${where} (rule ${ruleName}): ${error.message}`, { cause: error });
      throw error;
    }
    const state = c.state === undefined ? undefined : str(c.state, `${where}.state`);
    const enabled =
      state !== undefined
        ? state !== "DISABLED"
        : c.is_enabled === undefined
          ? true
          : refs.resolve(c.is_enabled) !== false;
    return {
      name: ruleName,
      arn: str(refs.attribute("aws_cloudwatch_event_rule", name, "arn"), `${where}.arn`),
      busName,
      pattern,
      enabled,
      targets: targetsByRule.get(`${busName}/${ruleName}`) ?? [],
    };
  });
  const ruleKeys = new Set(rules.map((r) => `${r.busName}/${r.name}`));
  for (const key of targetsByRule.keys()) {
    if (!ruleKeys.has(key))
      throw new StackModelError(`an aws_cloudwatch_event_target names rule ${key}, which the stack does not declare`);
  }

  const eventArchives = each("aws_cloudwatch_event_archive").map(([name, c]): ArchiveSpec => {
    const where = `aws_cloudwatch_event_archive.${name}`;
    const sourceArn = str(c.event_source_arn, `${where}.event_source_arn`);
    const bus = buses.find((b) => b.arn === sourceArn);
    if (!bus) throw new StackModelError(`${where}: event_source_arn ${sourceArn} is not a bus of the stack`);
    let pattern: unknown;
    if (c.event_pattern !== undefined) {
      try {
        pattern = JSON.parse(str(c.event_pattern, `${where}.event_pattern`));
        compileEventPattern(pattern);
      } catch (error) {
        throw new StackModelError(`${where}.event_pattern: ${(error as Error).message}`);
      }
    }
    return {
      name: str(c.name, `${where}.name`),
      arn: str(refs.attribute("aws_cloudwatch_event_archive", name, "arn"), `${where}.arn`),
      busName: bus.name,
      ...(pattern !== undefined ? { pattern } : {}),
      retentionDays:
        c.retention_days === undefined ? 0 : num(refs.resolve(c.retention_days), `${where}.retention_days`),
    };
  });

  const asyncConfigs = new Map<string, AsyncInvokeSettings>();
  for (const [name, c] of each("aws_lambda_function_event_invoke_config")) {
    const where = `aws_lambda_function_event_invoke_config.${name}`;
    const destination = first(c.destination_config);
    const onFailure = first(destination?.on_failure);
    const onSuccess = first(destination?.on_success);
    if (c.qualifier !== undefined)
      throw new StackModelError(`${where}: qualifier (versions, aliases) is not supported locally`);
    asyncConfigs.set(str(c.function_name, `${where}.function_name`), {
      maximumRetryAttempts:
        c.maximum_retry_attempts === undefined
          ? 2
          : num(refs.resolve(c.maximum_retry_attempts), `${where}.maximum_retry_attempts`),
      maximumEventAgeSeconds:
        c.maximum_event_age_in_seconds === undefined
          ? 21_600
          : num(refs.resolve(c.maximum_event_age_in_seconds), `${where}.maximum_event_age_in_seconds`),
      ...(onFailure?.destination !== undefined
        ? { onFailureArn: str(onFailure.destination, `${where}.destination_config.on_failure.destination`) }
        : {}),
      ...(onSuccess?.destination !== undefined
        ? { onSuccessArn: str(onSuccess.destination, `${where}.destination_config.on_success.destination`) }
        : {}),
    });
  }

  const archives = new Map(dataOfType(document, "archive_file"));
  const functions = each("aws_lambda_function").map(([name, c]): DeclaredFunction => {
    const where = `aws_lambda_function.${name}`;
    const functionName = str(c.function_name, `${where}.function_name`);
    const archiveRef =
      typeof c.filename === "string" ? /^\$\{data\.archive_file\.([^.}]+)\.output_path\}$/.exec(c.filename) : null;
    if (!archiveRef) {
      throw new StackModelError(
        `${where}: its code must come from a data.archive_file (filename = \${data.archive_file.<name>.output_path}); ` +
          `s3_bucket, image_uri and prebuilt zips are not run locally`,
      );
    }
    const archiveName = archiveRef[1] as string;
    const archive = archives.get(archiveName);
    if (!archive) throw new StackModelError(`${where}: data.archive_file.${archiveName} is not in the stack`);
    if (archive.source_dir === undefined)
      throw new StackModelError(`data.archive_file.${archiveName}: only source_dir archives run locally`);
    const sourceDir = str(archive.source_dir, `data.archive_file.${archiveName}.source_dir`);
    const outputPath = str(archive.output_path, `data.archive_file.${archiveName}.output_path`);
    const codeDir =
      options.codeDir?.({ address: `data.archive_file.${archiveName}`, sourceDir, outputPath }) ??
      path.resolve(options.stackDir, sourceDir);
    const env = first(c.environment);
    const variables: Record<string, string> = {};
    const resolvedVars =
      env?.variables === undefined ? {} : refs.resolveConcrete(env.variables, `${where}.environment.variables`);
    for (const [k, v] of Object.entries((resolvedVars ?? {}) as Record<string, Value>)) {
      variables[k] = typeof v === "string" ? v : JSON.stringify(v);
    }
    const logging = first(c.logging_config);
    const deadLetter = first(c.dead_letter_config);
    const asyncConfig = asyncConfigs.get(functionName) ?? { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600 };
    return {
      address: where,
      name: functionName,
      arn: str(refs.attribute("aws_lambda_function", name, "arn"), `${where}.arn`),
      handler: c.handler === undefined ? "index.handler" : str(c.handler, `${where}.handler`),
      runtime: c.runtime === undefined ? "" : str(c.runtime, `${where}.runtime`),
      codeDir,
      variables,
      timeoutSeconds: c.timeout === undefined ? 3 : num(refs.resolve(c.timeout), `${where}.timeout`),
      memoryMb: c.memory_size === undefined ? 128 : num(refs.resolve(c.memory_size), `${where}.memory_size`),
      logGroupName:
        logging?.log_group !== undefined
          ? str(logging.log_group, `${where}.logging_config.log_group`)
          : `/aws/lambda/${functionName}`,
      applicationLogLevel:
        logging?.application_log_level === undefined
          ? undefined
          : str(logging.application_log_level, `${where}.logging_config.application_log_level`),
      logFormat:
        logging?.log_format === undefined ? undefined : str(logging.log_format, `${where}.logging_config.log_format`),
      async: {
        ...asyncConfig,
        ...(deadLetter?.target_arn !== undefined
          ? { deadLetterArn: str(deadLetter.target_arn, `${where}.dead_letter_config.target_arn`) }
          : {}),
      },
      roleArn: str(c.role, `${where}.role`),
      tracing: first(c.tracing_config)?.mode !== undefined && refs.resolve(first(c.tracing_config)?.mode) === "Active",
    };
  });
  for (const fnName of asyncConfigs.keys()) {
    if (!functions.some((f) => f.name === fnName))
      throw new StackModelError(`an event invoke config names function ${fnName}, which the stack does not declare`);
  }

  const stateMachines = each("aws_sfn_state_machine").map(([name, c]): DeclaredStateMachine => {
    const where = `aws_sfn_state_machine.${name}`;
    let definition: AslMachine;
    try {
      definition = JSON.parse(str(c.definition, `${where}.definition`)) as AslMachine;
    } catch (error) {
      throw new StackModelError(`${where}.definition is not valid JSON once resolved: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if ((definition as { QueryLanguage?: string }).QueryLanguage === "JSONata") {
      throw new StackModelError(
        `${where}: JSONata definitions are not run locally (aws-local-stepfunctions runs JSONPath)`,
      );
    }
    const type = c.type === undefined ? "STANDARD" : str(c.type, `${where}.type`);
    const logging = first(c.logging_configuration);
    const tracing = first(c.tracing_configuration);
    return {
      address: where,
      name: str(c.name, `${where}.name`),
      arn: str(refs.attribute("aws_sfn_state_machine", name, "arn"), `${where}.arn`),
      type: type === "EXPRESS" ? "EXPRESS" : "STANDARD",
      definition,
      roleArn: str(c.role_arn, `${where}.role_arn`),
      logging: {
        level: logging?.level === undefined ? "OFF" : str(logging.level, `${where}.logging_configuration.level`),
        includeExecutionData:
          logging?.include_execution_data !== undefined && refs.resolve(logging.include_execution_data) === true,
      },
      tracing: tracing?.enabled !== undefined && refs.resolve(tracing.enabled) === true,
    };
  });

  const pipes = each("aws_pipes_pipe").map(([name, c]) => readPipe(name, c, refs, str));
  for (const pipe of pipes) {
    if (!tables.some((t) => t.stream?.arn === pipe.sourceArn)) {
      throw new StackModelError(
        `${pipe.address}: source ${pipe.sourceArn} is not the stream of a table of the stack (only DynamoDB stream sources run locally)`,
      );
    }
    if (!buses.some((b) => b.arn === pipe.targetArn)) {
      throw new StackModelError(
        `${pipe.address}: target ${pipe.targetArn} is not a bus of the stack (only event bus targets run locally)`,
      );
    }
  }

  const output = (name: string): Value | undefined => {
    const declared = document.output?.[name];
    if (declared === undefined) return undefined;
    try {
      return refs.resolve(declared.value, `output.${name}`);
    } catch (error) {
      if (error instanceof ReferenceError)
        throw new StackModelError(`output.${name}: ${error.message}`, { cause: error });
      throw error;
    }
  };
  return { tables, queues, buses, rules, archives: eventArchives, functions, stateMachines, pipes, output };
}

/** Pipe settings that change what a pipe does but that the runtime does not emulate. */
const PIPE_SETTINGS_NOT_EMULATED: readonly [string, string][] = [
  ["enrichment", "enrichment"],
  [
    "source_parameters.dynamodb_stream_parameters.parallelization_factor",
    "parallelization_factor (one batch at a time per shard)",
  ],
  [
    "source_parameters.dynamodb_stream_parameters.maximum_batching_window_in_seconds",
    "maximum_batching_window_in_seconds (batches are what is waiting, at once)",
  ],
  ["source_parameters.dynamodb_stream_parameters.on_partial_batch_item_failure", "on_partial_batch_item_failure"],
  ["log_configuration", "log_configuration (no pipe logs)"],
  ["kms_key_identifier", "kms_key_identifier"],
];

function readPipe(
  name: string,
  c: ResourceConfig,
  refs: TerraformReferences,
  str: (value: unknown, where: string) => string,
): DeclaredPipe {
  const where = `aws_pipes_pipe.${name}`;
  if (c.name === undefined) throw new StackModelError(`${where} has no name (name_prefix is not supported locally)`);
  const source = first(c.source_parameters);
  const stream = first(source?.dynamodb_stream_parameters);
  const target = first(c.target_parameters);
  const bus = first(target?.eventbridge_event_bus_parameters);
  const numberOr = (value: unknown, fallback: number, field: string) =>
    value === undefined ? fallback : num(refs.resolve(value), `${where}.${field}`);
  const filters = (
    Array.isArray(first(source?.filter_criteria)?.filter) ? (first(source?.filter_criteria)?.filter as unknown[]) : []
  ).map((f, i) => {
    const text = str(
      (f as Record<string, unknown>).pattern,
      `${where}.source_parameters.filter_criteria.filter[${i}].pattern`,
    );
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new StackModelError(
        `${where}.source_parameters.filter_criteria.filter[${i}].pattern is not valid JSON: ${(error as Error).message}`,
        { cause: error },
      );
    }
  });
  for (const [i, pattern] of filters.entries()) {
    const refusal = pipeFilterRefusal(pattern);
    if (refusal) throw new StackModelError(`${where} filter ${i}: ${refusal}`);
  }
  const has = (field: string) =>
    field
      .split(".")
      .reduce<unknown>(
        (node, key) =>
          node === undefined ? undefined : (first(node)?.[key] ?? (node as Record<string, unknown>)[key]),
        c,
      ) !== undefined;
  const desired = c.desired_state === undefined ? "RUNNING" : str(c.desired_state, `${where}.desired_state`);
  const dlq = first(stream?.dead_letter_config);
  return {
    address: where,
    name: str(c.name, `${where}.name`),
    arn: str(refs.attribute("aws_pipes_pipe", name, "arn"), `${where}.arn`),
    roleArn: str(c.role_arn, `${where}.role_arn`),
    sourceArn: str(c.source, `${where}.source`),
    targetArn: str(c.target, `${where}.target`),
    running: desired !== "STOPPED",
    // Defaults for stream sources: EventBridge Pipes API reference, PipeSourceDynamoDBStreamParameters.
    batchSize: numberOr(stream?.batch_size, 100, "source_parameters.dynamodb_stream_parameters.batch_size"),
    maximumRetryAttempts: numberOr(
      stream?.maximum_retry_attempts,
      -1,
      "source_parameters.dynamodb_stream_parameters.maximum_retry_attempts",
    ),
    maximumRecordAgeSeconds: numberOr(
      stream?.maximum_record_age_in_seconds,
      -1,
      "source_parameters.dynamodb_stream_parameters.maximum_record_age_in_seconds",
    ),
    ...(dlq?.arn !== undefined
      ? { deadLetterArn: str(dlq.arn, `${where}.source_parameters.dynamodb_stream_parameters.dead_letter_config.arn`) }
      : {}),
    filters,
    ...(target?.input_template !== undefined
      ? { inputTemplate: str(target.input_template, `${where}.target_parameters.input_template`) }
      : {}),
    eventBus: {
      ...(bus?.source !== undefined
        ? { source: str(bus.source, `${where}.target_parameters.eventbridge_event_bus_parameters.source`) }
        : {}),
      ...(bus?.detail_type !== undefined
        ? {
            detailType: str(bus.detail_type, `${where}.target_parameters.eventbridge_event_bus_parameters.detail_type`),
          }
        : {}),
    },
    notEmulated: PIPE_SETTINGS_NOT_EMULATED.filter(([field]) => has(field)).map(([, label]) => label),
  };
}

/**
 * Why EventBridge Pipes would refuse a filter pattern, or undefined: it must be a valid event pattern,
 * and Pipes do not take anything-but with prefix, suffix, equals-ignore-case or wildcard (the "Pipe
 * support" column of https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html).
 */
function pipeFilterRefusal(pattern: unknown): string | undefined {
  try {
    compileEventPattern(pattern);
  } catch (error) {
    if (error instanceof EventPatternError) return error.message;
    throw error;
  }
  const walk = (node: unknown): string | undefined => {
    if (Array.isArray(node)) {
      for (const x of node) {
        const found = walk(x);
        if (found) return found;
      }
      return undefined;
    }
    if (!node || typeof node !== "object") return undefined;
    for (const [key, value] of Object.entries(node)) {
      if (key === "anything-but" && value && typeof value === "object" && !Array.isArray(value)) {
        const operator = Object.keys(value).find((k) =>
          ["prefix", "suffix", "equals-ignore-case", "wildcard"].includes(k),
        );
        if (operator) return `anything-but with ${operator} is not supported in EventBridge Pipes filters`;
      }
      const found = walk(value);
      if (found) return found;
    }
    return undefined;
  };
  return walk(pattern);
}
