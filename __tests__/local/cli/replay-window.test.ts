import { UsageError, parseCliOptions } from "../../../src/local/cli/options";
import { replayWindow } from "../../../src/local/cli/replay-window";

describe("npm run local --replay", () => {
  it("is off unless asked; --replay alone replays the whole run; --replay-from/--replay-to narrow it", () => {
    expect(parseCliOptions([]).replay).toBeUndefined();
    expect(parseCliOptions(["--replay"]).replay).toEqual({});
    expect(
      parseCliOptions(["--replay", "--replay-from", "2026-12-02T10:00:00Z", "--replay-to", "2026-12-02T11:30:00+01:00"])
        .replay,
    ).toEqual({ from: new Date("2026-12-02T10:00:00Z"), to: new Date("2026-12-02T10:30:00Z") });
    expect(parseCliOptions(["--replay", "--replay-to", "2026-12-02T10:00Z"]).replay).toEqual({
      to: new Date("2026-12-02T10:00:00Z"),
    });
  });

  it.each([
    [["--replay-from", "2026-12-02T10:00:00Z"], "--replay-from narrows a replay: add --replay"],
    [["--replay-to", "2026-12-02T10:00:00Z"], "--replay-to narrows a replay: add --replay"],
    [
      ["--replay", "--replay-from", "yesterday"],
      '--replay-from must be an ISO 8601 time with a zone, such as 2026-12-02T10:00:00Z, got "yesterday"',
    ],
    [["--replay", "--replay-to", "2026-12-02T10:00:00"], "--replay-to must be an ISO 8601 time with a zone"],
    [["--replay", "--replay-from", "2026-02-30T10:00:00Z"], "--replay-from must be an ISO 8601 time"],
    [["--replay", "--replay-from", "2026-12-02T25:00:00Z"], "--replay-from must be an ISO 8601 time"],
    [
      ["--replay", "--replay-from", "2026-12-02T10:00:00Z", "--replay-to", "2026-12-02T10:00:00Z"],
      "--replay-from (2026-12-02T10:00:00Z) must be before --replay-to (2026-12-02T10:00:00Z)",
    ],
    [["--replay", "--replay-from", "2999-01-01T00:00:00Z"], "--replay-from (2999-01-01T00:00:00Z) is in the future"],
    [["--replay=yes"], "--replay"],
  ])("refuses %j in one line naming the option", (argv, message) => {
    expect(() => parseCliOptions(argv)).toThrow(UsageError);
    expect(() => parseCliOptions(argv)).toThrow(message);
  });

  it("defaults to the run's start and the replay's, rounded outwards to the whole seconds events carry", () => {
    const start = Date.parse("2026-12-02T10:00:00.700Z");
    const now = Date.parse("2026-12-02T10:00:05.200Z");
    expect(replayWindow({}, start, now)).toEqual({
      from: new Date("2026-12-02T10:00:00Z"),
      to: new Date("2026-12-02T10:00:06Z"),
    });
    const from = new Date("2026-12-02T09:00:00Z");
    expect(replayWindow({ from }, start, now).from).toBe(from);
  });
});
