import { seededRandom } from "../../../src/local/runtime/clock";
import { errorMatches, retryWaitMs } from "../../../src/local/runtime/stepfunctions/error-handling";
import { runExecution, type ExecutionSettings } from "../../../src/local/runtime/stepfunctions/execution";
import { MAX_PAYLOAD_BYTES } from "../../../src/local/runtime/stepfunctions/payload-limit";
import type { AslMachine } from "../../../src/local/runtime/stepfunctions/task-bindings";

const identity = {
  executionArn: "arn:aws:states:us-east-1:123456789012:execution:orders:e-1",
  executionName: "e-1",
  stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:orders",
  stateMachineName: "orders",
  roleArn: "arn:aws:iam::123456789012:role/orders-sfn",
};
const noWait: Pick<ExecutionSettings, "scaled" | "random"> = { scaled: () => 0, random: () => 0.5 };
const run = (definition: object, input: unknown, settings: Partial<ExecutionSettings> = {}) =>
  runExecution(definition as AslMachine, input, identity, { tasks: {}, ...noWait, ...settings });

/** A JSON string value whose text is exactly `bytes` bytes of UTF-8 (two of them the quotes). */
const jsonOfBytes = (bytes: number) => "a".repeat(bytes - 2);
const LAMBDA = "arn:aws:states:::lambda:invoke";

test("Promise.withResolvers, which aws-local-stepfunctions needs, is available (polyfilled on Node 20)", () => {
  expect(typeof (Promise as unknown as { withResolvers: unknown }).withResolvers).toBe("function");
});

describe("the context object", () => {
  // "Accessing execution data from the Context object", Step Functions developer guide
  // (input-output-contextobject.html): Execution.{Id, Input, Name, RoleArn, StartTime, RedriveCount},
  // State.{EnteredTime, Name, RetryCount}, StateMachine.{Id, Name}.
  test("has the documented execution, state and state machine fields", async () => {
    const before = new Date().toISOString();
    const outcome = await run(
      {
        StartAt: "First",
        States: {
          First: { Type: "Pass", Next: "Second" },
          Second: {
            Type: "Pass",
            Parameters: { "execution.$": "$$.Execution", "state.$": "$$.State", "machine.$": "$$.StateMachine" },
            End: true,
          },
        },
      },
      { orderId: "o-1" },
    );
    expect(outcome.status).toBe("SUCCEEDED");
    const { execution, state, machine } = JSON.parse(JSON.stringify(outcome.output)) as Record<
      string,
      Record<string, unknown>
    >;
    expect(execution).toEqual({
      Id: identity.executionArn,
      Input: { orderId: "o-1" },
      Name: "e-1",
      RoleArn: identity.roleArn,
      StartTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      RedriveCount: 0,
    });
    expect(state).toEqual({
      Name: "Second",
      EnteredTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      RetryCount: 0,
    });
    expect(state!.EnteredTime! >= (execution!.StartTime as string) && (execution!.StartTime as string) >= before).toBe(
      true,
    );
    expect(machine).toEqual({ Id: identity.stateMachineArn, Name: "orders" });
  });

  test("State.RetryCount counts the retries of the state it is read in", async () => {
    const seen: unknown[] = [];
    const outcome = await run(
      {
        StartAt: "Charge",
        States: {
          Charge: {
            Type: "Task",
            Resource: LAMBDA,
            Parameters: { "retry.$": "$$.State.RetryCount", "state.$": "$$.State.Name" },
            Retry: [{ ErrorEquals: ["Lambda.ServiceException"], MaxAttempts: 3 }],
            End: true,
          },
        },
      },
      {},
      {
        tasks: {
          Charge: async (input) => {
            seen.push(input);
            if (seen.length < 3) throw Object.assign(new Error("busy"), { name: "Lambda.ServiceException" });
            return "charged";
          },
        },
      },
    );
    expect(outcome).toEqual({ status: "SUCCEEDED", output: "charged" });
    expect(seen).toEqual([
      { retry: 0, state: "Charge" },
      { retry: 1, state: "Charge" },
      { retry: 2, state: "Charge" },
    ]);
  });
});

