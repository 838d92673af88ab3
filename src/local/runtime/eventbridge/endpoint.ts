/**
 * The bus served over HTTP with the EventBridge PutEvents JSON protocol (`X-Amz-Target:
 * AWSEvents.PutEvents`), so an unmodified `EventBridgeClient` (endpoint = this server) talks to it.
 * An AwsServiceError is answered with its status and `__type`; anything else is a 500
 * InternalException, as the service answers an internal failure.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { AwsServiceError } from "../service-error";
import type { PutEventsCaller, PutEventsRequestEntry, PutEventsResult } from "./put-events";
import type { AddressInfo } from "node:net";

/** What the endpoint serves: the bus's PutEvents. */
export type PutEventsHandler = (
  entries: readonly PutEventsRequestEntry[],
  caller: PutEventsCaller,
) => Promise<PutEventsResult>;

export interface PutEventsEndpoint {
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

/** Serves `putEvents` on 127.0.0.1 (`port` 0 picks a free one). */
export async function startPutEventsEndpoint(putEvents: PutEventsHandler, port = 0): Promise<PutEventsEndpoint> {
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
      const result = await putEvents(request.Entries ?? [], credential ? { accessKeyId: credential[1] } : {});
      reply(res, 200, result);
    } catch (error) {
      if (error instanceof AwsServiceError)
        return reply(res, error.statusCode, { __type: error.name, message: error.message });
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
