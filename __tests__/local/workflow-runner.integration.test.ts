import "../support/powertools-env";
import { startLocalAws, type LocalAws } from "../support/local-aws";
import { RecordingBus } from "../support/recording-bus";
import { runWorkflow, ServiceFault, type AnyDefinition } from "../support/workflow-runner";

const FN = "arn:aws:lambda:us-east-1:123456789012:function:echo";
let aws: LocalAws;

beforeAll(async () => {
  aws = await startLocalAws("runner");
});
afterAll(() => aws.close());

const single = (state: Record<string, unknown>): AnyDefinition => ({
  StartAt: "Only",
  States: { Only: { ...state, End: true } },
});

describe("local workflow runner", () => {
  test("Promise.withResolvers is available (polyfilled on Node 20)", () => {
    expect(typeof (Promise as unknown as { withResolvers: unknown }).withResolvers).toBe("function");
  });

  test("lambda:invoke wraps the function's answer as the service does; the function gets a Lambda context", async () => {
    let seenContext: { functionName?: string; getRemainingTimeInMillis?: () => number } = {};
    const result = await runWorkflow(
      single({
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: FN, "Payload.$": "$" },
      }),
      { hello: "world" },
      {
        functions: {
          [FN]: async (event, context) => {
            seenContext = context;
            return { echoed: event, dropped: undefined };
          },
        },
      },
    );
    expect(result.status).toBe("SUCCEEDED");
    expect(result.output).toEqual({
      ExecutedVersion: "$LATEST",
      Payload: { echoed: { hello: "world" } },
      SdkHttpMetadata: { AllHttpHeaders: {}, HttpHeaders: {}, HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: expect.any(String) },
      StatusCode: 200,
    });
    expect(seenContext.functionName).toBe("echo");
    expect(seenContext.getRemainingTimeInMillis!()).toBeGreaterThan(0);
  });

  test("a Lambda ARN as resource returns the payload itself; functions can be bound by name", async () => {
    const result = await runWorkflow(
      single({ Type: "Task", Resource: FN }),
      { n: 1 },
      { functions: { echo: async (event) => ({ got: event }) } },
    );
    expect(result.output).toEqual({ got: { n: 1 } });
  });

  test("a function error becomes the Task error named after it, with a Lambda-style Cause", async () => {
    class PaymentDeclined extends Error {
      override readonly name = "PaymentDeclined";
    }
    const result = await runWorkflow(
      single({
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: FN, Payload: {} },
      }),
      {},
      {
        functions: {
          [FN]: async () => {
            throw new PaymentDeclined("card declined");
          },
        },
      },
    );
    expect(result).toMatchObject({ status: "FAILED", error: "PaymentDeclined" });
    expect(JSON.parse(result.cause!)).toMatchObject({
      errorType: "PaymentDeclined",
      errorMessage: "card declined",
      trace: expect.any(Array),
    });
  });

  test("a service fault keeps its name and is retried like the service's error", async () => {
    let calls = 0;
    const result = await runWorkflow(
      single({
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: FN, Payload: {} },
        Retry: [{ ErrorEquals: ["Lambda.TooManyRequestsException"], MaxAttempts: 2, IntervalSeconds: 30 }],
      }),
      {},
      {
        functions: {
          [FN]: async () => (++calls < 3 ? Promise.reject(new ServiceFault("Lambda.TooManyRequestsException")) : "ok"),
        },
      },
      { retryDelayMs: 0 },
    );
    expect(result.status).toBe("SUCCEEDED");
    expect(calls).toBe(3);
  });

  test("an unknown function is Lambda.ResourceNotFoundException", async () => {
    const result = await runWorkflow(
      single({
        Type: "Task",
        Resource: "arn:aws:states:::lambda:invoke",
        Parameters: { FunctionName: "nobody", Payload: {} },
      }),
      {},
      { functions: {} },
    );
    expect(result).toMatchObject({ status: "FAILED", error: "Lambda.ResourceNotFoundException" });
  });

  test("dynamodb:updateItem runs on the client; a failed condition is DynamoDB.ConditionalCheckFailedException", async () => {
    const update = (condition: string) =>
      single({
        Type: "Task",
        Resource: "arn:aws:states:::dynamodb:updateItem",
        Parameters: {
          TableName: aws.tables.orders,
          Key: { orderId: { S: "ord-runner" } },
          UpdateExpression: "SET #s = :s",
          ConditionExpression: condition,
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":s": { S: "PENDING" } },
          ReturnValues: "ALL_NEW",
        },
      });
    const ok = await runWorkflow(update("attribute_not_exists(orderId)"), {}, { dynamodb: aws.dynamodb });
    expect(ok.output).toEqual({
      Attributes: { orderId: { S: "ord-runner" }, status: { S: "PENDING" } },
      SdkHttpMetadata: expect.any(Object),
      SdkResponseMetadata: expect.any(Object),
    });
    const refused = await runWorkflow(update("attribute_not_exists(orderId)"), {}, { dynamodb: aws.dynamodb });
    expect(refused).toMatchObject({ status: "FAILED", error: "DynamoDB.ConditionalCheckFailedException" });
  });

  test("events:putEvents sends to the sink with the execution's resources; FailedEntryCount > 0 is EventBridge.FailedEntry", async () => {
    const bus = new RecordingBus({ busNames: ["b"] });
    const definition = single({
      Type: "Task",
      Resource: "arn:aws:states:::events:putEvents",
      Parameters: { Entries: [{ EventBusName: "b", Source: "s", DetailType: "t", Detail: { "x.$": "$.x" } }] },
    });
    const ok = await runWorkflow(
      definition,
      { x: 1 },
      { events: bus },
      { stateMachineArn: "arn:aws:states:us-east-1:1:stateMachine:m", executionName: "e1" },
    );
    expect(ok.output).toEqual({
      Entries: [{ EventId: bus.events[0]!.event.id }],
      FailedEntryCount: 0,
      SdkHttpMetadata: expect.any(Object),
      SdkResponseMetadata: expect.any(Object),
    });
    expect(bus.events[0]!.event).toMatchObject({
      source: "s",
      "detail-type": "t",
      detail: { x: 1 },
      resources: ["arn:aws:states:us-east-1:1:execution:m:e1", "arn:aws:states:us-east-1:1:stateMachine:m"],
    });
    bus.failNext({ entries: { errorCode: "InternalFailure" } });
    const failed = await runWorkflow(definition, { x: 2 }, { events: bus });
    expect(failed).toMatchObject({ status: "FAILED", error: "EventBridge.FailedEntry" });
    expect(bus.events).toHaveLength(1);
  });

  test("a definition with a resource that has no binding is refused before it runs, naming the state", async () => {
    await expect(
      runWorkflow(
        single({
          Type: "Task",
          Resource: "arn:aws:states:::sqs:sendMessage",
          Parameters: { QueueUrl: "q", MessageBody: "m" },
        }),
        {},
        {},
      ),
    ).rejects.toThrow("state Only: arn:aws:states:::sqs:sendMessage has no local binding (no queue stand-in)");
    await expect(
      runWorkflow(single({ Type: "Task", Resource: "arn:aws:states:::dynamodb:updateItem", Parameters: {} }), {}, {}),
    ).rejects.toThrow(/needs a DynamoDB client/);
    await expect(runWorkflow(single({ Type: "Task", Resource: FN }), {}, { functions: {} })).rejects.toThrow(
      `state Only: ${FN} has no local function bound to it`,
    );
  });

  test("a ServiceFault is a Lambda service error by name", () => {
    expect(() => new ServiceFault("Lambda.ServiceException")).not.toThrow();
    expect(() => new ServiceFault("ServiceException" as never)).toThrow(/Lambda service error \(Lambda.<Name>\)/);
  });

  test("an invalid definition is refused", async () => {
    await expect(runWorkflow({ StartAt: "Missing", States: {} }, {}, {})).rejects.toThrow(/invalid/);
  });
});
