import { checkFaultTargets, faultInjector, parseFaultSpec } from "../../../src/local/runtime/faults";
import { formatInventory, stackInventory } from "../../../src/local/runtime/inventory";
import type { FunctionSpec } from "../../../src/local/runtime/lambda/local-function";

const fn = (service: string) =>
  ({ name: `orders-dev-${service}`, environment: { POWERTOOLS_SERVICE_NAME: service } }) as unknown as FunctionSpec;
const sfnCaller = (catches: string[], retries: string[]) => ({
  kind: "state-machine" as const,
  stateName: "S",
  catches,
  retries,
});

describe("--fail", () => {
  it("parses service=rate lists and refuses what it cannot use", () => {
    expect(parseFaultSpec("payment=0.2, inventory=0.1")).toEqual({ payment: 0.2, inventory: 0.1 });
    expect(() => parseFaultSpec("payment")).toThrow(/must look like service=rate/);
    expect(() => parseFaultSpec("payment=2")).toThrow(/from 0 to 1/);
    expect(() => checkFaultTargets({ shipping: 0.1 }, [fn("payment"), fn("order")])).toThrow(
      "--fail shipping: no such service; the stack's services are order, payment",
    );
  });

  it("answers with a business error only where the calling state catches one, else with a retried Lambda error", () => {
    const always = faultInjector({
      rates: { payment: 1 },
      businessErrors: ["PaymentDeclined", "OutOfStock"],
      random: () => 0.1,
    });
    expect(always(fn("payment"), sfnCaller(["PaymentDeclined", "States.ALL"], []), "RequestResponse")).toMatchObject({
      kind: "business",
      error: { errorType: "PaymentDeclined" },
    });
    const refund = always(fn("payment"), sfnCaller([], ["Lambda.TooManyRequestsException"]), "RequestResponse");
    expect(refund).toMatchObject({
      kind: "transient",
      serviceError: { name: "TooManyRequestsException", statusCode: 429 },
    });
    expect(always(fn("payment"), { kind: "event-bridge", rule: "r" }, "Event")).toMatchObject({
      kind: "transient",
      error: { errorType: "InjectedFault" },
    });
    expect(always(fn("order"), { kind: "client" }, "RequestResponse")).toBeUndefined();
  });

  it("fails about the given share of invocations", () => {
    let seed = 1;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const decide = faultInjector({ rates: { inventory: 0.2 }, businessErrors: [], random });
    const failures = Array.from({ length: 5000 }, () =>
      decide(fn("inventory"), { kind: "client" }, "RequestResponse"),
    ).filter(Boolean).length;
    expect(failures / 5000).toBeGreaterThan(0.17);
    expect(failures / 5000).toBeLessThan(0.23);
  });
});

describe("the resource inventory", () => {
  it("lists every resource with what runs it, or why it does not run, never silently", () => {
    const entries = stackInventory(
      {
        resource: {
          aws_dynamodb_table: { t: {} },
          aws_iam_role: { r: {} },
          aws_cloudwatch_log_group: { l: {} },
          aws_sns_topic_subscription: { s: { count: '${var.email == "" ? 0 : 1}' } },
          aws_kinesis_stream: { k: {} },
        },
        data: { archive_file: { z: {} }, aws_caller_identity: { me: {} } },
      },
      (v) => (typeof v === "string" && v.includes("var.email") ? 0 : (v as never)),
    );
    expect(entries.map((e) => [e.address, e.runs])).toEqual([
      ["aws_dynamodb_table.t", true],
      ["aws_iam_role.r", true],
      ["data.archive_file.z", true],
      ["aws_cloudwatch_log_group.l", false],
      ["aws_kinesis_stream.k", false],
      ["aws_sns_topic_subscription.s", false],
      ["data.aws_caller_identity.me", false],
    ]);
    const text = formatInventory(entries).join("\n");
    expect(text).toMatch(/aws_iam_role +enforced \(--iam\)/);
    expect(text).toMatch(/Not run locally:[\s\S]*aws_cloudwatch_log_group +function output is kept by the runtime/);
    expect(text).toMatch(/aws_kinesis_stream +not emulated by the local runtime/);
    expect(text).toMatch(/aws_sns_topic_subscription +count = 0/);
  });
});
