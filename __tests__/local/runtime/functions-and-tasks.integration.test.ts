import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Activity } from "../../../src/local/runtime/activity";
import { Clock } from "../../../src/local/runtime/clock";
import { LocalFunction, type FunctionSpec } from "../../../src/local/runtime/lambda/local-function";
import { AwsServiceError } from "../../../src/local/runtime/service-error";
import { LocalQueues } from "../../../src/local/runtime/sqs/queues";
import { LocalStateMachine } from "../../../src/local/runtime/stepfunctions/local-state-machine";
import { Trace } from "../../../src/local/runtime/trace";
import type { TaskBackends } from "../../../src/local/runtime/stepfunctions/task-bindings";

const code = fs.mkdtempSync(path.join(os.tmpdir(), "fn-"));
fs.writeFileSync(
  path.join(code, "index.js"),
  `let calls = 0;
exports.handler = async (event, context) => {
  calls++;
  if (event.fail) { const e = new Error("card declined"); e.name = event.fail; throw e; }
  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep));
  console.log("log line", calls);
  return { echo: event, table: process.env.TABLE, region: process.env.AWS_REGION, name: context.functionName, calls, home: process.env.HOME ?? null };
};
exports.callback = (event, context, done) => done(null, { viaCallback: true });`,
);

const queues = new LocalQueues();
queues.add({ name: "failures", arn: "arn:aws:sqs:us-east-1:000000000000:failures", url: "u", retentionSeconds: 60 });
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
  async: {
    maximumRetryAttempts: 2,
    maximumEventAgeSeconds: 3600,
    onFailureArn: "arn:aws:sqs:us-east-1:000000000000:failures",
  },
  execArgv: [],
  ...over,
});
const fns: LocalFunction[] = [];
const make = (over: Partial<FunctionSpec> = {}, faults?: ConstructorParameters<typeof LocalFunction>[1]["faults"]) => {
  const f = new LocalFunction(spec(over), { queues, clock: new Clock(0), trace, activity, faults, maxSandboxes: 2 });
  fns.push(f);
  return f;
};

afterAll(async () => {
  await Promise.all(fns.map((f) => f.stop()));
});

describe("a local function", () => {
  it("runs the bundle with its own environment only, JSON in and out, as Lambda would", async () => {
    const result = await make().invoke({ a: 1, when: new Date(0) });
    expect(result.functionError).toBeUndefined();
    expect(result.payload).toMatchObject({
      echo: { a: 1, when: "1970-01-01T00:00:00.000Z" },
      table: "orders",
      region: "us-east-1",
      name: "fn",
      home: null,
    });
  });

  it("returns a function error as Lambda reports it, and supports callback handlers", async () => {
    const fn = make();
    const failed = await fn.invoke({ fail: "PaymentDeclined" });
    expect(failed.functionError).toMatchObject({ errorType: "PaymentDeclined", errorMessage: "card declined" });
    expect((await make({ handler: "index.callback" }).invoke({})).payload).toEqual({ viaCallback: true });
    expect((await make({ handler: "index.nope" }).invoke({})).functionError?.errorType).toBe("Runtime.HandlerNotFound");
  });

  it("times out after the function's timeout, as Sandbox.Timedout", async () => {
    const result = await make().invoke({ sleep: 3000 });
    expect(result.functionError).toMatchObject({
      errorType: "Sandbox.Timedout",
      errorMessage: "Task timed out after 1.00 seconds",
    });
  });

  it("runs one invocation at a time per sandbox, starting sandboxes up to the limit", async () => {
    const fn = make();
    const results = await Promise.all([1, 2, 3, 4].map(() => fn.invoke({ sleep: 50 })));
    expect(fn.stats.coldStarts).toBe(2);
    // Two sandboxes, each counting its own invocations: two first calls, the rest queued behind them.
    const calls = results.map((r) => (r.payload as { calls: number }).calls);
    expect(calls.filter((c) => c === 1)).toHaveLength(2);
    expect(Math.max(...calls)).toBeLessThanOrEqual(3);
  });

  it("refuses payloads over Lambda's limits before running anything", async () => {
    await expect(make().invoke({ big: "x".repeat(6 * 1024 * 1024) })).rejects.toBeInstanceOf(AwsServiceError);
    expect(() => make().invokeAsync({ big: "x".repeat(300 * 1024) }, { kind: "client" })).toThrow(
      /RequestEntityTooLarge|smaller than 262144/,
    );
  });

  it("retries a failing asynchronous invocation, then sends the record to its on-failure destination", async () => {
    const fn = make();
    fn.invokeAsync({ fail: "Boom" }, { kind: "event-bridge", rule: "r" });
    await activity.idle();
    const [message] = queues.find("failures")?.messages ?? [];
    expect(JSON.parse(message?.Body ?? "{}")).toMatchObject({
      requestContext: {
        condition: "RetriesExhausted",
        approximateInvokeCount: 3,
        functionArn: `${spec().arn}:$LATEST`,
      },
      requestPayload: { fail: "Boom" },
      responseContext: { functionError: "Unhandled" },
      responsePayload: { errorType: "Boom" },
    });
  });
});

