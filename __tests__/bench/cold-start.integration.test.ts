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
  measureColdStarts(options: { bundleDir: string; runs: number; names?: string[] }): Promise<
    {
      name: string;
      loadMs: number;
      baselineMs: number;
      ratio: number;
      ratioMin: number;
      ratioMax: number;
      firstInvokeMs: number;
      linkedMapLoadMs?: number;
      linkedMapRatio?: number;
    }[]
  >;
};

const root = path.resolve(__dirname, "..", "..");

function bundle(dir: string, name: string, withMap = false): void {
  buildSync({
    absWorkingDir: root,
    entryPoints: [`handlers/${name}.ts`],
    outfile: path.join(dir, name, "index.js"),
    sourcemap: withMap ? "external" : false,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    logLevel: "error",
  });
}

describe("measureColdStarts", () => {
  test("loads a bundle in a fresh process, paired with the bare SDK bundled alike, and times the first invocation apart", async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "orders-cold-start-")), "bundles");
    bundle(dir, "payment", true);
    // The source map kept beside the bundles, as the build keeps it: also measured, linked.
    fs.mkdirSync(path.join(`${dir}-sourcemaps`, "payment"), { recursive: true });
    fs.renameSync(path.join(dir, "payment", "index.js.map"), path.join(`${dir}-sourcemaps`, "payment", "index.js.map"));
    const rows = await measureColdStarts({ bundleDir: dir, runs: 1 });
    expect(rows).toHaveLength(1); // only the bundles present are measured
    const [row] = rows;
    expect(row).toEqual({
      name: "payment",
      loadMs: expect.any(Number),
      baselineMs: expect.any(Number),
      ratio: expect.any(Number),
      ratioMin: expect.any(Number),
      ratioMax: expect.any(Number),
      firstInvokeMs: expect.any(Number),
      linkedMapLoadMs: expect.any(Number),
      linkedMapRatio: expect.any(Number),
    });
    expect(row!.linkedMapRatio).toBeCloseTo(row!.linkedMapLoadMs! / row!.loadMs, 10);
    expect(row!.loadMs).toBeGreaterThan(0);
    expect(row!.baselineMs).toBeGreaterThan(0);
    expect(row!.firstInvokeMs).toBeGreaterThan(0);
    // One pair: its ratio is the ratio, and the spread is that one ratio.
    expect(row!.ratio).toBeCloseTo(row!.loadMs / row!.baselineMs, 10);
    expect([row!.ratioMin, row!.ratioMax]).toEqual([row!.ratio, row!.ratio]);
  });

  test("a bundle whose handler fails is reported, not measured", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-cold-start-bad-"));
    fs.mkdirSync(path.join(dir, "inventory"));
    fs.writeFileSync(
      path.join(dir, "inventory", "index.js"),
      'exports.handler = async () => { throw new Error("broken bundle"); };\n',
    );
    await expect(measureColdStarts({ bundleDir: dir, runs: 1 })).rejects.toThrow(
      /measurement failed[\s\S]*broken bundle/,
    );
  });

  test("no bundles, no rows", async () => {
    await expect(
      measureColdStarts({ bundleDir: fs.mkdtempSync(path.join(os.tmpdir(), "orders-none-")), runs: 1 }),
    ).resolves.toEqual([]);
  });
});
