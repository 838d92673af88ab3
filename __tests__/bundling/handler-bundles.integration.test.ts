import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { SERVICE_NAMES, bundleHandlers, esbuildOptions } from "../../src/bundling/handler-bundles";
import { PROJECT_ROOT, realBundles } from "../support/bundles";

describe("handler bundles", () => {
  test("esbuild settings: one build, minified, tree-shaken CommonJS for Node 22 with external source maps", () => {
    expect(esbuildOptions("/p", ["order", "payment"], "/out")).toMatchObject({
      entryPoints: { "order/index": "handlers/order.ts", "payment/index": "handlers/payment.ts" },
      outdir: "/out",
      bundle: true,
      platform: "node",
      target: "node22",
      format: "cjs",
      minify: true,
      treeShaking: true,
      sourcemap: "external",
    });
  });

  test("every service is bundled to index.js exporting `handler`, alone in the directory that is zipped", async () => {
    const bundles = await realBundles();
    for (const service of SERVICE_NAMES) {
      const file = path.join(bundles[service].directory, "index.js");
      expect(fs.readdirSync(bundles[service].directory).sort()).toEqual(["index.js"]);
      // The map is kept apart, and the bundle does not link it: Node never reads it at a cold start.
      expect(path.relative(bundles[service].directory, bundles[service].sourceMap).startsWith("..")).toBe(true);
      expect(JSON.parse(fs.readFileSync(bundles[service].sourceMap, "utf8"))).toMatchObject({
        version: 3,
        mappings: expect.any(String),
      });
      expect(fs.readFileSync(file, "utf8")).not.toContain("sourceMappingURL");
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      expect(typeof require(file).handler).toBe("function");
    }
  });

  test.each([
    ["off (POWERTOOLS_TRACE_ENABLED=false)", { POWERTOOLS_TRACE_ENABLED: "false" }, false],
    ["off (the local runtime's AWS_SAM_LOCAL)", { POWERTOOLS_TRACE_ENABLED: "true", AWS_SAM_LOCAL: "true" }, false],
    ["on", { POWERTOOLS_TRACE_ENABLED: "true" }, true],
  ])("with tracing %s, the X-Ray SDK (and its async hooks) is loaded: %s", async (_case, env, loaded) => {
    const bundles = await realBundles();
    // The X-Ray SDK's context library leaves process.namespaces behind when it loads.
    const probe = `require(${JSON.stringify(path.join(bundles.order.directory, "index.js"))}).handler({})
      .catch(() => undefined)
      .then(() => process.stdout.write(String(process.namespaces !== undefined)));`;
    const run = spawnSync(process.execPath, ["-e", probe], {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        AWS_REGION: "us-east-1",
        AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
        AWS_XRAY_CONTEXT_MISSING: "IGNORE_ERROR",
        ORDERS_TABLE_NAME: "orders",
        POWERTOOLS_LOG_LEVEL: "SILENT",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        ...env,
      },
    });
    expect({ status: run.status, loaded: run.stdout }).toEqual({ status: 0, loaded: String(loaded) });
  });

  test("the same sources give byte-identical bundles and maps, wherever they are written", async () => {
    const first = await realBundles();
    const elsewhere = await bundleHandlers({
      projectRoot: PROJECT_ROOT,
      outDir: fs.mkdtempSync(path.join(os.tmpdir(), "orders-bundles-again-")),
      services: ["payment"],
      cache: false,
    });
    const pairs = [
      [path.join(first.payment.directory, "index.js"), path.join(elsewhere.payment.directory, "index.js")],
      [first.payment.sourceMap, elsewhere.payment.sourceMap],
    ];
    for (const [a, b] of pairs) expect(fs.readFileSync(a!).equals(fs.readFileSync(b!))).toBe(true);
    const map = JSON.parse(fs.readFileSync(first.payment.sourceMap, "utf8")) as { sources: string[] };
    expect(map.sources.some((s) => s.includes("handlers/payment.ts"))).toBe(true);
    expect(map.sources.every((s) => !path.isAbsolute(s))).toBe(true);
  });

  test("reuses the previous build while no input changed, and rebuilds when one did", async () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "orders-bundle-cache-"));
    fs.mkdirSync(path.join(project, "handlers"));
    fs.writeFileSync(path.join(project, "handlers", "greeting.ts"), 'export const greeting = "hello";\n');
    fs.writeFileSync(
      path.join(project, "handlers", "order.ts"),
      'import { greeting } from "./greeting";\nexport const handler = async () => greeting;\n',
    );
    const bundle = () => bundleHandlers({ projectRoot: project, services: ["order"] });
    const index = path.join(project, ".build", "bundles", "order", "index.js");

    await bundle();
    const firstBuild = fs.statSync(index).mtimeMs;
    await bundle();
    expect(fs.statSync(index).mtimeMs).toBe(firstBuild);

    fs.writeFileSync(path.join(project, "handlers", "greeting.ts"), 'export const greeting = "bonjour";\n');
    await bundle();
    expect(fs.readFileSync(index, "utf8")).toContain("bonjour");

    fs.writeFileSync(index, "tampered");
    fs.utimesSync(index, new Date(2000, 0, 1), new Date(2000, 0, 1));
    await bundle();
    expect(fs.readFileSync(index, "utf8")).toContain("bonjour");
  });

  test("fails, naming the service, when its handler file is missing", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "orders-no-handlers-"));
    await expect(bundleHandlers({ projectRoot: empty, services: ["order"] })).rejects.toThrow(
      /Handler for service "order" not found/,
    );
  });
});
