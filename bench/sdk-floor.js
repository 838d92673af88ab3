// What the offline runtime's throughput cannot go below on this machine: the CPU one AWS SDK v3 call
// costs the calling function, and the CPU dynalite spends serving it, both measured warm. Used by
// bench/run.js, or alone: `node bench/sdk-floor.js`.
//
// One client process (fresh, as a sandbox is) sends sequential DocumentClient UpdateCommands, one at a
// time as a function invocation does, first to an HTTP server that answers `{}` at once (the client's
// own cost), then to dynalite (the server's cost, read from the server process itself). Each server runs
// in a process of its own, so each CPU figure belongs to one side. The ceiling is what two cores could
// do if an order cost nothing but its calls: SDK_CALLS_PER_ORDER from the functions (counted at dynalite
// in a load run of orders of 1-3 lines, 2.08 on average: Order 2, Payment 2, Inventory 2 + one per line,
// Notification 3) and DYNAMODB_REQUESTS_PER_ORDER served by dynalite (those 11 and 3 from the state machine
// and the driver).
"use strict";
const { fork } = require("node:child_process");
const os = require("node:os");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const SDK_CALLS_PER_ORDER = 11;
const DYNAMODB_REQUESTS_PER_ORDER = 14;

const cpuMs = (usage) => (usage.user + usage.system) / 1000;

/** The server process: a do-nothing JSON endpoint, or dynalite; answers "cpu" with its CPU time. */
function serverMain(kind) {
  const http = require("node:http");
  const server =
    kind === "dynalite"
      ? require(require.resolve("dynalite", { paths: [root] }))({ createTableMs: 0 })
      : http.createServer((req, res) => {
          req.resume();
          req.on("end", () => {
            res.setHeader("content-type", "application/x-amz-json-1.0");
            res.setHeader("x-amzn-requestid", "stub");
            res.end("{}");
          });
        });
  server.keepAliveTimeout = 60000;
  server.listen(0, "127.0.0.1", () => process.send({ port: server.address().port }));
  process.on("message", (m) => {
    if (m === "cpu") process.send({ cpuMs: cpuMs(process.cpuUsage()) });
    if (m === "stop") process.exit(0);
  });
}

function startServer(kind) {
  const child = fork(__filename, ["--server", kind], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const next = () => new Promise((resolve) => child.once("message", resolve));
  return next().then(({ port }) => ({
    endpoint: `http://127.0.0.1:${port}`,
    cpuMs: () => (child.send("cpu"), next()).then((m) => m.cpuMs),
    stop: () => child.send("stop"),
  }));
}

async function clientMain(warmupCalls, measuredCalls) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const req = (m) => require(require.resolve(m, { paths: [root] }));
  const { DynamoDBClient, CreateTableCommand } = req("@aws-sdk/client-dynamodb");
  const { DynamoDBDocumentClient, UpdateCommand } = req("@aws-sdk/lib-dynamodb");
  const credentials = { accessKeyId: "AKIALOCAL", secretAccessKey: "local", sessionToken: "local" };
  const result = {};
  for (const kind of ["stub", "dynalite"]) {
    const server = await startServer(kind);
    const client = new DynamoDBClient({ region: "us-east-1", endpoint: server.endpoint, credentials });
    if (kind === "dynalite") {
      await client.send(
        new CreateTableCommand({
          TableName: "bench",
          KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
          AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
    }
    const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    // A status transition with a condition, as the services write them.
    const call = (i) =>
      db.send(
        new UpdateCommand({
          TableName: "bench",
          Key: { pk: `ord_${i % 500}` },
          UpdateExpression: "SET #status = :to, updatedAt = :now, amountCents = :amount",
          ConditionExpression: "attribute_not_exists(pk) OR #status <> :to",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":to": `S${i}`, ":now": new Date().toISOString(), ":amount": i },
        }),
      );
    for (let i = 0; i < warmupCalls; i++) await call(i);
    const serverBefore = await server.cpuMs();
    const clientBefore = process.cpuUsage();
    for (let i = 0; i < measuredCalls; i++) await call(warmupCalls + i);
    const clientMs = cpuMs(process.cpuUsage(clientBefore)) / measuredCalls;
    const serverMs = ((await server.cpuMs()) - serverBefore) / measuredCalls;
    result[kind] = { clientCpuMsPerCall: clientMs, serverCpuMsPerCall: serverMs };
    client.destroy();
    server.stop();
  }
  process.send(result);
}

/** Runs the measurement in a fresh process; resolves with the per-call figures and the ceiling they imply. */
function measureSdkFloor({ warmupCalls = 5000, measuredCalls = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ["--client", String(warmupCalls), String(measuredCalls)], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    child.once("message", (r) => {
      const sdkCallMs = r.stub.clientCpuMsPerCall;
      const dynaliteRequestMs = r.dynalite.serverCpuMsPerCall;
      const perOrderMs = SDK_CALLS_PER_ORDER * sdkCallMs + DYNAMODB_REQUESTS_PER_ORDER * dynaliteRequestMs;
      resolve({
        warmupCalls,
        measuredCalls,
        sdkCallCpuMs: Number(sdkCallMs.toFixed(3)),
        dynaliteRequestCpuMs: Number(dynaliteRequestMs.toFixed(3)),
        sdkCallsPerOrder: SDK_CALLS_PER_ORDER,
        dynamodbRequestsPerOrder: DYNAMODB_REQUESTS_PER_ORDER,
        callsCpuMsPerOrder: Number(perOrderMs.toFixed(1)),
        ceilingOrdersPerSecond: Number(((os.cpus().length * 1000) / perOrderMs).toFixed(1)),
      });
    });
    child.once("error", reject);
    child.once("exit", (code) => code !== 0 && reject(new Error(`sdk-floor measurement exited ${code}`)));
  });
}

module.exports = { measureSdkFloor };

if (process.argv[2] === "--server") serverMain(process.argv[3]);
else if (process.argv[2] === "--client") clientMain(Number(process.argv[3]), Number(process.argv[4]));
else if (require.main === module) {
  measureSdkFloor().then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
