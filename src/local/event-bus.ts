/**
 * A local event bus: records what is put on it, as EventBridge would deliver it, and can
 * be told to fail (whole requests or single entries) to exercise publish-failure paths.
 * `startLocalEventBridge` serves it over HTTP with the PutEvents JSON protocol, so an
 * unmodified `EventBridgeClient` (endpoint = the server) talks to it.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { EventBridgeEnvelope } from "../contracts/events";
import type { AddressInfo } from "node:net";

/** A PutEvents request entry as it arrives (SDK shape). */
export interface PutEventsRequestEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly EventBusName?: string;
  readonly Resources?: readonly string[];
  readonly Time?: string | Date;
}

export interface PutEventsResultEntry {
  readonly EventId?: string;
  readonly ErrorCode?: string;
  readonly ErrorMessage?: string;
}

export interface PutEventsResult {
  readonly Entries: PutEventsResultEntry[];
  readonly FailedEntryCount: number;
}

/** Who sent a PutEvents request: the access key id its signature names. */
export interface PutEventsCaller {
  readonly accessKeyId?: string;
}

/** Anything that accepts PutEvents entries. */
export interface EventSink {
  putEvents(entries: readonly PutEventsRequestEntry[], caller?: PutEventsCaller): Promise<PutEventsResult>;
}

/** One event the bus accepted. */
export interface RecordedEvent {
  readonly busName: string;
  readonly entry: PutEventsRequestEntry;
  /** The event as a rule target receives it. */
  readonly event: EventBridgeEnvelope;
}

/** A failure to apply to the next PutEvents call. */
export interface PutEventsFault {
  /** Fail the whole call: HTTP status and error type (e.g. 500 InternalException). */
  readonly request?: { readonly status: number; readonly type: string; readonly message?: string };
  /** Fail entries of the call with this code (all entries unless `indexes` is given). */
  readonly entries?: {
    readonly errorCode: string;
    readonly errorMessage?: string;
    readonly indexes?: readonly number[];
  };
}

/** Error thrown by `putEvents` for a request-level fault; `name` is the error type. */
export class PutEventsRequestError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface LocalEventBusOptions {
  /** Names of the buses that exist; any name is accepted when omitted. */
  readonly busNames?: readonly string[];
  readonly account?: string;
  readonly region?: string;
  readonly now?: () => Date;
}

export class LocalEventBus implements EventSink {
  readonly events: RecordedEvent[] = [];
  /** Every PutEvents call, accepted or not, in order. */
  readonly calls: {
    readonly entries: readonly PutEventsRequestEntry[];
    readonly result?: PutEventsResult;
    readonly error?: string;
  }[] = [];
  private readonly faults: PutEventsFault[] = [];
  private readonly listeners = new Set<(event: RecordedEvent) => void | Promise<void>>();

  constructor(private readonly options: LocalEventBusOptions = {}) {}

  /** Queues faults; each applies to one subsequent PutEvents call, in order. */
  failNext(...faults: PutEventsFault[]): this {
    this.faults.push(...faults);
    return this;
  }

  /** Calls `listener` for every accepted event; returns an unsubscribe function. */
  subscribe(listener: (event: RecordedEvent) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async putEvents(entries: readonly PutEventsRequestEntry[]): Promise<PutEventsResult> {
    const fault = this.faults.shift();
    if (fault?.request) {
      const { status, type, message = "injected failure" } = fault.request;
      this.calls.push({ entries, error: type });
      throw new PutEventsRequestError(type, message, status);
    }
    if (entries.length === 0 || entries.length > 10) {
      this.calls.push({ entries, error: "ValidationException" });
      throw new PutEventsRequestError("ValidationException", "Entries must hold 1 to 10 entries", 400);
    }
    const accepted: RecordedEvent[] = [];
    const results = entries.map((entry, index): PutEventsResultEntry => {
      if (fault?.entries && (!fault.entries.indexes || fault.entries.indexes.includes(index))) {
        return { ErrorCode: fault.entries.errorCode, ErrorMessage: fault.entries.errorMessage ?? "injected failure" };
      }
      const problem = this.check(entry);
      if (problem) return problem;
      const id = randomUUID();
      const busName = entry.EventBusName ?? "default";
      const recorded: RecordedEvent = { busName, entry, event: this.envelope(id, entry) };
      accepted.push(recorded);
      return { EventId: id };
    });
    const result: PutEventsResult = { Entries: results, FailedEntryCount: results.filter((r) => r.ErrorCode).length };
    this.events.push(...accepted);
    this.calls.push({ entries, result });
    for (const event of accepted) for (const listener of this.listeners) await listener(event);
    return result;
  }

  private check(entry: PutEventsRequestEntry): PutEventsResultEntry | undefined {
    if (!entry.Source) return { ErrorCode: "InvalidArgument", ErrorMessage: "Parameter Source is not valid." };
    if (!entry.DetailType) return { ErrorCode: "InvalidArgument", ErrorMessage: "Parameter DetailType is not valid." };
    if (entry.Detail === undefined)
      return { ErrorCode: "InvalidArgument", ErrorMessage: "Parameter Detail is not valid." };
    try {
      const detail = JSON.parse(entry.Detail);
      if (typeof detail !== "object" || detail === null || Array.isArray(detail)) throw new Error("not an object");
    } catch {
      return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
    }
    const busName = entry.EventBusName ?? "default";
    const known = this.options.busNames;
    if (known && !known.includes(busName) && !known.some((name) => busName.endsWith(`:event-bus/${name}`))) {
      return { ErrorCode: "ResourceNotFoundException", ErrorMessage: `Event bus ${busName} does not exist.` };
    }
    return undefined;
  }

  private envelope(id: string, entry: PutEventsRequestEntry): EventBridgeEnvelope {
    const time = entry.Time ? new Date(entry.Time) : (this.options.now?.() ?? new Date());
    return {
      version: "0",
      id,
      "detail-type": entry.DetailType!,
      source: entry.Source!,
      account: this.options.account ?? "000000000000",
      time: time.toISOString().replace(/\.\d{3}Z$/, "Z"),
      region: this.options.region ?? "us-east-1",
      resources: [...(entry.Resources ?? [])],
      detail: JSON.parse(entry.Detail!),
    };
  }
}

export interface LocalEventBridge {
  /** e.g. http://127.0.0.1:45123 */
  readonly endpoint: string;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.1",
    "content-length": Buffer.byteLength(text),
    "x-amzn-requestid": randomUUID(),
  });
  res.end(text);
}

/** Serves `sink` on 127.0.0.1 with the EventBridge PutEvents JSON protocol. */
export async function startLocalEventBridge(sink: EventSink, port = 0): Promise<LocalEventBridge> {
  const server = createServer(async (req, res) => {
    try {
      const target = String(req.headers["x-amz-target"] ?? "");
      const body = await readBody(req);
      if (target !== "AWSEvents.PutEvents") {
        return reply(res, 400, {
          __type: "UnknownOperationException",
          message: `operation ${target || "(none)"} is not supported locally`,
        });
      }
      const request = JSON.parse(body || "{}") as { Entries?: PutEventsRequestEntry[] };
      const credential = /Credential=([^/,\s]+)\//.exec(String(req.headers.authorization ?? ""));
      const result = await sink.putEvents(request.Entries ?? [], credential ? { accessKeyId: credential[1] } : {});
      reply(res, 200, result);
    } catch (error) {
      if (error instanceof PutEventsRequestError)
        return reply(res, error.status, { __type: error.name, message: error.message });
      reply(res, 500, { __type: "InternalException", message: (error as Error).message });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
