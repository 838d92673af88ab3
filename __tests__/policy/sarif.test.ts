import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { App, TerraformStack } from "cdktf";
import { checkStacks } from "../../src/policy/check";
import { applyPolicy } from "../../src/policy/enforcement";
import { PolicyViolationError } from "../../src/policy/report";
import { ALL_RULES } from "../../src/policy/rules";
import { sqsEncryptedAtRest } from "../../src/policy/rules/sqs-encrypted-at-rest";
import { jsonPointerOf, lineOfPointer, policySarif } from "../../src/policy/sarif";
import type { Suppression } from "../../src/policy/suppression-matching";

// The official SARIF 2.1.0 schema (OASIS, with errata; draft-04): see support/sarif-schema-2.1.0.source.md.
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "support", "sarif-schema-2.1.0.json"), "utf8"));
const ajv = new AjvDraft04({ allErrors: true, strict: false });
addFormats(ajv);
const validateSarif = ajv.compile(schema);

function expectValidSarif(log: unknown): void {
  const valid = validateSarif(log);
  expect(valid ? [] : validateSarif.errors).toEqual([]);
}

const REASON = "The scratch queue of this test holds nothing and exists only to exercise the exception path.";

/** An app with two one-queue stacks; `encrypted` says which encrypt their queue. */
function twoStackApp(encrypted: { a: boolean; b: boolean }, suppressions: Suppression[]) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-sarif-"));
  const app = new App({ outdir });
  for (const [name, sse] of [
    ["orders-a", encrypted.a],
    ["orders-b", encrypted.b],
  ] as const) {
    const stack = new TerraformStack(app, name);
    new AwsProvider(stack, "aws", { region: "us-east-1" });
    new SqsQueue(stack, "queue", { name: `${name}-queue`, sqsManagedSseEnabled: sse });
    applyPolicy(stack, { rules: [sqsEncryptedAtRest], suppressions, report: () => undefined });
  }
  const sarifOf = (name: string) =>
    JSON.parse(fs.readFileSync(path.join(outdir, "stacks", name, "policy.sarif"), "utf8"));
  return { app, outdir, sarifOf };
}

