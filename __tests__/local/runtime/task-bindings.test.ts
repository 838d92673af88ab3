import { TaskError, bindTask, dynamoDbErrorName, type TaskBackends } from "../../../src/local/runtime/stepfunctions/task-bindings";

const execution = { executionArn: "arn:aws:states:us-east-1:000000000000:execution:m:e", stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:m" };

describe("dynamodb:* Task errors, named as the integration names them", () => {
  test.each<[string, { name?: string; code?: string }, string]>([
    ["the service's exception", { name: "ConditionalCheckFailedException" }, "ConditionalCheckFailedException"],
    ["dynalite's InternalServerError", { name: "InternalServerError" }, "InternalServerErrorException"],
    ["RequestLimitExceeded", { name: "RequestLimitExceeded" }, "RequestLimitExceededException"],
    ["a refused connection", { name: "Error", code: "ECONNREFUSED" }, "SdkClientException"],
    ["anything else", { name: "Error" }, "AmazonDynamoDBException"],
  ])("%s", (_case, error, expected) => {
    expect(dynamoDbErrorName(error)).toBe(expected);
  });

  test("the Task error carries the mapped name and the answer's status code", async () => {
    const backends = {
      dynamodb: async () => {
        throw Object.assign(new Error("internal failure"), { name: "InternalServerError", statusCode: 500 });
      },
    } as unknown as TaskBackends;
    const task = bindTask("ClaimOrder", { Type: "Task", Resource: "arn:aws:states:::dynamodb:updateItem" }, backends);
    const failure = await task({ TableName: "orders" }, execution).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TaskError);
    expect(failure).toMatchObject({
      name: "DynamoDB.InternalServerErrorException",
      message: "internal failure (Service: DynamoDb, Status Code: 500, Error Code: InternalServerError)",
    });
  });
});
