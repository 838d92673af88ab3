/**
 * The Pipes input transformation, against the examples of the EventBridge user guide
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-input-transformation.html): static
 * text, a JSON path, a dynamic string, dynamic JSON with a reserved variable; and the outbox's own
 * template over a DynamoDB stream record (its NewImage in DynamoDB JSON).
 */
import { OrderCreatedDetailSchema } from "../../../../src/contracts/events";
import { ORDER_CREATED_INPUT_TEMPLATE } from "../../../../src/contracts/outbox";
import {
  InputTemplateError,
  checkInputTemplate,
  renderInputTemplate,
} from "../../../../src/local/runtime/pipes/input-template";

// The user guide's SQS message.
const sqs = {
  messageId: "m-1",
  body: { key: "value", list: [1, 2] },
  attributes: { SenderId: "AIDAIENQZJOLO23YVJ4VO" },
  Records: [{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }],
};
const reserved = { "aws.pipes.pipe-name": "my-pipe", "aws.pipes.event.ingestion-time": "2024-01-01T00:00:00Z" };

describe("Pipes input template", () => {
  test.each<[string, string, string]>([
    ["static string", '"Hello, sender"', '"Hello, sender"'],
    ["JSON path", "<$.attributes.SenderId>", '"AIDAIENQZJOLO23YVJ4VO"'],
    ["dynamic string", '"Hello, <$.attributes.SenderId>"', '"Hello, AIDAIENQZJOLO23YVJ4VO"'],
    [
      "dynamic JSON: an object unquoted, a reserved variable",
      '{"key1": "value1", "key2": <$.body>, "d": "<aws.pipes.event.ingestion-time>"}',
      '{"key1": "value1", "key2": {"key":"value","list":[1,2]}, "d": "2024-01-01T00:00:00Z"}',
    ],
    ["an array element by index", '{"fourth": <$.Records[3]>}', '{"fourth": {"a":4}}'],
  ])("%s", (_name, template, expected) => {
    expect(renderInputTemplate(template, sqs, reserved)).toBe(expected);
  });

  test("a string value placed in quotes is escaped, so the output stays valid JSON", () => {
    expect(JSON.parse(renderInputTemplate('{"name": "<$.name>"}', { name: 'a "quoted" \\ name' }, {}))).toEqual({
      name: 'a "quoted" \\ name',
    });
  });

  test("wildcards and placeholders that are neither a path nor a reserved variable are refused at start-up", () => {
    expect(() => checkInputTemplate('{"all": <$.Records[*]>}')).toThrow(InputTemplateError);
    expect(() => checkInputTemplate('{"x": <detail>}')).toThrow(/is not a JSON path/);
    expect(() => checkInputTemplate(ORDER_CREATED_INPUT_TEMPLATE)).not.toThrow();
  });

  test("the outbox template turns a stored order's INSERT record into an Order Created detail the contract accepts", () => {
    // A NEW_IMAGE record as DynamoDB Streams writes it (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.Lambda.Tutorial.html).
    const record = {
      eventName: "INSERT",
      dynamodb: {
        Keys: { orderId: { S: `ord_${"ab".repeat(16)}` } },
        NewImage: {
          orderId: { S: `ord_${"ab".repeat(16)}` },
          customerId: { S: "cust-001" },
          status: { S: "PENDING" },
          totalCents: { N: "2999" },
          currency: { S: "USD" },
          createdAt: { S: "2026-01-01T00:00:00.000Z" },
          items: { L: [{ M: { productId: { S: "prod-001" }, quantity: { N: "1" }, unitPriceCents: { N: "2999" } } }] },
        },
        StreamViewType: "NEW_IMAGE",
      },
    };
    const detail = JSON.parse(renderInputTemplate(ORDER_CREATED_INPUT_TEMPLATE, record, {}));
    expect(OrderCreatedDetailSchema.parse(detail)).toEqual({
      orderId: `ord_${"ab".repeat(16)}`,
      customerId: "cust-001",
      currency: "USD",
      createdAt: "2026-01-01T00:00:00.000Z",
    });
  });
});
