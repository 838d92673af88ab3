import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { HandlerBundle, ServiceName, bundleHandlers } from "../../src/bundling/handler-bundles";
import { buildApp, pipelineStackName } from "../../src/app";
import { EnvironmentName } from "../../src/config/profiles";
import type { OrderPipelineStack } from "../../src/stacks/order-pipeline-stack";

export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");

let bundling: Promise<Record<ServiceName, HandlerBundle>> | undefined;

/** The real handler bundles, built once per test file into a scratch directory. */
export function realBundles(): Promise<Record<ServiceName, HandlerBundle>> {
  bundling ??= bundleHandlers({
    projectRoot: PROJECT_ROOT,
    outDir: fs.mkdtempSync(path.join(os.tmpdir(), "orders-bundles-")),
  });
  return bundling;
}

/** Tiny stand-in bundles, for construct tests that do not care what the code does. */
export function fixtureBundles(): Record<ServiceName, HandlerBundle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-fixture-bundles-"));
  const make = (service: ServiceName): HandlerBundle => {
    fs.mkdirSync(path.join(dir, service));
    fs.writeFileSync(path.join(dir, service, "index.js"), `exports.handler = async () => "${service}";\n`);
    return { service, directory: path.join(dir, service), bytes: 40 };
  };
  return { order: make("order"), payment: make("payment"), inventory: make("inventory"), notification: make("notification") };
}

export interface SynthesizedPipeline {
  readonly stack: OrderPipelineStack;
  /** `Testing.synth` output, for the cdktf matchers. */
  readonly synthesized: string;
  /** The same, parsed. */
  readonly json: StackJson;
}

export interface StackJson {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly variable: Record<string, Record<string, unknown>>;
  readonly output: Record<string, Record<string, unknown>>;
  readonly terraform: Record<string, unknown>;
  readonly provider: Record<string, unknown[]>;
}

/** Synthesizes one environment's pipeline stack in memory. */
export function synthPipeline(
  environment: EnvironmentName,
  bundles: Record<ServiceName, HandlerBundle>,
  env: Record<string, string> = {},
): SynthesizedPipeline {
  const { stacks } = buildApp({
    bundles,
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), "orders-synth-")),
    env: { ORDERS_ENVIRONMENTS: environment, ...env },
    context: {},
  });
  const stack = stacks.find((s) => s.node.id === pipelineStackName(environment)) as OrderPipelineStack;
  const synthesized = Testing.synth(stack);
  return { stack, synthesized, json: JSON.parse(synthesized) as StackJson };
}

/** Resources of one type, by name. */
export function resourcesOf(json: StackJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource[type] ?? {};
}
