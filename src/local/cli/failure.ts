import { UserInputError } from "../../user-input-error";
import { USAGE, UsageError } from "./options";

/**
 * Prints why the run ended on stderr and gives the exit status: bad input is its message (and the
 * usage line for a bad command line), exit 2; anything else is one line naming the error, exit 1,
 * with the stack trace only when `verbose`.
 */
export function reportFailure(error: unknown, verbose: boolean, out: NodeJS.WritableStream = process.stderr): number {
  // Bad input's message is the whole story: printed without a stack trace.
  if (error instanceof UserInputError) {
    out.write(`${error.message}\n`);
    if (error instanceof UsageError) out.write(`${USAGE}\n`);
    return 2;
  }
  const e = error instanceof Error ? error : new Error(String(error));
  out.write(`npm run local failed: ${oneLine(e)}${verbose ? "" : " (--verbose shows where)"}\n`);
  if (verbose && e.stack) out.write(`${e.stack}\n`);
  return 1;
}

/** `Name: message` on one line; the name is left out when the message already starts with it. */
function oneLine(e: Error): string {
  const message = e.message.replace(/\s*\n\s*/g, "; ").trim();
  const name = e.name && e.name !== "Error" && !message.startsWith(e.name) ? `${e.name}: ` : "";
  return `${name}${message || "(no message)"}`;
}
