import { EnvVar } from "../../contracts/tables";
import { LocalRuntime } from "../runtime/runtime";
import { PipelineParts } from "./pipeline";

/** Work of the pipeline that a replayed event could repeat, counted before and after the replay. */
interface Counts {
  readonly executions: number;
  /** Payment records: one per charged order (Payment is idempotent per order). */
  readonly payments: number;
  /** Notifications delivered: Notification's completed idempotency records, one per (order, outcome). */
  readonly notifications: number;
  readonly deadLetters: number;
}

/** What `--replay` did: the events put back on the bus, and the pipeline's work before and after. */
export interface ReplayOutcome {
  readonly replayName: string;
  readonly archive: string;
  readonly window: { readonly from: string; readonly to: string };
  /** Events replayed, by detail-type. */
  readonly replayed: Readonly<Record<string, number>>;
  readonly before: Counts;
  readonly after: Counts;
  /** Executions the replay started that the saga's ClaimOrder refused: the order was no longer PENDING. */
  readonly executionsRefusedAsDuplicates: number;
}

/**
 * Replays the window of every archive of the stack through the bus's rules, as StartReplay does, waits
 * until the pipeline is idle again, and counts what the replayed events started.
 */
export async function replayArchives(
  runtime: LocalRuntime,
  parts: PipelineParts,
  window: { readonly from: Date; readonly to: Date },
  timeoutMs: number,
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  for (const archive of runtime.archives.specs) {
    const busArn = runtime.model.buses.find((b) => b.name === archive.busName)?.arn ?? archive.busName;
    const before = await counts(runtime, parts);
    const replayed: Record<string, number> = {};
    let refused = 0;
    // Read from the trace, the saga's log: an Express machine keeps no executions once they end.
    const unsubscribe = runtime.trace.subscribe((r) => {
      if (r.kind === "event-replayed") replayed[r.detailType] = (replayed[r.detailType] ?? 0) + 1;
      if (r.kind === "execution-finished" && r.status === "SUCCEEDED" && claimRefused(r.output)) refused++;
    });
    const started = new Date();
    let record;
    try {
      record = runtime.replay({
        replayName: `local-${archive.name}-${started.getTime().toString(36)}`.slice(0, 64),
        eventSourceArn: archive.arn,
        eventStartTime: window.from,
        eventEndTime: window.to,
        destination: { arn: busArn },
      });
      await runtime.idle(timeoutMs);
    } finally {
      unsubscribe();
    }
    outcomes.push({
      replayName: record.replayName,
      archive: archive.name,
      window: { from: window.from.toISOString(), to: window.to.toISOString() },
      replayed,
      before,
      after: await counts(runtime, parts),
      executionsRefusedAsDuplicates: refused,
    });
  }
  return outcomes;
}

/** The saga's ClaimOrder catches its failed condition into `$.error` and ends in DuplicateIgnored. */
function claimRefused(output: unknown): boolean {
  const error = (output as { error?: { Error?: string } } | undefined)?.error;
  return error?.Error === "DynamoDB.ConditionalCheckFailedException";
}

async function counts(runtime: LocalRuntime, parts: PipelineParts): Promise<Counts> {
  const tables = await runtime.tables.snapshot();
  const idempotencyTable = runtime.model.functions.find((f) => f.variables[EnvVar.idempotencyTable])?.variables[
    EnvVar.idempotencyTable
  ];
  return {
    // The machines' own counts: an Express machine keeps no executions once they end.
    executions: [...runtime.stateMachines.values()].reduce((n, m) => n + m.stats.started, 0),
    payments: (tables[parts.paymentsTable] ?? []).length,
    notifications: (idempotencyTable ? (tables[idempotencyTable] ?? []) : []).filter((i) => i.status === "COMPLETED")
      .length,
    deadLetters: runtime.queues.all().reduce((n, q) => n + q.messages.length, 0),
  };
}