describe("Retry waits", () => {
  const failingTask = (failures: number) => {
    let calls = 0;
    return async () => {
      if (++calls <= failures) throw Object.assign(new Error("timeout"), { name: "Lambda.Unknown" });
      return "ok";
    };
  };
  const retrying = (retrier: Record<string, unknown>) => ({
    StartAt: "T",
    States: { T: { Type: "Task", Resource: LAMBDA, Retry: [{ ErrorEquals: ["States.ALL"], ...retrier }], End: true } },
  });
  const nominalWaits = async (retrier: Record<string, unknown>, failures: number, random: () => number = () => 0.5) => {
    const waits: number[] = [];
    const outcome = await run(
      retrying(retrier),
      {},
      { tasks: { T: failingTask(failures) }, random, scaled: (ms) => (waits.push(ms), 0) },
    );
    return { outcome, waits };
  };

  test("grow by BackoffRate after each attempt", async () => {
    // "Retrying after an error" (concepts-error-handling.html): IntervalSeconds 3, MaxAttempts 2,
    // BackoffRate 1.5 retry after 3 seconds, then after 4.5 seconds.
    const { outcome, waits } = await nominalWaits({ IntervalSeconds: 3, MaxAttempts: 2, BackoffRate: 1.5 }, 2);
    expect(outcome.status).toBe("SUCCEEDED");
    expect(waits).toEqual([3000, 4500]);
  });

  test("default to an interval of 1 s doubled each time, 3 attempts", async () => {
    // Same page: IntervalSeconds defaults to 1, BackoffRate to 2.0, MaxAttempts to 3.
    const { outcome, waits } = await nominalWaits({}, 4);
    expect(outcome).toMatchObject({ status: "FAILED", error: "Lambda.Unknown" });
    expect(waits).toEqual([1000, 2000, 4000]);
  });

  test("stop growing at MaxDelaySeconds", async () => {
    // Same page: MaxDelaySeconds "sets the maximum value, in seconds, up to which a retry interval can increase".
    const { waits } = await nominalWaits({ IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 4, MaxDelaySeconds: 3 }, 4);
    expect(waits).toEqual([1000, 2000, 3000, 3000]);
  });

  test("are counted per retrier, across all the retries of one entry into the state", async () => {
    // "Complex retry scenarios" (concepts-error-handling.html): errors ErrorA, ErrorB, ErrorC, ErrorB, ErrorB
    // wait 1, 2, 5 and 4 s; the fifth has used up the first retrier's two attempts and goes to the catcher.
    const errors = ["ErrorA", "ErrorB", "ErrorC", "ErrorB", "ErrorB"];
    let calls = 0;
    const waits: number[] = [];
    const outcome = await run(
      {
        StartAt: "X",
        States: {
          X: {
            Type: "Task",
            Resource: LAMBDA,
            Next: "Y",
            Retry: [
              { ErrorEquals: ["ErrorA", "ErrorB"], IntervalSeconds: 1, BackoffRate: 2.0, MaxAttempts: 2 },
              { ErrorEquals: ["ErrorC"], IntervalSeconds: 5 },
            ],
            Catch: [{ ErrorEquals: ["States.ALL"], Next: "Z" }],
          },
          Y: { Type: "Pass", Result: "Y", End: true },
          Z: { Type: "Pass", Result: "Z", End: true },
        },
      },
      {},
      {
        tasks: { X: async () => Promise.reject(Object.assign(new Error("failed"), { name: errors[calls++] })) },
        scaled: (ms) => (waits.push(ms), 0),
      },
    );
    expect(outcome).toEqual({ status: "SUCCEEDED", output: "Z" });
    expect(calls).toBe(5);
    expect(waits).toEqual([1000, 2000, 5000, 4000]);
  });

  test("with JitterStrategy FULL, are a random point between 0 and the computed interval, the same for the same seed", async () => {
    // Same page, and JitterType in the CDK reference: FULL "calculates the delay to be a random number
    // between 0 and the computed backoff for the given retry attempt count".
    const retrier = { IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3, JitterStrategy: "FULL" };
    const first = await nominalWaits(retrier, 3, seededRandom(7));
    const again = await nominalWaits(retrier, 3, seededRandom(7));
    expect(again.waits).toEqual(first.waits);
    first.waits.forEach((wait, attempt) => {
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThanOrEqual(2000 * 2 ** attempt);
    });
    expect((await nominalWaits(retrier, 1, () => 0.25)).waits).toEqual([500]);
    expect(new Set(first.waits.map((w, attempt) => w / (2000 * 2 ** attempt))).size).toBe(3);
  });

  test("are what the time scale makes of them: an hour's back-off at 1/3,600,000 is a millisecond", async () => {
    // Unscaled, this retry would outlast the test's timeout.
    const outcome = await run(
      retrying({ IntervalSeconds: 3600, MaxAttempts: 1 }),
      {},
      { tasks: { T: failingTask(1) }, scaled: (ms) => ms / 3_600_000 },
    );
    expect(outcome.status).toBe("SUCCEEDED");
  });

  test.each<[string, string, string[], boolean]>([
    // "Error names" (concepts-error-handling.html).
    ["States.ALL matches any error name", "Lambda.Unknown", ["States.ALL"], true],
    [
      "States.ALL does not match the terminal States.DataLimitExceeded",
      "States.DataLimitExceeded",
      ["States.ALL"],
      false,
    ],
    [
      "only its own name matches States.DataLimitExceeded",
      "States.DataLimitExceeded",
      ["States.DataLimitExceeded"],
      true,
    ],
    ["States.Runtime is never caught, even by States.ALL", "States.Runtime", ["States.ALL"], false],
    ["States.TaskFailed matches any error but States.Timeout", "Lambda.Unknown", ["States.TaskFailed"], true],
    ["States.TaskFailed does not match States.Timeout", "States.Timeout", ["States.TaskFailed"], false],
    ["States.Timeout matches itself", "States.Timeout", ["States.Timeout"], true],
    ["a name matches itself only", "PaymentDeclined", ["OutOfStock"], false],
  ])("%s", (_case, error, errorEquals, matches) => {
    expect(errorMatches({ ErrorEquals: errorEquals }, error)).toBe(matches);
  });

  test("a Task's timeout is States.Timeout, which States.TaskFailed neither retries nor catches", async () => {
    // "Error names" (concepts-error-handling.html): States.TaskFailed matches any error except States.Timeout.
    let calls = 0;
    const outcome = await run(
      {
        StartAt: "Slow",
        States: {
          Slow: {
            Type: "Task",
            Resource: LAMBDA,
            TimeoutSeconds: 0.01,
            Retry: [{ ErrorEquals: ["States.TaskFailed"] }],
            Catch: [
              { ErrorEquals: ["States.TaskFailed"], Next: "Failed" },
              { ErrorEquals: ["States.Timeout"], Next: "TimedOut" },
            ],
            End: true,
          },
          Failed: { Type: "Pass", Result: "task failed", End: true },
          TimedOut: { Type: "Pass", Result: "timed out", End: true },
        },
      },
      {},
      { tasks: { Slow: () => (calls++, new Promise(() => undefined)) } },
    );
    expect(outcome).toEqual({ status: "SUCCEEDED", output: "timed out" });
    expect(calls).toBe(1);
  });

  test("States.Runtime fails the execution, whatever catches States.ALL", async () => {
    const outcome = await run(
      {
        StartAt: "T",
        States: {
          T: { Type: "Task", Resource: LAMBDA, Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught" }], End: true },
          Caught: { Type: "Pass", End: true },
        },
      },
      {},
      {
        tasks: {
          T: async () =>
            Promise.reject(Object.assign(new Error("FunctionName is required"), { name: "States.Runtime" })),
        },
      },
    );
    expect(outcome).toEqual({ status: "FAILED", error: "States.Runtime", cause: "FunctionName is required" });
  });

  test("an error a Task does not retry reaches the retriers and catchers of the Parallel state around it", async () => {
    let calls = 0;
    const parallel = (around: Record<string, unknown>) => ({
      StartAt: "Both",
      States: {
        Both: {
          Type: "Parallel",
          Branches: [{ StartAt: "T", States: { T: { Type: "Task", Resource: LAMBDA, End: true } } }],
          ...around,
          End: true,
        },
        Caught: { Type: "Pass", Result: "caught", End: true },
      },
    });
    const boom = async () => (calls++, Promise.reject(Object.assign(new Error("boom"), { name: "Boom" })));
    expect(
      await run(parallel({ Retry: [{ ErrorEquals: ["Boom"], MaxAttempts: 1 }] }), {}, { tasks: { T: boom } }),
    ).toMatchObject({ status: "FAILED", error: "Boom" });
    expect(calls).toBe(2);
    expect(
      await run(parallel({ Catch: [{ ErrorEquals: ["Boom"], Next: "Caught" }] }), {}, { tasks: { T: boom } }),
    ).toEqual({ status: "SUCCEEDED", output: "caught" });
    const large = async () => ({ Payload: jsonOfBytes(300 * 1024) });
    expect(
      await run(parallel({ Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught" }] }), {}, { tasks: { T: large } }),
    ).toMatchObject({ status: "FAILED", error: "States.DataLimitExceeded" });
  });

  test("a retrier's wait is IntervalSeconds x BackoffRate^attempt", () => {
    expect(
      [0, 1, 2].map((attempt) =>
        retryWaitMs({ ErrorEquals: ["States.ALL"], IntervalSeconds: 3, BackoffRate: 1.5 }, attempt, Math.random),
      ),
    ).toEqual([3000, 4500, 6750]);
  });
});

describe("the 256 KiB payload limit", () => {
  // "Step Functions service quotas" (limits-overview.html): 256 KiB as a UTF-8 encoded string for the input
  // or output of a task, state or execution. "Error names" (concepts-error-handling.html):
  // States.DataLimitExceeded, "a terminal error that can't be caught by the States.ALL error type".
  const invoking = (extra: Record<string, unknown> = {}) => ({
    StartAt: "Invoke",
    States: {
      Invoke: { Type: "Task", Resource: LAMBDA, ...extra, Next: "Done" },
      Done: { Type: "Pass", Result: "done", End: true },
      Handled: { Type: "Pass", End: true },
    },
  });
  const tooLarge = { Payload: jsonOfBytes(300 * 1024) };
  // The Cause recorded on AWS for a lambda:invoke result over the limit (localstack/localstack,
  // tests/aws/services/stepfunctions/v2/error_handling/test_states_errors.snapshot.json).
  const cause =
    "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit.";

  test("is 262,144 bytes of UTF-8", async () => {
    expect(MAX_PAYLOAD_BYTES).toBe(262_144);
    const pass = { StartAt: "P", States: { P: { Type: "Pass", End: true } } };
    expect((await run(pass, jsonOfBytes(262_144))).status).toBe("SUCCEEDED");
    expect((await run(pass, jsonOfBytes(262_145))).status).toBe("FAILED");
    // "é" is two bytes in UTF-8: 131,071 of them and the quotes are 262,144 bytes, one more is over.
    expect((await run(pass, "é".repeat(131_071))).status).toBe("SUCCEEDED");
    expect((await run(pass, "é".repeat(131_072))).status).toBe("FAILED");
  });

  test("a task result over it fails the execution, even with a States.ALL catcher; it is not retried", async () => {
    let calls = 0;
    const outcome = await run(
      invoking({
        Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 3 }],
        Catch: [{ ErrorEquals: ["States.ALL"], Next: "Handled" }],
      }),
      {},
      { tasks: { Invoke: async () => (calls++, tooLarge) } },
    );
    expect(outcome).toEqual({ status: "FAILED", error: "States.DataLimitExceeded", cause });
    expect(calls).toBe(1);
  });

  test("a catcher that names States.DataLimitExceeded catches it, even after a States.ALL catcher", async () => {
    const outcome = await run(
      invoking({
        Catch: [
          { ErrorEquals: ["States.ALL"], Next: "Done" },
          { ErrorEquals: ["States.DataLimitExceeded"], Next: "Handled" },
        ],
      }),
      {},
      { tasks: { Invoke: async () => tooLarge } },
    );
    expect(outcome).toEqual({ status: "SUCCEEDED", output: { Error: "States.DataLimitExceeded", Cause: cause } });
  });

  test("a function ARN's result over it names the function", async () => {
    const fn = "arn:aws:lambda:us-east-1:123456789012:function:payment";
    const outcome = await run(
      { StartAt: "Invoke", States: { Invoke: { Type: "Task", Resource: fn, End: true } } },
      {},
      { tasks: { Invoke: async () => tooLarge } },
    );
    expect(outcome).toEqual({
      status: "FAILED",
      error: "States.DataLimitExceeded",
      cause: `The state/task '${fn}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    });
  });

  test("a task's input over it once Parameters are applied fails the state before the task runs", async () => {
    let calls = 0;
    const outcome = await run(
      {
        StartAt: "Invoke",
        States: {
          Invoke: { Type: "Task", Resource: LAMBDA, Parameters: { "a.$": "$.half", "b.$": "$.half" }, End: true },
        },
      },
      { half: jsonOfBytes(200 * 1024) },
      { tasks: { Invoke: async () => (calls++, "ok") } },
    );
    expect(outcome).toMatchObject({ status: "FAILED", error: "States.DataLimitExceeded" });
    expect(calls).toBe(0);
  });

  test("a state's output over it fails the execution, naming the state", async () => {
    // Recorded on AWS (same snapshot file, test_start_large_input): a Pass state whose Result is 257 KiB.
    const outcome = await run(
      {
        StartAt: "State_1",
        States: { State_1: { Type: "Pass", Result: { Arg1: jsonOfBytes(257 * 1024) }, End: true } },
      },
      {},
    );
    expect(outcome).toEqual({
      status: "FAILED",
      error: "States.DataLimitExceeded",
      cause:
        "The state/task 'State_1' returned a result with a size exceeding the maximum number of bytes service limit.",
    });
  });

  test("a task after a state whose output is over it does not run", async () => {
    let calls = 0;
    const outcome = await run(
      {
        StartAt: "Big",
        States: {
          Big: { Type: "Pass", Result: jsonOfBytes(257 * 1024), Next: "Invoke" },
          Invoke: { Type: "Task", Resource: LAMBDA, End: true },
        },
      },
      {},
      { tasks: { Invoke: async () => (calls++, "ok") } },
    );
    expect(outcome).toMatchObject({
      status: "FAILED",
      error: "States.DataLimitExceeded",
      cause: expect.stringContaining("'Big'"),
    });
    expect(calls).toBe(0);
  });

  test("a result within it passes", async () => {
    const fits = { Payload: jsonOfBytes(100 * 1024) };
    expect(await run(invoking(), {}, { tasks: { Invoke: async () => fits } })).toEqual({
      status: "SUCCEEDED",
      output: "done",
    });
  });
});
