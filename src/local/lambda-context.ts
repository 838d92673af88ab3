/** A Lambda invocation context for running handlers outside Lambda. */
import { randomUUID } from "node:crypto";
import type { Context } from "aws-lambda";

export interface LambdaContextOptions {
  readonly functionName: string;
  /** Default arn:aws:lambda:us-east-1:000000000000:function:<functionName>. */
  readonly invokedFunctionArn?: string;
  /** The function's timeout; getRemainingTimeInMillis counts down from it. Default 30 s. */
  readonly timeoutMs?: number;
  readonly memoryLimitInMB?: number;
}

export function createLambdaContext(options: LambdaContextOptions): Context {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  const unsupported = () => {
    throw new Error("callback-style completion is not supported; return a promise");
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: options.functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn:
      options.invokedFunctionArn ?? `arn:aws:lambda:us-east-1:000000000000:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 256),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `local/${options.functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** The function name in a Lambda ARN (arn:aws:lambda:region:account:function:name[:qualifier]). */
export function functionNameOf(arnOrName: string): string {
  const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(arnOrName);
  return match ? match[1]! : arnOrName;
}
