/**
 * Turns zod issues into field issues: a path such as `items[2].price` and a rule in
 * words. Schemas give their own messages; these are the fallbacks.
 */
import { MAX_INPUT_DEPTH, nestingDepth } from "../../src/contracts/fields";
import { ValidationError, type FieldIssue } from "./errors";
import type * as z from "zod/mini";

function fieldPath(path: readonly PropertyKey[], prefix = ""): string {
  let out = prefix;
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(root)";
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

export function toFieldIssues(error: z.core.$ZodError, prefix = ""): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        issues.push({ field: fieldPath([...issue.path, key], prefix), rule: "is not an allowed field" });
      continue;
    }
    const field = fieldPath(issue.path, prefix);
    const input = (issue as { input?: unknown }).input;
    if (issue.code === "invalid_type" && input === undefined) {
      issues.push({ field, rule: "is required" });
    } else if (issue.code === "invalid_type" && issue.message.startsWith("Invalid input")) {
      issues.push({
        field,
        rule: `must be ${issue.expected === "object" ? "an object" : issue.expected === "array" ? "an array" : `a ${issue.expected}`}, got ${describeType(input)}`,
      });
    } else {
      issues.push({ field, rule: issue.message });
    }
  }
  return issues;
}

/** Refuses input nested deeper than any request needs, before anything walks it recursively. */
function assertShallow(input: unknown, prefix = ""): void {
  if (nestingDepth(input) > MAX_INPUT_DEPTH) {
    throw new ValidationError([
      { field: prefix || "(root)", rule: `is nested deeper than ${MAX_INPUT_DEPTH} levels of objects and arrays` },
    ]);
  }
}

/** Parses `input` with `schema`, or throws a ValidationError naming every bad field. */
export function parseOrThrow<S extends z.ZodMiniType>(schema: S, input: unknown, prefix = ""): z.output<S> {
  assertShallow(input, prefix);
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw new ValidationError(toFieldIssues(result.error, prefix));
  return result.data;
}
