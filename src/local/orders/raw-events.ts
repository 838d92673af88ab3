/**
 * Raw events for `npm run local -- --event FILE`: PutEvents entries as a caller writes them (`aws
 * events put-events --entries`), put on the running stack's bus as anyone allowed to call PutEvents
 * could, to try a rule or to see what a forged event does.
 */
import * as z from "zod/mini";
import { UserInputError } from "../../user-input-error";
import type { PutEventsRequestEntry, PutEventsResultEntry } from "../runtime/eventbridge/put-events";
import type { LocalRuntime } from "../runtime/runtime";

const text = (what: string) =>
  z.string({ error: (i) => (i.input === undefined ? "is required" : `must be a string (${what})`) });

const EntrySchema = z.strictObject(
  {
    Source: text("the event's source").check(z.minLength(1, { error: "must not be empty" })),
    DetailType: text("the event's detail-type").check(z.minLength(1, { error: "must not be empty" })),
    Detail: z.union([text("JSON text of an object"), z.record(z.string(), z.unknown())], {
      error: "must be a JSON object, or JSON text of one",
    }),
    EventBusName: z.optional(text("a bus name or ARN")),
    Resources: z.optional(z.array(z.string(), { error: "must be an array of strings" })),
    Time: z.optional(text("an ISO-8601 timestamp")),
  },
  { error: "must be a PutEvents entry { Source, DetailType, Detail }" },
);

/** An event file that is not one entry or an array of entries; the message names the field. */
export class EventFileError extends UserInputError {
  override readonly name = "EventFileError";
}

/** The PutEvents entries of a file's JSON: one entry, or an array of them. */
export function parseEventEntries(json: unknown): PutEventsRequestEntry[] {
  const list = Array.isArray(json) ? json : [json];
  if (list.length === 0) throw new EventFileError("the array holds no entry");
  return list.map((raw, index) => {
    const where = Array.isArray(json) ? `[${index}]` : "";
    const parsed = EntrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0] as z.core.$ZodIssue;
      const key =
        issue.code === "unrecognized_keys" ? `.${issue.keys[0]}` : issue.path.map((p) => `.${String(p)}`).join("");
      throw new EventFileError(
        `${where}${key || ""} ${issue.code === "unrecognized_keys" ? "is not a PutEvents entry field" : issue.message}`.trim(),
      );
    }
    const entry = parsed.data;
    let detail = entry.Detail;
    if (typeof detail === "string") {
      try {
        detail = JSON.parse(detail) as Record<string, unknown>;
      } catch {
        throw new EventFileError(`${where}.Detail is not valid JSON text`);
      }
      if (typeof detail !== "object" || detail === null || Array.isArray(detail))
        throw new EventFileError(`${where}.Detail must hold a JSON object`);
    }
    return { ...entry, Detail: JSON.stringify(detail) };
  });
}

/** What became of one raw entry: its event id, or the bus's error. */
export interface RawEventOutcome {
  readonly entry: PutEventsRequestEntry;
  readonly result: PutEventsResultEntry;
  /** Index of the first trace record of this entry (for showing its path). */
  readonly traceFrom: number;
}

/**
 * Puts each entry on the stack's bus (the bus the stack declares when the entry names none) and
 * waits until what it set off has finished.
 */
export async function putRawEvents(
  runtime: LocalRuntime,
  entries: readonly PutEventsRequestEntry[],
  timeoutMs = 60_000,
): Promise<RawEventOutcome[]> {
  const defaultBus = runtime.model.buses[0]?.name;
  const outcomes: RawEventOutcome[] = [];
  for (const entry of entries) {
    const traceFrom = runtime.trace.records.length;
    const withBus = entry.EventBusName === undefined && defaultBus ? { ...entry, EventBusName: defaultBus } : entry;
    const { Entries } = await runtime.bus.putEvents([withBus]);
    outcomes.push({ entry: withBus, result: Entries[0] ?? { ErrorCode: "MissingResultEntry" }, traceFrom });
    await runtime.idle(timeoutMs);
  }
  return outcomes;
}
