import * as fs from "node:fs";
import * as path from "node:path";

/** A synthesized stack, `cdktf.out/stacks/<name>/cdk.tf.json`, as parsed JSON. */
export interface StackDocument {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, ResourceConfig>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, ResourceConfig>>>>;
  readonly variable?: Readonly<Record<string, VariableDeclaration>>;
  readonly locals?: Readonly<Record<string, unknown>>;
  readonly output?: Readonly<Record<string, unknown>>;
  readonly provider?: Readonly<Record<string, readonly Record<string, unknown>[]>>;
  readonly terraform?: Readonly<Record<string, unknown>>;
  readonly [key: string]: unknown;
}

/** One resource's arguments, as synthesized (values may hold `${...}` interpolations). */
export type ResourceConfig = Readonly<Record<string, unknown>>;

export interface VariableDeclaration {
  readonly type?: string;
  readonly default?: unknown;
  readonly description?: string;
  readonly nullable?: boolean;
  readonly sensitive?: boolean;
  readonly validation?: readonly { readonly condition: string; readonly error_message: string }[];
}

/** A synthesized stack and where its files (function bundles) are. */
export interface SynthesizedStack {
  /** The stack's name (its directory under `cdktf.out/stacks`). */
  readonly name: string;
  /** The stack directory: relative paths in the document (`source_dir`) are resolved against it. */
  readonly directory: string;
  readonly document: StackDocument;
}

/** Why a synthesized stack cannot be read; the message says what to do. */
class StackNotFound extends Error {
  override readonly name = "StackNotFound";
}

/** The stacks in `<outdir>/stacks`, by name. */
function listSynthesizedStacks(outdir: string): string[] {
  const dir = path.join(outdir, "stacks");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => fs.existsSync(path.join(dir, name, "cdk.tf.json")))
    .sort();
}

/** Reads `<outdir>/stacks/<name>/cdk.tf.json`. */
export function loadSynthesizedStack(outdir: string, name: string): SynthesizedStack {
  const directory = path.resolve(outdir, "stacks", name);
  const file = path.join(directory, "cdk.tf.json");
  if (!fs.existsSync(file)) {
    const available = listSynthesizedStacks(outdir);
    if (available.length === 0) {
      throw new StackNotFound(`No synthesized stack in ${outdir}/: run \`npm run synth\` first.`);
    }
    throw new StackNotFound(
      `No synthesized stack "${name}" in ${outdir}/stacks (found: ${available.join(", ")}). ` +
        `Pick one with --stack, or synthesize it (ORDERS_ENVIRONMENTS=... npm run synth).`,
    );
  }
  let document: StackDocument;
  try {
    document = JSON.parse(fs.readFileSync(file, "utf8")) as StackDocument;
  } catch (error) {
    throw new StackNotFound(`${file} is not valid JSON (${(error as Error).message}): run \`npm run synth\` again.`);
  }
  return { name, directory, document };
}

/** Every resource of one type, by name (empty when there is none). */
export function resourcesOfType(document: StackDocument, type: string): [string, ResourceConfig][] {
  return Object.entries(document.resource?.[type] ?? {});
}

/** Every data source of one type, by name. */
export function dataOfType(document: StackDocument, type: string): [string, ResourceConfig][] {
  return Object.entries(document.data?.[type] ?? {});
}

/** The construct path cdktf records for a resource (`orders-dev/orders-table/table`), or its name. */
export function constructPath(config: ResourceConfig, fallback: string): string {
  const meta = (config["//"] as { metadata?: { path?: string } } | undefined)?.metadata;
  return meta?.path ?? fallback;
}

/** The newest modification time under a directory (files only), in ms since the epoch. */
export function newestMtime(paths: readonly string[], ignore: (p: string) => boolean = () => false): number {
  let newest = 0;
  const visit = (p: string) => {
    if (ignore(p) || !fs.existsSync(p)) return;
    const stat = fs.statSync(p);
    if (stat.isDirectory()) for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}
