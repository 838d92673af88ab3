import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Agent } from "node:http";
import { Worker } from "node:worker_threads";
import { dynamoDbTableRefs, type DynamoDbTableRef } from "../iam/service-calls";
import { LOCAL_CREDENTIALS } from "../lambda/environment";
import { DynamoDBJsonClient } from "./json-client";

/** An error answer of the DynamoDB API: HTTP status and JSON body. */
export interface DynamoDbErrorAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * Authorizes a request signed with one of `accessKeyIds`: the tables it names, as
 * `dynamoDbTableRefs` reads them; the answer to send instead of dynalite's, or undefined to let it
 * through. Decisions are remembered in the worker per (key, operation, tables).
 */
export interface DynamoDbGuard {
  readonly accessKeyIds: readonly string[];
  authorize(accessKeyId: string, operation: string, refs: readonly DynamoDbTableRef[]): DynamoDbErrorAnswer | undefined;
}

export interface DynaliteServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  /** The runtime's own client of it. */
  readonly json: DynamoDBJsonClient;
  /** An AWS SDK client of it (fake credentials), for code that takes one. */
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

/**
 * Starts dynalite (in memory) on a loopback port, in a worker thread of its own: every function's
 * DynamoDB calls land there, and in its own thread they do not queue behind the bus and the state
 * machines on the main thread.
 */
export async function startDynalite(region: string, guard?: DynamoDbGuard): Promise<DynaliteServer> {
  const source = `
    const { parentPort, workerData } = require("node:worker_threads");
    const { EventEmitter } = require("node:events");
    const dynalite = require(workerData.dynalite);
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    server.keepAliveTimeout = 60000;
    if (workerData.guard) {
      // Requests signed with a guarded access key are authorized (by the main thread, once per
      // distinct key, operation and tables) before dynalite sees them.
      const tableRefs = new Function("return (" + workerData.guard.tableRefs + ")")();
      const guarded = new Set(workerData.guard.accessKeyIds);
      const serve = server.listeners("request")[0];
      server.removeAllListeners("request");
      const decisions = new Map();
      const waiting = new Map();
      let nextId = 1;
      parentPort.on("message", (m) => {
        if (!m || m.type !== "decision") return;
        const w = waiting.get(m.id);
        waiting.delete(m.id);
        decisions.set(w.key, m.denial || null);
        w.answer(m.denial || null);
      });
      server.on("request", (req, res) => {
        const credential = /Credential=([^/,\\s]+)\\//.exec(String(req.headers.authorization || ""));
        if (!credential || !guarded.has(credential[1])) return serve(req, res);
        const chunks = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
          const body = Buffer.concat(chunks);
          const replay = () => {
            const copy = new EventEmitter();
            copy.headers = req.headers;
            copy.method = req.method;
            copy.url = req.url;
            serve(copy, res);
            if (body.length > 0) copy.emit("data", body);
            copy.emit("end");
          };
          const target = String(req.headers["x-amz-target"] || "");
          const operation = target.slice(target.indexOf(".") + 1);
          let refs;
          try {
            refs = tableRefs(operation, JSON.parse(body.toString("utf8") || "{}"));
          } catch (e) {
            return replay();
          }
          const key = credential[1] + "\\u0000" + operation + "\\u0000" + JSON.stringify(refs);
          const answer = (denial) => {
            if (!denial) return replay();
            res.writeHead(denial.status, { "content-type": "application/x-amz-json-1.0", "content-length": Buffer.byteLength(denial.body), "x-amzn-requestid": require("node:crypto").randomUUID() });
            res.end(denial.body);
          };
          if (decisions.has(key)) return answer(decisions.get(key));
          const id = nextId++;
          waiting.set(id, { key, answer });
          parentPort.postMessage({ type: "authorize", id, accessKeyId: credential[1], operation, refs });
        });
      });
    }
    server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
    server.on("error", (e) => parentPort.postMessage({ error: e.message }));
    parentPort.on("message", (m) => {
      if (m === "close") { server.closeAllConnections(); server.close(() => parentPort.postMessage({ closed: true })); }
    });
  `;
  const worker = new Worker(source, {
    eval: true,
    workerData: {
      dynalite: require.resolve("dynalite"),
      ...(guard ? { guard: { accessKeyIds: [...guard.accessKeyIds], tableRefs: dynamoDbTableRefs.toString() } } : {}),
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", (m: { port?: number; error?: string }) => (m.port ? resolve(m.port) : reject(new Error(`dynalite did not start: ${m.error}`))));
    worker.once("error", reject);
  });
  if (guard) {
    worker.on("message", (m: { type?: string; id?: number; accessKeyId?: string; operation?: string; refs?: DynamoDbTableRef[] }) => {
      if (m.type !== "authorize") return;
      let denial: DynamoDbErrorAnswer | undefined;
      try {
        denial = guard.authorize(m.accessKeyId as string, m.operation as string, m.refs ?? []);
      } catch (error) {
        denial = { status: 500, body: JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: (error as Error).message }) };
      }
      worker.postMessage({ type: "decision", id: m.id, denial });
    });
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const client = new DynamoDBClient({
    region,
    endpoint,
    credentials: { accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY },
    requestHandler: { httpAgent: agent } as never,
    maxAttempts: 3,
  });
  const json = new DynamoDBJsonClient(endpoint, region);
  return {
    endpoint,
    json,
    client,
    async close() {
      client.destroy();
      json.close();
      agent.destroy();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        worker.once("message", () => {
          clearTimeout(timer);
          resolve();
        });
        worker.postMessage("close");
      });
      await worker.terminate();
    },
  };
}
