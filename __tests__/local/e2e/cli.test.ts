/**
 * `npm run local` as its users run it: a process, synthesizing into its own outdir (the later runs
 * reuse it), with `--json` the only thing on stdout, bad input answered by a message and exit status 2,
 * never a stack trace, Ctrl-C answered by what finished and exit status 130, and the --report page
 * looked at in a real browser.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { browserTest, launchChromium } from "../../support/browser";
import { PROJECT_ROOT } from "../../support/bundles";

const CLI = [path.join("scripts", "run-ts.js"), path.join("src", "local", "cli.ts")];
const ENV = { ...process.env, ORDERS_ENVIRONMENTS: "dev" };

function local(args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...CLI, ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: ENV,
    timeout: 120_000,
  });
}

/** A run that gets Ctrl-C (SIGINT) once its first order has finished (the first progress line). */
function interruptedRun(args: readonly string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI, ...args], { cwd: PROJECT_ROOT, env: ENV });
    let [stdout, stderr, sent] = ["", "", false];
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (!sent && /\] \d+\/\d+ /.test(stderr)) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** Every run of this file shares one directory; the first run synthesizes into its outdir. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "orders-cli-"));
const outdir = path.join(dir, "out");

/** A stack frame, `at fn (file:1:2)` or `at file:1:2`. */
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

function expectUsageError(result: SpawnSyncReturns<string>, message: RegExp): void {
  expect(result.status).toBe(2);
  expect(result.stdout).toBe("");
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(STACK_TRACE);
}

