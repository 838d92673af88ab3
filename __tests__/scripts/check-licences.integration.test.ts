import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../support/bundles";

const SCRIPT = path.join(PROJECT_ROOT, "scripts", "check-licences.js");

/** A node_modules tree of the given packages (name -> package.json fields), nested folders allowed in names. */
function tree(packages: Record<string, Record<string, unknown>>): string {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "orders-licences-")), "node_modules");
  for (const [dir, manifest] of Object.entries(packages)) {
    const at = path.join(root, dir);
    fs.mkdirSync(at, { recursive: true });
    fs.writeFileSync(path.join(at, "package.json"), JSON.stringify({ version: "1.0.0", ...manifest }));
  }
  return root;
}

function check(root: string) {
  const run = spawnSync(process.execPath, [SCRIPT, root], { encoding: "utf8" });
  return { status: run.status, out: run.stdout + run.stderr };
}

describe("scripts/check-licences.js", () => {
  test("passes a tree of permissive licences, SPDX expressions and the legacy licenses array included", () => {
    const root = tree({
      a: { name: "a", license: "MIT" },
      "@scope/b": { name: "@scope/b", license: "(MIT OR GPL-3.0-or-later)" },
      "@scope/b/node_modules/c": { name: "c", license: "Apache-2.0 AND MIT" },
      d: { name: "d", licenses: [{ type: "BSD-3-Clause" }] },
    });
    expect(check(root)).toEqual({
      status: 0,
      out: expect.stringContaining("4 installed packages, all permissively licensed"),
    });
  });

  test("fails on a copyleft package, however deep it is nested, naming it and its licence", () => {
    const root = tree({
      a: { name: "a", license: "MIT" },
      "a/node_modules/deep": { name: "deep", license: "AGPL-3.0-or-later" },
      gpl: { name: "gpl", license: "GPL-2.0-only" },
      both: { name: "both", license: "MIT AND GPL-3.0-only" },
    });
    const result = check(root);
    expect(result.status).toBe(1);
    expect(result.out).toContain(
      "deep@1.0.0 (a/node_modules/deep): licence AGPL-3.0-or-later is not on the permissive list",
    );
    expect(result.out).toContain("gpl@1.0.0");
    expect(result.out).toContain("both@1.0.0");
    expect(result.out).not.toContain("a@1.0.0");
  });

  test("fails on a package with no licence or one that is not an SPDX expression", () => {
    const result = check(tree({ none: { name: "none" }, odd: { name: "odd", license: "see LICENSE file" } }));
    expect(result.status).toBe(1);
    expect(result.out).toContain("none@1.0.0 (none): no licence declared");
    expect(result.out).toContain('odd@1.0.0 (odd): licence "see LICENSE file" is not an SPDX expression');
  });

  test("the project's own installed dependencies pass", () => {
    expect(check(path.join(PROJECT_ROOT, "node_modules")).status).toBe(0);
  });
});
