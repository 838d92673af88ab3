// Cold starts of the four functions: for each bundle (<bundleDir>/<name>/index.js), the time a fresh
// Node process takes to load it and handle one event, against the time a fresh process takes to load
// the bare AWS SDK clients that function uses. Local stand-ins serve the calls (dynalite for DynamoDB,
// a PutEvents endpoint for EventBridge) through the SDK's AWS_ENDPOINT_URL_* settings, so no AWS
// account is needed. Each figure is the median of `runs` processes.
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const esbuild = require("esbuild");

const root = path.resolve(__dirname, "..");
const BUS = "bench-bus";

/** The SDK packages each function bundles: its baseline is loading these and creating the clients. */
const SDK_CLIENTS = {
  order: [["@aws-sdk/client-dynamodb", "DynamoDBClient"], ["@aws-sdk/lib-dynamodb", null], ["@aws-sdk/client-eventbridge", "EventBridgeClient"]],
  payment: [["@aws-sdk/client-dynamodb", "DynamoDBClient"], ["@aws-sdk/lib-dynamodb", null]],
  inventory: [["@aws-sdk/client-dynamodb", "DynamoDBClient"], ["@aws-sdk/lib-dynamodb", null]],
  notification: [["@aws-sdk/client-dynamodb", "DynamoDBClient"]],
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** The project's local stand-ins (TypeScript under src/local), compiled once with esbuild. */
function loadLocalHelpers() {
  const outfile = path.join(root, ".build", "bench", "local-helpers.js");
  esbuild.buildSync({
    absWorkingDir: root,
    stdin: {
      contents: [
        'export { startLocalDynamoDB, createTables, localTableNames } from "./src/local/dynamodb";',
        'export { LocalEventBus, startLocalEventBridge } from "./src/local/event-bus";',
        'export { seedInventory } from "./handlers/inventory/catalogue";',
      ].join("\n"),
      resolveDir: root,
      loader: "ts",
    },
    outfile,
    bundle: true,
    packages: "external",
    platform: "node",
    target: "node20",
    format: "cjs",
    logLevel: "error",
  });
  return require(outfile);
}

let seq = 0;
const orderId = () => `ord_${process.pid.toString(16).padStart(8, "0")}${(++seq).toString(16).padStart(24, "0")}`;

/** One event per function, each new (so every run does the full work, not an idempotent replay). */
const EVENTS = {
  order: () => ({ customerId: "bench-customer", items: [{ productId: "prod-001", quantity: 1, price: 29.99 }], totalAmount: 29.99 }),
  payment: () => ({ action: "charge", orderId: orderId(), customerId: "bench-customer", amountCents: 2999 }),
  inventory: () => ({ action: "reserve", orderId: orderId(), items: [{ productId: "prod-002", quantity: 1 }] }),
  notification: () => ({
    version: "0",
    id: `bench-${seq}`,
    "detail-type": "Order Completed",
    source: "orders.order-workflow",
    account: "000000000000",
    time: "2026-01-01T00:00:00Z",
    region: "us-east-1",
    resources: [],
    detail: { orderId: orderId(), customerId: "bench-customer", totalCents: 2999, currency: "USD", status: "COMPLETED", paymentId: "pay_bench" },
  }),
};

/** Runs `script` in a fresh node; it prints the ms since its process started, measured at the end. */
function runNode(script, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const match = /__ELAPSED_MS=([\d.]+)/.exec(out);
      if (code !== 0 || !match) return reject(new Error(`measurement failed (exit ${code}):\n${(err || out).slice(-2000)}`));
      resolve(Number(match[1]));
    });
  });
}

const context = `{ functionName: "bench", functionVersion: "$LATEST", invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:bench", memoryLimitInMB: "256", awsRequestId: "bench", logGroupName: "bench", logStreamName: "bench", callbackWaitsForEmptyEventLoop: false, getRemainingTimeInMillis: () => 30000 }`;

function coldStartScript(bundle, event) {
  return `
const { performance } = require("node:perf_hooks");
const { handler } = require(${JSON.stringify(bundle)});
handler(${JSON.stringify(event)}, ${context}).then(
  (result) => {
    const ms = performance.now();
    if (result && result.statusCode >= 400) { console.error(JSON.stringify(result)); process.exit(1); }
    process.stdout.write("__ELAPSED_MS=" + ms + "\\n");
    process.exit(0);
  },
  (error) => { console.error(error && error.stack || error); process.exit(1); },
);`;
}

function baselineScript(clients) {
  return `
const { performance } = require("node:perf_hooks");
${clients.map(([pkg, cls], i) => `const m${i} = require(${JSON.stringify(pkg)});${cls ? ` new m${i}.${cls}({ region: "us-east-1" });` : ""}`).join("\n")}
process.stdout.write("__ELAPSED_MS=" + performance.now() + "\\n");
process.exit(0);`;
}

/**
 * Measures every bundle found under `bundleDir` (or only `names`).
 * @returns {Promise<{ name: string, coldStartMs: number, baselineMs: number, ratio: number }[]>}
 */
async function measureColdStarts({ bundleDir, runs = 5, names = Object.keys(SDK_CLIENTS) }) {
  const present = names.filter((name) => fs.existsSync(path.join(bundleDir, name, "index.js")));
  if (present.length === 0) return [];
  const local = loadLocalHelpers();
  const ddb = await local.startLocalDynamoDB();
  const bus = new local.LocalEventBus({ busNames: [BUS] });
  const eventBridge = await local.startLocalEventBridge(bus);
  const tables = local.localTableNames("bench");
  try {
    await local.createTables(ddb.client, tables);
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      AWS_ENDPOINT_URL_DYNAMODB: ddb.endpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.endpoint,
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1",
      ORDERS_TABLE_NAME: tables.orders,
      PAYMENTS_TABLE_NAME: tables.payments,
      INVENTORY_TABLE_NAME: tables.inventory,
      IDEMPOTENCY_TABLE_NAME: tables.idempotency,
      EVENT_BUS_NAME: BUS,
      POWERTOOLS_METRICS_NAMESPACE: "OrderPipelineBench",
      POWERTOOLS_LOG_LEVEL: "WARN",
      NODE_OPTIONS: "",
    };
    const rows = [];
    for (const name of present) {
      await local.seedInventory(ddb.client, tables.inventory, { reset: true });
      const bundle = path.resolve(bundleDir, name, "index.js");
      const cold = [];
      const base = [];
      for (let i = 0; i < runs; i++) {
        cold.push(await runNode(coldStartScript(bundle, EVENTS[name]()), env));
        base.push(await runNode(baselineScript(SDK_CLIENTS[name]), env));
      }
      const coldStartMs = median(cold);
      const baselineMs = median(base);
      rows.push({ name, coldStartMs, baselineMs, ratio: coldStartMs / baselineMs });
    }
    return rows;
  } finally {
    await eventBridge.close();
    await ddb.close();
  }
}

module.exports = { measureColdStarts };

if (require.main === module) {
  const bundleDir = process.argv[2] || path.join(root, ".build", "bundles");
  const runs = Number(process.argv[3] || 5);
  measureColdStarts({ bundleDir, runs }).then(
    (rows) => console.table(rows.map((r) => ({ ...r, coldStartMs: Math.round(r.coldStartMs), baselineMs: Math.round(r.baselineMs), ratio: r.ratio.toFixed(2) }))),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
