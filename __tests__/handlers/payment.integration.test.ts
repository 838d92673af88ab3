import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { createPaymentHandler } from "../../handlers/payment";
import {
  SIMULATOR_DECLINED_PREFIX,
  SIMULATOR_LIMIT_CENTS,
  SimulatedPaymentGateway,
  type PaymentGateway,
} from "../../handlers/payment/gateway";
import { paymentIdOf } from "../../handlers/payment/service";
import {
  PaymentConflict,
  PaymentDeclined,
  PaymentGatewayUnavailable,
  PaymentInProgress,
  ValidationError,
} from "../../handlers/shared/errors";
import { countingClient, startLocalAws, testObservability, type LocalAws } from "../support/local-aws";
import { getItem } from "../support/orders";

let aws: LocalAws;
let gateway: SimulatedPaymentGateway;
let payment: ReturnType<typeof createPaymentHandler>;
let seq = 0;
const newOrderId = () => `ord_${(++seq).toString(16).padStart(8, "0")}${"1".repeat(24)}`;

beforeAll(async () => {
  aws = await startLocalAws("payment");
  gateway = new SimulatedPaymentGateway({ recordCalls: true });
  payment = createPaymentHandler({
    db: aws.db,
    paymentsTableName: aws.tables.payments,
    gateway,
    obs: testObservability("payment"),
  });
});
afterAll(() => aws.close());

const charge = (orderId: string, amountCents = 8997, customerId = "customer-1") =>
  payment({ action: "charge", orderId, customerId, amountCents });
const refund = (orderId: string) => payment({ action: "refund", orderId, reason: "OutOfStock" });
const record = (orderId: string) => getItem(aws.db, aws.tables.payments, { orderId });
const callsFor = (orderId: string, kind: "charge" | "refund") =>
  gateway.calls.filter((c) => c.idempotencyKey === orderId && c.kind === kind);

describe("simulated gateway decline rule", () => {
  test.each<[string, string, number, boolean]>([
    ["an ordinary charge", "customer-1", 8997, true],
    ["exactly the limit (1,000.00)", "customer-1", SIMULATOR_LIMIT_CENTS, true],
    ["one cent over the limit", "customer-1", SIMULATOR_LIMIT_CENTS + 1, false],
    [`a customer id starting with "${SIMULATOR_DECLINED_PREFIX}"`, `${SIMULATOR_DECLINED_PREFIX}42`, 100, false],
  ])("%s", async (_name, customerId, amountCents, approved) => {
    const outcome = await new SimulatedPaymentGateway().charge({ idempotencyKey: "k", customerId, amountCents });
    expect(outcome.approved).toBe(approved);
  });
});

