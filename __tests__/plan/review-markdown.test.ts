import {
  COMMENT_LIMIT,
  ReviewedPlan,
  ReviewedSarif,
  actionOf,
  reviewMarkdown,
} from "../../src/plan/review/review-markdown";

// Plan JSON as Terraform documents it ("JSON Output Format", resource_changes: `actions` is ["create"],
// ["update"], ["delete", "create"] or ["create", "delete"] for a replacement, ["delete"]; `action_reason`
// such as "replace_because_cannot_update"; `replace_paths`; `after_unknown` marks values known after apply).
const doc = (...Statement: Record<string, unknown>[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const logs = {
  Sid: "WriteLogs",
  Effect: "Allow",
  Action: ["logs:PutLogEvents"],
  Resource: ["arn:aws:logs:us-east-1:1:log-group:/o:*"],
};

const plan: ReviewedPlan = {
  terraform_version: "1.11.4",
  resource_changes: [
    {
      address: "aws_iam_role_policy.fn_policy",
      type: "aws_iam_role_policy",
      change: {
        actions: ["update"],
        before: { policy: doc(logs) },
        after: { policy: doc({ ...logs, Action: ["logs:PutLogEvents", "logs:DeleteLogGroup"] }) },
        after_unknown: {},
      },
    },
    {
      address: "aws_iam_role.fn_role",
      type: "aws_iam_role",
      change: {
        actions: ["update"],
        before: {
          assume_role_policy: doc({
            Effect: "Allow",
            Principal: { Service: "lambda.amazonaws.com" },
            Action: "sts:AssumeRole",
          }),
        },
        after: {
          assume_role_policy: doc({
            Effect: "Allow",
            Principal: { Service: ["lambda.amazonaws.com", "states.amazonaws.com"] },
            Action: "sts:AssumeRole",
          }),
        },
        after_unknown: {},
      },
    },
    {
      address: "aws_sqs_queue_policy.dlq_policy",
      type: "aws_sqs_queue_policy",
      change: { actions: ["create"], before: null, after: {}, after_unknown: { policy: true, id: true } },
    },
    {
      address: "aws_dynamodb_table.orders",
      type: "aws_dynamodb_table",
      action_reason: "replace_because_cannot_update",
      change: {
        actions: ["delete", "create"],
        before: { name: "a" },
        after: { name: "b" },
        after_unknown: {},
        replace_paths: [["name"]],
      },
    },
    {
      address: "aws_sqs_queue.old",
      type: "aws_sqs_queue",
      change: { actions: ["delete"], before: { name: "old" }, after: null },
    },
    { address: "aws_sns_topic.same", type: "aws_sns_topic", change: { actions: ["no-op"], before: {}, after: {} } },
  ],
};

const stack = {
  resource: {
    aws_sqs_queue_policy: {
      dlq_policy: {
        "//": { metadata: { path: "orders-dev/route/dlq/policy" } },
        policy: doc({
          Sid: "FromRule",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: "${aws_sqs_queue.dlq.arn}",
        }),
      },
    },
  },
};

const sarif: ReviewedSarif = {
  runs: [
    {
      tool: { driver: { rules: [{}, {}, {}] } },
      results: [
        {
          ruleId: "lambda-in-vpc",
          properties: { address: "aws_lambda_function.a", constructPath: "a/function" },
          suppressions: [{ justification: "No private resource is reached." }],
        },
        {
          ruleId: "lambda-in-vpc",
          properties: { address: "aws_lambda_function.b", constructPath: "b/function" },
          suppressions: [{ justification: "No private resource is reached." }],
        },
      ],
      invocations: [{ toolConfigurationNotifications: [] }],
    },
  ],
};

const review = reviewMarkdown({
  stackName: "orders-dev",
  plan,
  stack,
  sarif,
  planDescription: "Plan against the account.",
});
const sectionOf = (title: string) => review.split(`#### ${title}`)[1]?.split("\n#### ")[0] ?? "";

describe("review.md", () => {
  it("counts resources by action, a replacement as replace, not as create and destroy", () => {
    expect(actionOf(["delete", "create"])).toBe("replace");
    expect(actionOf(["create", "delete"])).toBe("replace");
    expect(review).toContain("| create | 1 | aws_sqs_queue_policy ×1 |");
    expect(review).toContain("| update in place | 2 | aws_iam_role ×1, aws_iam_role_policy ×1 |");
    expect(review).toContain("| replace | 1 | aws_dynamodb_table ×1 |");
    expect(review).toContain("| destroy | 1 | aws_sqs_queue ×1 |");
  });

  it("shows an identity statement widened, with the action it gains", () => {
    expect(sectionOf("IAM statements")).toContain("- `aws_iam_role_policy.fn_policy`: updated");
    expect(sectionOf("IAM statements")).toContain("**widened** `WriteLogs`: actions + `logs:DeleteLogGroup`");
  });

  it("shows who may newly assume a role", () => {
    expect(sectionOf("IAM trust policies")).toContain("**widened**: principals + `Service:states.amazonaws.com`");
  });

  it("shows a resource policy known only at apply as configured, references and all", () => {
    const section = sectionOf("Resource policies");
    expect(section).toContain("`aws_sqs_queue_policy.dlq_policy` (route/dlq/policy): created (as configured");
    expect(section).toContain(
      "**added** `FromRule`: Allow to `Service:events.amazonaws.com` `sqs:SendMessage` on `${aws_sqs_queue.dlq.arn}`",
    );
  });

  it("lists what is replaced or destroyed, with terraform's reason", () => {
    const section = sectionOf("Replaced or destroyed");
    expect(section).toContain(
      "- **replace** `aws_dynamodb_table.orders`, replace because cannot update; forced by `name`",
    );
    expect(section).toContain("- **destroy** `aws_sqs_queue.old`");
    expect(section).not.toContain("aws_sns_topic.same");
  });

  it("groups the accepted exceptions by rule and reason", () => {
    expect(sectionOf("Policy findings")).toContain("3 rules passed; 2 findings accepted as reviewed exceptions.");
    expect(sectionOf("Policy findings")).toContain(
      "| lambda-in-vpc | 2 (`a/function`, `b/function`) | No private resource is reached. |",
    );
  });

  it("puts violations first and says when the SARIF is missing", () => {
    const failing = reviewMarkdown({
      stackName: "s",
      plan: { resource_changes: [] },
      sarif: {
        runs: [
          {
            tool: { driver: { rules: [{}] } },
            results: [{ ruleId: "r", message: { text: "x: broken" }, properties: { address: "x" } }],
          },
        ],
      },
      planDescription: "",
    });
    expect(failing).toContain("**1 violations** of 1 rules");
    expect(failing).toContain("- **r** `x`: x: broken");
    expect(reviewMarkdown({ stackName: "s", plan: {}, planDescription: "" })).toContain(
      "No policy.sarif for this stack",
    );
  });

  it("stays within a pull-request comment, shortening the policy sections first", () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({
      Sid: `S${i}`,
      Effect: "Allow",
      Action: `s3:GetObject${i}`,
      Resource: `arn:aws:s3:::bucket-${i}/*`,
    }));
    const big = reviewMarkdown({
      stackName: "s",
      plan: {
        resource_changes: [
          {
            address: "aws_iam_policy.big",
            type: "aws_iam_policy",
            change: { actions: ["create"], before: null, after: { policy: doc(...many) } },
          },
        ],
      },
      sarif,
      planDescription: "",
    });
    expect(big.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(big).toMatch(/- … \d+ more lines: plan.txt and plan.json hold the whole plan/);
    expect(big).toContain("#### Policy findings");
  });
});
