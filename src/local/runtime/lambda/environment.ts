import { createHash } from "node:crypto";
import type { DeclaredFunction } from "../stack-model";

/** The runtime's own credentials: fake, accepted by the local services, useless anywhere else. */
export const LOCAL_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: "AKIALOCALRUNTIME0000",
  AWS_SECRET_ACCESS_KEY: "local-runtime-secret-key-not-a-real-one",
  AWS_SESSION_TOKEN: "local-runtime-session-token",
} as const;

/**
 * The access key id of a function's role session. As on Lambda, where the function's credentials
 * are temporary ones of its execution role (ASIA...), the key identifies the caller: the local
 * services map it back to the function, and so to its role, to authorize each call.
 */
export function functionAccessKeyId(functionName: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const digest = createHash("sha256").update(functionName).digest();
  return `ASIA${[...digest.subarray(0, 16)].map((b) => alphabet[b % 32]).join("")}`;
}

export interface LocalEndpoints {
  /** dynalite, e.g. http://127.0.0.1:41234 */
  readonly dynamodb: string;
  /** The local PutEvents endpoint. */
  readonly eventbridge: string;
}

/**
 * A function's `process.env` in its sandbox: what Lambda's Node.js runtime sets (region, function
 * name, memory, log group, handler, task root, `AWS_EXECUTION_ENV`), fake credentials whose access
 * key id is the function's own (`functionAccessKeyId`), the SDK
 * endpoint settings that send DynamoDB and EventBridge calls to the local services
 * (`AWS_ENDPOINT_URL_DYNAMODB`, `AWS_ENDPOINT_URL_EVENTBRIDGE`), `AWS_SAM_LOCAL=true` (the convention
 * local Lambda emulators use, so Powertools does not look for X-Ray), then the function's own
 * synthesized variables. Nothing from the developer's shell leaks in.
 */
export function functionEnvironment(
  fn: DeclaredFunction,
  region: string,
  endpoints: LocalEndpoints,
): Record<string, string> {
  const runtime = fn.runtime || "nodejs22.x";
  return {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: fn.logGroupName,
    AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${fn.name}`,
    ...(fn.logFormat ? { AWS_LAMBDA_LOG_FORMAT: fn.logFormat } : {}),
    ...(fn.applicationLogLevel ? { AWS_LAMBDA_LOG_LEVEL: fn.applicationLogLevel } : {}),
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    LAMBDA_TASK_ROOT: fn.codeDir,
    LAMBDA_RUNTIME_DIR: fn.codeDir,
    _HANDLER: fn.handler,
    ...LOCAL_CREDENTIALS,
    AWS_ACCESS_KEY_ID: functionAccessKeyId(fn.name),
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_EVENTBRIDGE: endpoints.eventbridge,
    AWS_SAM_LOCAL: "true",
    ...fn.variables,
  };
}

/** The flags of the function's NODE_OPTIONS that a worker thread accepts. */
export function workerExecArgv(variables: Readonly<Record<string, string>>): string[] {
  const supported = new Set(["--enable-source-maps"]);
  return (variables.NODE_OPTIONS ?? "").split(/\s+/).filter((flag) => supported.has(flag));
}
