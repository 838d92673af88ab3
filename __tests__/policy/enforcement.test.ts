import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { App, TerraformStack, Testing } from "cdktf";
import { applyPolicy } from "../../src/policy/enforcement";
import { PolicyViolationError } from "../../src/policy/report";
import { sqsEncryptedAtRest } from "../../src/policy/rules/sqs-encrypted-at-rest";
import type { Suppression } from "../../src/policy/suppression-matching";

const REASON = "The scratch queue of this test holds nothing and exists only to exercise the exception path.";

/** An app with two stacks, each holding one queue; `encrypted` says which stacks encrypt theirs. */
function twoStackApp(encrypted: { first: boolean; second: boolean }, suppressions: Suppression[] = []) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-enforcement-"));
  const app = new App({ outdir });
  const summaries: string[] = [];
  const stack = (name: string, sse: boolean) => {
    const s = new TerraformStack(app, name);
    new AwsProvider(s, "aws", { region: "us-east-1" });
    const queue = new SqsQueue(s, "queue", {
      name: `${name}-queue`,
      sqsManagedSseEnabled: sse,
      messageRetentionSeconds: 60,
    });
    applyPolicy(s, { rules: [sqsEncryptedAtRest], suppressions, report: (line) => summaries.push(line) });
    return { stack: s, queue };
  };
  const first = stack("orders-a", encrypted.first);
  const second = stack("orders-b", encrypted.second);
  const written = () =>
    ["orders-a", "orders-b"].filter((n) => fs.existsSync(path.join(outdir, "stacks", n, "cdk.tf.json")));
  return { app, first, second, summaries, written };
}

function synthError(app: App): PolicyViolationError {
  try {
    app.synth();
  } catch (error) {
    if (error instanceof PolicyViolationError) return error;
    throw error;
  }
  throw new Error("synth passed");
}

describe("applyPolicy", () => {
  it("lets a compliant app synthesize and reports a one-line summary once", () => {
    const { app, summaries, written } = twoStackApp({ first: true, second: true });
    app.synth();
    expect(written()).toEqual(["orders-a", "orders-b"]);
    expect(summaries).toEqual([expect.stringMatching(/^policy: 1 rules passed on orders-a, orders-b in \d+ ms$/)]);
  });

  it("fails the synth before writing any stack when a later stack breaks a rule, naming rule and resource", () => {
    const { app, written } = twoStackApp({ first: true, second: false });
    const error = synthError(app);
    expect(error.message).toContain("[sqs-encrypted-at-rest] orders-b aws_sqs_queue.queue (queue)");
    expect(error.outcome.violations.map((v) => `${v.stackName} ${v.address}`)).toEqual([
      "orders-b aws_sqs_queue.queue",
    ]);
    expect(written()).toEqual([]);
  });

  it("checks again on the next synth, so a change after a passing synth is caught", () => {
    const { app, first } = twoStackApp({ first: true, second: true });
    app.synth();
    first.queue.addOverride("sqs_managed_sse_enabled", false);
    expect(synthError(app).outcome.violations.map((v) => v.stackName)).toEqual(["orders-a"]);
  });

  it("runs with Testing.synth when validations are on", () => {
    const { second } = twoStackApp({ first: true, second: false });
    expect(() => Testing.synth(second.stack, true)).toThrow(PolicyViolationError);
    expect(() => Testing.synth(second.stack)).not.toThrow();
  });

  it("applies reviewed exceptions and fails on stale ones", () => {
    const exception: Suppression = {
      rule: "sqs-encrypted-at-rest",
      stacks: "orders-b",
      resource: "aws_sqs_queue.queue",
      reason: REASON,
    };
    const covered = twoStackApp({ first: true, second: false }, [exception]);
    covered.app.synth();
    expect(covered.summaries[0]).toContain("1 findings accepted as reviewed exceptions");
    const stale = twoStackApp({ first: true, second: true }, [exception]);
    expect(synthError(stale.app).message).toContain(
      "[stale-exception] sqs-encrypted-at-rest on orders-b:aws_sqs_queue.queue",
    );
  });

  it("refuses an exception without a reason as soon as it is applied", () => {
    expect(() =>
      twoStackApp({ first: true, second: true }, [{ rule: "sqs-encrypted-at-rest", resource: "*", reason: "ok" }]),
    ).toThrow(/\[invalid-exception\] exception sqs-encrypted-at-rest on \*:\*: reason "ok" is too short/);
  });
});
