import { Activity } from "../../../src/local/runtime/activity";
import { Clock } from "../../../src/local/runtime/clock";
import { AwsServiceError } from "../../../src/local/runtime/service-error";
import { LocalStateMachine } from "../../../src/local/runtime/stepfunctions/local-state-machine";
import { Trace } from "../../../src/local/runtime/trace";
import type { TaskBackends } from "../../../src/local/runtime/stepfunctions/task-bindings";

const ARN = "arn:aws:states:us-east-1:000000000000:stateMachine:saga";
const ROLE = "arn:aws:iam::000000000000:role/saga-sfn";

/** A state machine whose only function answers with `answer` (a payload, or an error to throw). */
function machine(definition: object, answer: () => unknown, random?: () => number) {
  const trace = new Trace();
  const backends = {
    invokeFunction: async () => {
      const payload = answer();
      if (payload instanceof Error) throw payload;
      return { requestId: "r", payload, durationMs: 0 };
    },
  } as unknown as TaskBackends;
  const sm = new LocalStateMachine(
    { name: "saga", arn: ARN, type: "STANDARD", roleArn: ROLE, definition: definition as never },
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
