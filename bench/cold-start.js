// Cold starts of the four functions, like with like: for each bundle (<bundleDir>/<name>/index.js), the
// time a fresh Node process takes to load it (Lambda's init phase), against the time a fresh process takes
// to load the bare AWS SDK clients that function uses, bundled the same way (esbuild, minified, one file).
// The two run in pairs, interleaved, and the ratio is the median of the pairs' ratios (bench/paired.js).
// The first invocation is reported apart. The process gets the environment the function is deployed with
// (NODE_OPTIONS, X-Ray tracing on as the stacks default, Lambda's AWS_EXECUTION_ENV), so a traced function
// loads Powertools' Tracer as it does on Lambda. Local stand-ins serve the calls (dynalite for DynamoDB, a
// PutEvents endpoint for EventBridge) through the SDK's AWS_ENDPOINT_URL_* settings: no AWS account needed.
// The same bundle is also loaded with its source map (kept apart, in <bundleDir>-sourcemaps) linked and
// `--enable-source-maps` on: what shipping the map in the zip would cost at every cold start.
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
// The SDK warns about Node 20 on stderr; the figures are what matter here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const esbuild = require("esbuild");
const { median, pairedSummary } = require("./paired");

const root = path.resolve(__dirname, "..");
const BUS = "bench-bus";

/** The SDK packages each function bundles: its baseline is loading these and creating the clients. */
const SDK_CLIENTS = {
  order: [
    ["@aws-sdk/client-dynamodb", "DynamoDBClient"],
    ["@aws-sdk/lib-dynamodb", null],
    ["@aws-sdk/client-eventbridge", "EventBridgeClient"],
  ],
  payment: [
    ["@aws-sdk/client-dynamodb", "DynamoDBClient"],
    ["@aws-sdk/lib-dynamodb", null],
  ],
  inventory: [
    ["@aws-sdk/client-dynamodb", "DynamoDBClient"],
    ["@aws-sdk/lib-dynamodb", null],
  ],
  notification: [["@aws-sdk/client-dynamodb", "DynamoDBClient"]],
};

