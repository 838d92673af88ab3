import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildApp } from "../../src/app";
import { OfflinePlanResult, TerraformStepFailed, offlinePlanAvailability, replanOffline, runOfflinePlan } from "../../src/plan/offline-plan";
import { PROJECT_ROOT, realBundles } from "../support/bundles";

const availability = offlinePlanAvailability();
if (!availability.available) {
  console.warn(`SKIPPED offline plan: ${availability.reason}. The plan needs the terraform binary and a filesystem mirror of hashicorp/aws 5.100.0.`);
}
const describeOffline = availability.available ? describe : describe.skip;

describeOffline("offline plan of the synthesized dev stack (real terraform, real AWS provider, no network)", () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-offline-synth-"));
  const stackDir = path.join(outdir, "stacks", "orders-dev");
  let result: OfflinePlanResult;
  const log: string[] = [];

  beforeAll(async () => {
    const { app } = buildApp({ bundles: await realBundles(), outdir, env: { ORDERS_ENVIRONMENTS: "dev" }, context: {} });
    app.synth();
    result = await runOfflinePlan({
      stackDir,
      workDir: path.join(outdir, "plan-dev"),
      variables: [{ kind: "var-file", file: path.join(PROJECT_ROOT, "terraform.tfvars.example") }],
      log: (line) => log.push(line),
    });
  }, 180_000);

  test("init, validate and plan succeed and the plan creates every declared resource", () => {
    const stack = JSON.parse(fs.readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8"));
    const declared = Object.entries(stack.resource as Record<string, Record<string, { count?: unknown }>>).flatMap(([type, byName]) =>
      Object.entries(byName)
        .filter(([, config]) => config.count === undefined)
        .map(([name]) => `${type}.${name}`),
    );
    expect(declared.length).toBeGreaterThan(50);
    expect([...result.creates].sort()).toEqual(expect.arrayContaining(declared.sort()));
  });

  test("takes the tfvars file's values", () => {
    expect(result.plan.variables?.lambda_memory_size?.value).toBe(512);
    const fn = result.plan.resource_changes?.find((c) => c.type === "aws_lambda_function" && c.address.includes("order-service"));
    expect(fn?.change.after).toMatchObject({ memory_size: 512, function_name: "orders-dev-order", runtime: "nodejs22.x" });
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
    expect(bus?.change.after).toMatchObject({ name: "orders-dev-orders", tags_all: { project: "orders", environment: "dev", "managed-by": "cdktf" } });
  });

  test("bad tfvars are refused by the variable validation before anything is planned", async () => {
    const bad = path.join(outdir, "bad.tfvars");
    fs.writeFileSync(bad, 'lambda_memory_size = 64\nlog_retention_days = 10\n');
    const failure = await replanOffline(result.workDir, { variables: [{ kind: "var-file", file: bad }] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TerraformStepFailed);
    const message = (failure as TerraformStepFailed).message;
    expect((failure as TerraformStepFailed).step).toBe("plan");
    expect(message).toContain("lambda_memory_size must be a whole number of MB from 128 to 10240.");
    expect(message).toContain("log_retention_days must be one of the periods CloudWatch Logs accepts");
  }, 60_000);
});
