/**
 * `npm run plan:offline` (no AWS account) and `npm run plan` (`--account`: the real account and backend):
 * synthesizes the stack, plans it, and writes the plan for review: plan.json (`terraform show -json`),
 * plan.txt (terraform's own rendering), review.md (a pull-request comment) and the synth's policy.sarif.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { environmentOfStack, synthCommand } from "../stacks/synthesis";
import { SynthesizedStack, loadSynthesizedStack } from "../terraform/stack-document";
import { UserInputError } from "../user-input-error";
import { runAccountPlan } from "./account-plan";
import { OfflinePlanUnavailable, TerraformStepFailed, runOfflinePlan, startOfflineProvider } from "./offline-plan";
import { CliOptions, HELP, USAGE, UsageError, parsePlanArgs } from "./plan-options";
import { actionOf, reviewMarkdown } from "./review/review-markdown";

/** Synthesizes the app, with only the stack's environment when it is a pipeline stack; output to stderr. */
async function synthesize(options: CliOptions): Promise<void> {
  const environment = environmentOfStack(options.stack);
  process.stderr.write(
    `Synthesizing ${options.stack}${environment ? ` (ORDERS_ENVIRONMENTS=${environment})` : ""}...\n`,
  );
  const command = synthCommand(options.stack, options.outdir);
  const child = spawn(command.file, command.args, {
    stdio: ["ignore", process.stderr, process.stderr],
    env: command.env,
  });
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (status !== 0) throw new Error(`synthesis failed (exit ${status}); fix the error above and run again`);
}

/** The synthesized stack; the message for one that is not there says how to synthesize it. */
function loadStack(options: CliOptions): SynthesizedStack {
  const environment = environmentOfStack(options.stack);
  return loadSynthesizedStack(
    options.outdir,
    options.stack,
    () =>
      `${options.stack} is not synthesized in ${options.outdir}: run without --no-synth, or ` +
      `${environment ? `ORDERS_ENVIRONMENTS=${environment} ` : ""}npm run synth first`,
  );
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parsePlanArgs(argv);
  if (options === "help") {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const workDir = path.join(".build", "offline-plan", options.stack);
  // The offline plan's provider starts while the stack is synthesized (it is ready in about 0.2 s).
  const provider = !options.account && options.synth ? startOfflineProvider(workDir) : undefined;
  try {
    return await planAndWrite(options, workDir, provider);
  } finally {
    await provider?.stop();
  }
}

async function planAndWrite(
  options: CliOptions,
  workDir: string,
  provider: ReturnType<typeof startOfflineProvider>,
): Promise<number> {
  if (options.synth) await synthesize(options);
  const stack = loadStack(options);
  const stackDir = stack.directory;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const sarifFile = path.join(stackDir, "policy.sarif");
  const sarif = fs.existsSync(sarifFile) ? JSON.parse(fs.readFileSync(sarifFile, "utf8")) : undefined;

  let planned: { plan: { terraform_version?: string }; planJsonText: string; planText: string };
  let description: string;
  const notes: string[] = [];
  if (options.account) {
    const result = await runAccountPlan({ stackDir, inputs: options.inputs, log });
    planned = result;
    description = `Plan against the account and the S3 backend (terraform ${result.plan.terraform_version}); saved as \`${result.planFile}\`.`;
  } else {
    const result = await runOfflinePlan({ stackDir, workDir, inputs: options.inputs, log, provider });
    planned = { ...result, planText: withoutApplyHint(result.planText) };
    description =
      `Offline plan (terraform ${result.plan.terraform_version}, hashicorp/aws from the mirror at ${result.mirror}): fake credentials, ` +
      "an empty local state and nothing refreshed, so every resource shows as created. For review, not to apply.";
    if (result.standIns.length > 0) {
      notes.push(
        `archive_file stood in for ${result.standIns.length} zips (the archive provider is not installable offline): same files, not the provider's bytes.`,
      );
    }
  }

  fs.mkdirSync(options.out, { recursive: true });
  fs.writeFileSync(path.join(options.out, "plan.json"), planned.planJsonText);
  fs.writeFileSync(path.join(options.out, "plan.txt"), planned.planText);
  const review = reviewMarkdown({
    stackName: options.stack,
    plan: planned.plan,
    stack: stack.document,
    sarif,
    planDescription: description,
    notes,
  });
  fs.writeFileSync(path.join(options.out, "review.md"), review);
  const written = ["plan.json", "plan.txt", "review.md"];
  if (sarif) {
    fs.copyFileSync(sarifFile, path.join(options.out, "policy.sarif"));
    written.push("policy.sarif");
  } else {
    log(`no ${sarifFile}: the synth that wrote this stack predates the SARIF output; synthesize again`);
  }

  const counts = new Map<string, number>();
  for (const c of (planned.plan as { resource_changes?: { change: { actions: string[] } }[] }).resource_changes ?? []) {
    const action = actionOf(c.change.actions);
    counts.set(action, (counts.get(action) ?? 0) + 1);
  }
  const summary = ["create", "update", "replace", "destroy"].map((a) => `${counts.get(a) ?? 0} to ${a}`).join(", ");
  process.stdout.write(`${options.account ? "Plan" : "Offline plan"} of ${options.stack}: ${summary}.\n`);
  process.stdout.write(`Wrote ${written.map((f) => path.join(options.out, f)).join(", ")}\n`);
  return 0;
}

/** The offline plan is saved in a scratch directory and must not be applied: drop terraform's hint to apply it. */
function withoutApplyHint(planText: string): string {
  const at = planText.search(/\n[─-]+\s*\n\s*Saved the plan to:/);
  return at < 0 ? planText : `${planText.slice(0, at).trimEnd()}\n`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UserInputError) {
      process.stderr.write(`${error.message}\n${error instanceof UsageError ? `${USAGE}\n` : ""}`);
      process.exit(2);
    }
    if (error instanceof OfflinePlanUnavailable) process.stderr.write(`Offline plan unavailable: ${error.message}\n`);
    else if (error instanceof TerraformStepFailed) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
