// `npm run local` budgets, measured on this machine (used by bench/run.js, or alone:
// `node bench/local.js [runs]`). Each run is a fresh `node scripts/run-ts.js src/local/cli.ts`, as the npm
// script runs it (npm's own start-up not included):
//  - start-up to first order accepted: from spawning the CLI to the Order function accepting the sample
//    order (the CLI prints a mark when ORDERS_LOCAL_TIMING_MARKS is set); budget 3 s;
//  - orders per second end to end: a load of BENCH_LOCAL_ORDERS (default 400) generated orders at
//    concurrency 16, retry waits shortened (the default time scale), as `--json` reports it; budget 100/s.
//    Measured twice: from a fresh start (the functions' code still being compiled by V8 while the load
//    runs) and warm, after BENCH_LOCAL_WARMUP (default 1200) orders left out of the count (`--warmup`).
//  - SDK calls per order by function, and DynamoDB requests the local DynamoDB serves per order, as the
//    load runs' `--json` summary.usagePerOrder counts them (the state machines' and the pipe's calls apart).
// Medians over `runs`.
"use strict";
const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { median, pairedSummary } = require("./paired");

const root = path.resolve(__dirname, "..");
const CLI = [path.join("scripts", "run-ts.js"), path.join("src", "local", "cli.ts")];
const CONCURRENCY = 16;

function ensureSynthesized() {
  if (fs.existsSync(path.join(root, "cdktf.out", "stacks", "orders-dev", "cdk.tf.json"))) return;
  const r = spawnSync(process.execPath, [path.join("scripts", "run-ts.js"), "main.ts"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ORDERS_ENVIRONMENTS: "dev" },
  });
  if (r.status !== 0) throw new Error(`npm run synth failed:\n${(r.stderr || r.stdout).slice(-2000)}`);
}

/** Runs the CLI; resolves with its stdout, exit code, and when the first order was accepted (ms after spawn). */
function runCli(args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let firstAcceptedMs;
    let stdout = "";
    let stderr = "";
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => {
      stderr += d;
      const mark = /@first-order-accepted (\d+)/.exec(stderr);
      if (mark && firstAcceptedMs === undefined) firstAcceptedMs = Number(mark[1]) - started;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0)
        return reject(new Error(`npm run local ${args.join(" ")} exited ${code}:\n${stderr.slice(-2000)}`));
      resolve({ stdout, stderr, firstAcceptedMs, wallMs: Date.now() - started });
    });
  });
}

