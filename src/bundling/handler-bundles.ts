import * as fs from "node:fs";
import * as path from "node:path";
import type { BuildOptions } from "esbuild";

/** The microservices, each a handler file `handlers/<name>.ts`. */
export const SERVICE_NAMES = ["order", "payment", "inventory", "notification"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** A function's deployable code: a directory holding `index.js` and its source map. */
export interface HandlerBundle {
  readonly service: ServiceName;
  /** Absolute path of the bundle directory. */
  readonly directory: string;
  /** Size of `index.js` in bytes. */
  readonly bytes: number;
}

export interface BundleOptions {
  /** Project root: handlers are read from `<root>/handlers`. Default: the current directory. */
  readonly projectRoot?: string;
  /** Where bundles are written, one directory per service. Default: `<root>/.build/bundles`. */
  readonly outDir?: string;
  /** Which services to bundle. Default: all four. */
  readonly services?: readonly ServiceName[];
}

/** The Lambda runtime the bundles target; the functions are declared with the same runtime. */
export const LAMBDA_RUNTIME = "nodejs22.x";

/**
 * esbuild settings for one handler: minified, tree-shaken CommonJS for Node 22 with an external
 * source map. Paths are relative to the project root, so the output is byte-identical on any machine.
 */
export function esbuildOptions(projectRoot: string, service: ServiceName, outDir: string): BuildOptions {
  return {
    absWorkingDir: projectRoot,
    entryPoints: [path.join("handlers", `${service}.ts`)],
    outfile: path.join(outDir, service, "index.js"),
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    mainFields: ["module", "main"],
    minify: true,
    treeShaking: true,
    sourcemap: "external",
    sourcesContent: false,
    legalComments: "none",
    logLevel: "silent",
    metafile: false,
    write: true,
  };
}

/**
 * Bundles the handlers with esbuild, all at once. esbuild runs in its own process, so callers start
 * this first and load the rest of the app while it works.
 */
export async function bundleHandlers(options: BundleOptions = {}): Promise<Record<ServiceName, HandlerBundle>> {
  const projectRoot = path.resolve(options.projectRoot ?? process.cwd());
  const outDir = path.resolve(projectRoot, options.outDir ?? path.join(".build", "bundles"));
  const services = options.services ?? SERVICE_NAMES;
  const esbuild = await import("esbuild");
  const bundles = await Promise.all(
    services.map(async (service): Promise<HandlerBundle> => {
      const entry = path.join(projectRoot, "handlers", `${service}.ts`);
      if (!fs.existsSync(entry)) throw new Error(`Handler for service "${service}" not found: ${entry}`);
      const directory = path.join(outDir, service);
      fs.rmSync(directory, { recursive: true, force: true });
      const result = await esbuild.build(esbuildOptions(projectRoot, service, outDir));
      if (result.errors.length > 0) {
        throw new Error(`Bundling ${service} failed:\n${result.errors.map((e) => e.text).join("\n")}`);
      }
      return { service, directory, bytes: fs.statSync(path.join(directory, "index.js")).size };
    }),
  );
  return Object.fromEntries(bundles.map((b) => [b.service, b])) as Record<ServiceName, HandlerBundle>;
}
