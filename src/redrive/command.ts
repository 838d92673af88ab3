/**
 * The redrive command: puts a dead-letter queue's events back on their bus and redrives a Standard state
 * machine's unsuccessful executions, with the AWS SDK (see HELP in ./options.ts, and the README's
 * redrive runbook). `cli.ts` runs it.
 */
import { UserInputError } from "../user-input-error";
import { openSession } from "./aws-session";
import { redriveDeadLetters, type MessageOutcome } from "./dead-letters";
import { redriveExecutions, type ExecutionOutcome } from "./executions";
import { HELP, parseRedriveOptions } from "./options";

/** Runs the command; resolves with its exit status (0 all redriven, 1 some not, 2 a usage error). */
export async function runRedrive(
  args: readonly string[],
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  try {
    const options = parseRedriveOptions(args);
    if (options.help) {
      out(HELP);
      return 0;
    }
    const aws = await openSession(options.region ? { region: options.region } : {});
    let unfinished = 0;
    if (options.queue) {
      const outcomes = await redriveDeadLetters(
        aws,
        {
          queue: options.queue,
          dryRun: options.dryRun,
          max: options.max,
          ...(options.bus ? { bus: options.bus } : {}),
        },
        (o) => out(messageLine(o)),
      );
      unfinished += outcomes.filter((o) => o.result === "kept").length;
      const done = outcomes.filter((o) => o.result !== "kept").length;
      out(
        `${options.queue}: ${outcomes.length} message(s); ${done} ${options.dryRun ? "would be put back (dry run: nothing changed)" : "put back on the bus and deleted"}; ${outcomes.length - done} kept`,
      );
    }
    if (options.stateMachine) {
      const outcomes = await redriveExecutions(
        aws,
        { stateMachine: options.stateMachine, dryRun: options.dryRun, max: options.max },
        (o) => out(executionLine(o)),
      );
      unfinished += outcomes.filter((o) => o.result === "refused").length;
      const done = outcomes.filter((o) => o.result !== "refused").length;
      out(
        `${options.stateMachine}: ${outcomes.length} unsuccessful execution(s); ${done} ${options.dryRun ? "would be redriven (dry run: nothing changed)" : "redriven"}; ${outcomes.length - done} refused`,
      );
    }
    return unfinished > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof UserInputError) {
      err(`redrive: ${error.message}`);
      return 2;
    }
    const e = error as Error;
    err(`redrive failed: ${e.name}: ${e.message}`);
    return 1;
  }
}

function messageLine(o: MessageOutcome): string {
  const what = o.detailType ? `"${o.detailType}" from ${o.source} -> bus ${o.bus}` : "";
  const why = o.failure ? ` (dead-lettered: ${o.failure})` : "";
  return `${o.result.padEnd(13)} message ${o.messageId} ${what}${why}${o.reason ? `: ${o.reason}` : ""}`;
}

function executionLine(o: ExecutionOutcome): string {
  return `${o.result.padEnd(13)} ${o.status} execution ${o.executionArn} (redriven ${o.redriveCount} time(s) before)${o.reason ? `: ${o.reason}` : ""}`;
}
