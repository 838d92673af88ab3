import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError, parseCliOptions } from "../../../src/local/cli/options";
import { generateOrders, percentile, stockFor, summarize } from "../../../src/local/orders/load";
import type { OrderOutcome } from "../../../src/local/orders/order-driver";
import { summaryLines } from "../../../src/local/cli/report";

describe("npm run local options", () => {
  it("has defaults that submit the sample order to orders-dev", () => {
    expect(parseCliOptions([])).toMatchObject({ stack: "orders-dev", outdir: "cdktf.out", orders: [], json: false, timeScale: 0.001, timeoutSeconds: 60 });
    expect(parseCliOptions(["--", "--json"]).json).toBe(true);
    expect(parseCliOptions([]).iam).toBe("enforce");
    expect(parseCliOptions(["--iam", "warn"]).iam).toBe("warn");
    expect(parseCliOptions(["--iam", "off"]).iam).toBe("off");
  });

  it("reads repeatable orders, variables and a load", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));
    fs.writeFileSync(path.join(dir, "a.json"), '{"customerId":"c"}');
    fs.writeFileSync(path.join(dir, "b.json"), '[{"customerId":"d"},{"customerId":"e"}]');
    const o = parseCliOptions(["--order", path.join(dir, "a.json"), "--order", path.join(dir, "b.json"), "--var", "project_name=shop", "--var", "x=a=b"]);
    expect(o.orders.map((x) => x.order)).toEqual([{ customerId: "c" }, { customerId: "d" }, { customerId: "e" }]);
    expect(o.variables).toEqual([
      { kind: "var", name: "project_name", value: "shop" },
      { kind: "var", name: "x", value: "a=b" },
    ]);
    expect(parseCliOptions(["--orders", "300", "--concurrency", "8", "--fail", "payment=0.2"])).toMatchObject({ load: { count: 300, concurrency: 8, warmup: 0 }, faults: { payment: 0.2 } });
    expect(parseCliOptions(["--orders", "300", "--warmup", "100"]).load).toEqual({ count: 300, concurrency: 16, warmup: 100 });
  });

  it.each([
    [["--orders", "0"], /--orders must be a whole number of at least 1/],
    [["--orders", "ten"], /--orders must be a whole number/],
    [["--concurrency", "4"], /--concurrency applies to a load run/],
    [["--warmup", "100"], /--warmup applies to a load run/],
    [["--orders", "3", "--warmup", "some"], /--warmup must be a whole number of at least 0/],
    [["--order", "/nonexistent.json"], /--order \/nonexistent.json: no such file/],
    [["--var-file", os.tmpdir()], /--var-file .*: not a file/],
    [["--order", "x.json", "--orders", "3"], /cannot be combined/],
    [["--fail", "payment=3"], /from 0 to 1/],
    [["--var", "novalue"], /must look like name=value/],
    [["--bogus"], /Unknown option '--bogus'/],
    [["--stack", "../etc"], /--stack must be a stack name/],
    [["--time-scale", "fast"], /--time-scale must be a number/],
    [["--iam", "strict"], /--iam must be one of enforce, warn, off, got "strict"/],
  ])("refuses %j with a message naming the option", (argv, message) => {
    expect(() => parseCliOptions(argv)).toThrow(UsageError);
    expect(() => parseCliOptions(argv)).toThrow(message);
  });

  it("refuses an order file that is not JSON", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cli-")), "bad.json");
    fs.writeFileSync(file, "{ nope");
    expect(() => parseCliOptions(["--order", file])).toThrow(/not valid JSON/);
  });
});

describe("load runs", () => {
  const catalogue = [1, 2, 3, 4, 5].map((n) => ({ productId: `prod-00${n}`, name: `p${n}`, stock: 100 }));

  it("generates valid, reproducible orders whose totals add up", () => {
    let s = 42;
    const random = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const orders = generateOrders(200, catalogue, random, "run");
    for (const o of orders) {
      const cents = o.items.reduce((t, i) => t + Math.round(i.price * 100) * i.quantity, 0);
      expect(Math.round(o.totalAmount * 100)).toBe(cents);
      expect(new Set(o.items.map((i) => i.productId)).size).toBe(o.items.length);
      expect(o.totalAmount).toBeLessThanOrEqual(1000);
    }
    expect(new Set(orders.map((o) => o.idempotencyKey)).size).toBe(200);
    expect(stockFor(orders)).toBeGreaterThan(0);
  });

  it("summarizes outcomes with nearest-rank percentiles", () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
    const o = (status: OrderOutcome["status"], latencyMs: number) => ({ index: 0, orderId: null, status, error: null, latencyMs, attempts: 1, traceFrom: 0, submittedAt: 0, requestIds: [] });
    expect(summarize([o("COMPLETED", 10), o("FAILED", 20), o("REJECTED", 30), o("COMPLETED", 40)], 2000)).toEqual({
      submitted: 4,
      completed: 2,
      failed: 1,
      rejected: 1,
      throughputPerSecond: 2,
      latencyMs: { p50: 20, p95: 40, p99: 40 },
    });
  });

  it("prints the summary, with the CPU time per order when it was measured", () => {
    const summary = { submitted: 4, completed: 4, failed: 0, rejected: 0, throughputPerSecond: 2, latencyMs: { p50: 20, p95: 40, p99: 40 } };
    expect(summaryLines(summary, 2000)).toEqual([
      "Submitted 4: completed 4, failed 0, rejected 0 in 2.0 s",
      "Throughput 2 orders/s; latency p50 20 ms, p95 40 ms, p99 40 ms",
    ]);
    expect(summaryLines(summary, 2000, 130)[2]).toBe("CPU 32.5 ms per order (all threads: functions, dynalite, bus, state machines, V8)");
  });
});
