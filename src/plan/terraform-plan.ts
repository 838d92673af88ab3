/** `terraform plan -out`, then `terraform show -json` of that plan: the two steps every plan review runs. */
import * as path from "node:path";
import { VariableArgument, terraformVariableFlags } from "../terraform/variable-arguments";
import { RunResult, runTerraform } from "./terraform-cli";

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

export interface PlanAndShowResult {
  readonly plan: PlanJson;
  /** `terraform show -json` as terraform wrote it. */
  readonly planJsonText: string;
  /** Terraform's own rendering of the plan (what `terraform plan` prints). */
  readonly planText: string;
  readonly timingsMs: { readonly plan: number; readonly show: number };
}

export interface TerraformContext {
  readonly terraform: string;
  readonly dir: string;
  /** Added to the environment of every step. */
  readonly env: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
}

export async function terraformStep(
  context: TerraformContext,
  name: string,
  args: readonly string[],
): Promise<RunResult> {
  const result = await runTerraform(context.terraform, args, context.dir, { ...context.env });
  if (result.code !== 0) throw new TerraformStepFailed(name, result);
  context.log(`terraform ${name}: ok in ${(result.ms / 1000).toFixed(1)} s`);
  return result;
}

/**
 * Plans into `planFile` (no refresh when `refresh` is false), then reads it back as JSON: two loads of
 * the provider's schema in all, the fewest that give both renderings (`plan` validates the
 * configuration itself, so no separate `validate`).
 */
export async function planAndShow(
  context: TerraformContext,
  options: {
    readonly inputs?: readonly VariableArgument[];
    readonly planFile: string;
    readonly refresh: boolean;
    readonly lock: boolean;
  },
): Promise<PlanAndShowResult> {
  const plan = await terraformStep(context, "plan", [
    "plan",
    "-input=false",
    "-no-color",
    `-lock=${options.lock}`,
    ...(options.refresh ? [] : ["-refresh=false"]),
    `-out=${options.planFile}`,
    ...terraformVariableFlags(options.inputs ?? []),
  ]);
  const show = await terraformStep(context, "show", ["show", "-json", "-no-color", path.basename(options.planFile)]);
  return {
    plan: JSON.parse(show.stdout) as PlanJson,
    planJsonText: show.stdout,
    planText: plan.stdout,
    timingsMs: { plan: plan.ms, show: show.ms },
  };
}
