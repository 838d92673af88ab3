import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { buildApp } from "../../src/app";
import { HandlerBundle, ServiceName } from "../../src/bundling/handler-bundles";
import { EnvironmentName } from "../../src/config/profiles";
import { pipelineStackName } from "../../src/stacks/synthesis";
import type { OrderPipelineStack } from "../../src/stacks/order-pipeline-stack";

export { fixtureBundles, realBundles } from "./bundles";

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
