/**
 * `npm run plan`: plans a synthesized stack against the real account and its S3 backend, in the stack's
 * own directory, with the credentials and terraform configuration of the environment.
 */
import * as path from "node:path";
import { findTerraform } from "./terraform-cli";
import { PlanAndShowResult, planAndShow, terraformStep } from "./terraform-plan";
import type { VariableArgument } from "../terraform/variable-arguments";

export interface AccountPlanOptions {
  readonly stackDir: string;
  readonly inputs?: readonly VariableArgument[];
  readonly log?: (line: string) => void;
}

/** The saved plan's file name in the stack directory (`terraform apply <it>` applies exactly this plan). */
const ACCOUNT_PLAN_FILE = "review.tfplan";

export async function runAccountPlan(
  options: AccountPlanOptions,
): Promise<PlanAndShowResult & { readonly planFile: string }> {
  const terraform = findTerraform();
  if (!terraform) throw new Error("terraform is not on PATH (or ORDERS_TERRAFORM_BIN)");
  const context = { terraform, dir: options.stackDir, env: {}, log: options.log ?? (() => undefined) };
  await terraformStep(context, "init", ["init", "-input=false", "-no-color"]);
  const planned = await planAndShow(context, {
    inputs: options.inputs,
    planFile: ACCOUNT_PLAN_FILE,
    refresh: true,
    lock: true,
  });
  return { ...planned, planFile: path.join(options.stackDir, ACCOUNT_PLAN_FILE) };
}
