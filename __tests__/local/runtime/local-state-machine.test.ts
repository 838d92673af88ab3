import { Activity } from "../../../src/local/runtime/activity";
import { Clock } from "../../../src/local/runtime/clock";
import { AwsServiceError } from "../../../src/local/runtime/service-error";
import { LocalStateMachine } from "../../../src/local/runtime/stepfunctions/local-state-machine";
import { Trace } from "../../../src/local/runtime/trace";
import type { TaskBackends } from "../../../src/local/runtime/stepfunctions/task-bindings";

const ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:saga";
const ROLE = "arn:aws:iam::000000000000:role/saga-sfn";

/** A state machine whose only function answers with `answer` (a payload, or an error to throw). */
function machine(
  definition: object,
  answer: (functionName: string) => unknown,
  random?: () => number,
  type: "STANDARD" | "EXPRESS" = "STANDARD",
) {
  const trace = new Trace();
  const backends = {
    invokeFunction: async (functionName: string) => {
      const payload = answer(functionName);
      if (payload instanceof Error) throw payload;
      return { requestId: "r", payload, durationMs: 0 };
    },
  } as unknown as TaskBackends;
  const sm = new LocalStateMachine(
    { name: "saga", arn: ARN, type, roleArn: ROLE, definition: definition as never },
    { backends, clock: new Clock(0), trace, activity: new Activity(), ...(random ? { random } : {}) },
  );
  return { sm, trace };
}
const invoke = (next: object) => ({
  Type: "Task",
  Resource: "arn:aws:states:::lambda:invoke",
  Parameters: { FunctionName: "payment", Payload: {} },
  ...next,
});

describe("the runtime's state machine", () => {
  test("reports its role and names in the context object", async () => {
    // input-output-contextobject.html: Execution.RoleArn, Execution.Name, StateMachine.Id.
    const { sm } = machine(
      {
        StartAt: "P",
        States: {
          P: {
            Type: "Pass",
            Parameters: {
              "role.$": "$$.Execution.RoleArn",
              "name.$": "$$.Execution.Name",
              "machine.$": "$$.StateMachine.Id",
            },
            End: true,
          },
        },
      },
      () => null,
    );
    const done = await sm.startExecution({}, "e-1").done;
    expect(done.output).toEqual({ role: ROLE, name: "e-1", machine: ARN });
  });

  test("draws retry jitter from the runtime's random source and traces each retry", async () => {
    let calls = 0;
    const draws: number[] = [];
    const { sm, trace } = machine(
      {
        StartAt: "Pay",
        States: {
          Pay: invoke({
            Retry: [{ ErrorEquals: ["Lambda.ServiceException"], MaxAttempts: 2, JitterStrategy: "FULL" }],
            End: true,
          }),
        },
      },
      () => (++calls <= 2 ? Object.assign(new Error("down"), { name: "ServiceException" }) : "paid"),
      () => (draws.push(0.5), 0.5),
    );
    const done = await sm.startExecution({}).done;
    expect(done.status).toBe("SUCCEEDED");
    expect(draws).toHaveLength(2);
    expect(trace.records.filter((r) => r.kind === "state" && r.event === "retried")).toHaveLength(2);
  });

  test("records a result over 256 KiB as States.DataLimitExceeded, and refuses such an input at StartExecution", async () => {
    const big = "a".repeat(300 * 1024);
    const { sm } = machine(
      {
        StartAt: "Pay",
        States: {
          Pay: invoke({ Catch: [{ ErrorEquals: ["States.ALL"], Next: "Caught" }], End: true }),
          Caught: { Type: "Pass", End: true },
        },
      },
      () => big,
    );
    expect(await sm.startExecution({}).done).toMatchObject({ status: "FAILED", error: "States.DataLimitExceeded" });
    expect(() => sm.startExecution({ big })).toThrow(AwsServiceError);
  });
});

/** Charge, then Reserve, then Done: Reserve fails until `reserveWorks` says otherwise. */
function twoSteps(type: "STANDARD" | "EXPRESS", reserveWorks: () => boolean) {
  const calls: string[] = [];
  const step = (name: string, next: object) =>
    invoke({ Parameters: { FunctionName: name, "Payload.$": "$" }, ResultPath: `$.${name}`, ...next });
  const { sm, trace } = machine(
    {
      StartAt: "Charge",
      States: {
        Charge: step("charge", { Next: "Reserve" }),
        Reserve: step("reserve", { Next: "Done" }),
        Done: {
          Type: "Pass",
          Parameters: { "redriveCount.$": "$$.Execution.RedriveCount", "charged.$": "$.charge.Payload" },
          End: true,
        },
      },
    },
    (name) => {
      calls.push(name);
      if (name === "reserve" && !reserveWorks()) return Object.assign(new Error("no stock service"), { name: "Down" });
      return `${name}d`;
    },
    undefined,
    type,
  );
  return { sm, trace, calls };
}

