/**
 * The redrive command's refusals, and the local SQS and Step Functions endpoints as the AWS SDK's own
 * clients reach them, without a running stack: queues and state machines built directly.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ListExecutionsCommand,
  SFNServiceException,
} from "@aws-sdk/client-sfn";
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
} from "@aws-sdk/client-sqs";
import { Activity } from "../../src/local/runtime/activity";
import { Clock } from "../../src/local/runtime/clock";
import { startJsonEndpoint, type JsonEndpoint } from "../../src/local/runtime/http/json-endpoint";
import { LocalQueues } from "../../src/local/runtime/sqs/queues";
import { sqsApi } from "../../src/local/runtime/sqs/sqs-api";
import { LocalStateMachine } from "../../src/local/runtime/stepfunctions/local-state-machine";
import { sfnApi } from "../../src/local/runtime/stepfunctions/sfn-api";
import { Trace } from "../../src/local/runtime/trace";
import { openSession } from "../../src/redrive/aws-session";
import { redrive } from "./run-redrive";
import type { TaskBackends } from "../../src/local/runtime/stepfunctions/task-bindings";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const ACCOUNT = "000000000000";
const EXPRESS_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:quick`;
const QUEUE_URL = `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/dlq`;
const AWS_VARIABLES = [
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_PROFILE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_EC2_METADATA_DISABLED",
  "AWS_ENDPOINT_URL_SQS",
  "AWS_ENDPOINT_URL_SFN",
];

let endpoint: JsonEndpoint;
const queues = new LocalQueues();
const saved = Object.fromEntries(AWS_VARIABLES.map((k) => [k, process.env[k]]));
const nowhere = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "redrive-")), "none");

/** The process environment as a machine with no AWS configuration has it, plus `env`. */
function awsEnvironment(env: Record<string, string>): void {
  for (const k of AWS_VARIABLES) delete process.env[k];
  Object.assign(process.env, {
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: "true",
    ...env,
  });
}
const operator = () =>
  awsEnvironment({
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIAOPERATOREXAMPLE",
    AWS_SECRET_ACCESS_KEY: "secret",
    AWS_ENDPOINT_URL_SQS: endpoint.endpoint,
    AWS_ENDPOINT_URL_SFN: endpoint.endpoint,
  });

