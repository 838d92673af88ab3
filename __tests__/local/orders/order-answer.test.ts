/**
 * How the order driver reads the Order service's answers. The API-Gateway-style answers are built by
 * the handler's own response helpers, so the cases are the shapes the function really returns.
 */
import { errorResponse, jsonResponse } from "../../../handlers/shared/api";
import { OrderPublishFailed, RequestInProgress, ValidationError } from "../../../handlers/shared/errors";
import { readAnswer } from "../../../src/local/orders/order-driver";

const apiRequest = { body: "{}", headers: { "Idempotency-Key": "k" } };
const view = { orderId: "ord_1", status: "PENDING" };

describe("the Order service's answer to an API-Gateway-style request", () => {
  it("201 and 200 carry the order: accepted, with the order id from the body", () => {
    expect(readAnswer(apiRequest, { payload: jsonResponse(201, view) })).toEqual({
      kind: "accepted",
      orderId: "ord_1",
      status: "PENDING",
    });
    expect(readAnswer({ body: null }, { payload: jsonResponse(200, { ...view, status: "COMPLETED" }) })).toMatchObject({
      kind: "accepted",
      status: "COMPLETED",
    });
  });

  it("a 4xx is the client's to fix: rejected with the handler's error and message", () => {
    const answer = readAnswer(apiRequest, {
      payload: errorResponse(new ValidationError([{ field: "body", rule: "must be valid JSON" }])),
    });
    expect(answer).toEqual({
      kind: "rejected",
      error: { name: "ValidationError", message: "Invalid request: body must be valid JSON" },
    });
  });

  it("a 4xx the handler marks retryable, and every 5xx, are retried", () => {
    expect(readAnswer(apiRequest, { payload: errorResponse(new RequestInProgress("ord_1", 1)) })).toMatchObject({
      kind: "retry",
      error: { name: "RequestInProgress" },
    });
    expect(
      readAnswer(apiRequest, { payload: errorResponse(new OrderPublishFailed("ord_1", true, "bus down")) }),
    ).toMatchObject({ kind: "retry", error: { name: "OrderPublishFailed" } });
    expect(readAnswer(apiRequest, { payload: errorResponse(new Error("boom")) })).toMatchObject({
      kind: "retry",
      error: { name: "InternalError" },
    });
  });

  it("an answer that is no API response, or a 2xx without an order id, is unexpected", () => {
    expect(readAnswer(apiRequest, { payload: view })).toMatchObject({
      kind: "unexpected",
      error: { name: "UnexpectedAnswer" },
    });
    expect(readAnswer(apiRequest, { payload: { statusCode: 200, body: "not json" } })).toMatchObject({
      kind: "unexpected",
    });
    expect(readAnswer(apiRequest, { payload: jsonResponse(201, {}) })).toMatchObject({
      kind: "unexpected",
      error: { message: expect.stringContaining("no orderId") },
    });
  });
});

describe("the Order service's answer to a direct invoke", () => {
  it("the order view is accepted; a function error is rejected when the client must change the order, retried otherwise", () => {
    expect(readAnswer(view, { payload: view })).toMatchObject({ kind: "accepted", orderId: "ord_1" });
    const failure = (errorType: string) => ({ payload: null, functionError: { errorType, errorMessage: "m" } });
    expect(readAnswer(view, failure("ValidationError"))).toMatchObject({ kind: "rejected" });
    expect(readAnswer(view, failure("IdempotencyConflict"))).toMatchObject({ kind: "rejected" });
    expect(readAnswer(view, failure("RequestInProgress"))).toMatchObject({ kind: "retry" });
    expect(readAnswer(view, { payload: { status: "PENDING" } })).toMatchObject({ kind: "unexpected" });
  });
});
