import { UserInputError } from "../user-input-error";

/** A mistake in how the command was called, or in what it was pointed at: one line, exit 2. */
export class RedriveUsageError extends UserInputError {
  override readonly name = "RedriveUsageError";
}

export interface RedriveOptions {
  /** The dead-letter queue (name or URL) whose events go back on the bus. */
  readonly queue?: string;
  /** The Standard state machine (name or ARN) whose unsuccessful executions are redriven. */
  readonly stateMachine?: string;
  /** List what would be redriven; put, delete and redrive nothing. */
  readonly dryRun: boolean;
  /** At most this many messages, and this many executions. */
  readonly max: number;
  readonly region?: string;
  /** The bus to put events on, instead of the one each message's RULE_ARN names. */
  readonly bus?: string;
  readonly help: boolean;
}

export const HELP = `npm run redrive -- --queue NAME [--dry-run]
npm run redrive -- --state-machine NAME|ARN [--dry-run]

Puts the events held in an EventBridge rule target's dead-letter queue back on their bus (the bus the
message's RULE_ARN names), deleting each message only once its PutEvents entry succeeded; and redrives the
unsuccessful executions (FAILED, TIMED_OUT, ABORTED, within 14 days) of a Standard state machine with
RedriveExecution. Uses the AWS SDK's usual credentials, region and endpoint settings.

  --queue NAME            the dead-letter queue, by name or URL
  --state-machine NAME    the state machine, by name or ARN (Standard only)
  --dry-run               list what would be redriven; change nothing
  --max N                 at most N messages and N executions (default 1000)
  --bus NAME              put the events on this bus instead of the one RULE_ARN names
  --region REGION         the region (default: the SDK's: AWS_REGION, the profile)
  --help                  this text

Exit status: 0 all redriven, 1 some could not be (each said why), 2 a usage error.`;

/** Parses the command line; throws `RedriveUsageError` naming what is wrong. */
export function parseRedriveOptions(args: readonly string[]): RedriveOptions {
  const values: Record<string, string> = {};
  let dryRun = false;
  let help = false;
  const valued = new Set(["--queue", "--state-machine", "--max", "--region", "--bus"]);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    if (flag === "--dry-run") dryRun = true;
    else if (flag === "--help" || flag === "-h") help = true;
    else if (valued.has(flag)) {
      const value = inline ?? args[++i];
      if (value === undefined || value === "" || (inline === undefined && value.startsWith("--")))
        throw new RedriveUsageError(`${flag} needs a value`);
      if (values[flag] !== undefined) throw new RedriveUsageError(`${flag} is given twice`);
      values[flag] = value;
    } else throw new RedriveUsageError(`unknown option ${arg} (see --help)`);
  }
  if (help) return { dryRun, help, max: 0 };
  const max = values["--max"] === undefined ? 1000 : Number(values["--max"]);
  if (!Number.isInteger(max) || max < 1)
    throw new RedriveUsageError(`--max must be a whole number of at least 1, not ${values["--max"]}`);
  if (values["--queue"] === undefined && values["--state-machine"] === undefined)
    throw new RedriveUsageError("say what to redrive: --queue NAME and/or --state-machine NAME (see --help)");
  return {
    ...(values["--queue"] !== undefined ? { queue: values["--queue"] } : {}),
    ...(values["--state-machine"] !== undefined ? { stateMachine: values["--state-machine"] } : {}),
    ...(values["--region"] !== undefined ? { region: values["--region"] } : {}),
    ...(values["--bus"] !== undefined ? { bus: values["--bus"] } : {}),
    dryRun,
    max,
    help,
  };
}
