/**
 * The local state machines' JSONPath lookups without jsonpath-plus's throw per scalar: every answer the
 * same as jsonpath-plus's own `JSONPath({ path, json, wrap: false })`, the call aws-local-stepfunctions
 * makes. Documents and paths from the Step Functions developer guide: "Example: Manipulating state data
 * with paths" (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-example.html) and
 * "Paths" (https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html), with
 * the falsy scalars (0, false, "", null) a scalar answer must keep.
 */
import { createRequire } from "node:module";
import {
  answerScalarsWithoutThrow,
  withoutScalarThrow,
  type JsonPathFunction,
} from "../../../src/local/runtime/stepfunctions/jsonpath-scalars";

// The copy aws-local-stepfunctions loads (not a dependency of the project itself).
const original = (
  createRequire(require.resolve("aws-local-stepfunctions"))("jsonpath-plus") as { JSONPath: JsonPathFunction }
).JSONPath;
const shimmed = withoutScalarThrow(original);

const input = {
  comment: "Example for InputPath.",
  dataset1: { val1: 1, val2: 2, val3: 3 },
  dataset2: { val1: "a", val2: "b", val3: "c" },
  falsy: { zero: 0, no: false, empty: "", nothing: null },
  lines: [
    { sku: "sku-1", qty: 2 },
    { sku: "sku-2", qty: 0 },
  ],
};
const paths = [
  "$",
  "$.dataset2",
  "$.dataset2.val1",
  "$.dataset1.val2",
  "$.falsy.zero",
  "$.falsy.no",
  "$.falsy.empty",
  "$.falsy.nothing",
  "$.missing",
  "$.missing.deeper",
  "$.lines",
  "$.lines[0].sku",
  "$.lines[1].qty",
  "$.lines[*].sku",
  "$..val1",
  "$.lines[?(@.qty > 0)].sku",
  "$['dataset1']['val3']",
];

test("the reference is jsonpath-plus itself", () => expect(original.scalarsWithoutThrow).toBeUndefined());

test.each(paths)("%s answers as jsonpath-plus does", (path) => {
  const expected = (original as (o: unknown) => unknown)({ path, json: input, wrap: false });
  expect(shimmed({ path, json: input, wrap: false })).toEqual(expected);
  expect(shimmed({ path, json: structuredClone(input.dataset1), wrap: false })).toEqual(
    (original as (o: unknown) => unknown)({ path, json: structuredClone(input.dataset1), wrap: false }),
  );
});

test("a lookup in a scalar document and in null answers as jsonpath-plus does", () => {
  for (const json of [null, 0, "text", false])
    for (const path of ["$", "$.a"])
      expect(shimmed({ path, json, wrap: false })).toEqual(
        (original as (o: unknown) => unknown)({ path, json, wrap: false }),
      );
});

test("other calls go to jsonpath-plus unchanged", () => {
  expect(shimmed({ path: "$.dataset2.val1", json: input })).toEqual(["a"]);
  expect(shimmed("$.dataset1.val1", input)).toEqual([1]);
  expect(() => (shimmed as (o: unknown) => unknown)({ path: "$.lines[?(@.qty >", json: input, wrap: false })).toThrow();
  const Constructed = shimmed as unknown as new (o: unknown) => { evaluate(a: unknown): unknown };
  expect(
    new Constructed({ path: "$.lines[0].sku", json: input, autostart: false }).evaluate({
      path: "$.lines[0].sku",
      json: input,
    }),
  ).toEqual(["sku-1"]);
});

// Last: it changes the module the reference above comes from.
test("installed into the copy aws-local-stepfunctions calls, once", () => {
  const library = createRequire(require.resolve("aws-local-stepfunctions"))("jsonpath-plus") as {
    JSONPath: JsonPathFunction;
  };
  answerScalarsWithoutThrow();
  const installed = library.JSONPath;
  answerScalarsWithoutThrow();
  expect(installed.scalarsWithoutThrow).toBe(true);
  expect(library.JSONPath).toBe(installed);
  expect(installed({ path: "$.dataset2.val2", json: input, wrap: false })).toBe("b");
});
