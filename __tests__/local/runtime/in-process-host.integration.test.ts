/**
 * The in-process Lambda host beside the worker sandbox: the same bundle, environment and context
 * contract (what `npm run local` gives a function), only without a thread.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Activity } from "../../../src/local/runtime/activity";
import { Clock } from "../../../src/local/runtime/clock";
import { inProcessHost } from "../../../src/local/runtime/lambda/in-process-host";
import { LocalFunction, type FunctionSpec } from "../../../src/local/runtime/lambda/local-function";
import { workerHost } from "../../../src/local/runtime/lambda/worker-host";
import { LocalQueues } from "../../../src/local/runtime/sqs/queues";
import { Trace } from "../../../src/local/runtime/trace";
import type { FunctionHost } from "../../../src/local/runtime/lambda/function-host";

const code = fs.mkdtempSync(path.join(os.tmpdir(), "in-process-fn-"));
fs.writeFileSync(
  path.join(code, "index.js"),
  `const loadedWith = process.env.TABLE;
exports.handler = async (event, context) => {
  if (event.fail) { const e = new Error("card declined"); e.name = event.fail; throw e; }
  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep));
  if (event.set) process.env.SET_BY_HANDLER = event.set;
  if (event.log) console.log(event.log);
  return {
    echo: event,
    loadedWith,
    table: process.env.TABLE,
    setByHandler: process.env.SET_BY_HANDLER ?? null,
    home: process.env.HOME ?? null,
    keys: Object.keys(process.env).sort(),
    context: {
      functionName: context.functionName,
      functionVersion: context.functionVersion,
      invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: context.memoryLimitInMB,
      logGroupName: context.logGroupName,
      requestIdLength: context.awsRequestId.length,
      remainingPositive: context.getRemainingTimeInMillis() > 0,
      callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
    },
  };
};
exports.callback = (event, context, done) => done(null, { viaCallback: true });`,
);

const trace = new Trace();
const activity = new Activity();
const spec = (over: Partial<FunctionSpec> = {}): FunctionSpec => ({
  name: "fn",
  arn: "arn:aws:lambda:us-east-1:000000000000:function:fn",
  handler: "index.handler",
  codeDir: code,
  environment: { TABLE: "orders", AWS_REGION: "us-east-1" },
  timeoutSeconds: 1,
  memoryMb: 128,
  logGroupName: "/aws/lambda/fn",
  async: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
  execArgv: [],
  ...over,
});
const fns: LocalFunction[] = [];
const make = (host: FunctionHost, over: Partial<FunctionSpec> = {}) => {
  const f = new LocalFunction(spec(over), { queues: new LocalQueues(), clock: new Clock(0), trace, activity, host });
  fns.push(f);
  return f;
};
afterAll(async () => {
  await Promise.all(fns.map((f) => f.stop()));
});

describe("the in-process Lambda host", () => {
  it("answers as the worker sandbox does: same payload, environment and context", async () => {
    const [worker, inProcess] = await Promise.all([
      make(workerHost).invoke({ a: 1, when: new Date(0) }),
      make(inProcessHost()).invoke({ a: 1, when: new Date(0) }),
    ]);
    expect(inProcess.functionError).toBeUndefined();
    expect(inProcess.payload).toEqual(worker.payload);
    expect(inProcess.payload).toMatchObject({
      echo: { a: 1, when: "1970-01-01T00:00:00.000Z" },
      loadedWith: "orders",
      table: "orders",
      home: null,
      keys: ["AWS_REGION", "TABLE"],
      context: { functionName: "fn", memoryLimitInMB: "128", requestIdLength: 36, remainingPositive: true },
    });
  });

  it("gives each function its own process.env through every await, and leaves the process's own alone", async () => {
    const hostEnvBefore = { ...process.env };
    const [orders, payments] = await Promise.all([
      make(inProcessHost(), { name: "orders-fn", environment: { TABLE: "orders" } }).invoke({ sleep: 30, set: "o" }),
      make(inProcessHost(), { name: "payments-fn", environment: { TABLE: "payments" } }).invoke({ sleep: 10 }),
    ]);
    expect(orders.payload).toMatchObject({ table: "orders", setByHandler: "o" });
    expect(payments.payload).toMatchObject({ table: "payments", setByHandler: null });
    expect({ ...process.env }).toEqual(hostEnvBefore);
    expect(process.env.SET_BY_HANDLER).toBeUndefined();
  });

  it("reports function errors, callback handlers and a missing export as the sandbox does", async () => {
    for (const host of [workerHost, inProcessHost()]) {
      const failed = await make(host).invoke({ fail: "PaymentDeclined" });
      expect(failed.functionError).toMatchObject({ errorType: "PaymentDeclined", errorMessage: "card declined" });
      expect((await make(host, { handler: "index.callback" }).invoke({})).payload).toEqual({ viaCallback: true });
      expect((await make(host, { handler: "index.nope" }).invoke({})).functionError?.errorType).toBe(
        "Runtime.HandlerNotFound",
      );
    }
  });

  it("writes the function's output to its log file, each line prefixed with its name, as the sandbox does", async () => {
    const logs: string[] = [];
    for (const host of [workerHost, inProcessHost()]) {
      const logFile = path.join(code, `${logs.length}.log`);
      const fn = new LocalFunction(spec(), {
        queues: new LocalQueues(),
        clock: new Clock(0),
        trace,
        activity,
        host,
        logFile,
      });
      fns.push(fn);
      await fn.invoke({ log: "line one\nline two" });
      await fn.stop();
      await new Promise((resolve) => setTimeout(resolve, 50));
      logs.push(fs.readFileSync(logFile, "utf8"));
    }
    expect(logs[1]).toBe("fn line one\nfn line two\n");
    expect(logs[1]).toBe(logs[0]);
  });

  it("answers Sandbox.Timedout after the function's timeout, and the next invocation gets a new instance", async () => {
    const fn = make(inProcessHost(), { timeoutSeconds: 0.2 });
    const result = await fn.invoke({ sleep: 400 });
    expect(result.functionError).toMatchObject({
      errorType: "Sandbox.Timedout",
      errorMessage: "Task timed out after 0.20 seconds",
    });
    expect((await fn.invoke({})).functionError).toBeUndefined();
    expect(fn.stats.coldStarts).toBe(2);
  });
});
