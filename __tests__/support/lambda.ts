/** A Lambda context for tests that call a handler directly: the one the local runtime's hosts give. */
import { randomUUID } from "node:crypto";
import { lambdaContext } from "../../src/local/runtime/lambda/in-process-host";
import type { Context } from "aws-lambda";

export function createLambdaContext(options: { readonly functionName: string; readonly timeoutMs?: number }): Context {
  const unsupported = () => {
    throw new Error("callback-style completion is not supported; return a promise");
  };
  return lambdaContext(
    {
      name: options.functionName,
      arn: `arn:aws:lambda:us-east-1:000000000000:function:${options.functionName}`,
      memoryMb: 256,
      logGroupName: `/aws/lambda/${options.functionName}`,
    },
    {
      requestId: randomUUID(),
      deadline: Date.now() + (options.timeoutMs ?? 30_000),
      logStreamName: `local/${options.functionName}`,
      succeed: unsupported,
      fail: unsupported,
    },
  ) as unknown as Context;
}
