/**
 * dynalite's expression parsers behind the parse cache answer exactly as they do alone: the same parse
 * result (with each request's own values in it), the same errors, the same names and values crossed
 * off as used; and a request shaped like an earlier one is not parsed again. Expressions follow the
 * DynamoDB developer guide's examples ("Condition and filter expressions, operators, and functions":
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html;
 * "Update expressions": .../Expressions.UpdateExpressions.html) and the project's own calls.
 */
import { createRequire } from "node:module";
import * as path from "node:path";
import { withParseCache, type ParseContext } from "../../../../src/local/runtime/dynamodb/expression-parse-cache";

const requireFromHere = createRequire(__filename);
type Parse = (text: string, options: { context: ParseContext }) => unknown;
const dir = path.join(path.dirname(requireFromHere.resolve("dynalite")), "db");
const load = (name: string) => (requireFromHere(path.join(dir, name)) as { parse: Parse }).parse;
const validations = requireFromHere(path.join(path.dirname(dir), "validations")) as {
  validateExpressions: (data: Record<string, unknown>) => string | undefined;
};
const db = requireFromHere(dir) as { compare: unknown };
const reservedWord = (name: string) => ["STATUS", "NAME", "SIZE", "DATA"].includes(name.toUpperCase());

interface Request {
  readonly names?: Record<string, string>;
  readonly values?: Record<string, Record<string, unknown>>;
  readonly keyCondition?: boolean;
}

function contextOf(request: Request): ParseContext {
  return {
    attrNames: request.names,
    attrVals: request.values,
    unusedAttrNames: Object.fromEntries(Object.keys(request.names ?? {}).map((n) => [n, true])),
    unusedAttrVals: Object.fromEntries(Object.keys(request.values ?? {}).map((n) => [n, true])),
    isKeyCondition: request.keyCondition,
    isReserved: reservedWord,
    compare: db.compare,
  };
}

/** What a parse gives: its result or its error message, and the context's lists afterwards. */
function outcome(parse: Parse, text: string, request: Request) {
  const context = contextOf(request);
  let result: unknown;
  let error: string | undefined;
  try {
    result = parse(text, { context });
  } catch (e) {
    error = (e as Error).message;
  }
  return { result, error, unusedAttrNames: context.unusedAttrNames, unusedAttrVals: context.unusedAttrVals };
}

/** The names of the request's values whose very objects the result holds. */
function valuesIn(result: unknown, request: Request): string[] {
  const found = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (node: unknown) => {
    if (node === null || typeof node !== "object" || seen.has(node)) return;
    seen.add(node);
    for (const [name, value] of Object.entries(request.values ?? {})) if (value === node) found.add(name);
    for (const child of Object.values(node)) walk(child);
  };
  walk(result);
  return [...found].sort();
}

