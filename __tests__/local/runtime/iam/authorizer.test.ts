import { Authorizer, type Denial } from "../../../../src/local/runtime/iam/authorizer";
import { parsePolicy } from "../../../../src/local/runtime/iam/policy";
import {
  dynamoDbPermissions,
  dynamoDbTableRefs,
  putEventsPermission,
} from "../../../../src/local/runtime/iam/service-calls";
import { readStackPolicies } from "../../../../src/local/runtime/iam/stack-policies";
import { TerraformReferences } from "../../../../src/local/runtime/terraform/references";
import type { StackModel } from "../../../../src/local/runtime/stack-model";
import type { StackDocument } from "../../../../src/terraform/stack-document";

const ACCOUNT = { accountId: "000000000000", region: "us-east-1" };
const ROLE = "arn:aws:iam::000000000000:role/fn";
const BUS = "arn:aws:events:us-east-1:000000000000:event-bus/orders";

/** A role allowed events:PutEvents on the bus for one source only (the project's trust model). */
function authorizer(mode: "enforce" | "warn" | "off", onWarning?: (d: Denial) => void) {
  const identity = parsePolicy(
    {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: "events:PutEvents",
          Resource: BUS,
          Condition: { StringEquals: { "events:source": "orders.order-service" } },
        },
      ],
    },
    "p",
    "identity",
  );
  return new Authorizer(
    { identity: new Map([[ROLE, [identity]]]), trust: new Map(), resource: new Map(), unevaluated: [] },
    { mode, ...ACCOUNT, onWarning },
  );
}

describe("the authorizer", () => {
  test("names a role session as STS does", () => {
    expect(authorizer("enforce").session(ROLE, "orders-dev-order")).toEqual({
      kind: "role-session",
      account: "000000000000",
      roleArn: ROLE,
      arn: "arn:aws:sts::000000000000:assumed-role/fn/orders-dev-order",
    });
  });

  test("PutEvents entries are judged by their events:source (EventBridge user guide, IAM policy conditions)", () => {
    const a = authorizer("enforce");
    const s = a.session(ROLE, "fn");
    const put = (source: string) => {
      const p = putEventsPermission({ Source: source, DetailType: "Order Created" }, BUS);
      return a.authorize(s, p.action, p.resource, p.context);
    };
    expect(put("orders.order-service")).toBeUndefined();
    expect(put("orders.payment-service")?.message).toBe(
      `User: arn:aws:sts::000000000000:assumed-role/fn/fn is not authorized to perform: events:PutEvents on resource: ${BUS} because no identity-based policy allows the events:PutEvents action`,
    );
  });

  test("remembers each decision: a repeated request is not evaluated again", () => {
    const a = authorizer("enforce");
    const s = a.session(ROLE, "fn");
    for (let i = 0; i < 5; i++)
      a.authorize(s, "events:PutEvents", BUS, {
        "events:source": "orders.order-service",
        "events:detail-type": `type-${i}`,
      });
    // events:detail-type is in no policy of the stack: it cannot change a decision, so it is not part of the key.
    expect(a.stats).toMatchObject({ evaluated: 1, cached: 4 });
  });

  test("warn lets the call through and reports it once; off evaluates nothing", () => {
    const warnings: string[] = [];
    const warn = authorizer("warn", (d) => warnings.push(d.message));
    const s = warn.session(ROLE, "fn");
    expect(warn.authorize(s, "events:PutEvents", BUS, { "events:source": "x" })).toBeUndefined();
    expect(warn.authorize(s, "events:PutEvents", BUS, { "events:source": "x" })).toBeUndefined();
    expect(warnings).toHaveLength(1);
    const off = authorizer("off");
    expect(off.authorize(s, "dynamodb:DeleteTable", "*")).toBeUndefined();
    expect(off.stats.evaluated).toBe(0);
  });
});

