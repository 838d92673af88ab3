import { Agent } from "node:http";
import { Worker } from "node:worker_threads";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { dynamoDbTableRefs, type DynamoDbTableRef } from "../iam/service-calls";
import { LOCAL_CREDENTIALS } from "../lambda/environment";
import { returnItemOnConditionCheckFailure } from "./condition-check-items";
import { withParseCache } from "./expression-parse-cache";
import { DynamoDBJsonClient } from "./json-client";
import { requestUnitRules } from "./request-units";

/** An error answer of the DynamoDB API: HTTP status and JSON body. */
interface DynamoDbErrorAnswer {
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

/** A successful write to a table with a stream: the item's key and its images (DynamoDB JSON) around the write. */
export interface CapturedWrite {
  readonly table: string;
  readonly keys: Record<string, unknown>;
  readonly oldImage?: Record<string, unknown>;
  readonly newImage?: Record<string, unknown>;
  /** When the write was answered (epoch ms). */
  readonly at: number;
}

/** The tables whose writes are captured for their streams, and who is told of each. */
export interface StreamCapture {
  readonly tables: readonly { readonly name: string; readonly hashKey: string; readonly rangeKey?: string }[];
  /** Called in write order per item key. */
  onWrite(write: CapturedWrite): void;
  /** A write whose images could not be captured (the write itself succeeded). */
  onError(table: string, message: string): void;
}

/** What dynalite served, by the access key that signed each request. */
export interface DynamoDbMeter {
  /** Requests by access key and operation. */
  readonly calls: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Request units by access key and table. */
  readonly units: Readonly<Record<string, Readonly<Record<string, { readUnits: number; writeUnits: number }>>>>;
}

export interface DynaliteServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  /** What was served since the start or the last reset; `reset` starts counting again. */
  meter(reset?: boolean): Promise<DynamoDbMeter>;
  /** The runtime's own client of it. */
  readonly json: DynamoDBJsonClient;
  /** An AWS SDK client of it (fake credentials), for code that takes one. */
  readonly client: DynamoDBClient;
  close(): Promise<void>;
}

/**
 * Starts dynalite (in memory) on a loopback port, in a worker thread of its own: every function's
 * DynamoDB calls land there, and in its own thread they do not queue behind the bus and the state
 * machines on the main thread. It answers ReturnValuesOnConditionCheckFailure as DynamoDB does
 * (condition-check-items.ts) and parses an expression shape once (expression-parse-cache.ts).
 */