describe("npm run local --synth --json, a load with a warm-up over a --catalogue, then an --event, then --replay", () => {
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
    Detail: {
      orderId: `ord_${"9".repeat(32)}`,
      customerId: "cust-cli",
      totalCents: 2500,
      currency: "USD",
      status: "FAILED",
      reason: "PaymentDeclined",
    },
  });
  let run: SpawnSyncReturns<string>;

  beforeAll(() => {
    run = local([
      "--synth",
      "--outdir",
      outdir,
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
      "--replay",
    ]);
  }, 120_000);

  test("exits 0 with exactly one JSON document on stdout: the measured orders only, in submission order", () => {
    expect({ status: run.status, stderrTail: run.status === 0 ? "" : run.stderr.slice(-2000) }).toEqual({
      status: 0,
      stderrTail: "",
    });
    const document = JSON.parse(run.stdout) as {
      orders: { orderId: string; status: string; error: unknown }[];
      summary: Record<string, unknown>;
    };
    expect(Object.keys(document)).toEqual(["orders", "summary", "events", "replay"]);
    expect(document.orders).toHaveLength(12);
    for (const order of document.orders)
      expect(order).toEqual({ orderId: expect.stringMatching(/^ord_[0-9a-f]{32}$/), status: "COMPLETED", error: null });
    expect(document.summary).toMatchObject({ submitted: 12, completed: 12, failed: 0, rejected: 0 });
    expect(document.summary.throughputPerSecond).toBeGreaterThan(0);
  });

  test("prices the measured orders' work: summary.cost per million orders, by service, and the usage per order", () => {
    const { summary } = JSON.parse(run.stdout) as {
      summary: {
        cost: { currency: string; perMillionOrders: number; byService: Record<string, number>; pricesAsOf: string };
        usagePerOrder: { sdkCallsByFunction: Record<string, number>; dynamodbRequests: number };
      };
    };
    expect(summary.cost).toMatchObject({ currency: "USD", pricesAsOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect(summary.cost.perMillionOrders).toBeGreaterThan(0);
    const parts = Object.values(summary.cost.byService);
    expect(parts.reduce((a, b) => a + b, 0)).toBeCloseTo(summary.cost.perMillionOrders, 6);
    expect(summary.cost.byService.stepFunctions).toBeGreaterThan(0);
    expect(summary.cost.byService.dynamodb).toBeGreaterThan(0);
    expect(summary.usagePerOrder.sdkCallsByFunction["orders-dev-order"]).toBeGreaterThan(0);
    expect(summary.usagePerOrder.dynamodbRequests).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/Cost per million orders \(us-east-1, prices of \d{4}-\d{2}-\d{2}/);
  });

  test("the orders were priced from the --catalogue file, and the --event was put after them and refused by Notification", () => {
    const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as {
      tables: Record<string, { pk?: string; priceCents?: number; items?: { productId: string }[] }[]>;
    };
    const products = (Object.entries(state.tables).find(([name]) => name.endsWith("-inventory"))?.[1] ?? []).filter(
      (i) => i.pk?.startsWith("PRODUCT#"),
    );
    expect(products.map((p) => [p.pk, p.priceCents])).toEqual([
      ["PRODUCT#mug-1", 1250],
      ["PRODUCT#tin-2", 725],
    ]);
    const orders = Object.entries(state.tables).find(([name]) => name.endsWith("-orders"))?.[1] ?? [];
    expect(new Set(orders.flatMap((o) => o.items ?? []).map((i) => i.productId))).toEqual(new Set(["mug-1", "tin-2"]));
    expect((JSON.parse(run.stdout) as { events: unknown[] }).events).toEqual([
      { source: "orders.order-workflow", detailType: "Order Failed", eventId: expect.any(String), errorCode: null },
    ]);
    expect(run.stderr).toMatch(/Event 1 of 1 \(.*forged\.json\): "Order Failed" from orders\.order-workflow/);
    // A load run keeps no trace, so the event's path is not shown; its refusal is counted.
    expect(run.stderr).toContain("Dead-letter queues: orders-dev-notification-failures 1");
  });

  test("--replay put the run's archive back through the rules: every saga refused as a duplicate, nothing charged or notified twice", () => {
    const [replay, ...others] = (JSON.parse(run.stdout) as { replay: Record<string, unknown>[] }).replay;
    expect(others).toEqual([]);
    // 16 orders (the warm-up's too) and the forged outcome, all of the project's sources: the archive's pattern.
    expect(replay).toMatchObject({
      archive: "orders-dev-orders-archive",
      replayed: { "Order Created": 16, "Order Completed": 16, "Order Failed": 1 },
      before: { executions: 16, payments: 16, notifications: 16, deadLetters: 1 },
      // The forged Order Failed is refused again, and ends in the failures queue again.
      after: { executions: 32, payments: 16, notifications: 16, deadLetters: 2 },
      executionsRefusedAsDuplicates: 16,
    });
    expect(run.stderr).toMatch(
      /Replay local-orders-dev-orders-archive-\w+ of archive orders-dev-orders-archive, events from \S+ to \S+: 33 replayed/,
    );
    expect(run.stderr).toContain("payments 16 -> 16 (unchanged); notifications 16 -> 16 (unchanged)");
  });

  test("a variable that fails its validation: its error_message, exit status 2, no stack trace", () => {
    const result = local([
      "--outdir",
      outdir,
      "--var",
      "lambda_memory_size=1",
      "--logs",
      path.join(dir, "refused.log"),
    ]);
    expectUsageError(result, /lambda_memory_size/);
  });

  test("reports the warm-up on stderr and keeps its orders in the state written by --state-out", () => {
    expect(run.stderr).toContain("Warming up with 4 orders");
    const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as {
      tables: Record<string, { orderId?: string; status?: string }[]>;
    };
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
    [
      "an outdir with no synthesized stack",
      ["--outdir", emptyOutdir],
      /No synthesized stack in .*: run `npm run synth` first/,
    ],
    [
      "a stack that was not synthesized",
      ["--stack", "orders-nowhere", "--outdir", outdirWithStack],
      /No synthesized stack "orders-nowhere" .*\(found: orders-dev\)/,
    ],
    [
      "--replay of a stack without an archive",
      ["--replay", "--outdir", outdirWithStack],
      /--replay: stack orders-dev declares no aws_cloudwatch_event_archive to replay from/,
    ],
    [
      "--state-out into a directory, refused before the run",
      ["--state-out", emptyOutdir, "--outdir", outdirWithStack],
      /--state-out .*: is a directory; give a file name/,
    ],
  ])("%s", (_case, args, message) => {
    expectUsageError(local(args), message);
  });

  test("the stack-trace check recognizes both forms of a frame", () => {
    expect("Error: x\n    at run (/p/cli.js:1:2)").toMatch(STACK_TRACE);
    expect("Error: x\n    at /p/cli.js:1:2").toMatch(STACK_TRACE);
    expect("--orders must be a whole number of at least 1").not.toMatch(STACK_TRACE);
  });
});

