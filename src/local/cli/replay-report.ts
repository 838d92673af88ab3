import type { ReplayOutcome } from "../orders/replay";

/** The text summary of `--replay`: what was replayed, and the pipeline's work before and after. */
export function replayLines(outcomes: readonly ReplayOutcome[]): string[] {
  const lines: string[] = [];
  for (const o of outcomes) {
    const replayed = Object.entries(o.replayed);
    const total = replayed.reduce((n, [, count]) => n + count, 0);
    lines.push(
      `Replay ${o.replayName} of archive ${o.archive}, events from ${o.window.from} to ${o.window.to}: ${total} replayed${
        total > 0 ? ` (${replayed.map(([type, count]) => `${count} ${type}`).join(", ")})` : ""
      }`,
    );
    const change = (what: string, before: number, after: number) =>
      `${what} ${before} -> ${after}${before === after ? " (unchanged)" : ""}`;
    lines.push(
      `  ${change("executions", o.before.executions, o.after.executions)}, ${o.executionsRefusedAsDuplicates} refused at ClaimOrder as duplicates (the order was no longer PENDING)`,
    );
    lines.push(
      `  ${change("payments", o.before.payments, o.after.payments)}; ${change("notifications", o.before.notifications, o.after.notifications)}; ${change("dead letters", o.before.deadLetters, o.after.deadLetters)}`,
    );
  }
  return lines;
}