describe("charge", () => {
  test("charges once and records the payment", async () => {
    const orderId = newOrderId();
    await expect(charge(orderId)).resolves.toEqual({
      orderId,
      paymentId: paymentIdOf(orderId),
      status: "CHARGED",
      amountCents: 8997,
    });
    expect(await record(orderId)).toMatchObject({
      status: "CHARGED",
      amountCents: 8997,
      transactionId: expect.stringMatching(/^txn_/),
    });
    expect(callsFor(orderId, "charge")).toHaveLength(1);
  });

  test("a charge is two writes (the record before the gateway, then its outcome); asking again is one", async () => {
    const { db, calls } = countingClient(aws.db);
    const counted = createPaymentHandler({
      db,
      paymentsTableName: aws.tables.payments,
      gateway,
      obs: testObservability("payment"),
    });
    const orderId = newOrderId();
    const request = { action: "charge", orderId, customerId: "customer-1", amountCents: 500 };
    await expect(counted(request)).resolves.toMatchObject({ status: "CHARGED" });
    expect(calls).toEqual(["Put", "Update"]);
    calls.length = 0;
    await expect(counted(request)).resolves.toMatchObject({ status: "CHARGED" });
    // The conditional put that finds the record answers with it: no read before it.
    expect(calls).toEqual(["Put"]);
    expect(callsFor(orderId, "charge")).toHaveLength(1);
  });

  test("is idempotent per order: a repeated charge returns the payment without calling the gateway", async () => {
    const orderId = newOrderId();
    const first = await charge(orderId);
    await expect(charge(orderId)).resolves.toEqual(first);
    expect(callsFor(orderId, "charge")).toHaveLength(1);
  });

  test("concurrent charges of one order reach the gateway with one idempotency key and record one payment", async () => {
    const orderId = newOrderId();
    const results = await Promise.allSettled([charge(orderId), charge(orderId), charge(orderId)]);
    for (const r of results) if (r.status === "fulfilled") expect(r.value).toMatchObject({ status: "CHARGED" });
    expect(results.some((r) => r.status === "fulfilled")).toBe(true);
    expect(new Set(callsFor(orderId, "charge").map((c) => c.idempotencyKey))).toEqual(new Set([orderId]));
    expect(await record(orderId)).toMatchObject({ status: "CHARGED" });
  });

  test("a decline is PaymentDeclined (not a result), recorded, and the same on every retry", async () => {
    const orderId = newOrderId();
    const error = await charge(orderId, SIMULATOR_LIMIT_CENTS + 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentDeclined);
    expect(error).toMatchObject({ name: "PaymentDeclined", reason: "amount exceeds the card limit" });
    expect(await record(orderId)).toMatchObject({ status: "DECLINED", declineReason: "amount exceeds the card limit" });
    await expect(charge(orderId, SIMULATOR_LIMIT_CENTS + 1)).rejects.toMatchObject({ name: "PaymentDeclined" });
    expect(callsFor(orderId, "charge")).toHaveLength(1);
  });

  test("the same order with another amount is a conflict", async () => {
    const orderId = newOrderId();
    await charge(orderId, 100);
    await expect(charge(orderId, 200)).rejects.toBeInstanceOf(PaymentConflict);
  });

  test("a charge that crashed after recording CHARGING is resumed with the same idempotency key", async () => {
    const orderId = newOrderId();
    await aws.db.send(
      new PutCommand({
        TableName: aws.tables.payments,
        Item: {
          orderId,
          paymentId: paymentIdOf(orderId),
          status: "CHARGING",
          customerId: "customer-1",
          amountCents: 8997,
          gateway: "simulator",
          chargeStartedAt: Date.now(),
          createdAt: "",
          updatedAt: "",
        },
      }),
    );
    await expect(charge(orderId)).resolves.toMatchObject({ status: "CHARGED" });
  });

  test("an unavailable gateway is a transient PaymentGatewayUnavailable and leaves the charge resumable", async () => {
    const orderId = newOrderId();
    let down = true;
    const flaky: PaymentGateway = {
      name: "flaky",
      charge: async (request) => {
        if (down) throw new PaymentGatewayUnavailable("gateway timed out");
        return gateway.charge(request);
      },
      refund: (request) => gateway.refund(request),
    };
    const handler = createPaymentHandler({
      db: aws.db,
      paymentsTableName: aws.tables.payments,
      gateway: flaky,
      obs: testObservability("payment"),
    });
    await expect(handler({ action: "charge", orderId, customerId: "c", amountCents: 50 })).rejects.toMatchObject({
      name: "PaymentGatewayUnavailable",
      retryable: true,
    });
    down = false;
    await expect(handler({ action: "charge", orderId, customerId: "c", amountCents: 50 })).resolves.toMatchObject({
      status: "CHARGED",
    });
  });

  test.each<[string, unknown, string]>([
    ["an unknown action", { action: "capture", orderId: "ord_x" }, "action"],
    ["a bad order id", { action: "charge", orderId: "o-1", customerId: "c", amountCents: 1 }, "orderId"],
    [
      "a fractional amount",
      { action: "charge", orderId: `ord_${"2".repeat(32)}`, customerId: "c", amountCents: 1.5 },
      "amountCents",
    ],
    ["a missing customer", { action: "charge", orderId: `ord_${"2".repeat(32)}`, amountCents: 1 }, "customerId"],
  ])("refuses %s, naming the field", async (_name, input, field) => {
    const error = await payment(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field)).toContain(field);
  });
});

