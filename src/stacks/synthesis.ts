/**
 * What the app synthesizes and from what: the stacks' names (one pipeline stack per environment, and the
 * bootstrap stack), the sources a synthesized stack is made from, and the command that synthesizes it.
 * src/app.ts names the stacks by these rules; the command lines (`npm run local`, `npm run plan`) find,
 * synthesize and date-check stacks by the same rules. No cdktf here: the command lines load this cheaply.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ENVIRONMENT_NAMES, type EnvironmentName } from "../config/profiles";

/** The bootstrap stack that creates the state bucket. */
export const STATE_BOOTSTRAP_STACK = "state-bootstrap";

/** The stack name of an environment. */
export const pipelineStackName = (environment: string) => `orders-${environment}`;

/** The stack the command lines use when none is named. */
export const DEFAULT_STACK = pipelineStackName("dev");

/** Where cdktf writes the stacks unless CDKTF_OUTDIR says otherwise (cdktf.json sets no `output`). */
export const DEFAULT_OUTDIR = "cdktf.out";

/** Every stack the app can synthesize. */
export const STACK_NAMES: readonly string[] = [STATE_BOOTSTRAP_STACK, ...ENVIRONMENT_NAMES.map(pipelineStackName)];

/** The environment a pipeline stack deploys, or undefined for the bootstrap stack or a name the app never gives. */
export function environmentOfStack(stack: string): EnvironmentName | undefined {
  return ENVIRONMENT_NAMES.find((e) => pipelineStackName(e) === stack);
}

/** Sources a synthesized stack is made from, relative to the project root; newer ones mean it is stale. */
const SYNTH_INPUTS = [
  "main.ts",
  "cdktf.json",
  "handlers",
  "src/app.ts",
  "src/bundling",
  "src/config",
  "src/constructs",
  "src/contracts",
  "src/stacks",
  "src/workflow",
  "src/iam",
  "src/monitoring",
];

/**
 * `npm run synth` for one stack, as a process to spawn from the project root: with only that stack's
 * environment when it is a pipeline stack (ORDERS_ENVIRONMENTS), written to `outdir`.
 */
export function synthCommand(
  stack: string,
  outdir: string,
  env: NodeJS.ProcessEnv = process.env,
): { readonly file: string; readonly args: readonly string[]; readonly env: NodeJS.ProcessEnv } {
  const environment = environmentOfStack(stack);
  return {
    file: process.execPath,
    args: [path.join("scripts", "run-ts.js"), "main.ts"],
    env: { ...env, ...(environment ? { ORDERS_ENVIRONMENTS: environment } : {}), CDKTF_OUTDIR: outdir },
  };
}

/** The synth input changed most recently after `sinceMs` (ms since the epoch), if any. */
export function newestInputSince(sinceMs: number): string | undefined {
  let newest: { input: string; mtime: number } | undefined;
  for (const input of SYNTH_INPUTS) {
    const mtime = newestMtime(input);
    if (mtime > sinceMs && (!newest || mtime > newest.mtime)) newest = { input, mtime };
  }
  return newest?.input;
}

/** The newest modification time of the files under a path, in ms since the epoch (0 when there is none). */
function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((entry) => newestMtime(path.join(p, entry))));
}
