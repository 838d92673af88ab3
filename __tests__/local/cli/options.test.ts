import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UsageError, parseCliOptions } from "../../../src/local/cli/options";
import { eventPath, summaryLines } from "../../../src/local/cli/report";
import { generateOrders, percentile, stockFor, summarize } from "../../../src/local/orders/load";
import type { OrderOutcome } from "../../../src/local/orders/order-driver";
import type { TraceRecord } from "../../../src/local/runtime/trace";

describe("npm run local options", () => {
  it("has defaults that submit the sample order to orders-dev", () => {
    expect(parseCliOptions([])).toMatchObject({
      stack: "orders-dev",
      outdir: "cdktf.out",
      orders: [],
      json: false,
      timeScale: 0.001,
      timeoutSeconds: 60,
    });
    expect(parseCliOptions(["--", "--json"]).json).toBe(true);
    expect(parseCliOptions([]).iam).toBe("enforce");
    expect(parseCliOptions(["--iam", "warn"]).iam).toBe("warn");
    expect(parseCliOptions(["--iam", "off"]).iam).toBe("off");
  });

  it("reads repeatable orders, variables and a load", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));
    fs.writeFileSync(path.join(dir, "a.json"), '{"customerId":"c"}');
    fs.writeFileSync(path.join(dir, "b.json"), '[{"customerId":"d"},{"customerId":"e"}]');
    const o = parseCliOptions([
      "--order",
      path.join(dir, "a.json"),
      "--order",
      path.join(dir, "b.json"),
      "--var",
      "project_name=shop",
      "--var",
      "x=a=b",
    ]);
    expect(o.orders.map((x) => x.order)).toEqual([{ customerId: "c" }, { customerId: "d" }, { customerId: "e" }]);
    expect(o.variables).toEqual([
      { kind: "var", name: "project_name", value: "shop" },
      { kind: "var", name: "x", value: "a=b" },
    ]);
    expect(parseCliOptions(["--orders", "300", "--concurrency", "8", "--fail", "payment=0.2"])).toMatchObject({
      load: { count: 300, concurrency: 8, warmup: 0 },
      faults: { payment: 0.2 },
    });
    expect(parseCliOptions(["--orders", "300", "--warmup", "100"]).load).toEqual({
      count: 300,
      concurrency: 16,
      warmup: 100,
    });
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

describe("--event and --catalogue files", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-files-"));
  const file = (name: string, content: unknown) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
    return p;
  };

  it("reads raw PutEvents entries, one or an array, repeatable, Detail as an object or JSON text", () => {
    const one = file("one.json", { Source: "a.b", DetailType: "T", Detail: { x: 1 } });
    const many = file("many.json", [
      { Source: "c", DetailType: "U", Detail: '{"y":2}', EventBusName: "bus", Resources: ["r"] },
    ]);
    const o = parseCliOptions(["--event", one, "--event", many]);
    expect(o.events).toEqual([
      { file: one, entry: { Source: "a.b", DetailType: "T", Detail: '{"x":1}' } },
      { file: many, entry: { Source: "c", DetailType: "U", Detail: '{"y":2}', EventBusName: "bus", Resources: ["r"] } },
    ]);
    expect(parseCliOptions([]).events).toEqual([]);
  });

  it.each<[string, unknown, RegExp]>([
    ["no Source", { DetailType: "T", Detail: {} }, /\.Source is required|Source is required/],
    ["an empty DetailType", { Source: "s", DetailType: "", Detail: {} }, /DetailType must not be empty/],
    [
      "a Detail that is not JSON text",
      { Source: "s", DetailType: "T", Detail: "{nope" },
      /Detail is not valid JSON text/,
    ],
    ["a Detail that holds an array", { Source: "s", DetailType: "T", Detail: "[1]" }, /Detail must hold a JSON object/],
    [
      "an unknown field",
      { Source: "s", DetailType: "T", Detail: {}, Detial: {} },
      /Detial is not a PutEvents entry field/,
    ],
    ["an empty array", [], /the array holds no entry/],
    [
      "a second entry without Detail",
      [
        { Source: "s", DetailType: "T", Detail: {} },
        { Source: "s", DetailType: "T" },
      ],
      /\[1\]\.Detail/,
    ],
  ])("refuses an event file with %s, naming the file and the field", (_name, content, message) => {
    const p = file("bad-event.json", content);
    expect(() => parseCliOptions(["--event", p])).toThrow(
      new RegExp(`--event ${p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `),
    );
    expect(() => parseCliOptions(["--event", p])).toThrow(message);
  });

  it("shows an event's path, then whether the bus took it", () => {
    const entry = { Source: "s", DetailType: "T", Detail: "{}" };
    const records = [
      { kind: "event-accepted", at: 10, eventId: "e-1", bus: "b", source: "s", detailType: "T", detail: {} },
      { kind: "rule-matched", at: 11, rule: "r", target: "arn:aws:lambda:us-east-1:0:function:f" },
    ] as unknown as TraceRecord[];
    expect(eventPath(records, { entry, result: { EventId: "e-1" }, traceFrom: 0 })).toEqual([
      '+    0 ms  event "T" from s on b',
      "+    1 ms  rule r -> f",
      "Result: accepted as event e-1",
    ]);
    expect(
      eventPath([], {
        entry,
        result: { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." },
        traceFrom: 0,
      }),
    ).toEqual(["Result: refused by the bus (MalformedDetail: Detail is malformed.)"]);
  });

  it("reads a catalogue: prices as decimal amounts, in cents", () => {
    const p = file("catalogue.json", { products: [{ productId: "beans-2", name: "Beans", price: 12.5, stock: 7 }] });
    expect(parseCliOptions(["--catalogue", p]).catalogue).toEqual([
      { productId: "beans-2", name: "Beans", priceCents: 1250, stock: 7 },
    ]);
  });

  it.each<[string, unknown, RegExp]>([
    ["no products key", { items: [] }, /products is required|items is not an allowed field/],
    ["no product", { products: [] }, /products must hold at least one product/],
    [
      "a price with three decimals",
      { products: [{ productId: "p", name: "n", price: 1.234, stock: 1 }] },
      /products\[0\]\.price must have at most 2 decimal places/,
    ],
    [
      "a price as text",
      { products: [{ productId: "p", name: "n", price: "1.00", stock: 1 }] },
      /products\[0\]\.price must be a number/,
    ],
    [
      "negative stock",
      { products: [{ productId: "p", name: "n", price: 1, stock: -1 }] },
      /products\[0\]\.stock must be at least 0/,
    ],
    [
      "a product id the Order service would refuse",
      { products: [{ productId: "a b", name: "n", price: 1, stock: 1 }] },
      /products\[0\]\.productId may only contain/,
    ],
    [
      "a repeated product",
      {
        products: [
          { productId: "p", name: "n", price: 1, stock: 1 },
          { productId: "p", name: "m", price: 2, stock: 1 },
        ],
      },
      /products\[1\]\.productId repeats products\[0\]\.productId/,
    ],
    [
      "an unknown field",
      { products: [{ productId: "p", name: "n", price: 1, stock: 1, colour: "red" }] },
      /products\[0\]\.colour is not an allowed field/,
    ],
  ])("refuses a catalogue with %s, naming the field", (_name, content, message) => {
    const p = file("bad-catalogue.json", content);
    expect(() => parseCliOptions(["--catalogue", p])).toThrow(message);
  });

  it("refuses missing and unparsable files", () => {
    expect(() => parseCliOptions(["--event", "/nonexistent.json"])).toThrow(/--event \/nonexistent.json: no such file/);
    expect(() => parseCliOptions(["--catalogue", file("not-json.json", "{")])).toThrow(
      /--catalogue .*: not valid JSON/,
    );
  });
});

