import validateAsl from "asl-validator";
import { BusinessError as BusinessErrors } from "../../src/contracts/errors";
import { DetailType, EventSource, RulePatterns } from "../../src/contracts/events";
import { matchesEventPattern } from "../../src/local/event-pattern";
import {
  COMPENSATION_STATE_NAMES,
  StateName,
  WORKFLOW_BUSINESS_ERRORS,
  WORKFLOW_STATE_NAMES,
} from "../../src/workflow/names";
import { buildOrderWorkflowDefinition } from "../../src/workflow/order-workflow";
import { Resource } from "../../src/workflow/tasks";
import type { State, TaskState } from "../../src/workflow/asl";

const refs = {
  paymentFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:orders-payment",
  inventoryFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:orders-inventory",
  ordersTableName: "orders-table",
  eventBusName: "orders-bus",
};
const definition = buildOrderWorkflowDefinition(refs);
const states = definition.States as Record<string, State>;
const tasks = Object.entries(states).filter((entry): entry is [string, TaskState] => entry[1].Type === "Task");
const task = (name: string) => states[name] as TaskState;
const nextOf = (state: State): string[] => [
  ...("Next" in state && state.Next ? [state.Next] : []),
  ...(("Catch" in state && state.Catch) || []).map((c) => c.Next),
];