describe("what a served call needs (Service Authorization Reference)", () => {
  test("DynamoDB item calls, a Query of an index, batches and transactions", () => {
    const needs = (op: string, body: unknown) =>
      dynamoDbPermissions(op, dynamoDbTableRefs(op, body), ACCOUNT).map(
        (p) => `${p.action} ${p.resource.split(":").pop()}`,
      );
    expect(needs("PutItem", { TableName: "orders", Item: {} })).toEqual(["dynamodb:PutItem table/orders"]);
    expect(needs("Query", { TableName: "orders", IndexName: "byCustomer" })).toEqual([
      "dynamodb:Query table/orders/index/byCustomer",
    ]);
    expect(needs("BatchGetItem", { RequestItems: { payments: {}, orders: {} } })).toEqual([
      "dynamodb:BatchGetItem table/orders",
      "dynamodb:BatchGetItem table/payments",
    ]);
    expect(
      needs("TransactWriteItems", {
        TransactItems: [
          { Put: { TableName: "orders" } },
          { ConditionCheck: { TableName: "stock" } },
          { Update: { TableName: "stock" } },
        ],
      }),
    ).toEqual([
      "dynamodb:PutItem table/orders",
      "dynamodb:ConditionCheckItem table/stock",
      "dynamodb:UpdateItem table/stock",
    ]);
    expect(needs("ListTables", {})).toEqual(["dynamodb:ListTables *"]);
  });
});

describe("the stack's policies", () => {
  const document = {
    resource: {
      aws_iam_role: {
        r: {
          name: "fn-role",
          assume_role_policy: JSON.stringify({
            Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
          }),
        },
      },
      aws_iam_role_policy: {
        p: {
          role: "${aws_iam_role.r.id}",
          policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "${aws_sqs_queue.q.arn}" }],
          }),
        },
      },
      aws_iam_role_policy_attachment: {
        a: { role: "${aws_iam_role.r.name}", policy_arn: "arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole" },
      },
      aws_sqs_queue: { q: { name: "dlq" } },
      aws_lambda_permission: {
        l: {
          function_name: "fn",
          principal: "events.amazonaws.com",
          action: "lambda:InvokeFunction",
          source_arn: "arn:aws:events:us-east-1:000000000000:rule/r",
        },
      },
      aws_cloudwatch_event_bus_policy: {
        b: {
          event_bus_name: "orders",
          policy: JSON.stringify({
            Statement: [{ Effect: "Deny", Principal: "*", Action: "events:PutEvents", Resource: BUS }],
          }),
        },
      },
    },
  } as unknown as StackDocument;
  const refs = new TerraformReferences(document, {}, ACCOUNT);
  const model = {
    functions: [{ name: "fn", arn: "arn:aws:lambda:us-east-1:000000000000:function:fn" }],
    queues: [
      {
        name: "dlq",
        arn: "arn:aws:sqs:us-east-1:000000000000:dlq",
        url: "https://sqs.us-east-1.amazonaws.com/000000000000/dlq",
      },
    ],
    buses: [{ name: "orders", arn: BUS }],
  } as unknown as StackModel;
  const policies = readStackPolicies(document, refs, model, ACCOUNT);

  test("role policies by role ARN, with references resolved; trust policies; resource policies by resource ARN", () => {
    expect(policies.identity.get("arn:aws:iam::000000000000:role/fn-role")?.[0]?.statements[0]?.resource).toEqual([
      "arn:aws:sqs:us-east-1:000000000000:dlq",
    ]);
    expect(policies.trust.get("arn:aws:iam::000000000000:role/fn-role")?.statements[0]?.principal).toEqual({
      Service: ["lambda.amazonaws.com"],
    });
    expect(policies.resource.get(BUS)?.[0]?.statements[0]?.effect).toBe("Deny");
  });

  // Lambda's AddPermission turns source_arn into an ArnLike aws:SourceArn condition (Lambda developer guide, resource-based policies).
  test("a Lambda permission is a statement of the function's policy with an aws:SourceArn condition", () => {
    expect(
      policies.resource.get("arn:aws:lambda:us-east-1:000000000000:function:fn")?.[0]?.statements[0],
    ).toMatchObject({
      effect: "Allow",
      principal: { Service: ["events.amazonaws.com"] },
      action: ["lambda:InvokeFunction"],
      condition: [
        { operator: "ArnLike", key: "AWS:SourceArn", values: ["arn:aws:events:us-east-1:000000000000:rule/r"] },
      ],
    });
  });

  test("an AWS managed policy is not known offline: said so, and it grants nothing", () => {
    expect(policies.unevaluated).toEqual([
      expect.stringMatching(
        /^aws_iam_role_policy_attachment\.a: arn:aws:iam::aws:policy\/AWSLambdaBasicExecutionRole is not a policy of this stack/,
      ),
    ]);
  });
});
