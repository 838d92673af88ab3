import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../support/bundles";

/**
 * The plan command end to end, with a stand-in for the terraform binary (ORDERS_TERRAFORM_BIN) that
 * records how it is called and answers as terraform would: the account plan cannot reach AWS here, and
 * the real binary's part is proven by offline-plan.integration.test.ts.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-plan-cli-"));
const outdir = path.join(dir, "cdktf.out");
const stackDir = path.join(outdir, "stacks", "orders-dev");
const calls = path.join(dir, "calls.log");
const planJson = {
  format_version: "1.2",
  terraform_version: "1.11.4",
  resource_changes: [
    {
      address: "aws_sqs_queue.old",
      type: "aws_sqs_queue",
      change: { actions: ["delete"], before: { name: "old" }, after: null },
    },
  ],
};
const terraform = path.join(dir, "terraform");
fs.mkdirSync(stackDir, { recursive: true });
fs.writeFileSync(path.join(stackDir, "cdk.tf.json"), JSON.stringify({ resource: {} }));
fs.writeFileSync(path.join(stackDir, "policy.sarif"), JSON.stringify({ version: "2.1.0", runs: [{ results: [] }] }));
fs.writeFileSync(path.join(dir, "plan.json"), JSON.stringify(planJson));
fs.writeFileSync(
  terraform,
  [
    "#!/bin/sh",
    `echo "$(pwd) $*" >> ${JSON.stringify(calls)}`,
    'case "$1" in',
    '  plan) echo "Terraform will perform the following actions:"; echo "Plan: 0 to add, 0 to change, 1 to destroy.";;',
    `  show) cat ${JSON.stringify(path.join(dir, "plan.json"))};;`,
    "esac",
    "",
  ].join("\n"),
  { mode: 0o755 },
);

function plan(args: string[]) {
  const result = spawnSync(
    process.execPath,
    [path.join("scripts", "run-ts.js"), path.join("src", "plan", "cli.ts"), ...args],
    {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      env: { ...process.env, ORDERS_TERRAFORM_BIN: terraform },
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("npm run plan (--account)", () => {
  const out = path.join(dir, "review");
  const tfvars = path.join(PROJECT_ROOT, "terraform.tfvars.example");
  let run: ReturnType<typeof plan>;
  beforeAll(() => {
    run = plan([
      "--account",
      "--no-synth",
      "--outdir",
      outdir,
      "--out",
      out,
      "--var",
      "lambda_memory_size=1024",
      "--var-file",
      tfvars,
    ]);
  });

  it("runs init, plan (refreshed, locked, variables in order) and show in the stack's directory", () => {
    expect(run.code).toBe(0);
    const lines = fs.readFileSync(calls, "utf8").trim().split("\n");
    expect(lines).toEqual([
      `${fs.realpathSync(stackDir)} init -input=false -no-color`,
      `${fs.realpathSync(stackDir)} plan -input=false -no-color -lock=true -out=review.tfplan -var=lambda_memory_size=1024 -var-file=${tfvars}`,
      `${fs.realpathSync(stackDir)} show -json -no-color review.tfplan`,
    ]);
  });

  it("writes plan.json, plan.txt, review.md and the synth's policy.sarif, and says what the plan does", () => {
    expect(JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"))).toEqual(planJson);
    expect(fs.readFileSync(path.join(out, "plan.txt"), "utf8")).toContain("Plan: 0 to add, 0 to change, 1 to destroy.");
    expect(fs.readFileSync(path.join(out, "review.md"), "utf8")).toContain("- **destroy** `aws_sqs_queue.old`");
    expect(fs.readFileSync(path.join(out, "policy.sarif"), "utf8")).toBe(
      fs.readFileSync(path.join(stackDir, "policy.sarif"), "utf8"),
    );
    expect(run.stdout).toContain("Plan of orders-dev: 0 to create, 0 to update, 0 to replace, 1 to destroy.");
  });
});

describe("the plan command's input errors", () => {
  it("answers --help without synthesizing or planning", () => {
    const help = plan(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("review.md");
    expect(help.stderr).toBe("");
  });

  it("exits 2 with one line for a stack that is not synthesized, naming ORDERS_ENVIRONMENTS", () => {
    const missing = plan(["--no-synth", "--outdir", outdir, "--stack", "orders-staging"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split("\n")[0]).toBe(
      `orders-staging is not synthesized in ${outdir}: run without --no-synth, or ORDERS_ENVIRONMENTS=staging npm run synth first`,
    );
  });
});
