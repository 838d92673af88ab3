import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../support/bundles";

/** A throwaway project with scripts/run-ts.js, an entry that imports a module, and the real node_modules. */
function project(): { dir: string; run: () => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-run-ts-"));
  fs.mkdirSync(path.join(dir, "scripts"));
  fs.copyFileSync(path.join(PROJECT_ROOT, "scripts", "run-ts.js"), path.join(dir, "scripts", "run-ts.js"));
  fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.writeFileSync(path.join(dir, "word.ts"), 'export const word: string = "first";\n');
  fs.writeFileSync(
    path.join(dir, "main.ts"),
    'import { word } from "./word";\nconsole.log(word, process.argv.slice(2).join(","));\n',
  );
  return {
    dir,
    run: () =>
      execFileSync(process.execPath, ["scripts/run-ts.js", "main.ts", "a", "b"], { cwd: dir, encoding: "utf8" }).trim(),
  };
}

describe("scripts/run-ts.js", () => {
  test("runs a TypeScript entry with its arguments", () => {
    expect(project().run()).toBe("first a,b");
  });

  test("reuses the compiled file while the sources are unchanged, and recompiles when one changes", () => {
    const { dir, run } = project();
    run();
    const compiled = path.join(dir, ".build", "run", "main.js");
    const builtAt = fs.statSync(compiled).mtimeMs;
    expect(run()).toBe("first a,b");
    expect(fs.statSync(compiled).mtimeMs).toBe(builtAt);

    fs.writeFileSync(path.join(dir, "word.ts"), 'export const word: string = "second!";\n');
    expect(run()).toBe("second! a,b");
  });

  test("refuses an entry that is not TypeScript", () => {
    const { dir } = project();
    expect(() => execFileSync(process.execPath, ["scripts/run-ts.js", "main.js"], { cwd: dir, stdio: "pipe" })).toThrow(
      /usage: node scripts\/run-ts.js <entry.ts>/,
    );
  });
});
