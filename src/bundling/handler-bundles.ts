import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { BuildOptions, Metafile } from "esbuild";

/** The microservices, each a handler file `handlers/<name>.ts`. */
export const SERVICE_NAMES = ["order", "payment", "inventory", "notification"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * A function's deployable code: a directory holding `index.js` alone. Its source map is written apart and
 * not shipped: the bundle does not link it (Node would parse it at every cold start under
 * `--enable-source-maps`, measured in `npm run bench`), and it is more than half of the zip.
 */
export interface HandlerBundle {
  readonly service: ServiceName;
  /** Absolute path of the bundle directory. */
  readonly directory: string;
  /** Size of `index.js` in bytes. */
  readonly bytes: number;
  /** Absolute path of the bundle's source map (outside the bundle directory), to map a logged stack trace. */
  readonly sourceMap: string;
}

export interface BundleOptions {
  /** Project root: handlers are read from `<root>/handlers`. Default: the current directory. */
  readonly projectRoot?: string;
  /** Where bundles are written, one directory per service. Default: `<root>/.build/bundles`. */
  readonly outDir?: string;
  /** Where the source maps are written, one directory per service. Default: beside `outDir`, `<outDir>-sourcemaps`. */
  readonly mapDir?: string;
  /** Which services to bundle. Default: all four. */
  readonly services?: readonly ServiceName[];
  /** Reuse the previous bundles when no input changed. Default: true. */
  readonly cache?: boolean;
}

/** The Lambda runtime the bundles target; the functions are declared with the same runtime. */
export const LAMBDA_RUNTIME = "nodejs22.x";

/**
 * esbuild settings for the handlers, built together so shared code is parsed once: minified, tree-shaken
 * CommonJS for Node 22 with external source maps, one `<service>/index.js` each. Paths are relative to the
 * project root, so the output is byte-identical on any machine.
 */
export function esbuildOptions(projectRoot: string, services: readonly ServiceName[], outDir: string): BuildOptions {
  return {
    absWorkingDir: projectRoot,
    entryPoints: Object.fromEntries(services.map((s) => [`${s}/index`, path.join("handlers", `${s}.ts`)])),
    outdir: outDir,
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
    metafile: true,
    // Written by bundleHandlers, which puts each source map outside the directory that is zipped.
    write: false,
  };
}

/** One file a build read or wrote: its content hash, and the size and time it had then. */
interface FileStamp {
  readonly sha1: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** What a build read and wrote: the build is reused while all of it is unchanged. */
interface BuildRecord {
  readonly key: string;
  readonly files: Readonly<Record<string, FileStamp>>;
}

const RECORD_FILE = ".bundle-inputs.json";

function sha1(file: string): string | undefined {
  try {
    return createHash("sha1").update(fs.readFileSync(file)).digest("hex");
  } catch {
    return undefined;
  }
}

/** Unchanged when size and modification time match (as git's index and make judge), else by content. */
function unchanged(file: string, stamp: FileStamp): boolean {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return false;
  }
  if (stat.size !== stamp.size) return false;
  return stat.mtimeMs === stamp.mtimeMs || sha1(file) === stamp.sha1;
}

function isUpToDate(recordPath: string, key: string, root: string): boolean {
  if (!fs.existsSync(recordPath)) return false;
  const record = JSON.parse(fs.readFileSync(recordPath, "utf8")) as BuildRecord;
  if (record.key !== key) return false;
  return Object.entries(record.files).every(([file, stamp]) => unchanged(path.resolve(root, file), stamp));
}

function writeRecord(
  recordPath: string,
  key: string,
  root: string,
  inputs: readonly string[],
  outputs: readonly string[],
): void {
  const files = [...inputs, ...outputs].sort();
  const stamp = (file: string): FileStamp => {
    const absolute = path.resolve(root, file);
    const stat = fs.statSync(absolute);
    return { sha1: sha1(absolute) ?? "", size: stat.size, mtimeMs: stat.mtimeMs };
  };
  const record: BuildRecord = { key, files: Object.fromEntries(files.map((f) => [f, stamp(f)])) };
  fs.writeFileSync(recordPath, JSON.stringify(record));
}

/**
 * Bundles the handlers with esbuild. esbuild runs in its own process, so callers start this first and
 * load the rest of the app while it works. When the esbuild settings and the content of every file the
 * previous build read and wrote are unchanged, that build is reused (as a build tool would).
 */
export async function bundleHandlers(options: BundleOptions = {}): Promise<Record<ServiceName, HandlerBundle>> {
  const projectRoot = path.resolve(options.projectRoot ?? process.cwd());
  const outDir = path.resolve(projectRoot, options.outDir ?? path.join(".build", "bundles"));
  const services = options.services ?? SERVICE_NAMES;
  for (const service of services) {
    const entry = path.join(projectRoot, "handlers", `${service}.ts`);
    if (!fs.existsSync(entry)) throw new Error(`Handler for service "${service}" not found: ${entry}`);
  }
  const buildOptions = esbuildOptions(projectRoot, services, outDir);
  // The version from package.json: loading esbuild itself is only needed when something changed.
  const esbuildVersion = (
    JSON.parse(fs.readFileSync(require.resolve("esbuild/package.json"), "utf8")) as { version: string }
  ).version;
  const key = createHash("sha1").update(JSON.stringify({ esbuildVersion, buildOptions })).digest("hex");
  const mapDir = path.resolve(projectRoot, options.mapDir ?? `${outDir}-sourcemaps`);
  const mapOf = (service: string) => path.join(mapDir, service, "index.js.map");
  const recordPath = path.join(outDir, RECORD_FILE);

  if (options.cache === false || !isUpToDate(recordPath, key + mapDir, projectRoot)) {
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.rmSync(mapDir, { recursive: true, force: true });
    const esbuild = await import("esbuild");
    const result = await esbuild
      .build(buildOptions)
      .catch((error: { errors?: { text: string }[]; message: string }) => {
        throw new Error(
          `Bundling the handlers failed:\n${error.errors?.map((e) => e.text).join("\n") ?? error.message}`,
        );
      });
    const written: string[] = [];
    for (const file of result.outputFiles ?? []) {
      const relative = path.relative(outDir, file.path);
      const target = relative.endsWith(".map") ? mapOf(path.dirname(relative)) : file.path;
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.contents);
      written.push(path.relative(projectRoot, target));
    }
    writeRecord(recordPath, key + mapDir, projectRoot, Object.keys((result.metafile as Metafile).inputs), written);
  }
  const bundles = services.map((service): HandlerBundle => {
    const directory = path.join(outDir, service);
    return { service, directory, bytes: fs.statSync(path.join(directory, "index.js")).size, sourceMap: mapOf(service) };
  });
  return Object.fromEntries(bundles.map((b) => [b.service, b])) as Record<ServiceName, HandlerBundle>;
}