describe("load runs", () => {
  const prices = [2999, 2400, 8999, 5900, 495];
  const catalogue = [1, 2, 3, 4, 5].map((n) => ({
    productId: `prod-00${n}`,
    name: `p${n}`,
    priceCents: prices[n - 1]!,
    stock: 100,
  }));

  it("generates valid, reproducible orders at the catalogue's prices whose totals add up", () => {
    let s = 42;
    const random = () => (s = (s * 16807) % 2147483647) / 2147483647;
    const orders = generateOrders(200, catalogue, random, "run");
    for (const o of orders) {
      const cents = o.items.reduce((t, i) => t + Math.round(i.price * 100) * i.quantity, 0);
      expect(Math.round(o.totalAmount * 100)).toBe(cents);
      expect(new Set(o.items.map((i) => i.productId)).size).toBe(o.items.length);
      for (const i of o.items)
        expect(Math.round(i.price * 100)).toBe(catalogue.find((p) => p.productId === i.productId)!.priceCents);
      expect(o.totalAmount).toBeLessThanOrEqual(1000);
    }
    expect(new Set(orders.map((o) => o.idempotencyKey)).size).toBe(200);
    expect(stockFor(orders)).toBeGreaterThan(0);
  });

  it("summarizes outcomes with nearest-rank percentiles", () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        99,
      ),
    ).toBe(99);
    const o = (status: OrderOutcome["status"], latencyMs: number) => ({
      index: 0,
      orderId: null,
      status,
      error: null,
      latencyMs,
      attempts: 1,
      traceFrom: 0,
      submittedAt: 0,
      requestIds: [],
    });
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
    const summary = {
      submitted: 4,
      completed: 4,
      failed: 0,
      rejected: 0,
      throughputPerSecond: 2,
      latencyMs: { p50: 20, p95: 40, p99: 40 },
    };
    expect(summaryLines(summary, 2000)).toEqual([
      "Submitted 4: completed 4, failed 0, rejected 0 in 2.0 s",
      "Throughput 2 orders/s; latency p50 20 ms, p95 40 ms, p99 40 ms",
    ]);
    expect(summaryLines(summary, 2000, 130)[2]).toBe(
      "CPU 32.5 ms per order (all threads: functions, dynalite, bus, state machines, V8)",
    );
  });
});