/** The local runtime's DynamoDB and EventBridge (TypeScript under src/local/runtime), compiled once with esbuild. */
function loadLocalHelpers() {
  const outfile = path.join(root, ".build", "bench", "local-helpers.js");
  esbuild.buildSync({
    absWorkingDir: root,
    stdin: {
      contents: [
        'export { startDynalite } from "./src/local/runtime/dynamodb/dynalite-server";',
        'export { LocalEventBridge } from "./src/local/runtime/eventbridge/bus";',
        'export { startPutEventsEndpoint } from "./src/local/runtime/eventbridge/endpoint";',
        'export { LocalQueues } from "./src/local/runtime/sqs/queues";',
        'export { Tables } from "./src/contracts/tables";',
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

/** Creates every table of the contract (on-demand, string keys). */
async function createTables(client, schemas, names) {
  const { CreateTableCommand } = require("@aws-sdk/client-dynamodb");
  for (const [logical, schema] of Object.entries(schemas)) {
    const keys = [{ AttributeName: schema.partitionKey, KeyType: "HASH" }];
    const attributes = [{ AttributeName: schema.partitionKey, AttributeType: "S" }];
    if (schema.sortKey) {
      keys.push({ AttributeName: schema.sortKey, KeyType: "RANGE" });
      attributes.push({ AttributeName: schema.sortKey, AttributeType: "S" });
    }
    await client.send(
      new CreateTableCommand({
        TableName: names[logical],
        KeySchema: keys,
        AttributeDefinitions: attributes,
        BillingMode: "PAY_PER_REQUEST",
      }),
    );
  }
}

let seq = 0;
const orderId = () => `ord_${process.pid.toString(16).padStart(8, "0")}${(++seq).toString(16).padStart(24, "0")}`;

/** One event per function, each new (so every run does the full work, not an idempotent replay). */
const EVENTS = {
  order: () => ({
    customerId: "bench-customer",
    items: [{ productId: "prod-001", quantity: 1, price: 29.99 }],
    totalAmount: 29.99,
  }),
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
    detail: {
      orderId: orderId(),
      customerId: "bench-customer",
      totalCents: 2999,
      currency: "USD",
      status: "COMPLETED",
      paymentId: `pay_${seq.toString(16).padStart(24, "0")}`,
    },
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
      if (code !== 0 || !match)
        return reject(new Error(`measurement failed (exit ${code}):\n${(err || out).slice(-2000)}`));
      const invoke = /__INVOKE_MS=([\d.]+)/.exec(out);
      resolve({ ms: Number(match[1]), invokeMs: invoke ? Number(invoke[1]) : undefined });
    });
  });
}

const context = `{ functionName: "bench", functionVersion: "$LATEST", invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:bench", memoryLimitInMB: "256", awsRequestId: "bench", logGroupName: "bench", logStreamName: "bench", callbackWaitsForEmptyEventLoop: false, getRemainingTimeInMillis: () => 30000 }`;

/** Loads the bundle, then handles one event: prints the ms the load took and the ms the first invocation took. */
function coldStartScript(bundle, event) {
  return `
const { performance } = require("node:perf_hooks");
const { handler } = require(${JSON.stringify(bundle)});
const loadedMs = performance.now();
handler(${JSON.stringify(event)}, ${context}).then(
  (result) => {
    const invokedMs = performance.now() - loadedMs;
    if (result && result.statusCode >= 400) { console.error(JSON.stringify(result)); process.exit(1); }
    process.stdout.write("__ELAPSED_MS=" + loadedMs + "\\n__INVOKE_MS=" + invokedMs + "\\n");
    process.exit(0);
  },
  (error) => { console.error(error && error.stack || error); process.exit(1); },
);`;
}

/** The bare SDK clients of a function, bundled as the handlers are (minified CommonJS for Node 22). */
function baselineBundle(name, clients) {
  const outfile = path.join(root, ".build", "bench", "sdk-baseline", `${name}.js`);
  esbuild.buildSync({
    absWorkingDir: root,
    stdin: {
      contents: clients
        .map(
          ([pkg, cls], i) =>
            `import * as m${i} from ${JSON.stringify(pkg)};${cls ? ` new m${i}.${cls}({ region: "us-east-1" });` : ` void m${i};`}`,
        )
        .join("\n"),
      resolveDir: root,
      loader: "js",
    },
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    mainFields: ["module", "main"],
    minify: true,
    legalComments: "none",
    logLevel: "error",
  });
  return outfile;
}

function baselineScript(file) {
  return `
const { performance } = require("node:perf_hooks");
require(${JSON.stringify(file)});
process.stdout.write("__ELAPSED_MS=" + performance.now() + "\\n");
process.exit(0);`;
}

/** A copy of the bundle whose last line links its source map, as esbuild's "linked" mode writes it. */
function linkedMapCopy(bundleDir, name) {
  const source = path.join(bundleDir, name, "index.js");
  const map = path.join(`${bundleDir}-sourcemaps`, name, "index.js.map");
  if (!fs.existsSync(map)) return undefined;
  const dir = path.join(root, ".build", "bench", "linked-map", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "index.js"),
    `${fs.readFileSync(source, "utf8")}\n//# sourceMappingURL=index.js.map\n`,
  );
  fs.copyFileSync(map, path.join(dir, "index.js.map"));
  return path.join(dir, "index.js");
}

/**
 * Measures every bundle found under `bundleDir` (or only `names`).
 * @returns {Promise<{ name: string, loadMs: number, baselineMs: number, ratio: number, ratioMin: number, ratioMax: number,
 *   firstInvokeMs: number, linkedMapLoadMs?: number, linkedMapRatio?: number }[]>}
 */
