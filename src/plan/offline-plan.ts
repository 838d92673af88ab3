import * as fs from "node:fs";
import * as path from "node:path";
import { OFFLINE_PROVIDER_SETTINGS } from "../terraform/offline-provider-settings";
import { STACK_FILE, type StackDocument, readStackDocument } from "../terraform/stack-document";
import { UserInputError } from "../user-input-error";
import { StandInResult, standInArchives } from "./archive-stand-in";
import { ProviderProcess, startProvider } from "./provider-process";
import {
  findProviderMirror,
  findTerraform,
  installedProviderBinary,
  mirrorOnlyCliConfig,
  terraformEnv,
} from "./terraform-cli";
import { PlanAndShowResult, PlanJson, TerraformContext, planAndShow, terraformStep } from "./terraform-plan";
import { checkVariables } from "./variable-check";
import type { VariableArgument } from "../terraform/variable-arguments";

export { TerraformStepFailed } from "./terraform-plan";

/** Why the offline plan cannot run on this machine (no terraform, or no provider mirror). */
export class OfflinePlanUnavailable extends Error {
  override readonly name = "OfflinePlanUnavailable";
}

/** Values the stack's variable declarations refuse, as terraform words it; nothing was planned. */
export class VariablesRefused extends UserInputError {
  override readonly name = "VariablesRefused";
  constructor(readonly errors: readonly string[]) {
    super(`terraform refused the variable values:\n${errors.map((e) => `  ${e}`).join("\n")}`);
  }
}

export interface OfflinePlanOptions {
  /** A synthesized stack directory, e.g. `cdktf.out/stacks/orders-dev`. */
  readonly stackDir: string;
  /** Scratch directory for the copy that is planned; its terraform working data is kept between runs. */
  readonly workDir: string;
  /** `-var-file` and `-var` values, in command-line order. */
  readonly inputs?: readonly VariableArgument[];
  /** Progress lines. Default: none. */
  readonly log?: (line: string) => void;
  /** Environment to find terraform and the mirror in. Default: `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The AWS provider started ahead (startOfflineProvider, while the stack was synthesized). Used when it
   * is the binary the work directory selects, else replaced; stopped when the plan is done either way.
   */
  readonly provider?: ProviderProcess;
}

export interface OfflinePlanResult extends Omit<PlanAndShowResult, "timingsMs"> {
  readonly workDir: string;
  readonly mirror: string;
  readonly standIns: StandInResult["archives"];
  /** The cdk.tf.json that was planned (archive_file stood in). */
  readonly stack: StackDocument;
  /** Addresses the plan creates. */
  readonly creates: readonly string[];
  /** `init` is absent when the kept working directory was already initialized for the same providers. */
  readonly timingsMs: Readonly<{ variables?: number; init?: number; plan: number; show: number }>;
}

const AWS_PROVIDER = { namespace: "hashicorp", type: "aws", version: "5.100.0" } as const;
const AWS_PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws";
const ARCHIVE_PROVIDER = { namespace: "hashicorp", type: "archive", version: "2.7.1" } as const;

/**
 * Starts the AWS provider a kept work directory has installed, so that it is up by the time the plan
 * runs (while the stack is synthesized); undefined on a first run, before `init` installed one.
 */
export function startOfflineProvider(workDir: string): ProviderProcess | undefined {
  const dir = path.resolve(workDir);
  const env = offlineEnv(dir);
  const binary = installedProviderBinary(env.TF_DATA_DIR, path.join(dir, ".terraform.lock.hcl"), AWS_PROVIDER);
  return binary
    ? startProvider({ binary, address: AWS_PROVIDER_ADDRESS, cwd: dir, env: terraformEnv(env) })
    : undefined;
}

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
 * from a filesystem mirror only, `archive_file` stood in where the archive provider is missing. Given
 * values are first checked against the variable declarations alone (no provider needed, a fraction of a
 * second); then `init` (only when the providers changed since the last run), `plan -out` and
 * `show -json` with the real terraform and provider, both attached to one provider process.
 */
export async function runOfflinePlan(options: OfflinePlanOptions): Promise<OfflinePlanResult> {
  const providers: ProviderProcess[] = options.provider ? [options.provider] : [];
  try {
    return await planOffline(options, providers);
  } finally {
    await Promise.all(providers.map((p) => p.stop()));
  }
}