describe("a local state machine", () => {
  const backends = (fn: LocalFunction, log: unknown[]): TaskBackends => ({
    invokeFunction: (_ref, payload, caller) => fn.invoke(payload, caller),
    invokeFunctionAsync: () => undefined,
    dynamodb: async (action, request) => {
      log.push([action, request]);
      if ((request as { ConditionExpression?: string }).ConditionExpression)
        throw Object.assign(new Error("The conditional request failed"), { name: "ConditionalCheckFailedException" });
      return {};
    },
    putEvents: async (entries) => {
      log.push(["PutEvents", entries]);
      return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: "e1" })) };
    },
    sqsSendMessage: () => ({ MessageId: "m", MD5OfMessageBody: "x" }),
  });
  const machine = (definition: unknown, fn: LocalFunction, log: unknown[] = [], scale = 0.001) =>
    new LocalStateMachine(
      {
        name: "saga",
        arn: "arn:aws:states:us-east-1:000000000000:stateMachine:saga",
        type: "STANDARD",
        definition: definition as never,
      },
      { backends: backends(fn, log), clock: new Clock(scale), trace, activity },
    );
  const invoke = (next: object) => ({
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke",
    Parameters: { FunctionName: spec().arn, "Payload.$": "$" },
    ...next,
  });

  it("wraps a lambda:invoke result as the service does, and names function errors by their type", async () => {
    const sm = machine(
      {
        StartAt: "Call",
        States: {
          Call: invoke({
            ResultPath: "$.result",
            Catch: [{ ErrorEquals: ["PaymentDeclined"], ResultPath: "$.error", Next: "Declined" }],
            End: true,
          }),
          Declined: { Type: "Fail", ErrorPath: "$.error.Error", CausePath: "$.error.Cause" },
        },
      },
      make(),
    );
    const ok = await sm.startExecution({ a: 1 }).done;
    expect(ok.status).toBe("SUCCEEDED");
    expect(ok.output).toMatchObject({
      a: 1,
      result: { ExecutedVersion: "$LATEST", StatusCode: 200, Payload: { echo: { a: 1 } } },
    });
    const declined = await sm.startExecution({ fail: "PaymentDeclined" }).done;
    expect(declined).toMatchObject({ status: "FAILED", error: "PaymentDeclined" });
    expect(JSON.parse(declined.cause as string)).toMatchObject({
      errorType: "PaymentDeclined",
      errorMessage: "card declined",
    });
  });

  it("reports injected Lambda service errors as Lambda.<name> and retries them with shortened waits", async () => {
    let n = 0;
    const flaky = make({}, () =>
      n++ < 2
        ? { kind: "transient", serviceError: new AwsServiceError("ServiceException", "down", { statusCode: 500 }) }
        : undefined,
    );
    const sm = machine(
      {
        StartAt: "Call",
        States: {
          Call: invoke({
            Retry: [{ ErrorEquals: ["Lambda.ServiceException"], IntervalSeconds: 30, MaxAttempts: 3 }],
            End: true,
          }),
        },
      },
      flaky,
    );
    const started = Date.now();
    const execution = await sm.startExecution({}).done;
    expect(execution.status).toBe("SUCCEEDED");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("names DynamoDB errors DynamoDB.<exception> and appends the execution to PutEvents resources", async () => {
    const log: unknown[] = [];
    const sm = machine(
      {
        StartAt: "Put",
        States: {
          Put: {
            Type: "Task",
            Resource: "arn:aws:states:::events:putEvents",
            Parameters: { Entries: [{ Source: "s", DetailType: "d", Detail: { x: 1 }, EventBusName: "b" }] },
            ResultPath: null,
            Next: "Update",
          },
          Update: {
            Type: "Task",
            Resource: "arn:aws:states:::dynamodb:updateItem",
            Parameters: { TableName: "t", Key: {}, ConditionExpression: "x" },
            End: true,
          },
        },
      },
      make(),
      log,
    );
    const execution = await sm.startExecution({}).done;
    expect(execution).toMatchObject({ status: "FAILED", error: "DynamoDB.ConditionalCheckFailedException" });
    expect(log[0]).toEqual([
      "PutEvents",
      [
        {
          Source: "s",
          DetailType: "d",
          Detail: '{"x":1}',
          EventBusName: "b",
          Resources: [execution.executionArn, "arn:aws:states:us-east-1:000000000000:stateMachine:saga"],
        },
      ],
    ]);
  });

  it("refuses a Task resource it cannot run, naming the state", () => {
    expect(() =>
      machine(
        { StartAt: "S", States: { S: { Type: "Task", Resource: "arn:aws:states:::ecs:runTask.sync", End: true } } },
        make(),
      ),
    ).toThrow(/state S: arn:aws:states:::ecs:runTask.sync .* is not run by the local runtime/);
  });
});

describe("definition validation", () => {
  const { validateDefinitions } =
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require("../../../src/local/runtime/stepfunctions/validate") as typeof import("../../../src/local/runtime/stepfunctions/validate");
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "asl-cache-"));

  it("reports an invalid definition by name, and remembers a valid one", async () => {
    const valid = { StartAt: "Done", States: { Done: { Type: "Succeed" } } };
    const invalid = { StartAt: "Missing", States: { Done: { Type: "Succeed" } } };
    const problems = await validateDefinitions(
      [
        { name: "ok", definition: valid },
        { name: "broken", definition: invalid },
      ],
      cache,
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^broken: /);
    expect(fs.readdirSync(cache)).toHaveLength(1);
    expect(await validateDefinitions([{ name: "ok", definition: valid }], cache)).toEqual([]);
  });
});