describe("API-Gateway-style orders, with --json, --state-out and --report", () => {
  const ordersFile = path.join(dir, "api-orders.json");
  const stateFile = path.join(dir, "api-state.json");
  const reportFile = path.join(dir, "api-report.html");
  const valid = {
    customerId: "cust-api",
    items: [{ productId: "prod-001", quantity: 1, price: 29.99 }],
    totalAmount: 29.99,
  };
  let run: SpawnSyncReturns<string>;

  beforeAll(() => {
    fs.writeFileSync(
      ordersFile,
      JSON.stringify([
        valid,
        { body: JSON.stringify(valid), headers: { "Idempotency-Key": "cli-api-1" } },
        { body: "{not json" },
        { body: JSON.stringify({ ...valid, totalAmount: 1 }) },
        { body: valid },
        { body: null, headers: { "content-type": "application/json" } },
      ]),
    );
    run = local([
      "--outdir",
      outdir,
      "--order",
      ordersFile,
      "--json",
      "--state-out",
      stateFile,
      "--report",
      reportFile,
      "--logs",
      path.join(dir, "api.log"),
    ]);
  }, 120_000);

  test("follows each to its final status: exit 0, no stack trace, every order in the JSON document", () => {
    expect({ status: run.status, stderrTail: run.status === 0 ? "" : run.stderr.slice(-2000) }).toEqual({
      status: 0,
      stderrTail: "",
    });
    expect(run.stderr).not.toMatch(STACK_TRACE);
    const { orders } = JSON.parse(run.stdout) as {
      orders: { orderId: string | null; status: string; error: { name: string; message: string } | null }[];
    };
    expect(orders.map((o) => o.status)).toEqual([
      "COMPLETED",
      "COMPLETED",
      "REJECTED",
      "REJECTED",
      "REJECTED",
      "REJECTED",
    ]);
    expect(orders[1]?.orderId).toMatch(/^ord_[0-9a-f]{32}$/);
    expect(orders.slice(2).map((o) => o.error?.message)).toEqual([
      expect.stringMatching(/body must be valid JSON/),
      expect.stringMatching(/totalAmount/),
      expect.stringMatching(/body must be a JSON string/),
      expect.stringMatching(/body is required/),
    ]);
  });

  test("writes the state and the report, the API-style order's table item among the state", () => {
    const { orders } = JSON.parse(run.stdout) as { orders: { orderId: string | null }[] };
    const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as {
      tables: Record<string, { orderId?: string; status?: string }[]>;
    };
    const table = Object.entries(state.tables).find(([name]) => name.endsWith("-orders"))?.[1] ?? [];
    expect(table.find((item) => item.orderId === orders[1]?.orderId)?.status).toBe("COMPLETED");
    expect(fs.readFileSync(reportFile, "utf8")).toContain(`data-order="${orders[0]?.orderId}"`);
  });
});

describe("Ctrl-C during a load run", () => {
  let run: { status: number | null; stdout: string; stderr: string };

  beforeAll(async () => {
    run = await interruptedRun([
      "--outdir",
      outdir,
      "--orders",
      "400",
      "--concurrency",
      "2",
      "--json",
      "--logs",
      path.join(dir, "interrupted.log"),
    ]);
  }, 120_000);

  test("stops the runtime, reports the orders that finished, exits 130, no stack trace", () => {
    expect({ status: run.status, stderrTail: run.status === 130 ? "" : run.stderr.slice(-2000) }).toEqual({
      status: 130,
      stderrTail: "",
    });
    expect(run.stderr).not.toMatch(STACK_TRACE);
    expect(run.stderr).not.toMatch(/ECONNREFUSED/);
    const document = JSON.parse(run.stdout) as { orders: { status: string }[]; summary: { submitted: number } };
    expect(document.orders.length).toBeGreaterThan(0);
    expect(document.orders.length).toBeLessThan(400);
    expect(document.summary.submitted).toBe(document.orders.length);
    expect(run.stderr).toContain(`Interrupted: ${document.orders.length} of 400 orders finished`);
  });
});