/** The offline plan; every provider it starts is added to `providers`, for the caller to stop. */
async function planOffline(options: OfflinePlanOptions, providers: ProviderProcess[]): Promise<OfflinePlanResult> {
  const start = (workDir: string) => {
    const started = startOfflineProvider(workDir);
    if (started) providers.push(started);
    return started;
  };
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const terraform = findTerraform(env);
  if (!terraform) throw new OfflinePlanUnavailable(offlinePlanAvailability(env).reason);
  const mirror = findProviderMirror(AWS_PROVIDER, env);
  if (!mirror) throw new OfflinePlanUnavailable(offlinePlanAvailability(env).reason);
  let stack = readStackDocument(options.stackDir);

  const timings: { variables?: number; init?: number } = {};
  const given = (options.inputs ?? []).length > 0 || Object.keys(env).some((k) => k.startsWith("TF_VAR_"));
  if (given) {
    const started = Date.now();
    const check = await checkVariables(stack.variable ?? {}, {
      arguments: options.inputs,
    });
    timings.variables = Date.now() - started;
    if (!check.accepted) throw new VariablesRefused(check.errors);
    log(`variables: accepted in ${(timings.variables / 1000).toFixed(1)} s`);
  }

  const workDir = path.resolve(options.workDir);
  const tfEnv = offlineEnv(workDir);
  const lockFile = path.join(workDir, ".terraform.lock.hcl");
  const initInputs = JSON.stringify({
    terraform,
    mirror,
    providers: stack.terraform?.required_providers ?? {},
    backend: OFFLINE_BACKEND,
  });
  const stampFile = path.join(tfEnv.TF_DATA_DIR, "orders-init-inputs.json");
  const initialized =
    fs.existsSync(lockFile) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === initInputs;
  // Started now when already installed, it comes up while the copy is made and the archives are stood in.
  let provider = initialized ? usableProvider(options.provider, tfEnv.TF_DATA_DIR, lockFile) : undefined;
  if (provider !== options.provider) void options.provider?.stop();
  if (initialized && !provider) provider = start(workDir);

  prepareWorkDir(workDir);
  fs.cpSync(options.stackDir, workDir, { recursive: true });
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
  const override = { terraform: { backend: OFFLINE_BACKEND }, provider: { aws: OFFLINE_PROVIDER_SETTINGS } };
  fs.writeFileSync(path.join(workDir, STACK_FILE), JSON.stringify(stack, null, 2));
  fs.writeFileSync(path.join(workDir, "offline_override.tf.json"), JSON.stringify(override, null, 2));
  fs.writeFileSync(path.join(workDir, ".terraformrc"), mirrorOnlyCliConfig(mirror));

  const context: TerraformContext = { terraform, dir: workDir, env: tfEnv, log };
  if (!initialized) {
    timings.init = (await terraformStep(context, "init", ["init", "-input=false", "-no-color"])).ms;
    fs.writeFileSync(stampFile, initInputs);
    provider = start(workDir);
  }
  if (!provider) throw new OfflinePlanUnavailable(`terraform init installed no hashicorp/aws in ${tfEnv.TF_DATA_DIR}`);
  const waitedFrom = Date.now();
  const reattach = await provider.ready;
  const waited = Date.now() - waitedFrom;
  log(
    `aws provider: ready${waited >= 50 ? ` after ${(waited / 1000).toFixed(1)} s` : ""}, one process for plan and show`,
  );
  const planned = await planAndShow(
    { ...context, env: { ...tfEnv, TF_REATTACH_PROVIDERS: reattach } },
    {
      inputs: options.inputs,
      planFile: "offline.tfplan",
      refresh: false,
      lock: false,
    },
  );
  return {
    ...planned,
    workDir,
    mirror,
    standIns,
    stack,
    creates: createdAddresses(planned.plan),
    timingsMs: { ...timings, ...planned.timingsMs },
  };
}

/** Empties the work directory but for terraform's working data (providers, lock file), kept so a rerun needs no init. */
function prepareWorkDir(workDir: string): void {
  fs.mkdirSync(workDir, { recursive: true });
  const keep = new Set([".terraform", ".terraform.lock.hcl"]);
  for (const entry of fs.readdirSync(workDir)) {
    if (!keep.has(entry)) fs.rmSync(path.join(workDir, entry), { recursive: true, force: true });
  }
}

function createdAddresses(plan: PlanJson): string[] {
  return (plan.resource_changes ?? []).filter((c) => c.change.actions.includes("create")).map((c) => c.address);
}

const OFFLINE_BACKEND = { local: { path: "terraform.tfstate" } };

/** The provider given, if it runs the binary the work directory's lock file selects. */
function usableProvider(
  given: ProviderProcess | undefined,
  dataDir: string,
  lockFile: string,
): ProviderProcess | undefined {
  return given && given.binary === installedProviderBinary(dataDir, lockFile, AWS_PROVIDER) ? given : undefined;
}

/**
 * Terraform's settings for the copy; and unless GOGC is set, Go's collector at a fourth of its default
 * frequency for terraform and the provider, whose work here is mostly decoding the provider's schema:
 * about a fifth less CPU for the plan, for about 150 MB more in each terraform process (README, Performance).
 */
function offlineEnv(workDir: string): { TF_CLI_CONFIG_FILE: string; TF_DATA_DIR: string; GOGC: string } {
  return {
    TF_CLI_CONFIG_FILE: path.join(workDir, ".terraformrc"),
    TF_DATA_DIR: path.join(workDir, ".terraform"),
    GOGC: process.env.GOGC ?? "400",
  };
}
