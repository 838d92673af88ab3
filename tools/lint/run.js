#!/usr/bin/env node
// `npm run lint`: ESLint (typescript-eslint, import order), Prettier in check mode, knip (unused files,
// exports and dependencies) and the licence check, over the whole project. `--fix` lets ESLint and
// Prettier rewrite what they can.
//
// The linters live in tools/lint with a lock file of their own: typescript-eslint needs the TypeScript 5
// compiler API, which the project's TypeScript 7 (the native compiler) does not have. This script installs
// them on first use, and again whenever tools/lint/package-lock.json changes.
"use strict";
const { spawnSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const TOOLS = __dirname;
const ROOT = path.resolve(TOOLS, "..", "..");
const BIN = path.join(TOOLS, "node_modules", ".bin");
const STAMP = path.join(TOOLS, "node_modules", ".installed-from-lock");

function ensureToolchain() {
  const lockHash = crypto
    .createHash("sha256")
    .update(fs.readFileSync(path.join(TOOLS, "package-lock.json")))
    .digest("hex");
  if (fs.existsSync(STAMP) && fs.readFileSync(STAMP, "utf8") === lockHash) return;
  console.log("lint: installing the linters (tools/lint/package-lock.json) ...");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const install = spawnSync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: TOOLS,
    stdio: "inherit",
  });
  if (install.status !== 0) {
    console.error("lint: could not install the linters (npm ci in tools/lint failed)");
    process.exit(2);
  }
  fs.writeFileSync(STAMP, lockHash);
}

function run(name, command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const ok = result.status === 0;
  return { name, ok, line: `${ok ? "ok  " : "FAIL"} ${name} (${seconds} s)` };
}

const fix = process.argv.includes("--fix");
ensureToolchain();
const results = [
  run("eslint", path.join(BIN, "eslint"), fix ? [".", "--fix"] : ["."]),
  run("prettier", path.join(BIN, "prettier"), [fix ? "--write" : "--check", "--log-level=warn", "."]),
  run("knip", path.join(BIN, "knip"), ["--no-progress"]),
  run("licences", process.execPath, [path.join(ROOT, "scripts", "check-licences.js")]),
];
console.log(results.map((r) => r.line).join("\n"));
process.exit(results.every((r) => r.ok) ? 0 : 1);
