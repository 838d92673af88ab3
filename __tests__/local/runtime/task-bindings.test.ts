import {
  TaskError,
  bindTask,
  dynamoDbErrorName,
  type TaskBackends,
} from "../../../src/local/runtime/stepfunctions/task-bindings";

const execution = {
  executionArn: "arn:aws:states:us-east-1:000000000000:execution:m:e",
  stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:m",
};

const failingDynamoDb = (error: Error): TaskBackends =>
  ({
    dynamodb: async () => {
      throw error;
    },
  }) as unknown as TaskBackends;

describe("dynamodb:* Task errors, named as the integration names them", () => {
  // Execution histories recorded on AWS (localstack/localstack,
  // tests/aws/services/stepfunctions/v2/error_handling/test_task_service_dynamodb.snapshot.json):
  // ResourceNotFoundException keeps its name, a ValidationException is DynamoDB.AmazonDynamoDBException.
  test.each<[string, { name?: string; code?: string }, string]>([
    ["a declared exception", { name: "ConditionalCheckFailedException" }, "ConditionalCheckFailedException"],
    ["a missing table", { name: "ResourceNotFoundException" }, "ResourceNotFoundException"],
    ["a validation error", { name: "ValidationException" }, "AmazonDynamoDBException"],
    ["throttling outside the declared errors", { name: "ThrottlingException" }, "AmazonDynamoDBException"],
    ["InternalServerError", { name: "InternalServerError" }, "InternalServerErrorException"],
    ["RequestLimitExceeded", { name: "RequestLimitExceeded" }, "RequestLimitExceededException"],
    ["a refused connection", { name: "Error", code: "ECONNREFUSED" }, "SdkClientException"],
    ["anything else", { name: "Error" }, "AmazonDynamoDBException"],
  ])("%s", (_case, error, expected) => {
    expect(dynamoDbErrorName(error)).toBe(expected);
  });

  test("the Cause is the text Step Functions writes: message, then service, status, error code, request id", async () => {
    // AWS re:Post, "dynamodb-conditionalcheckfailedexception": "The conditional request failed (Service:
    // AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; ..."; the recorded
    // histories above end it with "; Request ID: <id>; Proxy: null)".
    const refused = Object.assign(new Error("The conditional request failed"), {
      name: "ConditionalCheckFailedException",
      $metadata: { httpStatusCode: 400, requestId: "REQ1" },
    });
    const task = bindTask(
      "ClaimOrder",
      { Type: "Task", Resource: "arn:aws:states:::dynamodb:updateItem" },
      failingDynamoDb(refused),
    );
    const failure = await task({ TableName: "orders" }, execution).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TaskError);
    expect(failure).toMatchObject({
      name: "DynamoDB.ConditionalCheckFailedException",
      message:
        "The conditional request failed (Service: AmazonDynamoDBv2; Status Code: 400; Error Code: ConditionalCheckFailedException; Request ID: REQ1; Proxy: null)",
    });
  });

  test("a service error keeps its own code and status in the Cause; a request id is made up when the answer has none", async () => {
    const internal = Object.assign(new Error("internal failure"), { name: "InternalServerError", statusCode: 500 });
    const task = bindTask(
      "ClaimOrder",
      { Type: "Task", Resource: "arn:aws:states:::dynamodb:updateItem" },
      failingDynamoDb(internal),
    );
    const failure = (await task({ TableName: "orders" }, execution).catch((e: unknown) => e)) as TaskError;
    expect(failure.name).toBe("DynamoDB.InternalServerErrorException");
    expect(failure.message).toMatch(
      /^internal failure \(Service: AmazonDynamoDBv2; Status Code: 500; Error Code: InternalServerError; Request ID: [A-Z0-9]{52}; Proxy: null\)$/,
    );
  });

  test("a failure that never reached DynamoDB is SdkClientException with its own message", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
    const task = bindTask(
      "ClaimOrder",
      { Type: "Task", Resource: "arn:aws:states:::dynamodb:updateItem" },
      failingDynamoDb(refused),
    );
    await expect(task({ TableName: "orders" }, execution)).rejects.toMatchObject({
      name: "DynamoDB.SdkClientException",
      message: "connect ECONNREFUSED 127.0.0.1:1",
    });
  });
});
