#!/usr/bin/env node
// `npm run bench`: the project's budgets, each the median of several runs, each beside a baseline
// measured in the same run on the same machine, run by run (A, B, A, B ...: see bench/paired.js). Results: printed, and written to bench/results/.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { formatRatio, interleaved, median } = require("./paired");

const root = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS || 5);
const TEST_RUNS = Number(process.env.BENCH_TEST_RUNS || 3);
const GNU_TIME = fs.existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** Runs a command; wall time in ms and peak resident memory in MB (largest process in the tree). */
function measure(command, args, options = {}) {
  const rssFile = path.join(os.tmpdir(), `orders-bench-rss-${process.pid}`);
  const [cmd, argv] = GNU_TIME ? [GNU_TIME, ["-f", "%M", "-o", rssFile, command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd, argv, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, ...options.env },
    maxBuffer: 1 << 26,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.status}):\n${(result.stderr || result.stdout || "").slice(-2000)}`,
    );
  }
  const peakMb = GNU_TIME ? Number(fs.readFileSync(rssFile, "utf8").trim().split("\n").pop()) / 1024 : NaN;
  return { ms, peakMb, stdout: result.stdout, stderr: result.stderr };
}

function repeat(runs, fn) {
  const samples = Array.from({ length: runs }, fn);
  return { ms: median(samples.map((s) => s.ms)), peakMb: median(samples.map((s) => s.peakMb)), samples };
}

/** Size of the zip of these files (deflated, as archive_file and the offline plan's stand-in write it). */
function zipSize(files) {
  const yazl = require("yazl");
  const zip = new yazl.ZipFile();
  for (const file of files)
    zip.addFile(file, path.basename(file), { mtime: new Date(Date.UTC(1980, 0, 1)), mode: 0o644 });
  zip.end();
  return new Promise((resolve, reject) => {
    let bytes = 0;
    zip.outputStream.on("data", (c) => (bytes += c.length));
    zip.outputStream.on("end", () => resolve(bytes));
    zip.outputStream.on("error", reject);
  });
}

async function main() {
  const node = process.execPath;
  const cdktfBin = path.join(root, "node_modules", ".bin", "cdktf");
  const rows = [];
  const out = {};
  const log = (line) => process.stderr.write(`${line}\n`);

  log(`bench: ${os.cpus().length} cores, node ${process.version}, ${RUNS} runs (tests ${TEST_RUNS})`);
  // Each figure against the baseline is measured in pairs, interleaved with a baseline run of its own.
  const requireCdktf = () => measure(node, ["-e", "require('cdktf')"]);
  const pairedWith = async (runs, subject) => {
    const samples = [];
    const summary = await interleaved(
      runs,
      () => requireCdktf().ms,
      () => {
        const sample = subject();
        samples.push(sample);
        return sample.ms;
      },
    );
    return {
      ms: summary.subject,
      peakMb: median(samples.map((s) => s.peakMb)),
      baselineMs: summary.baseline,
      ratio: summary,
      samples,
    };
  };
  const ratioNote = (summary, budget) => `${formatRatio(summary)}${budget ? ` (budget ${budget})` : ""}`;

  measure(node, ["scripts/run-ts.js", "main.ts"]); // warms the caches the warm synth reuses
  const synth = await pairedWith(RUNS, () => measure(node, ["scripts/run-ts.js", "main.ts"]));
  out.appSynth = synth;
  rows.push(["baseline: node loading cdktf (paired with the synth)", synth.baselineMs, NaN, "1.0x"]);
  rows.push([
    "app synth (dev stack; bundles and app reused when unchanged)",
    synth.ms,
    synth.peakMb,
    ratioNote(synth.ratio, "2.5x, 250 MB"),
  ]);

  const cold = await pairedWith(RUNS, () => {
    fs.rmSync(path.join(root, ".build", "run"), { recursive: true, force: true });
    fs.rmSync(path.join(root, ".build", "bundles"), { recursive: true, force: true });
    return measure(node, ["scripts/run-ts.js", "main.ts"]);
  });
  out.appSynthCold = cold;
  rows.push([
    "app synth, nothing cached (app compiled, handlers bundled)",
    cold.ms,
    cold.peakMb,
    ratioNote(cold.ratio),
  ]);

  const cli = await pairedWith(Math.min(RUNS, 3), () =>
    measure(cdktfBin, ["synth"], { env: { CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "true" } }),
  );
  out.cdktfSynth = cli;
  rows.push(["cdktf synth (CLI + app)", cli.ms, cli.peakMb, ratioNote(cli.ratio)]);

  // The offline plan of the dev stack, warm: a first run synthesizes and initializes the kept work
  // directory, the measured ones plan and show only (--no-synth), then the whole command with its synth.
  const planCli = [
    "scripts/run-ts.js",
    "src/plan/cli.ts",
    "--out",
    path.join(os.tmpdir(), `orders-bench-plan-${process.pid}`),
  ];
  try {
    measure(node, planCli);
    const plan = repeat(Math.min(RUNS, 3), () => measure(node, [...planCli, "--no-synth"]));
    out.offlinePlan = plan;
    rows.push([
      "offline plan of orders-dev, warm (plan -out + show -json, review files)",
      plan.ms,
      plan.peakMb,
      "budget 8 s",
    ]);
    const withSynth = repeat(Math.min(RUNS, 3), () => measure(node, planCli));
    out.offlinePlanWithSynth = withSynth;
    rows.push(["npm run plan:offline, warm (synth, then the plan)", withSynth.ms, withSynth.peakMb, ""]);
  } catch (error) {
    log(`bench: offline plan not measured: ${error.message.split("\n")[0]}`);
  }

  const jest = path.join(root, "node_modules", "jest", "bin", "jest.js");
  const unit = repeat(TEST_RUNS, () => measure(node, [jest, "--silent", "-c", "jest.unit.config.js"]));
  out.unitTests = unit;
  rows.push(["unit tests (jest, no terraform, no e2e)", unit.ms, unit.peakMb, "budget 20 s"]);
  const all = repeat(TEST_RUNS, () => measure(node, [jest, "--silent"]));
  out.allTests = all;
  rows.push(["whole suite (jest)", all.ms, all.peakMb, "budget 90 s"]);

  const bundleDir = path.join(root, ".build", "bundles");
  const mapDir = `${bundleDir}-sourcemaps`;
  out.bundles = fs.existsSync(bundleDir)
    ? fs
        .readdirSync(bundleDir)
        .filter((name) => fs.statSync(path.join(bundleDir, name)).isDirectory())
        .map((name) => ({ name, bytes: fs.statSync(path.join(bundleDir, name, "index.js")).size }))
    : [];
  for (const b of out.bundles) {
    b.zipBytes = await zipSize([path.join(bundleDir, b.name, "index.js")]);
    const map = path.join(mapDir, b.name, "index.js.map");
    if (fs.existsSync(map)) {
      b.mapBytes = fs.statSync(map).size;
      b.zipWithMapBytes = await zipSize([path.join(bundleDir, b.name, "index.js"), map]);
    }
  }

  for (const [file, fn, label] of [
    ["cold-start.js", "measureColdStarts", "coldStarts"],
    ["local.js", "measureLocal", "local"],
    ["sdk-floor.js", "measureSdkFloor", "sdkFloor"],
  ]) {
    const modulePath = path.join(__dirname, file);
    if (!fs.existsSync(modulePath)) continue;
    log(`bench: ${file}`);
    out[label] = await require(modulePath)[fn]({ bundleDir, runs: RUNS });
  }

  const fmt = (ms) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
  console.log("\n| measure | median wall | median peak RSS | vs baseline / budget |\n|---|---|---|---|");
  for (const [name, ms, mb, note] of rows)
    console.log(`| ${name} | ${fmt(ms)} | ${Number.isNaN(mb) ? "n/a" : `${Math.round(mb)} MB`} | ${note} |`);
  const kib = (bytes) => (bytes === undefined ? "n/a" : `${(bytes / 1024).toFixed(0)} KiB`);
  if (out.bundles.length) {
    console.log(
      "\n| bundle | index.js | source map (kept apart) | zip as shipped | zip if the map shipped |\n|---|---|---|---|---|",
    );
    for (const b of out.bundles)
      console.log(
        `| ${b.name} | ${kib(b.bytes)} | ${kib(b.mapBytes)} | ${kib(b.zipBytes)} | ${kib(b.zipWithMapBytes)} |`,
      );
  }
  if (out.coldStarts) {
    console.log(
      "\n| function | init (bundle load) | bare SDK clients, bundled | ratio, paired (min-max) | first invocation | init with the map linked |\n|---|---|---|---|---|---|",
    );
    for (const r of out.coldStarts) {
      const map =
        r.linkedMapLoadMs === undefined
          ? "n/a"
          : `${Math.round(r.linkedMapLoadMs)} ms (${r.linkedMapRatio.toFixed(2)}x)`;
      console.log(
        `| ${r.name} | ${Math.round(r.loadMs)} ms | ${Math.round(r.baselineMs)} ms | ${r.ratio.toFixed(2)}x (${r.ratioMin.toFixed(2)}-${r.ratioMax.toFixed(2)}) | ${Math.round(r.firstInvokeMs)} ms | ${map} |`,
      );
    }
  }
  if (out.local) {
    console.log(`\nlocal runtime: ${JSON.stringify({ ...out.local, iam: undefined })}`);
    const { iam } = out.local;
    const row = (name, m, unit) =>
      `| ${name} | ${Math.round(m.subject * 10) / 10}${unit} | ${Math.round(m.baseline * 10) / 10}${unit} | ${formatRatio(m)} |`;
    console.log("\n| IAM | enforce | off | enforce / off, run by run |\n|---|---|---|---|");
    console.log(row("start-up to first order accepted (budget 3 s enforced)", iam.startupToFirstOrderMs, " ms"));
    console.log(row("orders/s, fresh start (budget 0.9x)", iam.ordersPerSecond, ""));
    console.log(row("orders/s, warm (budget 0.9x)", iam.warmOrdersPerSecond, ""));
  }
  if (out.sdkFloor) console.log(`\nSDK calls alone (warm, per call and per order): ${JSON.stringify(out.sdkFloor)}`);
  const resultsDir = path.join(__dirname, "results");
  fs.mkdirSync(resultsDir, { recursive: true });
  const strip = (o) => JSON.parse(JSON.stringify(o, (k, v) => (k === "stdout" || k === "stderr" ? undefined : v)));
  fs.writeFileSync(
    path.join(resultsDir, "latest.json"),
    JSON.stringify({ at: new Date().toISOString(), cores: os.cpus().length, ...strip(out) }, null, 2),
  );
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
