/**
 * bench/cold-start.js: measures a real bundle against local stand-ins (a few fresh Node
 * processes, hence "integration").
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildSync } from "esbuild";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { measureColdStarts } = require("../../bench/cold-start.js") as {
  measureColdStarts(options: { bundleDir: string; runs: number; names?: string[] }): Promise<{ name: string; coldStartMs: number; baselineMs: number; ratio: number }[]>;
};

const root = path.resolve(__dirname, "..", "..");

function bundle(dir: string, name: string): void {
  buildSync({
    absWorkingDir: root,
    entryPoints: [`handlers/${name}.ts`],
    outfile: path.join(dir, name, "index.js"),
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    logLevel: "error",
  });
}

describe("measureColdStarts", () => {
  test("loads a bundle in a fresh process, handles one event against local stand-ins, and compares with the bare SDK", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-cold-start-"));
    bundle(dir, "payment");
    const rows = await measureColdStarts({ bundleDir: dir, runs: 1 });
    expect(rows).toHaveLength(1); // only the bundles present are measured
    const [row] = rows;
    expect(row).toEqual({ name: "payment", coldStartMs: expect.any(Number), baselineMs: expect.any(Number), ratio: expect.any(Number) });
    expect(row!.coldStartMs).toBeGreaterThan(0);
    expect(row!.baselineMs).toBeGreaterThan(0);
    expect(row!.ratio).toBeCloseTo(row!.coldStartMs / row!.baselineMs, 10);
  });

  test("a bundle whose handler fails is reported, not measured", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-cold-start-bad-"));
    fs.mkdirSync(path.join(dir, "inventory"));
    fs.writeFileSync(path.join(dir, "inventory", "index.js"), 'exports.handler = async () => { throw new Error("broken bundle"); };\n');
    await expect(measureColdStarts({ bundleDir: dir, runs: 1 })).rejects.toThrow(/measurement failed[\s\S]*broken bundle/);
  });

  test("no bundles, no rows", async () => {
    await expect(measureColdStarts({ bundleDir: fs.mkdtempSync(path.join(os.tmpdir(), "orders-none-")), runs: 1 })).resolves.toEqual([]);
  });
});
