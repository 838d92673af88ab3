/**
 * One running stack per test file: the dev stack synthesized in-process with the real handler
 * bundles, started by the local runtime (no cdktf.out written), the catalogue stocked, and an order
 * driver to submit orders as a client would.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BusinessError } from "../../../src/contracts/errors";
import { OrderDriver, type OrderOutcome } from "../../../src/local/orders/order-driver";
import { pipelineParts, stockCatalogue, type PipelineParts } from "../../../src/local/orders/pipeline";
import { LocalRuntime, type LocalRuntimeOptions } from "../../../src/local/runtime/runtime";
import { realBundles, synthPipeline } from "../../support/synth";
import type { WorkflowType } from "../../../src/config/variable-specs";
import type { StackDocument } from "../../../src/terraform/stack-document";
import type { VariableArgument } from "../../../src/terraform/variable-arguments";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export interface RunningPipeline {
  readonly runtime: LocalRuntime;
  readonly parts: PipelineParts;
  readonly driver: OrderDriver;
  /** The synthesized document the runtime was started from. */
  readonly document: StackDocument;
  submit(order: unknown): Promise<OrderOutcome>;
  stop(): Promise<void>;
}

/** The synthesized dev stack, parsed, with the bundles built for this test file. */
async function synthesizedDevStack(): Promise<{ document: StackDocument; codeDir: LocalRuntimeOptions["codeDir"] }> {
  const bundles = await realBundles();
  const { json } = synthPipeline("dev", bundles);
  // The archives name their zips after the service (dist/<service>.zip); map each to its bundle.
  const byZip = new Map(Object.values(bundles).map((b) => [`dist/${b.service}.zip`, b.directory]));
  return {
    document: JSON.parse(JSON.stringify(json)) as StackDocument,
    codeDir: (archive) => byZip.get(archive.outputPath),
  };
}

let workflowType: WorkflowType = "STANDARD";

/**
 * Runs this file's pipelines with `--var workflow_type=<type>`: a test file that imports another
 * file's tests calls it first, so the same end-to-end tests run on Standard and on Express.
 */
export function runSagaAs(type: WorkflowType): void {
  workflowType = type;
}

/** The workflow type this file's pipelines run (STANDARD unless `runSagaAs` said otherwise). */
export function sagaWorkflowType(): WorkflowType {
  return workflowType;
}

export async function startPipeline(
  options: {
    readonly mutate?: (document: StackDocument) => void;
    readonly unitsPerProduct?: number;
    /** `--var`s besides `workflow_type`. */
    readonly variableArguments?: readonly VariableArgument[];
  } & Partial<LocalRuntimeOptions> = {},
): Promise<RunningPipeline> {
  const { document, codeDir } = await synthesizedDevStack();
  options.mutate?.(document);
  const runtime = await LocalRuntime.start({
    stack: { name: "orders-dev", directory: fs.mkdtempSync(path.join(os.tmpdir(), "orders-local-")), document },
    codeDir,
    seed: 1234,
    businessErrors: Object.values(BusinessError),
    variables: {
      arguments: [{ kind: "var", name: "workflow_type", value: workflowType }, ...(options.variableArguments ?? [])],
    },
    ...options,
  });
  const parts = pipelineParts(runtime);
  await stockCatalogue(runtime, parts, options.unitsPerProduct);
  const driver = new OrderDriver(runtime, parts, { timeoutMs: 30_000 });
  return {
    runtime,
    parts,
    driver,
    document,
    submit: async (order) => {
      const outcome = await driver.submit(order);
      await runtime.idle(30_000);
      return outcome;
    },
    stop: async () => {
      driver.close();
      await runtime.stop();
    },
  };
}

/** A valid order for the Order function; `over` replaces fields. */
export function order(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    customerId: "cust-e2e",
    items: [{ productId: "prod-001", quantity: 2, price: 29.99 }],
    totalAmount: 59.98,
    ...over,
  };
}

/** The items of a table, by its logical name in the stack (orders, inventory, payments, idempotency). */
export async function itemsOf(
  runtime: LocalRuntime,
  table: "orders" | "inventory" | "payments" | "idempotency",
): Promise<Record<string, unknown>[]> {
  const snapshot = await runtime.tables.snapshot();
  const name = Object.keys(snapshot).find((n) => n.endsWith(`-${table}`));
  if (!name) throw new Error(`no ${table} table in ${Object.keys(snapshot).join(", ")}`);
  return snapshot[name] as Record<string, unknown>[];
}

/** Stock left of a product. */
export async function stockOf(runtime: LocalRuntime, productId: string): Promise<number> {
  const item = (await itemsOf(runtime, "inventory")).find((i) => i.pk === `PRODUCT#${productId}` && i.sk === "STOCK");
  return Number(item?.available);
}
