import { diffStatements, parseDocument, Statement } from "../../src/plan/review/statement-diff";

const statements = (doc: unknown): readonly Statement[] => {
  const parsed = parseDocument(doc);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.statements;
};

const policy = (...statement: Record<string, unknown>[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statement });

describe("parseDocument", () => {
  it("reads string-or-list fields as sorted lists, principals and conditions as lines", () => {
    const [s] = statements(
      policy({
        Sid: "Send",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: ["b", "a"],
        Condition: { ArnEquals: { "aws:SourceArn": "arn:rule" } },
      }),
    );
    expect(s).toEqual({
      sid: "Send",
      effect: "Allow",
      actions: ["sqs:SendMessage"],
      notActions: [],
      resources: ["a", "b"],
      notResources: [],
      principals: ["Service:events.amazonaws.com"],
      conditions: ["ArnEquals aws:SourceArn=arn:rule"],
    });
  });

  it("says why a document cannot be read", () => {
    expect(parseDocument("{not json")).toMatchObject({ ok: false, error: expect.stringContaining("not JSON") });
    expect(parseDocument("{}")).toEqual({ ok: false, error: "has no Statement" });
  });
});

describe("diffStatements", () => {
  const logs = { Sid: "Logs", Effect: "Allow", Action: ["logs:PutLogEvents"], Resource: "arn:group:*" };

  it("reports nothing for the same document, whatever the order of its lists", () => {
    const reordered = { ...logs, Action: ["logs:PutLogEvents"], Resource: ["arn:group:*"] };
    expect(diffStatements(statements(policy(logs)), statements(policy(reordered)))).toEqual([]);
  });

  it("adds every statement of a new document and removes every one of a deleted document", () => {
    expect(diffStatements(undefined, statements(policy(logs))).map((c) => c.kind)).toEqual(["added"]);
    expect(diffStatements(statements(policy(logs)), undefined).map((c) => c.kind)).toEqual(["removed"]);
  });

  it("pairs statements by Sid: more actions or resources widen, fewer narrow, both is a change", () => {
    const before = statements(policy(logs));
    const more = diffStatements(
      before,
      statements(policy({ ...logs, Action: ["logs:PutLogEvents", "logs:DeleteLogGroup"] })),
    );
    expect(more).toEqual([
      expect.objectContaining({
        kind: "widened",
        fields: { actions: { added: ["logs:DeleteLogGroup"], removed: [] } },
      }),
    ]);
    const star = diffStatements(before, statements(policy({ ...logs, Resource: "*" })));
    expect(star).toEqual([
      expect.objectContaining({ kind: "widened", fields: { resources: { added: ["*"], removed: ["arn:group:*"] } } }),
    ]);
    const elsewhere = diffStatements(before, statements(policy({ ...logs, Resource: "arn:other:*" })));
    expect(elsewhere.map((c) => c.kind)).toEqual(["changed"]);
    const fewer = diffStatements(
      statements(policy({ ...logs, Action: ["logs:PutLogEvents", "logs:CreateLogStream"] })),
      before,
    );
    expect(fewer.map((c) => c.kind)).toEqual(["narrowed"]);
  });

  it("counts a removed condition or a new principal as widening an Allow", () => {
    const guarded = {
      Sid: "Send",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: "q",
      Condition: { ArnEquals: { "aws:SourceArn": "r" } },
    };
    const { Condition: _dropped, ...open } = guarded;
    expect(diffStatements(statements(policy(guarded)), statements(policy(open))).map((c) => c.kind)).toEqual([
      "widened",
    ]);
    const anyone = { ...guarded, Principal: { Service: "events.amazonaws.com", AWS: "*" } };
    expect(diffStatements(statements(policy(guarded)), statements(policy(anyone))).map((c) => c.kind)).toEqual([
      "widened",
    ]);
  });

  it("counts a Deny that covers less as widening", () => {
    const deny = {
      Sid: "DenyHttp",
      Effect: "Deny",
      Principal: "*",
      Action: ["sqs:SendMessage", "sqs:ReceiveMessage"],
      Resource: "q",
    };
    const smaller = { ...deny, Action: ["sqs:SendMessage"] };
    expect(diffStatements(statements(policy(deny)), statements(policy(smaller))).map((c) => c.kind)).toEqual([
      "widened",
    ]);
  });

  it("pairs statements without a Sid that kept their resources, so a new action reads as widening, not remove-and-add", () => {
    const before = statements(policy({ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "t" }));
    const after = statements(
      policy({ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:DeleteItem"], Resource: "t" }),
    );
    expect(diffStatements(before, after)).toEqual([
      expect.objectContaining({
        kind: "widened",
        fields: { actions: { added: ["dynamodb:DeleteItem"], removed: [] } },
      }),
    ]);
    const unrelated = statements(policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "b" }));
    expect(diffStatements(before, unrelated).map((c) => c.kind)).toEqual(["added", "removed"]);
  });
});
