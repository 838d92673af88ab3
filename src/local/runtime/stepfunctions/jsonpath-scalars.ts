/**
 * aws-local-stepfunctions reads every path (`$.orderId`, a Choice's Variable, each `.$` parameter) with
 * jsonpath-plus's `JSONPath({ path, json, wrap: false })`, and jsonpath-plus answers a scalar result of
 * that call by throwing an Error carrying it (its `NewError`) and catching it: a stack trace taken per
 * lookup, measured as the largest single cost of the local state machines. The same evaluation without
 * the throw: an instance made with `autostart: false`, then `evaluate` with the arguments the
 * constructor would pass, which returns the scalar or the result as the constructor does. Any other
 * use (with `new`, without an options object, other options) goes to jsonpath-plus unchanged.
 */
import { createRequire } from "node:module";

interface JsonPathOptions {
  readonly path?: unknown;
  readonly json?: unknown;
  readonly wrap?: boolean;
  readonly autostart?: boolean;
}
export type JsonPathFunction = ((...args: unknown[]) => unknown) & {
  new (...args: unknown[]): { evaluate(args: { path?: unknown; json?: unknown }): unknown };
  scalarsWithoutThrow?: true;
};

/** `JSONPath` answering `JSONPath({ path, json, wrap: false })` without the throw; all else passed to `original`. */
export function withoutScalarThrow(original: JsonPathFunction): JsonPathFunction {
  const JSONPath = function (this: unknown, ...args: unknown[]): unknown {
    const [opts] = args;
    if (
      new.target !== undefined ||
      args.length !== 1 ||
      opts === null ||
      typeof opts !== "object" ||
      (opts as JsonPathOptions).wrap !== false ||
      (opts as JsonPathOptions).autostart !== undefined
    )
      return new.target !== undefined ? Reflect.construct(original, args, new.target) : original(...args);
    const options = opts as JsonPathOptions;
    const instance = new original({ ...options, autostart: false });
    return instance.evaluate("json" in options ? { path: options.path, json: options.json } : { path: options.path });
  } as unknown as JsonPathFunction;
  Object.setPrototypeOf(JSONPath, original);
  JSONPath.prototype = original.prototype;
  JSONPath.scalarsWithoutThrow = true;
  return JSONPath;
}

/** Puts `withoutScalarThrow` into the copy of jsonpath-plus that aws-local-stepfunctions loads (it calls `JSONPath` through the module's exports). Idempotent. */
export function answerScalarsWithoutThrow(): void {
  const jsonpathPlus = createRequire(require.resolve("aws-local-stepfunctions"))("jsonpath-plus") as {
    JSONPath: JsonPathFunction;
  };
  if (!jsonpathPlus.JSONPath.scalarsWithoutThrow) jsonpathPlus.JSONPath = withoutScalarThrow(jsonpathPlus.JSONPath);
}