describe("refund", () => {
  test("refunds a charge once, however often it is asked", async () => {
    const orderId = newOrderId();
    await charge(orderId);
    await expect(refund(orderId)).resolves.toEqual({
      orderId,
      paymentId: paymentIdOf(orderId),
      status: "REFUNDED",
      amountCents: 8997,
    });
    await expect(refund(orderId)).resolves.toMatchObject({ status: "REFUNDED", amountCents: 8997 });
    expect(callsFor(orderId, "refund")).toHaveLength(1);
    expect(await record(orderId)).toMatchObject({ status: "REFUNDED", refundId: expect.stringMatching(/^rfd_/) });
  });

  test("of a declined payment: NOT_CHARGED, nothing refunded", async () => {
    const orderId = newOrderId();
    await charge(orderId, 1, `${SIMULATOR_DECLINED_PREFIX}x`).catch(() => undefined);
    await expect(refund(orderId)).resolves.toMatchObject({ status: "NOT_CHARGED", amountCents: 0 });
    expect(callsFor(orderId, "refund")).toHaveLength(0);
  });

  test("before any charge: the payment is voided and a late charge is refused", async () => {
    const orderId = newOrderId();
    await expect(refund(orderId)).resolves.toMatchObject({ status: "NOT_CHARGED" });
    await expect(charge(orderId)).rejects.toBeInstanceOf(PaymentConflict);
    expect(callsFor(orderId, "charge")).toHaveLength(0);
  });

  test("while a charge is running: PaymentInProgress (retryable), nothing refunded yet", async () => {
    const orderId = newOrderId();
    await aws.db.send(
      new PutCommand({
        TableName: aws.tables.payments,
        Item: {
          orderId,
          paymentId: paymentIdOf(orderId),
          status: "CHARGING",
          customerId: "c",
          amountCents: 10,
          gateway: "simulator",
          chargeStartedAt: Date.now(),
          createdAt: "",
          updatedAt: "",
        },
      }),
    );
    const error = await refund(orderId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PaymentInProgress);
    expect(error).toMatchObject({ name: "PaymentInProgress", retryable: true });
  });

  test("of a charge abandoned long ago: voided at the gateway", async () => {
    const orderId = newOrderId();
    await aws.db.send(
      new PutCommand({
        TableName: aws.tables.payments,
        Item: {
          orderId,
          paymentId: paymentIdOf(orderId),
          status: "CHARGING",
          customerId: "c",
          amountCents: 10,
          gateway: "simulator",
          chargeStartedAt: Date.now() - 10 * 60_000,
          createdAt: "",
          updatedAt: "",
        },
      }),
    );
    await expect(refund(orderId)).resolves.toMatchObject({ status: "REFUNDED", amountCents: 10 });
    expect(callsFor(orderId, "refund")).toHaveLength(1);
    expect(await record(orderId)).toMatchObject({ status: "VOIDED" });
    await expect(refund(orderId)).resolves.toMatchObject({ status: "REFUNDED" });
    expect(callsFor(orderId, "refund")).toHaveLength(1);
  });
});

describe("strict input, with the Order service's rules", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  test.each<[string, Record<string, unknown>, string]>([
    [
      "a 200,000-character customer id with a newline and U+202E",
      { customerId: `a\n\u202e${"c".repeat(200_000)}` },
      "customerId",
    ],
    ["an amount over 1,000,000.00", { amountCents: 100_000_001 }, "amountCents"],
    ["an unknown field", { items: [] }, "items"],
    ["input nested deeper than any order", { extra: deep }, "(root)"],
  ])(
    "a charge with %s is refused (ValidationError naming the field) before the gateway is called",
    async (_name, fields, field) => {
      const orderId = newOrderId();
      const error = await payment({
        action: "charge",
        orderId,
        customerId: "customer-1",
        amountCents: 100,
        ...fields,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.field)).toContain(field);
      expect(callsFor(orderId, "charge")).toHaveLength(0);
      expect(await record(orderId)).toBeUndefined();
    },
  );

  test("a refund reason that is not an error name is refused", async () => {
    await expect(payment({ action: "refund", orderId: newOrderId(), reason: "x".repeat(5000) })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