beforeAll(async () => {
  queues.add({ name: "dlq", arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:dlq`, url: QUEUE_URL, retentionSeconds: 1209600 });
  const express = new LocalStateMachine(
    {
      name: "quick",
      arn: EXPRESS_ARN,
      type: "EXPRESS",
      definition: { StartAt: "Done", States: { Done: { Type: "Succeed" } } } as never,
    },
    { backends: {} as TaskBackends, clock: new Clock(0), trace: new Trace(), activity: new Activity() },
  );
  endpoint = await startJsonEndpoint([sqsApi(queues, ACCOUNT), sfnApi(new Map([[EXPRESS_ARN, express]]))]);
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await endpoint?.close();
});

describe("npm run redrive: usage errors, one line and exit 2", () => {
  test.each([
    [["--queue"], "redrive: --queue needs a value"],
    [["--queue", "--dry-run"], "redrive: --queue needs a value"],
    [["--dry-run"], "redrive: say what to redrive: --queue NAME and/or --state-machine NAME (see --help)"],
    [["--queue", "a", "--queue", "b"], "redrive: --queue is given twice"],
    [["--queue", "a", "--max", "0"], "redrive: --max must be a whole number of at least 1, not 0"],
    [["--queues", "a"], "redrive: unknown option --queues (see --help)"],
  ])("%j", async (args, message) => {
    expect(await redrive(...args)).toEqual({ status: 2, out: [], err: [message] });
  });

  test("no region, no credentials", async () => {
    awsEnvironment({});
    expect((await redrive("--queue", "dlq")).err).toEqual([
      "redrive: no AWS region: pass --region or set AWS_REGION (or a profile's region)",
    ]);
    expect(await redrive("--queue", "dlq", "--region", "eu-west-1")).toEqual({
      status: 2,
      out: [],
      err: [
        "redrive: no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role provides them",
      ],
    });
  });

  test("an Express state machine: RedriveExecution is for Standard workflows", async () => {
    operator();
    // API_RedriveExecution.html: "This API action is not supported by EXPRESS state machines."
    expect(await redrive("--state-machine", "quick")).toEqual({
      status: 2,
      out: [],
      err: [
        "redrive: state machine quick is EXPRESS: RedriveExecution is for Standard workflows only (an Express execution is started again from its input)",
      ],
    });
  });
});

/** A command's output without the SDK's `$metadata`: what the service answered. */
function answered<T extends { $metadata?: unknown }>(output: T): Omit<T, "$metadata"> {
  const { $metadata: _, ...rest } = output;
  return rest;
}

describe("the local SQS and Step Functions endpoints, through the AWS SDK's clients (AWS JSON 1.0)", () => {
  beforeAll(operator);

  test("GetQueueUrl, ReceiveMessage (hidden for its visibility timeout), ChangeMessageVisibility, DeleteMessage", async () => {
    const { sqs } = await openSession();
    expect(answered(await sqs.send(new GetQueueUrlCommand({ QueueName: "dlq" })))).toEqual({ QueueUrl: QUEUE_URL });
    // API_GetQueueUrl.html: QueueDoesNotExist; the JSON protocol names it com.amazonaws.sqs#QueueDoesNotExist,
    // with x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue;Sender
    // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-api-responses.html).
    const missing = sqs.send(new GetQueueUrlCommand({ QueueName: "nope" }));
    await expect(missing).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(missing).rejects.toMatchObject({
      name: "QueueDoesNotExist",
      $metadata: { httpStatusCode: 400 },
      Code: "AWS.SimpleQueueService.NonExistentQueue",
      Type: "Sender",
    });
    queues.send(QUEUE_URL, '{"a":1}', { ERROR_CODE: "Boom" });
    // The client checks MD5OfBody against the body it received (middleware-sdk-sqs): a wrong one would throw.
    const first = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: QUEUE_URL,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 60,
        MessageAttributeNames: ["All"],
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
    );
    expect(first.Messages).toEqual([
      expect.objectContaining({
        Body: '{"a":1}',
        MD5OfBody: createHash("md5").update('{"a":1}').digest("hex"),
        Attributes: { ApproximateReceiveCount: "1" },
        MessageAttributes: { ERROR_CODE: { DataType: "String", StringValue: "Boom" } },
      }),
    ]);
    expect(answered(await sqs.send(new ReceiveMessageCommand({ QueueUrl: QUEUE_URL })))).toEqual({});
    const handle = first.Messages![0]!.ReceiptHandle as string;
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: QUEUE_URL, ReceiptHandle: handle, VisibilityTimeout: 0 }),
    );
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: QUEUE_URL, AttributeNames: ["All"] }));
    expect(again.Messages![0]!.Attributes).toMatchObject({ ApproximateReceiveCount: "2" });
    // An earlier receipt handle no longer deletes it.
    await expect(
      sqs.send(new DeleteMessageCommand({ QueueUrl: QUEUE_URL, ReceiptHandle: handle })),
    ).rejects.toMatchObject({
      name: "ReceiptHandleIsInvalid",
    });
    await sqs.send(new DeleteMessageCommand({ QueueUrl: QUEUE_URL, ReceiptHandle: again.Messages![0]!.ReceiptHandle }));
    expect(queues.find("dlq")!.messages).toEqual([]);
    await expect(
      sqs.send(new ReceiveMessageCommand({ QueueUrl: QUEUE_URL, MaxNumberOfMessages: 11 })),
    ).rejects.toMatchObject({
      name: "InvalidParameterValue",
    });
  });

  test("GetQueueAttributes answers the attributes asked for, and none when none are", async () => {
    const { sqs } = await openSession();
    queues.send(QUEUE_URL, "held");
    // API_GetQueueAttributes.html: AttributeNames lists the attributes to return; All returns every one.
    const some = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: QUEUE_URL, AttributeNames: ["ApproximateNumberOfMessages"] }),
    );
    expect(some.Attributes).toEqual({ ApproximateNumberOfMessages: "1" });
    expect(answered(await sqs.send(new GetQueueAttributesCommand({ QueueUrl: QUEUE_URL })))).toEqual({});
    const all = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: QUEUE_URL, AttributeNames: ["All"] }));
    expect(all.Attributes).toMatchObject({
      QueueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:dlq`,
      MessageRetentionPeriod: "1209600",
    });
    const [held] = queues.receive(QUEUE_URL, 1, 0);
    queues.delete(QUEUE_URL, held!.receiptHandle);
  });

  test("ListExecutions of an Express machine is StateMachineTypeNotSupported; its executions are not described", async () => {
    const { stepFunctions } = await openSession();
    await expect(stepFunctions.send(new ListExecutionsCommand({ stateMachineArn: EXPRESS_ARN }))).rejects.toEqual(
      expect.objectContaining({ name: "StateMachineTypeNotSupported" }),
    );
    const notAnArn = stepFunctions.send(new DescribeExecutionCommand({ executionArn: "not-an-arn" }));
    await expect(notAnArn).rejects.toBeInstanceOf(SFNServiceException);
    await expect(notAnArn).rejects.toMatchObject({ name: "InvalidArn", $metadata: { httpStatusCode: 400 } });
    expect(await stepFunctions.send(new DescribeStateMachineCommand({ stateMachineArn: EXPRESS_ARN }))).toMatchObject({
      name: "quick",
      type: "EXPRESS",
      status: "ACTIVE",
    });
  });
});
