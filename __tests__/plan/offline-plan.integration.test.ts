import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildApp } from "../../src/app";
import {
  OfflinePlanResult,
  VariablesRefused,
  offlinePlanAvailability,
  runOfflinePlan,
} from "../../src/plan/offline-plan";
import { reviewMarkdown } from "../../src/plan/review/review-markdown";
import { PROJECT_ROOT, realBundles } from "../support/bundles";

const availability = offlinePlanAvailability();
if (!availability.available) {
  console.warn(
    `SKIPPED offline plan: ${availability.reason}. The plan needs the terraform binary and a filesystem mirror of hashicorp/aws 5.100.0.`,
  );
}
const describeOffline = availability.available ? describe : describe.skip;

describeOffline("offline plan of the synthesized dev stack (real terraform, real AWS provider, no network)", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-offline-synth-"));
  const stackDir = path.join(outdir, "stacks", "orders-dev");
  let result: OfflinePlanResult;
  const log: string[] = [];

  beforeAll(async () => {
    const { app } = buildApp({
      bundles: await realBundles(),
      outdir,
      env: { ORDERS_ENVIRONMENTS: "dev" },
      context: {},
    });
    app.synth();
    result = await runOfflinePlan({
      stackDir,
      workDir: path.join(outdir, "plan-dev"),
      // Terraform applies -var and -var-file in command-line order, the later winning: the file's 512 MB
      // beats the value before it, the retention after it beats the file's 30 days.
      inputs: [
        { kind: "var", name: "lambda_memory_size", value: "1024" },
        { kind: "var-file", file: path.join(PROJECT_ROOT, "terraform.tfvars.example") },
        { kind: "var", name: "log_retention_days", value: "14" },
      ],
      log: (line) => log.push(line),
    });
  }, 180_000);

  test("init, plan and show succeed and the plan creates every declared resource", () => {
    const stack = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    const declared = Object.entries(stack.resource as Record<string, Record<string, { count?: unknown }>>).flatMap(
      ([type, byName]) =>
        Object.entries(byName)
          .filter(([, config]) => config.count === undefined)
          .map(([name]) => `${type}.${name}`),
    );
    expect(declared.length).toBeGreaterThan(50);
    expect([...result.creates].sort()).toEqual(expect.arrayContaining(declared.sort()));
    expect(Object.keys(result.timingsMs).sort()).toEqual(["init", "plan", "show", "variables"]);
    // plan and show attached to the one provider started after init (TF_REATTACH_PROVIDERS)
    expect(log).toContainEqual(expect.stringMatching(/^aws provider: ready.*one process for plan and show$/));
  });

  test("takes the variables in command-line order, the later winning", () => {
    expect(result.plan.variables?.lambda_memory_size?.value).toBe(512);
    // terraform records a -var value as the string given; the resource gets it converted to the variable's type.
    expect(result.plan.variables?.log_retention_days?.value).toBe("14");
    const logGroups = (result.plan.resource_changes ?? []).filter((c) => c.type === "aws_cloudwatch_log_group");
    expect(logGroups.map((c) => (c.change.after as { retention_in_days: number }).retention_in_days)).toEqual(
      logGroups.map(() => 14),
    );
    const fn = result.plan.resource_changes?.find(
      (c) => c.type === "aws_lambda_function" && c.address.includes("order-service"),
    );
    expect(fn?.change.after).toMatchObject({
      memory_size: 512,
      function_name: "orders-dev-order",
      runtime: "nodejs22.x",
    });
  });

  test("keeps terraform's own rendering of the same plan", () => {
    expect(result.planText).toContain("Terraform will perform the following actions:");
    expect(result.planText).toContain(`Plan: ${result.creates.length} to add, 0 to change, 0 to destroy.`);
    expect(result.planText).toContain('+ function_name                  = "orders-dev-order"');
    expect(JSON.parse(result.planJsonText)).toEqual(result.plan);
  });

  test("stands in archive_file with a zip per function, says so, and uses its hash as source_code_hash", () => {
    expect(result.standIns).toHaveLength(4);
    expect(log.filter((l) => l.startsWith("stand-in: data.archive_file."))).toHaveLength(4);
    const hashes = new Set(result.standIns.map((s) => s.outputs.output_base64sha256));
    const planned = (result.plan.resource_changes ?? [])
      .filter((c) => c.type === "aws_lambda_function")
      .map((c) => (c.change.after as { source_code_hash: string }).source_code_hash);
    expect(planned).toHaveLength(4);
    for (const h of planned) expect(hashes).toContain(h);
    for (const s of result.standIns) expect(s.outputs.entries).toEqual(["index.js"]);
  });

  test("the provider-level settings reach the plan: one S3-style region, tags on every taggable resource", () => {
    const bus = result.plan.resource_changes?.find((c) => c.type === "aws_cloudwatch_event_bus");
    expect(bus?.change.after).toMatchObject({
      name: "orders-dev-orders",
      tags_all: { project: "orders", environment: "dev", "managed-by": "cdktf" },
    });
  });

  test("the review of the real plan lists each role's statements and the synth's accepted exceptions", () => {
    const sarif = JSON.parse(fs.readFileSync(path.join(stackDir, "policy.sarif"), "utf8"));
    const review = reviewMarkdown({
      stackName: "orders-dev",
      plan: result.plan as never,
      stack: result.stack as never,
      sarif,
      planDescription: "offline",
    });
    expect(review).toContain(`| create | ${result.creates.length} |`);
    expect(review).toContain(
      "- `aws_iam_role_policy.order-service_role_policy_7AB5A7ED` (order-service/role/policy): created",
    );
    expect(review).toMatch(
      /\*\*added\*\* `RecordOrders`: Allow `dynamodb:GetItem`, `dynamodb:PutItem` on `\$\{aws_dynamodb_table\.orders-table_[0-9A-F]+\.arn\}`/,
    );
    expect(review).toMatch(/\*\*added\*\*: Allow to `Service:lambda\.amazonaws\.com` `sts:AssumeRole`/);
    expect(review).toContain("Nothing is replaced or destroyed.");
    expect(review).toContain("| lambda-in-vpc | 4 (");
  });

  test("bad tfvars are refused by the variable declarations alone: no init, no provider", async () => {
    const bad = path.join(outdir, "bad.tfvars");
    fs.writeFileSync(bad, "lambda_memory_size = 64\nlog_retention_days = 10\n");
    const workDir = path.join(outdir, "plan-bad");
    const failure = await runOfflinePlan({ stackDir, workDir, inputs: [{ kind: "var-file", file: bad }] }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(VariablesRefused);
    const message = (failure as VariablesRefused).message;
    expect(message).toContain("lambda_memory_size must be a whole number of MB from 128 to 10240.");
    expect(message).toContain("log_retention_days must be one of the periods CloudWatch Logs accepts");
    expect(fs.existsSync(workDir)).toBe(false);
  });
});