async function measureLocal({ runs = 3 } = {}) {
  ensureSynthesized();
  const orders = Number(process.env.BENCH_LOCAL_ORDERS || 400);
  const warmup = Number(process.env.BENCH_LOCAL_WARMUP || 1200);
  const logs = path.join(root, ".build", "bench", "local-functions.log");
  const startups = [];
  const rates = [];
  const p95s = [];
  const warmRates = [];
  const warmP95s = [];
  const cpus = [];
  const warmCpus = [];
  const perOrder = [];
  const load = async (args) => {
    const run = await runCli([
      "--json",
      "--logs",
      logs,
      "--orders",
      String(orders),
      "--concurrency",
      String(CONCURRENCY),
      ...args,
    ]);
    const { summary } = JSON.parse(run.stdout);
    if (summary.completed + summary.failed !== orders) throw new Error(`load run ended ${JSON.stringify(summary)}`);
    // The human summary (on stderr with --json) says how much CPU every thread spent per order.
    const cpu = /CPU ([\d.]+) ms per order/.exec(run.stderr);
    return { ...summary, cpuMsPerOrder: cpu ? Number(cpu[1]) : NaN };
  };
  const off = { startups: [], rates: [], warmRates: [] };
  const paired = (subject, baseline) => pairedSummary(subject.map((x, i) => ({ subject: x, baseline: baseline[i] })));
  for (let i = 0; i < runs; i++) {
    // The IAM-off run of each pair goes first on odd iterations, so drift on a shared machine cancels out.
    const pair = async (withIam, withoutIam) => {
      if (i % 2 === 0) return [await withIam(), await withoutIam()];
      const b = await withoutIam();
      return [await withIam(), b];
    };
    const [first, firstOff] = await pair(
      () => runCli(["--json", "--logs", logs], { ORDERS_LOCAL_TIMING_MARKS: "1" }),
      () => runCli(["--json", "--logs", logs, "--iam", "off"], { ORDERS_LOCAL_TIMING_MARKS: "1" }),
    );
    startups.push(first.firstAcceptedMs);
    off.startups.push(firstOff.firstAcceptedMs);
    const [cold, coldOff] = await pair(
      () => load(["--seed", String(1000 + i)]),
      () => load(["--seed", String(1000 + i), "--iam", "off"]),
    );
    rates.push(cold.throughputPerSecond);
    off.rates.push(coldOff.throughputPerSecond);
    p95s.push(cold.latencyMs.p95);
    cpus.push(cold.cpuMsPerOrder);
    perOrder.push({ ...cold.usagePerOrder, costUsd: cold.cost.perMillionOrders });
    const [warm, warmOff] = await pair(
      () => load(["--seed", String(2000 + i), "--warmup", String(warmup)]),
      () => load(["--seed", String(2000 + i), "--warmup", String(warmup), "--iam", "off"]),
    );
    warmRates.push(warm.throughputPerSecond);
    off.warmRates.push(warmOff.throughputPerSecond);
    warmP95s.push(warm.latencyMs.p95);
    warmCpus.push(warm.cpuMsPerOrder);
  }
  // Each figure with IAM enforced (subject) against the same iteration's figure with IAM off (baseline).
  const iam = {
    startupToFirstOrderMs: paired(startups, off.startups),
    ordersPerSecond: paired(rates, off.rates),
    warmOrdersPerSecond: paired(warmRates, off.warmRates),
    samples: { startupOffMs: off.startups, ordersPerSecondOff: off.rates, warmOrdersPerSecondOff: off.warmRates },
    budget:
      "throughput with IAM enforced at least 0.9x of IAM off; start-up to first order at most 3 s with IAM enforced",
  };
  return {
    startupToFirstOrderMs: median(startups),
    ordersPerSecond: median(rates),
    concurrency: CONCURRENCY,
    orders,
    latencyP95Ms: median(p95s),
    cpuMsPerOrder: median(cpus),
    perOrder: {
      sdkCallsByFunction: Object.fromEntries(
        Object.keys(perOrder[0]?.sdkCallsByFunction ?? {}).map((fn) => [
          fn,
          median(perOrder.map((u) => u.sdkCallsByFunction[fn] ?? 0)),
        ]),
      ),
      integrationCallsByCaller: Object.fromEntries(
        Object.keys(perOrder[0]?.integrationCallsByCaller ?? {}).map((caller) => [
          caller,
          median(perOrder.map((u) => u.integrationCallsByCaller[caller] ?? 0)),
        ]),
      ),
      dynamodbRequests: median(perOrder.map((u) => u.dynamodbRequests)),
      costPerMillionOrdersUsd: median(perOrder.map((u) => u.costUsd)),
    },
    warm: {
      warmupOrders: warmup,
      ordersPerSecond: median(warmRates),
      latencyP95Ms: median(warmP95s),
      cpuMsPerOrder: median(warmCpus),
    },
    runs,
    samples: { startupToFirstOrderMs: startups, ordersPerSecond: rates, warmOrdersPerSecond: warmRates },
    budgets: { startupToFirstOrderMs: 3000, ordersPerSecond: 100, iamThroughputRatio: 0.9 },
    iam,
  };
}

module.exports = { measureLocal };

if (require.main === module) {
  measureLocal({ runs: Number(process.argv[2] || 3) }).then(
    (r) => console.log(JSON.stringify(r, null, 2)),
    (e) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