describe("order workflow definition", () => {
  test("asl-validator accepts it (ARNs and paths checked)", () => {
    // (the validator adds defaults to what it is given: hand it a copy)
    const { isValid, errorsText } = validateAsl(structuredClone(definition) as never, {
      checkArn: true,
      checkPaths: true,
    });
    expect(errorsText("\n")).toBe("");
    expect(isValid).toBe(true);
  });

  test("its states are exactly the exported state names", () => {
    expect(Object.keys(states).sort()).toEqual([...WORKFLOW_STATE_NAMES].sort());
    expect(WORKFLOW_BUSINESS_ERRORS).toEqual(["PaymentDeclined", "OutOfStock"]);
  });

  test("the happy path: claim, charge, reserve, complete, publish, succeed", () => {
    const path = [definition.StartAt];
    while (states[path.at(-1)!]!.Type === "Task") path.push((states[path.at(-1)!] as TaskState).Next!);
    expect(path).toEqual([
      "ClaimOrder",
      "ProcessPayment",
      "ReserveInventory",
      "CompleteOrder",
      "PublishOrderCompleted",
      "OrderSucceeded",
    ]);
    expect(states.OrderSucceeded!.Type).toBe("Succeed");
  });

  test("every transition lands on a state, and every state is reachable", () => {
    const reachable = new Set<string>();
    const visit = (name: string) => {
      if (reachable.has(name)) return;
      expect(states[name]).toBeDefined();
      reachable.add(name);
      nextOf(states[name]!).forEach(visit);
    };
    visit(definition.StartAt);
    expect([...reachable].sort()).toEqual(Object.keys(states).sort());
  });

  test("business errors are routed: PaymentDeclined to MarkFailed, OutOfStock to RefundPayment", () => {
    expect(task("ProcessPayment").Catch).toEqual([
      { ErrorEquals: [BusinessErrors.paymentDeclined], Next: "MarkFailed", ResultPath: "$.error" },
      { ErrorEquals: ["States.ALL"], Next: "RefundPayment", ResultPath: "$.error" },
    ]);
    expect(task("ReserveInventory").Catch).toEqual([
      { ErrorEquals: [BusinessErrors.outOfStock], Next: "RefundPayment", ResultPath: "$.error" },
      { ErrorEquals: ["States.ALL"], Next: "ReleaseInventory", ResultPath: "$.error" },
    ]);
  });

  test("failures after the reservation compensate in reverse order: release, refund, mark failed", () => {
    for (const name of ["CompleteOrder", "PublishOrderCompleted"]) {
      expect(task(name).Catch).toEqual([
        { ErrorEquals: ["States.ALL"], Next: "ReleaseInventory", ResultPath: "$.error" },
      ]);
    }
    expect(task("ReleaseInventory").Next).toBe("RefundPayment");
    expect(task("RefundPayment").Next).toBe("MarkFailed");
    expect(task("MarkFailed").Next).toBe("PublishOrderFailed");
    expect(task("PublishOrderFailed").Next).toBe("OrderFailed");
    expect(states.OrderFailed).toMatchObject({ Type: "Fail", ErrorPath: "$.error.Error", CausePath: "$.error.Cause" });
  });

  test("compensations and the failure bookkeeping retry but never catch: a final failure fails the execution", () => {
    for (const name of [...COMPENSATION_STATE_NAMES, "MarkFailed", "PublishOrderFailed"]) {
      expect(task(name).Catch).toBeUndefined();
      expect(task(name).Retry.length).toBeGreaterThan(0);
    }
    // No path from a compensation reaches a Succeed state.
    const succeedReachable = (name: string, seen = new Set<string>()): boolean => {
      if (seen.has(name)) return false;
      seen.add(name);
      const state = states[name]!;
      return state.Type === "Succeed" || nextOf(state).some((n) => succeedReachable(n, seen));
    };
    for (const name of COMPENSATION_STATE_NAMES) expect(succeedReachable(name)).toBe(false);
  });

  test.each(tasks)("%s keeps the order: ResultPath never replaces the state, Catch keeps it too", (_name, t) => {
    expect(t.ResultPath === null || (typeof t.ResultPath === "string" && /^\$\.[a-zA-Z]+$/.test(t.ResultPath))).toBe(
      true,
    );
    expect(t.ResultPath).not.toBe("$");
    expect(t.ResultPath).not.toBe("$.detail");
    for (const c of t.Catch ?? []) expect(c.ResultPath).toBe("$.error");
  });

  test.each(tasks)("%s has a timeout and retries transient errors with capped, fully jittered backoff", (_name, t) => {
    expect(t.TimeoutSeconds).toBeGreaterThan(0);
    expect(t.TimeoutSeconds).toBeLessThanOrEqual(60);
    expect(t.Retry.length).toBeGreaterThan(0);
    for (const r of t.Retry) {
      expect(r).toMatchObject({ JitterStrategy: "FULL", BackoffRate: 2 });
      expect(r.MaxDelaySeconds).toBeGreaterThanOrEqual(r.IntervalSeconds);
      expect(r.MaxAttempts).toBeGreaterThan(0);
      expect(r.MaxAttempts).toBeLessThanOrEqual(10);
    }
  });

  test.each(tasks)("%s never retries a business error (nor everything)", (_name, t) => {
    const retried = t.Retry.flatMap((r) => r.ErrorEquals);
    for (const error of [
      ...WORKFLOW_BUSINESS_ERRORS,
      "States.ALL",
      "States.TaskFailed",
      "DynamoDB.ConditionalCheckFailedException",
    ]) {
      expect(retried).not.toContain(error);
    }
    const catchAll = (t.Catch ?? []).findIndex((c) => c.ErrorEquals.includes("States.ALL"));
    if (catchAll >= 0) expect(catchAll).toBe(t.Catch!.length - 1);
  });

  test("Lambda tasks retry the Lambda service errors and timeouts; other tasks their service's errors", () => {
    for (const [name, t] of tasks) {
      const retried = t.Retry.flatMap((r) => r.ErrorEquals);
      if (t.Resource === Resource.lambdaInvoke) {
        expect(retried).toEqual(
          expect.arrayContaining([
            "Lambda.ServiceException",
            "Lambda.AWSLambdaException",
            "Lambda.SdkClientException",
            "Lambda.TooManyRequestsException",
            "States.Timeout",
          ]),
        );
      } else if (t.Resource === Resource.dynamodbUpdateItem) {
        expect(retried).toEqual(
          expect.arrayContaining([
            "DynamoDB.ProvisionedThroughputExceededException",
            "DynamoDB.InternalServerErrorException",
            "States.Timeout",
          ]),
        );
      } else {
        expect(t.Resource).toBe(Resource.eventsPutEvents);
        expect(retried).toEqual(
          expect.arrayContaining(["EventBridge.InternalException", "EventBridge.FailedEntry", "States.Timeout"]),
        );
      }
      expect(name).toBeTruthy();
    }
  });

  test("Lambda tasks unwrap the invoke result: every selected field comes from $.Payload", () => {
    for (const [, t] of tasks.filter(([, t]) => t.Resource === Resource.lambdaInvoke)) {
      expect(Object.keys(t.Parameters).sort()).toEqual(["FunctionName", "Payload"]);
      const selector = t.ResultSelector as Record<string, string>;
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      for (const [key, path] of Object.entries(selector)) {
        expect(key.endsWith(".$")).toBe(true);
        expect(path.startsWith("$.Payload.")).toBe(true);
      }
    }
  });

  test("it needs exactly the permissions the state machine role grants", () => {
    const needed = new Set<string>();
    for (const [, t] of tasks) {
      const p = t.Parameters as Record<string, unknown>;
      if (t.Resource === Resource.lambdaInvoke) needed.add(`lambda:InvokeFunction ${p.FunctionName}`);
      if (t.Resource === Resource.dynamodbUpdateItem) needed.add(`dynamodb:UpdateItem ${p.TableName}`);
      if (t.Resource === Resource.eventsPutEvents)
        for (const e of p.Entries as { EventBusName: string }[]) needed.add(`events:PutEvents ${e.EventBusName}`);
    }
    expect([...needed].sort()).toEqual(
      [
        `lambda:InvokeFunction ${refs.paymentFunctionArn}`,
        `lambda:InvokeFunction ${refs.inventoryFunctionArn}`,
        `dynamodb:UpdateItem ${refs.ordersTableName}`,
        `events:PutEvents ${refs.eventBusName}`,
      ].sort(),
    );
  });

  test("it publishes the outcome events from the contracts, and they reach only the outcome rule", () => {
    const published = tasks
      .filter(([, t]) => t.Resource === Resource.eventsPutEvents)
      .flatMap(([, t]) => (t.Parameters as { Entries: { Source: string; DetailType: string }[] }).Entries);
    expect(published.map((e) => [e.Source, e.DetailType])).toEqual([
      [EventSource.orderWorkflow, DetailType.orderCompleted],
      [EventSource.orderWorkflow, DetailType.orderFailed],
    ]);
    for (const e of published) {
      const event = { source: e.Source, "detail-type": e.DetailType, detail: {} };
      expect(matchesEventPattern(RulePatterns.orderOutcome, event)).toBe(true);
      expect(matchesEventPattern(RulePatterns.orderCreated, event)).toBe(false);
    }
  });

  test("it renders safely with Terraform references: no ${ of its own, refs only as plain string values", () => {
    const marker = (name: string) => `TOKEN<${name}>`;
    const tokenized = buildOrderWorkflowDefinition({
      paymentFunctionArn: marker("payment"),
      inventoryFunctionArn: marker("inventory"),
      ordersTableName: marker("orders"),
      eventBusName: marker("bus"),
    });
    const text = JSON.stringify(tokenized);
    expect(text).not.toContain("${");
    // A ref never sits directly in an array (cdktf cannot render a list of tokens there).
    const walk = (value: unknown, inArray: boolean): void => {
      if (typeof value === "string" && value.startsWith("TOKEN<")) expect(inArray).toBe(false);
      else if (Array.isArray(value)) value.forEach((v) => walk(v, true));
      else if (value && typeof value === "object") Object.values(value).forEach((v) => walk(v, false));
    };
    walk(tokenized, false);
    expect(text.match(/TOKEN<payment>/g)).toHaveLength(2);
    expect(text.match(/TOKEN<inventory>/g)).toHaveLength(2);
    expect(text.match(/TOKEN<orders>/g)).toHaveLength(3);
    expect(text.match(/TOKEN<bus>/g)).toHaveLength(2);
  });

  test("is a pure function of its refs", () => {
    expect(buildOrderWorkflowDefinition(refs)).toEqual(definition);
    expect(JSON.stringify(buildOrderWorkflowDefinition(refs))).toBe(JSON.stringify(definition));
  });

  test.each(Object.keys(refs))("refuses an empty %s, naming it", (name) => {
    expect(() => buildOrderWorkflowDefinition({ ...refs, [name]: "" })).toThrow(
      `refs.${name} must be a non-empty string`,
    );
  });

  test("state names are exported for tests and policies", () => {
    expect(StateName.processPayment).toBe("ProcessPayment");
    expect(COMPENSATION_STATE_NAMES).toEqual(["ReleaseInventory", "RefundPayment"]);
  });
});
