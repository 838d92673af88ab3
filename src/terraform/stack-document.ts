/**
 * The synthesized stack JSON (`cdk.tf.json`, or `stack.toTerraform()`) as every tool reads it: the
 * document's types, where a synthesized stack lives on disk, its blocks, `${...}` references to other
 * resources, the construct paths cdktf records, and the ARNs the stacks build. The policy check, the
 * offline plan and the offline runtime all read stacks through this module.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UserInputError } from "../user-input-error";

/** A synthesized stack as parsed JSON. */
export interface StackDocument {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, ResourceConfig>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, ResourceConfig>>>>;
  readonly variable?: Readonly<Record<string, VariableDeclaration>>;
  readonly locals?: Readonly<Record<string, unknown>>;
  readonly output?: Readonly<Record<string, OutputDeclaration>>;
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

/** An `output` block: its value is an expression over the stack's resources. */
interface OutputDeclaration {
  readonly value?: unknown;
  readonly description?: string;
  readonly sensitive?: boolean;
  readonly [key: string]: unknown;
}

/** A synthesized stack and where its files (function bundles) are. */
export interface SynthesizedStack {
  /** The stack's name (its directory under `<outdir>/stacks`). */
  readonly name: string;
  /** The stack directory: relative paths in the document (`source_dir`) are resolved against it. */
  readonly directory: string;
  readonly document: StackDocument;
}

/** The file cdktf writes for each stack, in the stack's directory. */
export const STACK_FILE = "cdk.tf.json";

/** Where cdktf writes a stack: `<outdir>/stacks/<name>`. */
export function stackDirectory(outdir: string, name: string): string {
  return path.join(outdir, "stacks", name);
}

/** Why a synthesized stack cannot be read; the message says what to do. */
export class StackNotFound extends UserInputError {
  override readonly name = "StackNotFound";
}

/** The stacks in `<outdir>/stacks`, by name. */
function listSynthesizedStacks(outdir: string): string[] {
  const dir = path.join(outdir, "stacks");
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => fs.existsSync(path.join(stackDirectory(outdir, name), STACK_FILE)))
    .sort();
}

/**
 * Reads `<outdir>/stacks/<name>/cdk.tf.json`. `notFound` words the message when the stack is missing
 * (each command line says how its user synthesizes it); by default it lists the stacks there are.
 */
export function loadSynthesizedStack(
  outdir: string,
  name: string,
  notFound: (available: readonly string[]) => string = (available) =>
    available.length === 0
      ? `No synthesized stack in ${outdir}/: run \`npm run synth\` first.`
      : `No synthesized stack "${name}" in ${outdir}/stacks (found: ${available.join(", ")}). ` +
        `Pick one with --stack, or synthesize it (ORDERS_ENVIRONMENTS=... npm run synth).`,
): SynthesizedStack {
  const directory = path.resolve(stackDirectory(outdir, name));
  if (!fs.existsSync(path.join(directory, STACK_FILE)))
    throw new StackNotFound(notFound(listSynthesizedStacks(outdir)));
  return { name, directory, document: readStackDocument(directory) };
}

/** The `cdk.tf.json` of a stack directory. */
export function readStackDocument(directory: string): StackDocument {
  const file = path.join(directory, STACK_FILE);
  if (!fs.existsSync(file)) throw new StackNotFound(`No synthesized stack at ${file}: run \`npm run synth\` first.`);
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as StackDocument;
  } catch (error) {
    throw new StackNotFound(`${file} is not valid JSON (${(error as Error).message}): run \`npm run synth\` again.`, {
      cause: error,
    });
  }
}

/** Every resource of one type, by name (empty when there is none). */
export function resourcesOfType(document: StackDocument, type: string): [string, ResourceConfig][] {
  return Object.entries(document.resource?.[type] ?? {});
}

/** Every data source of one type, by name. */
export function dataOfType(document: StackDocument, type: string): [string, ResourceConfig][] {
  return Object.entries(document.data?.[type] ?? {});
}

/** The construct path cdktf records for a resource (`orders-dev/orders-table/table`), if any. */
export function constructPath(config: ResourceConfig): string | undefined {
  const path = block(block(config["//"])?.metadata)?.path;
  return typeof path === "string" ? path : undefined;
}

/** The construct path below the stack (`orders-table/table`): how a reader of one stack names a resource. */
export function constructPathInStack(config: ResourceConfig): string | undefined {
  return constructPath(config)?.replace(/^[^/]+\//, "");
}

/** A nested block as a single object: cdktf renders blocks as objects or as one-element lists. */
export function block(value: unknown): Readonly<Record<string, unknown>> | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return first !== null && typeof first === "object" && !Array.isArray(first)
    ? (first as Record<string, unknown>)
    : undefined;
}

/** Every element of a list block (or the one block given as an object). */
export function blocks(value: unknown): readonly Readonly<Record<string, unknown>>[] {
  const list: unknown[] = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.filter((v): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v));
}

/** A reference to another resource's attribute: `${aws_iam_role.x.arn}` (optionally followed by text, e.g. `:*`). */
export interface Reference {
  /** Resource type; data sources are `data.<type>`. */
  readonly type: string;
  readonly name: string;
  readonly attribute: string;
  /** Text after the reference, e.g. `:*` in a log destination. */
  readonly suffix: string;
}

const REFERENCE = /^\$\{((?:data\.)?[a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_.[\]"*-]+)\}(.*)$/s;

/**
 * The resource a string refers to, when the string is one reference (plus an optional literal suffix).
 * Only the plain form cdktf writes for a token is recognised; anything richer is an expression, which
 * src/local/runtime/terraform evaluates as terraform would.
 */
export function parseReference(value: unknown): Reference | undefined {
  if (typeof value !== "string") return undefined;
  const match = REFERENCE.exec(value);
  if (!match || match[1] === "var" || match[1] === "local") return undefined;
  // Every group of REFERENCE takes part in a match.
  const [, type = "", name = "", attribute = "", suffix = ""] = match;
  if (suffix.includes("${")) return undefined;
  return { type, name, attribute, suffix };
}

/** The function name in a Lambda function ARN (`arn:aws:lambda:region:account:function:name[:qualifier]`). */
export function functionNameInArn(arn: string): string | undefined {
  return /:function:([^:]+)/.exec(arn)?.[1];
}

/** The function a reference names: an ARN's function name, or the text itself (Lambda takes either). */
export function functionNameOf(arnOrName: string): string {
  return functionNameInArn(arnOrName) ?? arnOrName;
}