describe("the policy result as SARIF", () => {
  it("is written beside each stack by a passing synth, valid SARIF 2.1.0, an accepted exception carrying its reason", () => {
    const { app, outdir, sarifOf } = twoStackApp({ a: true, b: false }, [
      { rule: "sqs-encrypted-at-rest", stacks: "orders-b", resource: "aws_sqs_queue.queue", reason: REASON },
    ]);
    app.synth();
    const clean = sarifOf("orders-a");
    const excepted = sarifOf("orders-b");
    expectValidSarif(clean);
    expectValidSarif(excepted);
    expect(clean.version).toBe("2.1.0");
    expect(clean.runs[0].results).toEqual([]);
    const [result] = excepted.runs[0].results;
    expect(excepted.runs[0].results).toHaveLength(1);
    expect(result).toMatchObject({
      ruleId: "sqs-encrypted-at-rest",
      level: "error",
      suppressions: [{ kind: "external", status: "accepted", justification: REASON }],
    });
    const [location] = result.locations;
    expect(location.logicalLocations[0]).toMatchObject({
      name: "aws_sqs_queue.queue",
      fullyQualifiedName: "orders-b/queue",
    });
    expect(location.properties.jsonPointer).toBe("/resource/aws_sqs_queue/queue");
    const stackFile = path.join(outdir, "stacks", "orders-b", "cdk.tf.json");
    expect(path.resolve(location.physicalLocation.artifactLocation.uri)).toBe(stackFile);
    const lines = fs.readFileSync(stackFile, "utf8").split("\n");
    expect(lines[location.physicalLocation.region.startLine - 1]).toBe('      "queue": {');
    expect(lines[location.physicalLocation.region.startLine - 2]).toBe('    "aws_sqs_queue": {');
  });

  it("is written by a failing synth too: the violation unsuppressed, a stale exception as a configuration notification", () => {
    const { app, outdir, sarifOf } = twoStackApp({ a: false, b: true }, [
      { rule: "sqs-encrypted-at-rest", stacks: "orders-b", resource: "aws_sqs_queue.queue", reason: REASON },
    ]);
    expect(() => app.synth()).toThrow(PolicyViolationError);
    expect(fs.existsSync(path.join(outdir, "stacks", "orders-a", "cdk.tf.json"))).toBe(false);
    const failing = sarifOf("orders-a");
    const stale = sarifOf("orders-b");
    expectValidSarif(failing);
    expectValidSarif(stale);
    expect(failing.runs[0].results).toEqual([
      expect.objectContaining({
        ruleId: "sqs-encrypted-at-rest",
        message: { text: expect.stringContaining("has neither sqs_managed_sse_enabled") },
      }),
    ]);
    expect(failing.runs[0].results[0].suppressions).toBeUndefined();
    expect(failing.runs[0].results[0].locations[0].physicalLocation.region).toBeUndefined();
    expect(stale.runs[0].invocations[0].toolConfigurationNotifications).toEqual([
      expect.objectContaining({
        descriptor: { id: "stale-exception" },
        message: { text: expect.stringContaining("sqs-encrypted-at-rest on orders-b:aws_sqs_queue.queue") },
      }),
    ]);
    expect(failing.runs[0].invocations[0].toolConfigurationNotifications).toEqual([]);
  });

  it("describes every rule of the policy with its scanner mirrors, and stays valid", () => {
    const outcome = checkStacks([], { suppressions: [] });
    const log = policySarif(outcome, {
      stackName: "orders-dev",
      rules: ALL_RULES,
      stackFileUri: "cdktf.out/stacks/orders-dev/cdk.tf.json",
    });
    expectValidSarif(log);
    const [run] = log.runs as { tool: { driver: { rules: { id: string; properties: { mirrors: string[] } }[] } } }[];
    const rules = run?.tool.driver.rules ?? [];
    expect(rules.map((r) => r.id)).toEqual(ALL_RULES.map((r) => r.id));
    expect(rules.find((r) => r.id === "sqs-encrypted-at-rest")?.properties.mirrors).toEqual([
      "CKV_AWS_27",
      "AVD-AWS-0096",
      "AwsSolutions-SQS2",
    ]);
  });

  it("a log that breaks the schema is caught by the validator (the check can fail)", () => {
    expect(validateSarif({ version: "2.1.0", runs: [{ results: [] }] })).toBe(false);
    expect(validateSarif({ version: "2.0.0", runs: [] })).toBe(false);
  });
});

describe("locating a finding in cdk.tf.json", () => {
  it("points at the resource, or at the stack setting", () => {
    expect(jsonPointerOf("aws_lambda_function.order-service_function_48E7C42D")).toBe(
      "/resource/aws_lambda_function/order-service_function_48E7C42D",
    );
    expect(jsonPointerOf("terraform.backend.s3")).toBe("/terraform/backend/s3");
    expect(jsonPointerOf("aws_x.a/b~c")).toBe("/resource/aws_x/a~1b~0c");
  });

  it("finds the line of a pointer in two-space JSON, past same-named keys elsewhere", () => {
    const text = JSON.stringify(
      { data: { aws_x: { q: {} } }, resource: { aws_w: { q: { a: 1 } }, aws_x: { p: { q: 2 }, q: { n: 1 } } } },
      null,
      2,
    );
    const lines = text.split("\n");
    const line = lineOfPointer(text, "/resource/aws_x/q") as number;
    expect(lines[line - 1]).toBe('      "q": {');
    expect(lines[line - 2]).toBe("      },");
    expect(lines.slice(0, line).filter((l) => l.includes('"aws_x"'))).toHaveLength(2);
    expect(lineOfPointer(text, "/resource/aws_y/q")).toBeUndefined();
  });
});
