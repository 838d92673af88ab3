import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { PublishError, putEventsChecked } from "../../../handlers/shared/publisher";

const entry = { Source: "s", DetailType: "t", Detail: "{}", EventBusName: "b" };
const noSleep = async () => {};

/** A client whose successive sends answer (or throw) the given results. */
function client(...answers: (object | Error)[]) {
  const sent: unknown[] = [];
  const fake = {
    sent,
    async send(command: { input: { Entries: unknown[] } }) {
      sent.push(command.input.Entries);
      const answer = answers.shift();
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return fake as unknown as EventBridgeClient & { sent: unknown[][] };
}
const sdkError = (name: string, fault: "client" | "server", status: number) => Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });

describe("putEventsChecked", () => {
  test("returns the event ids", async () => {
    const c = client({ FailedEntryCount: 0, Entries: [{ EventId: "e1" }, { EventId: "e2" }] });
    await expect(putEventsChecked(c, [entry, entry], { sleep: noSleep })).resolves.toEqual(["e1", "e2"]);
  });

  test("sends again only the entries that failed transiently", async () => {
    const c = client(
      { FailedEntryCount: 1, Entries: [{ EventId: "e1" }, { ErrorCode: "ThrottlingException", ErrorMessage: "slow down" }] },
      { FailedEntryCount: 0, Entries: [{ EventId: "e2" }] },
    );
    await expect(putEventsChecked(c, [entry, { ...entry, Detail: '{"n":2}' }], { sleep: noSleep })).resolves.toEqual(["e1", "e2"]);
    expect(c.sent).toEqual([[entry, { ...entry, Detail: '{"n":2}' }], [{ ...entry, Detail: '{"n":2}' }]]);
  });

  test("a 200 answer with FailedEntryCount > 0 is never taken for success", async () => {
    const failing = { FailedEntryCount: 1, Entries: [{ ErrorCode: "InternalFailure" }] };
    const c = client(failing, failing, failing);
    const error = await putEventsChecked(c, [entry], { sleep: noSleep, attempts: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).failures).toEqual([{ index: 0, errorCode: "InternalFailure" }]);
    expect(c.sent).toHaveLength(3);
  });

  test("an answer missing entries counts them as failed", async () => {
    const c = client({ FailedEntryCount: 0, Entries: [] }, { FailedEntryCount: 0, Entries: [{ EventId: "e1" }] });
    await expect(putEventsChecked(c, [entry], { sleep: noSleep })).resolves.toEqual(["e1"]);
  });

  test("a permanent entry error stops at once", async () => {
    const c = client({ FailedEntryCount: 1, Entries: [{ ErrorCode: "MalformedDetail" }] });
    await expect(putEventsChecked(c, [entry], { sleep: noSleep })).rejects.toThrow(/entry 0: MalformedDetail/);
    expect(c.sent).toHaveLength(1);
  });

  test("server and network errors are retried, client errors are not", async () => {
    const retried = client(sdkError("InternalException", "server", 500), new Error("socket hang up"), { FailedEntryCount: 0, Entries: [{ EventId: "e1" }] });
    await expect(putEventsChecked(retried, [entry], { sleep: noSleep })).resolves.toEqual(["e1"]);
    const refused = client(sdkError("ResourceNotFoundException", "client", 400));
    await expect(putEventsChecked(refused, [entry], { sleep: noSleep })).rejects.toThrow(/ResourceNotFoundException/);
    expect(refused.sent).toHaveLength(1);
  });

  test("waits with growing, jittered backoff between attempts", async () => {
    const waits: number[] = [];
    const failing = { FailedEntryCount: 1, Entries: [{ ErrorCode: "InternalFailure" }] };
    await putEventsChecked(client(failing, failing, failing, failing), [entry], { attempts: 4, baseDelayMs: 100, sleep: async (ms) => void waits.push(ms) }).catch(() => undefined);
    expect(waits).toHaveLength(3);
    waits.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(100 * 2 ** i);
    });
  });
});