export async function startDynalite(
  region: string,
  guard?: DynamoDbGuard,
  streams?: StreamCapture,
): Promise<DynaliteServer> {
  const source = `
    const { parentPort, workerData } = require("node:worker_threads");
    const { EventEmitter } = require("node:events");
    const nodePath = require("node:path");
    const dynalite = require(workerData.dynalite);
    const dynaliteDir = nodePath.dirname(workerData.dynalite);
    new Function("return (" + workerData.conditionCheckItems + ")")()(require, workerData.dynalite);
    const withParseCache = new Function("return (" + workerData.withParseCache + ")")();
    for (const parserName of ["conditionParser", "updateParser", "projectionParser"]) {
      const parser = require(nodePath.join(dynaliteDir, "db", parserName));
      parser.parse = withParseCache(parser.parse);
    }
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    server.keepAliveTimeout = 60000;
    // Metering: the requests served per access key and operation, and the request units each caller
    // spends on each table, computed here where the items are known (request-units.ts).
    const { AsyncLocalStorage, AsyncResource } = require("node:async_hooks");
    // dynalite runs a write that waited for its item's lock in the async context of the write that
    // released it; bound, each waiter keeps its own request's context (its caller for the meter, its
    // images for the stream capture). A free lock runs its holder at once, in its own context.
    const lockModule = require(require.resolve("lock", { paths: [dynaliteDir] }));
    const Lock = lockModule.Lock;
    lockModule.Lock = function () {
      const lock = Lock();
      const bound = (key, exec) => lock(key, typeof key === "string" && !lock.isLocked(key) ? exec : AsyncResource.bind(exec));
      bound.isLocked = lock.isLocked;
      return bound;
    };
    const db = require(nodePath.join(dynaliteDir, "db"));
    const units = new Function("return (" + workerData.requestUnitRules + ")")()();
    const metered = new AsyncLocalStorage();
    let meter = { calls: {}, units: {} };
    const unitsOf = (table) => {
      const key = metered.getStore();
      if (key === undefined || !table) return undefined;
      const byTable = meter.units[key] || (meter.units[key] = {});
      return byTable[table] || (byTable[table] = { readUnits: 0, writeUnits: 0 });
    };
    const addConsumedCapacity = db.addConsumedCapacity;
    // The images of a captured write (below), as the write itself read and wrote them: (old, new).
    const writeImages = new AsyncLocalStorage();
    db.addConsumedCapacity = function (data, isRead, first, second) {
      const images = !isRead && writeImages.getStore();
      if (images) Object.assign(images, { seen: true, oldImage: first, newImage: second });
      const t = data && unitsOf(data.TableName);
      if (t && isRead) t.readUnits += units.readUnits(first ? units.itemSize(first) : undefined, { consistent: data.ConsistentRead === true });
      else if (t) t.writeUnits += units.writeUnits(Math.max(units.itemSize(first), units.itemSize(second)));
      return addConsumedCapacity.apply(this, arguments);
    };
    const checkConditional = db.checkConditional;
    db.checkConditional = function (data, existingItem) {
      const failed = checkConditional.apply(this, arguments);
      // A failed conditional write still costs: the new item's size when the item exists, else one unit.
      const t = failed && data && unitsOf(data.TableName);
      if (t) t.writeUnits += existingItem ? units.writeUnits(units.itemSize(data.Item || existingItem)) : 1;
      return failed;
    };
    const dynaliteListener = server.listeners("request")[0];
    server.removeAllListeners("request");
    server.on("request", (req, res) => {
      const credential = /Credential=([^/,\\s]+)\\//.exec(String(req.headers.authorization || ""));
      const key = credential ? credential[1] : "";
      const target = String(req.headers["x-amz-target"] || "");
      const operation = target.slice(target.indexOf(".") + 1);
      const calls = meter.calls[key] || (meter.calls[key] = {});
      calls[operation] = (calls[operation] || 0) + 1;
      // dynalite reads the body from events: they are re-emitted inside the metering context, so the
      // context follows the request into dynalite's callbacks.
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () =>
        metered.run(key, () => {
          const copy = new EventEmitter();
          copy.headers = req.headers;
          copy.method = req.method;
          copy.url = req.url;
          dynaliteListener(copy, res);
          const body = Buffer.concat(chunks);
          if (body.length > 0) copy.emit("data", body);
          copy.emit("end");
        }),
      );
    });
    parentPort.on("message", (m) => {
      if (!m || m.type !== "meter") return;
      parentPort.postMessage({ type: "meter", id: m.id, meter });
      if (m.reset) meter = { calls: {}, units: {} };
    });
    const tableRefs = workerData.guard ? new Function("return (" + workerData.guard.tableRefs + ")")() : undefined;
    const guarded = new Set(workerData.guard ? workerData.guard.accessKeyIds : []);
    const streamTables = new Map((workerData.streams || []).map((t) => [t.name, t]));
    if (workerData.guard || streamTables.size > 0) {
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
      // Stream capture: each record's images are the item as the write read it (under dynalite's lock
      // on the item) and as it stored it, so records come in the order the item's writes happened.
      const canonical = (v) => (v && typeof v === "object" ? (Array.isArray(v) ? "[" + v.map(canonical).join(",") + "]" : "{" + Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + canonical(v[k])).join(",") + "}") : JSON.stringify(v));
      const WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem"]);
      const capture = (operation, request, forward) => {
        const table = WRITES.has(operation) && request && streamTables.get(request.TableName);
        const source = table && (operation === "PutItem" ? request.Item : request.Key);
        if (!table || !source || typeof source !== "object") return forward((status, release) => release());
        const key = {};
        for (const name of [table.hashKey, table.rangeKey].filter(Boolean)) key[name] = source[name];
        const images = {};
        writeImages.run(images, () =>
          // The answer is held until the record is posted, so a caller that has its answer can count on the record.
          forward((status, release) => {
            try {
              if (status !== 200) return;
              if (!images.seen) throw new Error("stream capture: the write's images were not seen");
              const before = images.oldImage == null ? undefined : images.oldImage;
              // As stored: dynalite keeps items as JSON.
              const after = operation === "DeleteItem" || images.newImage == null ? undefined : JSON.parse(JSON.stringify(images.newImage));
              // No record for a write that changed nothing (DynamoDB developer guide, "Change data capture for DynamoDB Streams").
              if (canonical(before) === canonical(after)) return;
              parentPort.postMessage({ type: "stream", table: table.name, keys: key, oldImage: before, newImage: after, at: Date.now() });
            } catch (e) {
              parentPort.postMessage({ type: "stream-error", table: table.name, message: e.message });
            } finally {
              release();
            }
          }),
        );
      };
      server.on("request", (req, res) => {
        const credential = /Credential=([^/,\\s]+)\\//.exec(String(req.headers.authorization || ""));
        const isGuarded = credential && guarded.has(credential[1]);
        const target = String(req.headers["x-amz-target"] || "");
        const operation = target.slice(target.indexOf(".") + 1);
        if (!isGuarded && !(streamTables.size > 0 && WRITES.has(operation))) return serve(req, res);
        const chunks = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", () => {
          const body = Buffer.concat(chunks);
          let request;
          try {
            request = JSON.parse(body.toString("utf8") || "{}");
          } catch (e) {
            request = undefined;
          }
          const replay = (done) => {
            const copy = new EventEmitter();
            copy.headers = req.headers;
            copy.method = req.method;
            copy.url = req.url;
            const end = res.end.bind(res);
            res.end = (...args) => {
              res.end = end;
              done(res.statusCode, () => end(...args));
              return res;
            };
            serve(copy, res);
            if (body.length > 0) copy.emit("data", body);
            copy.emit("end");
          };
          const proceed = () => capture(operation, request, replay);
          if (!isGuarded || !request) return proceed();
          let refs;
          try {
            refs = tableRefs(operation, request);
          } catch (e) {
            return proceed();
          }
          const key = credential[1] + "\\u0000" + operation + "\\u0000" + JSON.stringify(refs);
          const answer = (denial) => {
            if (!denial) return proceed();
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
      requestUnitRules: requestUnitRules.toString(),
      conditionCheckItems: returnItemOnConditionCheckFailure.toString(),
      withParseCache: withParseCache.toString(),
      ...(guard ? { guard: { accessKeyIds: [...guard.accessKeyIds], tableRefs: dynamoDbTableRefs.toString() } } : {}),
      ...(streams && streams.tables.length > 0 ? { streams: streams.tables.map((t) => ({ ...t })) } : {}),
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", (m: { port?: number; error?: string }) =>
      m.port ? resolve(m.port) : reject(new Error(`dynalite did not start: ${m.error}`)),
    );
    worker.once("error", reject);
  });
  if (streams) {
    worker.on("message", (m: CapturedWrite & { type?: string; message?: string }) => {
      if (m.type === "stream") streams.onWrite(m);
      else if (m.type === "stream-error") streams.onError(m.table, m.message as string);
    });
  }
  if (guard) {
    worker.on(
      "message",
      (m: { type?: string; id?: number; accessKeyId?: string; operation?: string; refs?: DynamoDbTableRef[] }) => {
        if (m.type !== "authorize") return;
        let denial: DynamoDbErrorAnswer | undefined;
        try {
          denial = guard.authorize(m.accessKeyId as string, m.operation as string, m.refs ?? []);
        } catch (error) {
          denial = {
            status: 500,
            body: JSON.stringify({
              __type: "com.amazonaws.dynamodb.v20120810#InternalServerError",
              message: (error as Error).message,
            }),
          };
        }
        worker.postMessage({ type: "decision", id: m.id, denial });
      },
    );
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const client = new DynamoDBClient({
    region,
    endpoint,
    credentials: {
      accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
    },
    requestHandler: { httpAgent: agent } as never,
    maxAttempts: 3,
  });
  const json = new DynamoDBJsonClient(endpoint, region);
  let meterRequests = 0;
  const meter = (reset = false) =>
    new Promise<DynamoDbMeter>((resolve, reject) => {
      const id = ++meterRequests;
      const timer = setTimeout(() => {
        worker.off("message", answer);
        reject(new Error("dynalite did not answer for its meter within 10 s"));
      }, 10_000);
      const answer = (m: { type?: string; id?: number; meter?: DynamoDbMeter }) => {
        if (m.type !== "meter" || m.id !== id) return;
        clearTimeout(timer);
        worker.off("message", answer);
        resolve(m.meter as DynamoDbMeter);
      };
      worker.on("message", answer);
      worker.postMessage({ type: "meter", id, reset });
    });
  return {
    endpoint,
    json,
    client,
    meter,
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
