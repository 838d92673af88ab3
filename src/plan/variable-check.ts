import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { VariableArgument, terraformVariableFlags } from "../terraform/variable-arguments";
import { findTerraform, runTerraform } from "./terraform-cli";

export interface VariableCheckResult {
  readonly accepted: boolean;
  /** Terraform's error summaries and messages when refused. */
  readonly errors: readonly string[];
  readonly output: string;
}

/** What terraform is given besides the declarations. */
export interface VariableCheckInputs {
  /** `-var` and `-var-file`, in command-line order. */
  readonly arguments?: readonly VariableArgument[];
  /** Files written beside the declarations, such as `terraform.tfvars` or `x.auto.tfvars`, by name. */
  readonly files?: Readonly<Record<string, string>>;
  /** `TF_VAR_<name>` and other environment variables for terraform. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Asks terraform itself whether values are accepted by a stack's variable declarations (types,
 * nullability, validation blocks, cross-variable rules): the stack's `variable` blocks alone are
 * planned, which needs no provider and takes a fraction of a second.
 */
export async function checkVariables(
  variables: Readonly<Record<string, unknown>>,
  inputs: VariableCheckInputs = {},
): Promise<VariableCheckResult> {
  const terraform = findTerraform();
  if (!terraform) throw new Error("terraform is not on PATH (or ORDERS_TERRAFORM_BIN)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-variables-"));
  try {
    fs.writeFileSync(path.join(dir, "variables.tf.json"), JSON.stringify({ variable: variables }, null, 2));
    for (const [name, text] of Object.entries(inputs.files ?? {})) fs.writeFileSync(path.join(dir, name), text);
    const args = [
      "plan",
      "-input=false",
      "-no-color",
      "-lock=false",
      ...terraformVariableFlags(inputs.arguments ?? []),
    ];
    const result = await runTerraform(terraform, args, dir, {
      ...inputs.env,
      TF_CLI_CONFIG_FILE: "/dev/null",
      TF_DATA_DIR: path.join(dir, ".terraform"),
    });
    const output = `${result.stdout}\n${result.stderr}`;
    const errors = result.code === 0 ? [] : extractErrors(result.stderr || result.stdout);
    return { accepted: result.code === 0, errors, output };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Terraform's diagnostics as "summary: detail" lines. */
function extractErrors(text: string): string[] {
  const blocks = text.split(/\n(?=Error: )/).filter((b) => b.trimStart().startsWith("Error: "));
  return blocks.map((block) => {
    const lines = block.split("\n").map((l) => l.trim());
    const summary = (lines[0] as string).replace(/^Error: /, "");
    const detail = lines
      .filter(
        (l) =>
          l &&
          !l.startsWith("on ") &&
          !l.startsWith("│") &&
          !l.startsWith("├") &&
          !l.startsWith("Error: ") &&
          !/^\d+:/.test(l) &&
          !l.startsWith("This was checked"),
      )
      .join(" ");
    return detail ? `${summary}: ${detail}` : summary;
  });
}