async function measureColdStarts({ bundleDir, runs = 5, names = Object.keys(SDK_CLIENTS) }) {
  const present = names.filter((name) => fs.existsSync(path.join(bundleDir, name, "index.js")));
  if (present.length === 0) return [];
  const local = loadLocalHelpers();
  const ddb = await local.startDynalite("us-east-1");
  const bus = new local.LocalEventBridge({
    busNames: [BUS],
    rules: [],
    matcher: () => false,
    dispatch: async () => undefined,
    queues: new local.LocalQueues(),
    account: { accountId: "000000000000", region: "us-east-1" },
  });
  const eventBridge = await local.startPutEventsEndpoint((entries, caller) => bus.putEvents(entries, caller));
  const tables = Object.fromEntries(Object.keys(local.Tables).map((name) => [name, `bench-${name}`]));
  try {
    await createTables(ddb.client, local.Tables, tables);
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
      // The catalogue (prices) lives in the inventory table.
      CATALOGUE_TABLE_NAME: tables.inventory,
      IDEMPOTENCY_TABLE_NAME: tables.idempotency,
      EVENT_BUS_NAME: BUS,
      POWERTOOLS_METRICS_NAMESPACE: "OrderPipelineBench",
      POWERTOOLS_LOG_LEVEL: "WARN",
      // As deployed (src/constructs/microservice.ts), with tracing on as every profile defaults it.
      NODE_OPTIONS: "",
      POWERTOOLS_TRACE_ENABLED: "true",
      AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
      AWS_LAMBDA_FUNCTION_NAME: "bench",
      AWS_XRAY_CONTEXT_MISSING: "IGNORE_ERROR",
      AWS_XRAY_DAEMON_ADDRESS: "127.0.0.1:2000",
      // The trace header Lambda passes to a traced invocation (example from the X-Ray developer guide).
      _X_AMZN_TRACE_ID: "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
    };
    // A new event for the function; for Notification, the completed order it speaks of is stored first,
    // as the saga leaves it (Notification checks the event against it).
    const prepared = async (name) => {
      const event = EVENTS[name]();
      if (name !== "notification") return event;
      const { PutItemCommand } = require("@aws-sdk/client-dynamodb");
      const d = event.detail;
      const text = {
        orderId: d.orderId,
        status: d.status,
        customerId: d.customerId,
        currency: d.currency,
        paymentId: d.paymentId,
      };
      await ddb.client.send(
        new PutItemCommand({
          TableName: tables.orders,
          Item: {
            ...Object.fromEntries(Object.entries(text).map(([k, v]) => [k, { S: v }])),
            totalCents: { N: String(d.totalCents) },
          },
        }),
      );
      return event;
    };
    const rows = [];
    for (const name of present) {
      await local.seedInventory(ddb.client, tables.inventory, { reset: true });
      const bundle = path.resolve(bundleDir, name, "index.js");
      const baseline = baselineBundle(name, SDK_CLIENTS[name]);
      const linked = linkedMapCopy(bundleDir, name);
      const pairs = [];
      const linkedPairs = [];
      const invokes = [];
      for (let i = 0; i < runs; i++) {
        const base = await runNode(baselineScript(baseline), env);
        const cold = await runNode(coldStartScript(bundle, await prepared(name)), env);
        pairs.push({ baseline: base.ms, subject: cold.ms });
        invokes.push(cold.invokeMs);
        if (linked) {
          // What shipping the map would take: the bundle linking it, and Node told to read it.
          const withMap = await runNode(coldStartScript(linked, await prepared(name)), {
            ...env,
            NODE_OPTIONS: "--enable-source-maps",
          });
          linkedPairs.push({ baseline: cold.ms, subject: withMap.ms });
        }
      }
      const load = pairedSummary(pairs);
      const row = {
        name,
        loadMs: load.subject,
        baselineMs: load.baseline,
        ratio: load.ratio,
        ratioMin: load.ratioMin,
        ratioMax: load.ratioMax,
        firstInvokeMs: median(invokes),
      };
      if (linkedPairs.length) {
        const map = pairedSummary(linkedPairs);
        Object.assign(row, { linkedMapLoadMs: map.subject, linkedMapRatio: map.ratio });
      }
      rows.push(row);
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
    (rows) => console.table(rows),
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
