import * as fs from "node:fs";
import * as path from "node:path";
import { VariableArgument, terraformVariableFlags } from "../terraform/variable-arguments";
import { StandInResult, TerraformJson, standInArchives } from "./archive-stand-in";
import { RunResult, findProviderMirror, findTerraform, mirrorOnlyCliConfig, runTerraform } from "./terraform-cli";

/** Why the offline plan cannot run on this machine (no terraform, or no provider mirror). */
export class OfflinePlanUnavailable extends Error {
  override readonly name = "OfflinePlanUnavailable";
}

/** A failed terraform step, with what terraform said. */
export class TerraformStepFailed extends Error {
  override readonly name = "TerraformStepFailed";
  constructor(
    readonly step: string,
    readonly result: RunResult,
  ) {
    super(`terraform ${step} failed (exit ${result.code}):\n${(result.stderr || result.stdout).trim()}`);
  }
}

export interface OfflinePlanOptions {
  /** A synthesized stack directory, e.g. `cdktf.out/stacks/orders-dev`. */
  readonly stackDir: string;
  /** Scratch directory for the copy that is planned; emptied first. */
  readonly workDir: string;
  /** `-var` and `-var-file`, passed to terraform in this order. */
  readonly variables?: readonly VariableArgument[];
  /** Progress lines. Default: none. */
  readonly log?: (line: string) => void;
  /** Environment to find terraform and the mirror in. Default: `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The parts of `terraform show -json` the checks read. */
export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version: string;
  readonly resource_changes?: readonly {
    readonly address: string;
    readonly type: string;
    readonly change: { readonly actions: readonly string[]; readonly after?: Record<string, unknown> | null };
  }[];
  readonly variables?: Record<string, { readonly value: unknown }>;
  readonly [key: string]: unknown;
}

export interface OfflinePlanResult {
  readonly workDir: string;
  readonly mirror: string;
  readonly standIns: StandInResult["archives"];
  readonly plan: PlanJson;
  /** Addresses the plan creates. */
  readonly creates: readonly string[];
  readonly timingsMs: Readonly<Record<"init" | "validate" | "plan" | "show", number>>;
}

/** Fake credentials and the provider's skip settings: the aws provider plans without reaching AWS. */
export const OFFLINE_PROVIDER_SETTINGS = {
  access_key: "AKIAOFFLINEPLAN00000",
  secret_key: "offline-plan-secret-key-not-used-for-anything",
  skip_credentials_validation: true,
  skip_requesting_account_id: true,
  skip_metadata_api_check: true,
  skip_region_validation: true,
} as const;

const AWS_PROVIDER = { namespace: "hashicorp", type: "aws", version: "5.100.0" } as const;
const ARCHIVE_PROVIDER = { namespace: "hashicorp", type: "archive", version: "2.7.1" } as const;

/** Whether the offline plan can run here; the reason when it cannot. */
export function offlinePlanAvailability(env: NodeJS.ProcessEnv = process.env): { available: boolean; reason?: string } {
  if (!findTerraform(env)) return { available: false, reason: "terraform is not on PATH (or ORDERS_TERRAFORM_BIN)" };
  if (!findProviderMirror(AWS_PROVIDER, env)) {
    return {
      available: false,
      reason: `no filesystem mirror holds hashicorp/aws ${AWS_PROVIDER.version} (set ORDERS_TF_PROVIDER_MIRROR)`,
    };
  }
  return { available: true };
}

/**
 * Plans a synthesized stack with no AWS account and no network: a copy of the stack with its backend
 * replaced by a local one and the aws provider given fake keys (override files), providers installed
 * from a filesystem mirror only, `archive_file` stood in where the archive provider is missing; then
 * `init`, `validate`, `plan` and `show -json` with the real terraform and provider.
 */
