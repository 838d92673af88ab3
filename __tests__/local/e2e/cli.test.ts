/**
 * `npm run local` as its users run it: a process, synthesizing into its own outdir, with `--json` the
 * only thing on stdout, and bad input answered by a message and exit status 2, never a stack trace.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../support/bundles";

function local(args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join("scripts", "run-ts.js"), path.join("src", "local", "cli.ts"), ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: { ...process.env, ORDERS_ENVIRONMENTS: "dev" },
    timeout: 120_000,
  });
}

/** A stack frame, `at fn (file:1:2)` or `at file:1:2`. */
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

function expectUsageError(result: SpawnSyncReturns<string>, message: RegExp): void {
  expect(result.status).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(STACK_TRACE);
}

describe("npm run local --synth --json, a load with a warm-up over a --catalogue, then an --event", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-cli-"));
  const stateFile = path.join(dir, "state.json");
  const write = (name: string, content: unknown) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(content));
    return file;
  };
  const catalogue = write("catalogue.json", {
    products: [
      { productId: "mug-1", name: "Mug", price: 12.5, stock: 3 },
      { productId: "tin-2", name: "Tin", price: 7.25, stock: 3 },
    ],
  });
  // An outcome nobody stored: Notification must refuse it.
  const forged = write("forged.json", {
    Source: "orders.order-workflow",
    DetailType: "Order Failed",
    Detail: { orderId: `ord_${"9".repeat(32)}`, customerId: "cust-cli", totalCents: 2500, currency: "USD", status: "FAILED", reason: "PaymentDeclined" },
  });
  let run: SpawnSyncReturns<string>;

  beforeAll(() => {
    run = local([
      "--synth",
      "--outdir",
      path.join(dir, "out"),
      "--json",
      "--orders",
      "12",
      "--warmup",
      "4",
      "--seed",
      "7",
      "--catalogue",
      catalogue,
      "--event",
      forged,
      "--state-out",
      stateFile,
      "--logs",
      path.join(dir, "functions.log"),
    ]);
  }, 120_000);

  test("exits 0 with exactly one JSON document on stdout: the measured orders only, in submission order", () => {
    expect({ status: run.status, stderrTail: run.status === 0 ? "" : run.stderr.slice(-2000) }).toEqual({ status: 0, stderrTail: "" });
    const document = JSON.parse(run.stdout) as { orders: { orderId: string; status: string; error: unknown }[]; summary: Record<string, unknown> };
    expect(Object.keys(document)).toEqual(["orders", "summary", "events"]);
    expect(document.orders).toHaveLength(12);
    for (const order of document.orders) expect(order).toEqual({ orderId: expect.stringMatching(/^ord_[0-9a-f]{32}$/), status: "COMPLETED", error: null });
    expect(document.summary).toMatchObject({ submitted: 12, completed: 12, failed: 0, rejected: 0 });
    expect(document.summary.throughputPerSecond).toBeGreaterThan(0);
  });

  test("the orders were priced from the --catalogue file, and the --event was put after them and refused by Notification", () => {
    const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as { tables: Record<string, { pk?: string; priceCents?: number; items?: { productId: string }[] }[]> };
    const products = (Object.entries(state.tables).find(([name]) => name.endsWith("-inventory"))?.[1] ?? []).filter((i) => i.pk?.startsWith("PRODUCT#"));
    expect(products.map((p) => [p.pk, p.priceCents])).toEqual([["PRODUCT#mug-1", 1250], ["PRODUCT#tin-2", 725]]);
    const orders = Object.entries(state.tables).find(([name]) => name.endsWith("-orders"))?.[1] ?? [];
    expect(new Set(orders.flatMap((o) => o.items ?? []).map((i) => i.productId))).toEqual(new Set(["mug-1", "tin-2"]));
    expect((JSON.parse(run.stdout) as { events: unknown[] }).events).toEqual([{ source: "orders.order-workflow", detailType: "Order Failed", eventId: expect.any(String), errorCode: null }]);
    expect(run.stderr).toMatch(/Event 1 of 1 \(.*forged\.json\): "Order Failed" from orders\.order-workflow/);
    // A load run keeps no trace, so the event's path is not shown; its refusal is counted.
    expect(run.stderr).toContain("Dead-letter queues: orders-dev-notification-failures 1");
  });

  test("a variable that fails its validation: its error_message, exit status 2, no stack trace", () => {
    const result = local(["--outdir", path.join(dir, "out"), "--var", "lambda_memory_size=1", "--logs", path.join(dir, "refused.log")]);
    expectUsageError(result, /lambda_memory_size/);
  });

  test("reports the warm-up on stderr and keeps its orders in the state written by --state-out", () => {
    expect(run.stderr).toContain("Warming up with 4 orders");
    const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as { tables: Record<string, { orderId?: string; status?: string }[]> };
    const orders = Object.entries(state.tables).find(([name]) => name.endsWith("-orders"))?.[1] ?? [];
    expect(orders).toHaveLength(16);
    const measured = (JSON.parse(run.stdout) as { orders: { orderId: string }[] }).orders.map((o) => o.orderId);
    expect(orders.map((o) => o.orderId)).toEqual(expect.arrayContaining(measured));
    expect(new Set(orders.map((o) => o.status))).toEqual(new Set(["COMPLETED"]));
  });
});

describe("bad input: a message naming the problem, exit status 2, nothing on stdout, no stack trace", () => {
  const emptyOutdir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-cli-empty-"));
  const outdirWithStack = fs.mkdtempSync(path.join(os.tmpdir(), "orders-cli-stacks-"));
  fs.mkdirSync(path.join(outdirWithStack, "stacks", "orders-dev"), { recursive: true });
  fs.writeFileSync(path.join(outdirWithStack, "stacks", "orders-dev", "cdk.tf.json"), "{}");

  test.each<[string, string[], RegExp]>([
    ["a malformed option value", ["--orders", "ten"], /--orders must be a whole number of at least 1, got "ten"/],
    ["a load option without a load", ["--warmup", "10"], /--warmup applies to a load run: add --orders N/],
    ["an outdir with no synthesized stack", ["--outdir", emptyOutdir], /No synthesized stack in .*: run `npm run synth` first/],
    ["a stack that was not synthesized", ["--stack", "orders-nowhere", "--outdir", outdirWithStack], /No synthesized stack "orders-nowhere" .*\(found: orders-dev\)/],
  ])("%s", (_case, args, message) => {
    expectUsageError(local(args), message);
  });

  test("the stack-trace check recognizes both forms of a frame", () => {
    expect("Error: x\n    at run (/p/cli.js:1:2)").toMatch(STACK_TRACE);
    expect("Error: x\n    at /p/cli.js:1:2").toMatch(STACK_TRACE);
    expect("--orders must be a whole number of at least 1").not.toMatch(STACK_TRACE);
  });
});
