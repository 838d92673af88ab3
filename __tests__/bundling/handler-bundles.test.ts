import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SERVICE_NAMES, bundleHandlers, esbuildOptions } from "../../src/bundling/handler-bundles";
import { PROJECT_ROOT, realBundles } from "../support/bundles";

describe("handler bundles", () => {
  test("esbuild settings: minified, tree-shaken CommonJS for Node 22 with an external source map", () => {
    expect(esbuildOptions("/p", "order", "/out")).toMatchObject({
      entryPoints: ["handlers/order.ts"],
      outfile: "/out/order/index.js",
      bundle: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      minify: true,
      treeShaking: true,
      sourcemap: "external",
    });
  });

  test("every service is bundled to index.js exporting `handler`", async () => {
    const bundles = await realBundles();
    for (const service of SERVICE_NAMES) {
      const file = path.join(bundles[service].directory, "index.js");
      expect(fs.readdirSync(bundles[service].directory).sort()).toEqual(["index.js", "index.js.map"]);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(typeof require(file).handler).toBe("function");
    }
  });

  test("the same sources give byte-identical bundles and maps, wherever they are written", async () => {
    const first = await realBundles();
    const elsewhere = await bundleHandlers({
      projectRoot: PROJECT_ROOT,
      outDir: fs.mkdtempSync(path.join(os.tmpdir(), "orders-bundles-again-")),
      services: ["payment"],
    });
    for (const file of ["index.js", "index.js.map"]) {
      const a = fs.readFileSync(path.join(first.payment.directory, file));
      const b = fs.readFileSync(path.join(elsewhere.payment.directory, file));
      expect(a.equals(b)).toBe(true);
    }
    const map = JSON.parse(fs.readFileSync(path.join(first.payment.directory, "index.js.map"), "utf8")) as { sources: string[] };
    expect(map.sources.some((s) => s.includes("handlers/payment.ts"))).toBe(true);
    expect(map.sources.every((s) => !path.isAbsolute(s))).toBe(true);
  });

  test("fails, naming the service, when its handler file is missing", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "orders-no-handlers-"));
    await expect(bundleHandlers({ projectRoot: empty, services: ["order"] })).rejects.toThrow(/Handler for service "order" not found/);
  });
});