// Each case: an expression and requests of the same shape, in order (the first fills the cache).
const cases: { parser: string; text: string; requests: Request[] }[] = [
  {
    parser: "conditionParser",
    // Powertools idempotency's conditional put.
    text: "attribute_not_exists(#id) OR #expiry < :now OR (#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)",
    requests: [1, 2, 3].map((i) => ({
      names: {
        "#id": "id",
        "#expiry": "expiration",
        "#status": "status",
        "#in_progress_expiry": "in_progress_expiration",
      },
      values: {
        ":now": { N: String(1000 + i) },
        ":now_in_millis": { N: String(2000 + i) },
        ":inprogress": { S: "INPROGRESS" },
      },
    })),
  },
  {
    parser: "conditionParser",
    text: "begins_with(#n, :p) AND size(#l) > :s",
    requests: [
      { names: { "#n": "name", "#l": "lines" }, values: { ":p": { S: "ord-1" }, ":s": { N: "0" } } },
      { names: { "#n": "name", "#l": "lines" }, values: { ":p": { S: "ord-2" }, ":s": { N: "3" } } },
      // Same names, a value of another type: another shape (begins_with refuses a number).
      { names: { "#n": "name", "#l": "lines" }, values: { ":p": { N: "1" }, ":s": { N: "3" } } },
    ],
  },
  {
    parser: "conditionParser",
    // BETWEEN reads its bounds: an upper bound below the lower one is an error.
    text: "#a BETWEEN :lo AND :hi",
    requests: [
      { names: { "#a": "amount" }, values: { ":lo": { N: "1" }, ":hi": { N: "5" } } },
      { names: { "#a": "amount" }, values: { ":lo": { N: "9" }, ":hi": { N: "5" } } },
      { names: { "#a": "amount" }, values: { ":lo": { N: "2" }, ":hi": { N: "7" } } },
      { names: { "#a": "amount" }, values: { ":lo": { N: "3" }, ":hi": { N: "5" } } },
      { names: { "#a": "amount" }, values: { ":lo": { N: "5" }, ":hi": { N: "3" } } },
    ],
  },
  ...[
    [{ S: "a" }, { S: "b" }],
    [{ B: "AAAA" }, { B: "BBBB" }],
  ].map(([lo, hi]) => ({
    parser: "conditionParser",
    text: "#k between :lo and :hi",
    // In order, then reversed (an error), then in order again.
    requests: [
      { names: { "#k": "k" }, values: { ":lo": lo, ":hi": hi } },
      { names: { "#k": "k" }, values: { ":lo": hi, ":hi": lo } },
      { names: { "#k": "k" }, values: { ":lo": lo, ":hi": hi } },
    ] as Request[],
  })),
  {
    parser: "conditionParser",
    // Bounds of different types: the error names the lower bound's contents.
    text: "#k BETWEEN :lo AND :hi",
    requests: [
      { names: { "#k": "k" }, values: { ":lo": { L: [{ S: "a" }, { S: "b" }] }, ":hi": { M: {} } } },
      { names: { "#k": "k" }, values: { ":lo": { L: [{ S: "a" }] }, ":hi": { M: {} } } },
    ],
  },
  {
    parser: "conditionParser",
    // attribute_type reads its type name.
    text: "attribute_type(#a, :t)",
    requests: [
      { names: { "#a": "amount" }, values: { ":t": { S: "N" } } },
      { names: { "#a": "amount" }, values: { ":t": { S: "BOGUS" } } },
      { names: { "#a": "amount" }, values: { ":t": { S: "S" } } },
    ],
  },
  {
    parser: "conditionParser",
    text: "#pk = :pk AND #sk > :sk",
    requests: [
      { names: { "#pk": "pk", "#sk": "sk" }, values: { ":pk": { S: "a" }, ":sk": { N: "1" } }, keyCondition: true },
      { names: { "#pk": "pk", "#sk": "sk" }, values: { ":pk": { S: "b" }, ":sk": { N: "2" } }, keyCondition: true },
      // One value unused by the expression: it stays on the unused list.
      { names: { "#pk": "pk", "#sk": "sk" }, values: { ":pk": { S: "c" }, ":sk": { N: "3" }, ":x": { S: "x" } } },
      // A value the expression names is missing.
      { names: { "#pk": "pk", "#sk": "sk" }, values: { ":pk": { S: "d" } } },
    ],
  },
  {
    parser: "updateParser",
    text: "SET #s = :s, #lines = list_append(if_not_exists(#lines, :empty), :line), #n = #n + :one ADD #seen :set REMOVE #old",
    requests: [1, 2].map((i) => ({
      names: { "#s": "status", "#lines": "lines", "#n": "count", "#seen": "seen", "#old": "old" },
      values: {
        ":s": { S: `RESERVED-${i}` },
        ":empty": { L: [] },
        ":line": { L: [{ M: { sku: { S: `sku-${i}` }, qty: { N: String(i) } } }] },
        ":one": { N: "1" },
        ":set": { SS: [`a${i}`, `b${i}`] },
      },
    })),
  },
  {
    parser: "updateParser",
    // The same path twice is an error, every time.
    text: "SET #a = :a, #a = :b",
    requests: [1, 2].map((i) => ({ names: { "#a": "a" }, values: { ":a": { S: `x${i}` }, ":b": { S: `y${i}` } } })),
  },
  {
    parser: "projectionParser",
    text: "#a, lines[0].sku, #m.inner",
    requests: [{ names: { "#a": "a", "#m": "m" } }, { names: { "#a": "a", "#m": "m" } }, { names: { "#a": "a" } }],
  },
  {
    parser: "conditionParser",
    text: "#a = :a AND",
    requests: [1, 2].map((i) => ({ names: { "#a": "a" }, values: { ":a": { S: `v${i}` } } })),
  },
];