describe("--report of a load with failures, as a person sees it in Chromium", () => {
  const reportFile = path.join(dir, "run.html");
  const screenshot = path.join(PROJECT_ROOT, ".build", "screenshots", "local-report.png");
  let run: SpawnSyncReturns<string>;

  beforeAll(() => {
    run = local([
      "--outdir",
      outdir,
      "--orders",
      "40",
      "--fail",
      "payment=0.3,inventory=0.3",
      "--seed",
      "11",
      "--json",
      "--report",
      reportFile,
      "--logs",
      path.join(dir, "report.log"),
    ]);
  }, 180_000);

  test("the run ends 0 and says where the page is", () => {
    expect({ status: run.status, stderrTail: run.status === 0 ? "" : run.stderr.slice(-2000) }).toEqual({
      status: 0,
      stderrTail: "",
    });
    expect(run.stderr).toContain(`Report written to ${reportFile}`);
  });

  browserTest("the page in Chromium")(
    "the page in Chromium: every state drawn, the failed path in its own colour, the counts adding up, nothing fetched",
    async () => {
      const summary = (JSON.parse(run.stdout) as { summary: { submitted: number; completed: number; failed: number } })
        .summary;
      const definition = JSON.parse(
        Object.values(
          (
            JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "orders-dev", "cdk.tf.json"), "utf8")) as {
              resource: { aws_sfn_state_machine: Record<string, { definition: string }> };
            }
          ).resource.aws_sfn_state_machine,
        )[0]?.definition as string,
      ) as { States: Record<string, { Type: string; Next?: string; Catch?: { Next: string }[] }> };
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const requests: string[] = [];
        page.on("request", (r) => requests.push(r.url()));
        await page.goto(`file://${reportFile}`);

        // Every state of the synthesized definition is a box on screen, with its name written in it.
        for (const state of Object.keys(definition.States)) {
          const box = await page.locator(`g.state[data-state="${state}"] rect`).boundingBox();
          expect({ state, drawn: (box?.width ?? 0) > 50 && (box?.height ?? 0) > 20 }).toEqual({ state, drawn: true });
          await expect(page.locator(`g.state[data-state="${state}"] text.name`).textContent()).resolves.toBe(state);
        }
        // Every transition the definition allows is an arrow.
        for (const [from, s] of Object.entries(definition.States)) {
          for (const to of [s.Next, ...(s.Catch ?? []).map((c) => c.Next)].filter(Boolean)) {
            await expect(
              page.locator(`g.edge[data-from="${from}"][data-to="${to}"] path`).count(),
            ).resolves.toBeGreaterThan(0);
          }
        }

        // What the labels say, read as text, per edge, and the number in each state's box.
        const edges = await page.locator("g.edge").evaluateAll((gs) =>
          gs.map((g) => ({
            from: g.getAttribute("data-from"),
            to: g.getAttribute("data-to"),
            label: Number.parseInt(g.querySelector("text")?.textContent ?? "", 10),
            colour: (globalThis as unknown as { getComputedStyle(e: unknown): { stroke: string } }).getComputedStyle(
              g.querySelector("path"),
            ).stroke,
            failure: g.classList.contains("failure"),
          })),
        );
        const entered = async (state: string) =>
          Number(
            / (\d+)×/.exec((await page.locator(`g.state[data-state="${state}"] text.counts`).textContent()) ?? "")?.[1],
          );
        const into = (state: string) => edges.filter((e) => e.to === state).reduce((sum, e) => sum + e.label, 0);
        expect(into("End")).toBe(summary.completed + summary.failed);
        expect(edges.find((e) => e.from === "Start")?.label).toBe(summary.submitted);
        for (const state of Object.keys(definition.States))
          expect({ state, into: into(state) }).toEqual({ state, into: await entered(state) });
        const succeeded = Object.keys(definition.States).filter((k) => definition.States[k]?.Type === "Succeed");
        expect((await Promise.all(succeeded.map(entered))).reduce((a, b) => a + b, 0)).toBe(summary.completed);
        await expect(page.locator('[data-tile="completed"] b').textContent()).resolves.toBe(String(summary.completed));

        // The failed path is marked: arrows that orders took, in a colour of their own.
        const failed = edges.filter((e) => e.failure && e.label > 0);
        const taken = edges.filter((e) => !e.failure && e.label > 0);
        expect(failed.length).toBeGreaterThan(0);
        expect(new Set(failed.map((e) => e.colour)).size).toBe(1);
        expect(taken.map((e) => e.colour)).not.toContain(failed[0]?.colour);

        // The histogram's bars hold every order; the timeline shows one order across services.
        const bins = await page
          .locator(".histogram g.bin")
          .evaluateAll((gs) => gs.map((g) => Number(g.getAttribute("data-count"))));
        expect(bins.reduce((a, b) => a + b, 0)).toBe(summary.submitted);
        const timeline = page.locator(".timeline:not([hidden])");
        await expect(timeline.count()).resolves.toBe(1);
        const services = await timeline.locator("tbody tr td:nth-child(3)").allTextContents();
        expect(services).toEqual(
          expect.arrayContaining([
            "Client",
            "orders-dev-order",
            "EventBridge",
            "Step Functions",
            "orders-dev-payment",
            "Orders table",
          ]),
        );
        // The order's final status ends its path; only the customer's notification (the bus delivering the
        // outcome event to it, and its asynchronous invocation for that rule) may still come after it.
        const rows = await timeline.locator("tbody tr").allTextContents();
        const finalRow = rows.findIndex((r) => /final status FAILED/.test(r));
        expect(finalRow).toBeGreaterThan(0);
        const after = rows.slice(finalRow + 1);
        for (const row of after) {
          expect(row).toMatch(
            /EventBridgedelivered to orders-dev-notification$|orders-dev-notification\s*async invoke for rule orders-dev-order-outcome/,
          );
        }

        expect(requests).toEqual([`file://${reportFile}`]);
        fs.mkdirSync(path.dirname(screenshot), { recursive: true });
        await page.screenshot({ path: screenshot, fullPage: true });
        expect(fs.statSync(screenshot).size).toBeGreaterThan(10_000);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
