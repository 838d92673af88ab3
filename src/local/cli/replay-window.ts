/** `--replay`, with the window it may narrow: absent ends default to the run's start and to the replay's. */
export interface ReplayOption {
  readonly from?: Date;
  readonly to?: Date;
}

/** A time with a date, hours and minutes, and a zone (Z or an offset), as ISO 8601 writes it. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Reads `--replay`, `--replay-from` and `--replay-to`; the message of what is wrong, or the option.
 * A time without a zone is refused: it would mean one thing here and another on the machine of a reader.
 */
export function replayOption(
  replay: boolean,
  fromText: string | undefined,
  toText: string | undefined,
  now: number = Date.now(),
): { readonly option?: ReplayOption; readonly problem?: string } {
  for (const [name, text] of [
    ["--replay-from", fromText],
    ["--replay-to", toText],
  ] as const) {
    if (text !== undefined && !replay) return { problem: `${name} narrows a replay: add --replay` };
  }
  if (!replay) return {};
  const time = (name: string, text: string | undefined): Date | string | undefined => {
    if (text === undefined) return undefined;
    const ms = ISO_TIME.test(text) ? Date.parse(text) : NaN;
    return Number.isFinite(ms) && calendarDate(ms, text) === text.slice(0, 10)
      ? new Date(ms)
      : `${name} must be an ISO 8601 time with a zone, such as 2026-12-02T10:00:00Z, got "${text}"`;
  };
  const from = time("--replay-from", fromText);
  if (typeof from === "string") return { problem: from };
  const to = time("--replay-to", toText);
  if (typeof to === "string") return { problem: to };
  if (from && to && from.getTime() >= to.getTime())
    return { problem: `--replay-from (${fromText}) must be before --replay-to (${toText})` };
  // Without --replay-to the window ends when the replay starts, after the run.
  if (from && !to && from.getTime() > now)
    return { problem: `--replay-from (${fromText}) is in the future: the run's events are all older` };
  return { option: { ...(from ? { from } : {}), ...(to ? { to } : {}) } };
}

/** The calendar date the text's own zone gives `ms`: Date.parse rolls 2026-02-30 over to March 2. */
function calendarDate(ms: number, text: string): string {
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(text);
  const minutes = offset ? (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  return new Date(ms + minutes * 60_000).toISOString().slice(0, 10);
}

/**
 * The window a replay of this run covers: from the run's start, to the replay's start, each end as given
 * when given. Events carry whole seconds and the end is excluded, so the defaults round outwards.
 */
export function replayWindow(option: ReplayOption, runStartMs: number, nowMs: number): { from: Date; to: Date } {
  return {
    from: option.from ?? new Date(Math.floor(runStartMs / 1000) * 1000),
    to: option.to ?? new Date(Math.floor(nowMs / 1000) * 1000 + 1000),
  };
}