test.each(cases)("$parser: $text answers as dynalite alone, request by request", ({ parser, text, requests }) => {
  const plain = load(parser);
  const cached = withParseCache(plain);
  for (const request of requests) {
    const alone = outcome(plain, text, request);
    const behind = outcome(cached, text, request);
    expect(behind).toEqual(alone);
    // The request's own value objects are in the result (by identity), where dynalite alone puts them.
    expect(valuesIn(behind.result, request)).toEqual(valuesIn(alone.result, request));
  }
});

test("a request shaped like an earlier one is not parsed again; one that reads its values always is", () => {
  let parses = 0;
  const plain = load("conditionParser");
  const counting: Parse = (text, options) => {
    parses++;
    return plain(text, options);
  };
  const cached = withParseCache(counting);
  const request = (i: number): Request => ({ names: { "#s": "status" }, values: { ":s": { S: `S${i}` } } });
  for (let i = 0; i < 10; i++) outcome(cached, "#s = :s", request(i));
  // The first request: its own parse and the check that the parse does not read the values.
  expect(parses).toBe(2);
  parses = 0;
  for (let i = 0; i < 5; i++)
    outcome(cached, "#s BETWEEN :lo AND :hi", {
      names: { "#s": "status" },
      values: { ":lo": { N: "1" }, ":hi": { N: String(2 + i) } },
    });
  // BETWEEN compares its bounds: never cached, one parse per request.
  expect(parses).toBe(5);
});

test("dynalite's validations behind the cache judge whole requests as before", () => {
  const plainParsers = ["conditionParser", "updateParser", "projectionParser"].map((name) => {
    const module = requireFromHere(path.join(dir, name)) as { parse: Parse };
    return { module, parse: module.parse };
  });
  const requests: Record<string, unknown>[] = [1, 2].flatMap((i) => [
    {
      UpdateExpression: "SET #s = :s",
      ConditionExpression: "#s = :expected",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":s": { S: `NEW${i}` }, ":expected": { S: `OLD${i}` } },
    },
    // The same update with a condition that does not use :expected: DynamoDB refuses the unused value.
    {
      UpdateExpression: "SET #s = :s",
      ConditionExpression: "attribute_exists(#s)",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":s": { S: `NEW${i}` }, ":expected": { S: `OLD${i}` } },
    },
    {
      UpdateExpression: "SET #s = :s",
      ConditionExpression: "#s = :s",
      ExpressionAttributeNames: { "#s": "status" },
      ExpressionAttributeValues: { ":s": { S: `NEW${i}` } },
    },
  ]);
  // The verdict and what validation leaves on the request for the action (the parsed expressions).
  const judge = () =>
    requests.map((r) => {
      const data = structuredClone(r);
      const verdict = validations.validateExpressions(data);
      return { verdict, updates: data._updates, condition: data._condition };
    });
  const alone = judge();
  try {
    for (const p of plainParsers) p.module.parse = withParseCache(p.parse);
    expect(judge()).toEqual(alone);
    expect(judge()).toEqual(alone);
  } finally {
    for (const p of plainParsers) p.module.parse = p.parse;
  }
  expect(alone[1]?.verdict).toMatch(
    /Value provided in ExpressionAttributeValues unused in expressions: keys: \{:expected\}/,
  );
  expect(alone[0]?.verdict).toBeUndefined();
  expect(alone[0]?.updates).toBeDefined();
});