export async function runOfflinePlan(options: OfflinePlanOptions): Promise<OfflinePlanResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const terraform = findTerraform(env);
  if (!terraform) throw new OfflinePlanUnavailable(offlinePlanAvailability(env).reason);
  const mirror = findProviderMirror(AWS_PROVIDER, env);
  if (!mirror) throw new OfflinePlanUnavailable(offlinePlanAvailability(env).reason);
  const stackFile = path.join(options.stackDir, "cdk.tf.json");
  if (!fs.existsSync(stackFile)) throw new Error(`No synthesized stack at ${stackFile}: run \`npm run synth\` first.`);

  const workDir = path.resolve(options.workDir);
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  fs.cpSync(options.stackDir, workDir, { recursive: true });

  let stack = JSON.parse(fs.readFileSync(stackFile, "utf8")) as TerraformJson;
  let standIns: StandInResult["archives"] = [];
  if (!findProviderMirror(ARCHIVE_PROVIDER, env)) {
    ({ stack, archives: standIns } = await standInArchives(stack, workDir));
    for (const s of standIns) {
      log(
        `stand-in: ${s.address} -> ${path.relative(workDir, s.outputs.output_path)} ` +
          `(${s.outputs.entries.length} files, ${s.outputs.output_size} bytes, base64sha256 ${s.outputs.output_base64sha256}); ` +
          `hashicorp/archive is not installable here`,
      );
    }
  }
  fs.writeFileSync(path.join(workDir, "cdk.tf.json"), JSON.stringify(stack, null, 2));
  fs.writeFileSync(
    path.join(workDir, "offline_override.tf.json"),
    JSON.stringify(
      {
        terraform: { backend: { local: { path: "terraform.tfstate" } } },
        provider: { aws: OFFLINE_PROVIDER_SETTINGS },
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(path.join(workDir, ".terraformrc"), mirrorOnlyCliConfig(mirror));

  const step = (name: string, args: string[]) => terraformStep(terraform, workDir, name, args, log);
  const init = await step("init", ["init", "-input=false", "-no-color"]);
  const validate = await step("validate", ["validate", "-no-color"]);
  const { plan, show, planJson, creates } = await planAndShow(terraform, workDir, options, log);
  return {
    workDir,
    mirror,
    standIns,
    plan: planJson,
    creates,
    timingsMs: { init: init.ms, validate: validate.ms, plan: plan.ms, show: show.ms },
  };
}

/** Plans again in a work directory `runOfflinePlan` initialized, with other variables: no second init. */
export async function replanOffline(
  workDir: string,
  values: Pick<OfflinePlanOptions, "variables" | "log" | "env">,
): Promise<Pick<OfflinePlanResult, "plan" | "creates">> {
  const terraform = findTerraform(values.env ?? process.env);
  if (!terraform) throw new OfflinePlanUnavailable(offlinePlanAvailability(values.env).reason);
  if (!fs.existsSync(path.join(workDir, ".terraform"))) throw new Error(`${workDir} was not initialized by runOfflinePlan.`);
  const { planJson, creates } = await planAndShow(terraform, workDir, values, values.log ?? (() => undefined));
  return { plan: planJson, creates };
}

function offlineEnv(workDir: string): Record<string, string> {
  return { TF_CLI_CONFIG_FILE: path.join(workDir, ".terraformrc"), TF_DATA_DIR: path.join(workDir, ".terraform") };
}

async function terraformStep(terraform: string, workDir: string, name: string, args: string[], log: (line: string) => void): Promise<RunResult> {
  const result = await runTerraform(terraform, args, workDir, offlineEnv(workDir));
  if (result.code !== 0) throw new TerraformStepFailed(name, result);
  log(`terraform ${name}: ok in ${(result.ms / 1000).toFixed(1)} s`);
  return result;
}

async function planAndShow(
  terraform: string,
  workDir: string,
  values: Pick<OfflinePlanOptions, "variables">,
  log: (line: string) => void,
) {
  const varArgs = terraformVariableFlags(values.variables ?? []);
  const plan = await terraformStep(
    terraform,
    workDir,
    "plan",
    ["plan", "-input=false", "-no-color", "-lock=false", "-refresh=false", "-out=offline.tfplan", ...varArgs],
    log,
  );
  const show = await terraformStep(terraform, workDir, "show", ["show", "-json", "-no-color", "offline.tfplan"], log);
  const planJson = JSON.parse(show.stdout) as PlanJson;
  const creates = (planJson.resource_changes ?? []).filter((c) => c.change.actions.includes("create")).map((c) => c.address);
  return { plan, show, planJson, creates };
}
