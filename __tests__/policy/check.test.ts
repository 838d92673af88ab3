import { checkStacks } from "../../src/policy/check";
import { formatFailure, formatSummary } from "../../src/policy/report";
import { ALL_RULES } from "../../src/policy/rules";
import { sqsEncryptedAtRest } from "../../src/policy/rules/sqs-encrypted-at-rest";
import { stackJson } from "./support/judge";
import type { Suppression } from "../../src/policy/suppression-matching";

const REASON = "Queues in the test stack are disposable and hold no data worth encrypting at rest.";
const plainQueue = stackJson({
  aws_sqs_queue: { dlq: { "//": { metadata: { path: "orders-dev/route/dlq" } }, name: "dlq" } },
});
const encryptedQueue = stackJson({ aws_sqs_queue: { dlq: { name: "dlq", sqs_managed_sse_enabled: true } } });

describe("ALL_RULES", () => {
  it("have unique ids and document what they check, why, and how to fix", () => {
    const ids = ALL_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of ALL_RULES) {
      expect([
        rule.id,
        /^[a-z0-9]+(-[a-z0-9]+)+$/.test(rule.id),
        rule.title.length > 10,
        rule.explanation.length > 40,
        rule.fix.length > 10,
      ]).toEqual([rule.id, true, true, true, true]);
    }
  });
});

describe("checkStacks", () => {
  const rules = [sqsEncryptedAtRest];

  it("fails with the violation, and lists rule, stack, resource, construct path, message and fix", () => {
    const outcome = checkStacks([{ name: "orders-dev", document: plainQueue }], { rules, suppressions: [] });
    expect(outcome.passed).toBe(false);
    expect(formatFailure(outcome)).toBe(
      [
        "Policy check failed with 1 problem; no stack was written.",
        "  [sqs-encrypted-at-rest] orders-dev aws_sqs_queue.dlq (route/dlq)",
        "    has neither sqs_managed_sse_enabled = true nor kms_master_key_id",
        `    fix: ${sqsEncryptedAtRest.fix}`,
      ].join("\n"),
    );
  });

  it("passes when a reviewed exception covers the finding, and says so in the summary", () => {
    const suppressions: Suppression[] = [
      { rule: "sqs-encrypted-at-rest", stacks: "orders-*", resource: "aws_sqs_queue.*", reason: REASON },
    ];
    const outcome = checkStacks([{ name: "orders-dev", document: plainQueue }], { rules, suppressions });
    expect(outcome.passed).toBe(true);
    expect(formatSummary(outcome, 12.4)).toBe(
      "policy: 1 rules passed on orders-dev in 12 ms; 1 findings accepted as reviewed exceptions (src/policy/suppressions.ts): sqs-encrypted-at-rest x1",
    );
  });

  it("fails on a stale exception once the finding is fixed", () => {
    const suppressions: Suppression[] = [
      { rule: "sqs-encrypted-at-rest", resource: "aws_sqs_queue.*", reason: REASON },
    ];
    const outcome = checkStacks([{ name: "orders-dev", document: encryptedQueue }], { rules, suppressions });
    expect(outcome.passed).toBe(false);
    expect(formatFailure(outcome)).toContain(
      "[stale-exception] sqs-encrypted-at-rest on *:aws_sqs_queue.*\n    matches no finding in orders-dev",
    );
  });

  it("fails on an exception without a reason", () => {
    const outcome = checkStacks([{ name: "orders-dev", document: plainQueue }], {
      rules,
      suppressions: [{ rule: "sqs-encrypted-at-rest", resource: "*", reason: "" }],
    });
    expect(outcome.invalid).toEqual([
      "exception sqs-encrypted-at-rest on *:*: has no reason; every exception says why it is accepted",
    ]);
    expect(outcome.passed).toBe(false);
  });
});

describe("formatSummary", () => {
  it("names the exceptions marked as known defects on a line of their own", () => {
    const defect: Suppression = {
      rule: "sqs-encrypted-at-rest",
      stacks: "orders-*",
      resource: "aws_sqs_queue.dlq",
      reason: REASON,
      knownDefect: true,
    };
    const outcome = checkStacks([{ name: "orders-dev", document: plainQueue }], {
      rules: [sqsEncryptedAtRest],
      suppressions: [defect],
    });
    expect(formatSummary(outcome).split("\n")[1]).toBe(
      "policy: known defects waiting for a fix: sqs-encrypted-at-rest on orders-*:aws_sqs_queue.dlq",
    );
  });
});