describe("RedriveExecution (Standard)", () => {
  // https://docs.aws.amazon.com/step-functions/latest/apireference/API_RedriveExecution.html: the failed
  // execution continues from the unsuccessful step with the same input; successful steps are not run
  // again; same execution ARN; redriveCount counts the redrives (also $$.Execution.RedriveCount).
  test("continues a failed execution from the state that failed, same ARN, redriveCount 1, earlier steps not rerun", async () => {
    let works = false;
    const { sm, calls, trace } = twoSteps("STANDARD", () => works);
    const first = await sm.startExecution({ orderId: "o-1" }, "run-1").done;
    expect(first).toMatchObject({ status: "FAILED", error: "Lambda.Down", stoppedAt: { state: "Reserve" } });
    expect(calls).toEqual(["charge", "reserve"]);

    works = true;
    const redriven = sm.redriveExecution(first.executionArn);
    expect(redriven.executionArn).toBe(first.executionArn);
    expect(redriven.status).toBe("RUNNING");
    const done = await redriven.done;
    expect(done).toMatchObject({
      status: "SUCCEEDED",
      redriveCount: 1,
      output: { redriveCount: 1, charged: "charged" },
    });
    expect(done.error).toBeUndefined();
    expect(done.redriveDate).toBeInstanceOf(Date);
    expect(calls).toEqual(["charge", "reserve", "reserve"]);
    expect(sm.executions.size).toBe(1);
    expect(trace.records).toContainEqual(
      expect.objectContaining({ kind: "execution-redriven", executionArn: first.executionArn, state: "Reserve" }),
    );
  });

  test("refuses what AWS refuses: a succeeded or running execution, an unknown one, any Express execution", async () => {
    const { sm } = twoSteps("STANDARD", () => true);
    const running = sm.startExecution({}, "run-2");
    expect(() => sm.redriveExecution(running.executionArn)).toThrow(
      expect.objectContaining({
        name: "ExecutionNotRedrivable",
        message: "Execution is RUNNING and cannot be redriven.",
      }),
    );
    await running.done;
    expect(() => sm.redriveExecution(running.executionArn)).toThrow(
      expect.objectContaining({
        name: "ExecutionNotRedrivable",
        message: "Execution is SUCCEEDED and cannot be redriven.",
      }),
    );
    expect(() => sm.redriveExecution(`${running.executionArn}-nope`)).toThrow(
      expect.objectContaining({ name: "ExecutionDoesNotExist" }),
    );
    const express = twoSteps("EXPRESS", () => false).sm;
    const failed = await express.startExecution({}).done;
    expect(() => express.redriveExecution(failed.executionArn)).toThrow(
      expect.objectContaining({ name: "ExecutionNotRedrivable" }),
    );
  });
});

describe("an Express state machine", () => {
  // express-at-least-once-execution.html: no execution history is kept (the log is the record); a name
  // may be started again, each start a new execution with its own ARN.
  test("keeps no execution once it ends, takes the same name twice, and traces each run as its log", async () => {
    const { sm, trace } = twoSteps("EXPRESS", () => true);
    const a = sm.startExecution({ orderId: "o-1" }, "same");
    const b = sm.startExecution({ orderId: "o-1" }, "same");
    expect(a.executionArn).toMatch(/^arn:aws:states:us-east-1:000000000000:express:saga:same:[0-9a-f-]{36}$/);
    expect(b.executionArn).not.toBe(a.executionArn);
    expect(sm.executions.size).toBe(2);
    expect((await a.done).status).toBe("SUCCEEDED");
    expect((await b.done).status).toBe("SUCCEEDED");
    expect(sm.executions.size).toBe(0);
    expect(
      trace.records
        .filter((r) => r.kind === "execution-finished")
        .map((r) => (r as { executionArn: string }).executionArn),
    ).toEqual(expect.arrayContaining([a.executionArn, b.executionArn]));
  });
});
