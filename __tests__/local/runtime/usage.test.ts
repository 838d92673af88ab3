import { functionAccessKeyId } from "../../../src/local/runtime/lambda/environment";
import { Trace } from "../../../src/local/runtime/trace";
import { UsageRecorder } from "../../../src/local/runtime/usage";
import type { DynamoDbMeter } from "../../../src/local/runtime/dynamodb/dynalite-server";
import type { StackModel } from "../../../src/local/runtime/stack-model";

const SAGA = "arn:aws:states:us-east-1:000000000000:stateMachine:saga";
const model = {
  functions: [{ name: "payment", memoryMb: 512, logGroupName: "/aws/lambda/payment", tracing: true }],
  stateMachines: [
    {
      name: "saga",
      arn: SAGA,
      type: "STANDARD",
      roleArn: "arn:aws:iam::000000000000:role/saga",
      logging: { level: "OFF", includeExecutionData: false },
      tracing: false,
    },
  ],
  pipes: [],
} as unknown as StackModel;

function recorder(meter: DynamoDbMeter = { calls: {}, units: {} }) {
  const trace = new Trace({ retain: false });
  return { usage: new UsageRecorder(model, { meter: () => Promise.resolve(meter) }, trace), trace };
}

describe("the usage recorder", () => {
  it("bills Lambda duration rounded up to the millisecond at the function's memory size", async () => {
    const { usage } = recorder();
    usage.invoked("payment", 99.2, 0, { kind: "client" });
    usage.invoked("payment", 0, 0, { kind: "client" });
    // https://aws.amazon.com/lambda/pricing/: duration rounded up to the nearest 1 ms.
    const { lambda, xray } = await usage.usage();
    expect(lambda.payment).toEqual({ memoryMb: 512, requests: 2, billedMs: 100 + 1, gbSeconds: (101 / 1000) * 0.5 });
    expect(xray.traces).toBe(2);
  });

  it("counts a transition per state entered and per retry, and EXPRESS duration in 100 ms steps at 64 MB", async () => {
    const { usage } = recorder();
    // https://aws.amazon.com/step-functions/pricing/: retries are charged as transitions; EXPRESS
    // duration is rounded up to the nearest 100 ms and memory billed in 64-MB chunks.
    for (const type of ["ExecutionStarted", "StateEntered", "StateRetried", "StateExited", "StateEntered"])
      usage.stateMachineEvent(SAGA, `${SAGA}:e1`, { type });
    usage.executionFinished(SAGA, 1234);
    const { stepFunctions, logs } = await usage.usage();
    expect(stepFunctions.saga).toEqual({
      type: "STANDARD",
      executions: 1,
      transitions: 3,
      expressGbSeconds: 1.3 * (64 / 1024),
    });
    expect(logs).toEqual({});
  });

  it("bills DynamoDB work of the functions only, and names each function's SDK calls", async () => {
    const key = functionAccessKeyId("payment");
    const { usage } = recorder({
      calls: { [key]: { GetItem: 2 }, AKIALOCALRUNTIME0000: { Scan: 9 } },
      units: {
        [key]: { payments: { readUnits: 1, writeUnits: 3 } },
        AKIALOCALRUNTIME0000: { payments: { readUnits: 50, writeUnits: 0 } },
      },
    });
    const u = await usage.usage();
    expect(u.dynamodb).toEqual({ payments: { readUnits: 1, writeUnits: 3 } });
    expect(u.sdkCalls).toEqual({ payment: { "dynamodb:GetItem": 2 } });
    expect(u.dynamodbRequests).toBe(2);
  });

  it("reads events, deliveries and pipe batches from the trace, and starts again from zero on reset", async () => {
    const { usage, trace } = recorder();
    trace.emit({
      kind: "event-accepted",
      eventId: "1",
      bus: "b",
      source: "s",
      detailType: "d",
      detail: { x: "y".repeat(70_000) },
    });
    trace.emit({ kind: "delivered", eventId: "1", rule: "r", target: "t", attempts: 1 });
    trace.emit({
      kind: "pipe-delivered",
      pipe: "outbox",
      sequenceNumbers: ["1", "2"],
      eventIds: ["a", "b"],
      attempts: 2,
    });
    // https://aws.amazon.com/eventbridge/pricing/: each 64 KB chunk of a payload is billed as one event.
    const first = await usage.usage({ reset: true });
    expect(first.eventbridge).toEqual({ events: 2, deliveries: 1 });
    expect(first.pipes).toEqual({ outbox: { requests: 2, records: 2 } });
    expect((await usage.usage()).eventbridge).toEqual({ events: 0, deliveries: 0 });
  });
});
