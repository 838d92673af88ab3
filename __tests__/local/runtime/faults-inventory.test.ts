import {
  checkFaultTargets,
  faultInjector,
  firstFault,
  parseFaultSpec,
  withTaskFaults,
} from "../../../src/local/runtime/faults";
import { formatInventory, stackInventory } from "../../../src/local/runtime/inventory";
import { AwsServiceError } from "../../../src/local/runtime/service-error";
import type { FunctionSpec } from "../../../src/local/runtime/lambda/local-function";
import type { TaskBackends } from "../../../src/local/runtime/stepfunctions/task-bindings";

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

describe("per-call fault hooks", () => {
  it("asks a test's decider first, with the event, and leaves the rest to the --fail rates", () => {
    const rates = faultInjector({ rates: { payment: 1 }, businessErrors: [], random: () => 0.1 });
    const seen: unknown[] = [];
    const decide = firstFault((_fn, _caller, _type, event) => {
      seen.push(event);
      return (event as { action?: string }).action === "refund" ? { kind: "crash", message: "lost" } : undefined;
    }, rates)!;
    expect(decide(fn("payment"), { kind: "client" }, "RequestResponse", { action: "refund" })).toEqual({
      kind: "crash",
      message: "lost",
    });
    expect(decide(fn("payment"), { kind: "client" }, "RequestResponse", { action: "charge" })).toMatchObject({
      kind: "transient",
      serviceError: { name: "ServiceException" },
    });
    expect(seen).toEqual([{ action: "refund" }, { action: "charge" }]);
    // Without a decider of its own, --fail alone decides, as before.
    expect(firstFault(undefined, rates)).toBe(rates);
    expect(firstFault(undefined, undefined)).toBeUndefined();
  });

  it("answers a Task's DynamoDB or PutEvents call with the fault instead of the service", async () => {
    const made: string[] = [];
    const backends = {
      dynamodb: async (action: string) => (made.push(action), {}),
      putEvents: async (entries: readonly unknown[]) => (
        made.push("PutEvents"),
        { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: "e" })) }
      ),
    } as unknown as TaskBackends;
    const faulty = withTaskFaults(
      backends,
      (call) =>
        call.state !== "Flaky"
          ? undefined
          : call.service === "dynamodb"
            ? { kind: "error", error: new AwsServiceError("InternalServerError", "down", { statusCode: 500 }) }
            : { kind: "failed-entries", errorCode: "InternalFailure", errorMessage: "no" },
      { stateMachine: "m", state: "Flaky" },
    );
    await expect(faulty.dynamodb("UpdateItem", {})).rejects.toMatchObject({ name: "InternalServerError" });
    await expect(faulty.putEvents([{} as never, {} as never])).resolves.toEqual({
      FailedEntryCount: 2,
      Entries: [
        { ErrorCode: "InternalFailure", ErrorMessage: "no" },
        { ErrorCode: "InternalFailure", ErrorMessage: "no" },
      ],
    });
    expect(made).toEqual([]);
    const healthy = withTaskFaults(backends, () => undefined, { stateMachine: "m", state: "Fine" });
    await healthy.dynamodb("UpdateItem", {});
    await healthy.putEvents([]);
    expect(made).toEqual(["UpdateItem", "PutEvents"]);
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
