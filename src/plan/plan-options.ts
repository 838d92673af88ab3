/** The command line of `npm run plan:offline` and `npm run plan`. */
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ENVIRONMENT_NAMES, isEnvironmentName } from "../config/profiles";
import { VariableArgument, VariableArgumentError, variableArguments } from "../terraform/variable-arguments";

export const USAGE =
  "usage: npm run plan:offline -- [--stack orders-dev] [--out DIR] [--var-file FILE] [--var name=value] [--no-synth]  (--help for more)";

export const HELP = `${USAGE}

Synthesizes the stack, plans it with the real terraform and AWS provider, and writes to DIR:
  plan.json     terraform show -json of the plan
  plan.txt      terraform's own rendering of the plan
  review.md     a summary for a pull-request comment: resources by action; IAM statements added, removed
                or widened; resource policies; anything replaced or destroyed; policy findings and the
                exceptions accepted
  policy.sarif  the synth's policy result (SARIF 2.1.0)

  --stack NAME      orders-dev (default; or $STACK), orders-staging, orders-prod, state-bootstrap; an
                    environment is synthesized on its own (ORDERS_ENVIRONMENTS=<env>)
  --out DIR         where to write (default .build/plan-review/<stack>)
  --var-file FILE   a .tfvars or .tfvars.json file; repeatable
  --var name=value  one variable; repeatable. Files and values apply in the order given, the later wins
  --no-synth        plan cdktf.out as it is
  --account         plan against your AWS account and S3 backend (what \`npm run plan\` does)

Offline (the default): no credentials, no network. The stack's copy in .build/offline-plan/<stack> gets a
local backend and fake keys (override files), providers come from a filesystem mirror only, and
archive_file is stood in when the archive provider is missing. Every resource shows as created.`;

/** Bad command-line input: one line, exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface CliOptions {
  readonly stack: string;
  readonly out: string;
  readonly inputs: readonly VariableArgument[];
  readonly outdir: string;
  readonly synth: boolean;
  readonly account: boolean;
}

export function parsePlanArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): CliOptions | "help" {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        stack: { type: "string" },
        out: { type: "string" },
        "var-file": { type: "string", multiple: true },
        var: { type: "string", multiple: true },
        outdir: { type: "string" },
        "no-synth": { type: "boolean" },
        account: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) return "help";
  let inputs: VariableArgument[];
  try {
    inputs = variableArguments(parsed.tokens ?? []);
  } catch (error) {
    if (error instanceof VariableArgumentError) throw new UsageError(error.message, { cause: error });
    throw error;
  }
  const stack = (parsed.values.stack as string | undefined) ?? env.STACK ?? "orders-dev";
  checkStackName(stack);
  return {
    stack,
    out: (parsed.values.out as string | undefined) ?? path.join(".build", "plan-review", stack),
    inputs,
    outdir: (parsed.values.outdir as string | undefined) ?? env.CDKTF_OUTDIR ?? "cdktf.out",
    synth: parsed.values["no-synth"] !== true,
    account: parsed.values.account === true,
  };
}

const STACKS = ["state-bootstrap", ...ENVIRONMENT_NAMES.map((e) => `orders-${e}`)];

/** The environment a stack name deploys, or undefined for the bootstrap stack. */
export function environmentOf(stack: string): string | undefined {
  const environment = /^orders-(.+)$/.exec(stack)?.[1];
  return environment && isEnvironmentName(environment) ? environment : undefined;
}

function checkStackName(stack: string): void {
  if (stack === "state-bootstrap" || environmentOf(stack)) return;
  throw new UsageError(
    `--stack ${stack}: this app has no such stack; its stacks are ${STACKS.join(", ")} (ORDERS_ENVIRONMENTS chooses which environments are synthesized)`,
  );
}
