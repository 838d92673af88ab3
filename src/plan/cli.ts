import * as path from "node:path";
import { parseArgs } from "node:util";
import { variableArguments } from "../terraform/variable-arguments";
import { OfflinePlanUnavailable, TerraformStepFailed, runOfflinePlan } from "./offline-plan";

const USAGE = `usage: npm run plan:offline -- [--stack orders-dev] [--var-file FILE ...] [--var name=value ...] (applied in command-line order)`;

async function main(): Promise<number> {
  const { values, tokens } = parseArgs({
    options: {
      stack: { type: "string", default: "orders-dev" },
      "var-file": { type: "string", multiple: true },
      var: { type: "string", multiple: true, default: [] },
      outdir: { type: "string", default: "cdktf.out" },
      help: { type: "boolean", default: false },
    },
    strict: true,
    tokens: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const stack = values.stack as string;
  const result = await runOfflinePlan({
    stackDir: path.join(values.outdir as string, "stacks", stack),
    workDir: path.join(".build", "offline-plan", stack),
    variables: variableArguments(tokens),
    log: (line) => console.error(line),
  });
  const byType = new Map<string, number>();
  for (const address of result.creates) {
    const type = address.replace(/^module\.[^.]+\./, "").split(".")[0] as string;
    byType.set(type, (byType.get(type) ?? 0) + 1);
  }
  console.log(`Offline plan of ${stack}: ${result.creates.length} to create (terraform ${result.plan.terraform_version}, provider mirror ${result.mirror}).`);
  for (const [type, n] of [...byType].sort()) console.log(`  ${String(n).padStart(3)}  ${type}`);
  if (result.standIns.length > 0) {
    console.log(`archive_file stood in for ${result.standIns.length} zips (the archive provider is not installable offline).`);
  }
  console.log(`Plan JSON: ${path.relative(process.cwd(), path.join(result.workDir, "offline.tfplan"))} (terraform show -json)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof OfflinePlanUnavailable) console.error(`Offline plan unavailable: ${error.message}`);
    else if (error instanceof TerraformStepFailed) console.error(error.message);
    else console.error(error instanceof Error ? error.message : String(error));
    console.error(USAGE);
    process.exit(1);
  },
);
