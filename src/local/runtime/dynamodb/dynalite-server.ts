import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Agent } from "node:http";
import { Worker } from "node:worker_threads";
import { LOCAL_CREDENTIALS } from "../lambda/environment";
import { DynamoDBJsonClient } from "./json-client";

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
export async function startDynalite(region: string): Promise<DynaliteServer> {
  const source = `
    const { parentPort, workerData } = require("node:worker_threads");
    const dynalite = require(workerData.dynalite);
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    server.keepAliveTimeout = 60000;
    server.listen(0, "127.0.0.1", () => parentPort.postMessage({ port: server.address().port }));
    server.on("error", (e) => parentPort.postMessage({ error: e.message }));
    parentPort.on("message", (m) => {
      if (m === "close") { server.closeAllConnections(); server.close(() => parentPort.postMessage({ closed: true })); }
    });
  `;
  const worker = new Worker(source, {
    eval: true,
    workerData: { dynalite: require.resolve("dynalite") },
  });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", (m: { port?: number; error?: string }) => (m.port ? resolve(m.port) : reject(new Error(`dynalite did not start: ${m.error}`))));
    worker.once("error", reject);
  });
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
