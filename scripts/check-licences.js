#!/usr/bin/env node
// Fails when anything `npm ci` installed carries a licence outside the permissive list, so no copyleft
// dependency slips in. It reads the installed tree (every node_modules folder), not the lock file alone.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const satisfies = require("spdx-satisfies");

const PERMISSIVE = [
  "MIT",
  "MIT-0",
  "ISC",
  "Apache-2.0",
  "BSD-2-Clause",
  "BSD-3-Clause",
  "0BSD",
  "BlueOak-1.0.0",
  "CC0-1.0",
  "Unlicense",
  // Attribution-only licences, used by data packages (browser-support tables, the SPDX lists themselves).
  "CC-BY-3.0",
  "CC-BY-4.0",
  // Weak, file-level copyleft: allowed as used today (unmodified, installed from the registry).
  "MPL-2.0",
];

// Packages whose licence field is not an SPDX expression, or a non-software licence, each reviewed.
const REVIEWED = new Map([["jsonify", '"Public Domain" (Douglas Crockford\'s JSON code), no conditions']]);

function licenceOf(manifest) {
  const field = manifest.license ?? manifest.licenses;
  if (typeof field === "string") return field;
  if (Array.isArray(field)) return field.map((entry) => (typeof entry === "string" ? entry : entry.type)).join(" OR ");
  if (field && typeof field === "object") return field.type;
  return undefined;
}

function* installedPackages(nodeModules) {
  if (!fs.existsSync(nodeModules)) return;
  for (const entry of fs.readdirSync(nodeModules, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || !(entry.isDirectory() || entry.isSymbolicLink())) continue;
    const dir = path.join(nodeModules, entry.name);
    if (entry.name.startsWith("@")) {
      for (const scoped of fs.readdirSync(dir)) yield* packageAt(path.join(dir, scoped));
    } else {
      yield* packageAt(dir);
    }
  }
}

function* packageAt(dir) {
  const manifestPath = path.join(dir, "package.json");
  if (fs.existsSync(manifestPath)) {
    const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
    yield { dir, name: manifest.name, version: manifest.version, licence: licenceOf(manifest) };
  }
  yield* installedPackages(path.join(dir, "node_modules"));
}

function verdict(pkg) {
  if (REVIEWED.has(pkg.name)) return undefined;
  if (!pkg.licence) return "no licence declared";
  try {
    return satisfies(pkg.licence, PERMISSIVE) ? undefined : `licence ${pkg.licence} is not on the permissive list`;
  } catch {
    return `licence "${pkg.licence}" is not an SPDX expression`;
  }
}

const root = path.resolve(process.argv[2] ?? path.join(__dirname, "..", "node_modules"));
let count = 0;
const problems = [];
for (const pkg of installedPackages(root)) {
  count += 1;
  const problem = verdict(pkg);
  if (problem) problems.push(`${pkg.name}@${pkg.version} (${path.relative(root, pkg.dir)}): ${problem}`);
}
if (count === 0) {
  console.error("check-licences: no installed packages found; run npm ci first");
  process.exit(2);
}
if (problems.length > 0) {
  console.error(`check-licences: ${problems.length} of ${count} installed packages fail:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`check-licences: ${count} installed packages, all permissively licensed`);
