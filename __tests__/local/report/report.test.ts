/**
 * The run report's pieces, on the order workflow's own definition: the graph holds every state and
 * every transition the definition allows, an execution's recorded steps become the transitions it
 * took, the drawing keeps nodes apart and flowing down, and the page is self-contained and escaped.
 */
import { renderReport, type ReportPage } from "../../../src/local/report/html";
import { layeredLayout } from "../../../src/local/report/layout";
import { pathCounts, transitionsOf } from "../../../src/local/report/paths";
import { END, START, edgeKey, stateGraph, type GraphDefinition } from "../../../src/local/report/state-graph";
import { functionOfState } from "../../../src/local/report/timeline";
import { StateName as S } from "../../../src/workflow/names";
import { buildOrderWorkflowDefinition } from "../../../src/workflow/order-workflow";
import type { ExecutionPath, ExecutionStep } from "../../../src/local/report/recorder";

const definition = buildOrderWorkflowDefinition({
  paymentFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:orders-dev-payment",
  inventoryFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:orders-dev-inventory",
  ordersTableName: "orders-dev-orders",
  eventBusName: "orders-dev-orders",
}) as unknown as GraphDefinition;
const graph = stateGraph(definition);

/** Steps as aws-local-stepfunctions logs them: StateEntered; per failed attempt StateFailed, then StateRetried or StateCaught; StateExited. */
function execution(
  status: ExecutionPath["status"],
  ...steps: [string, ExecutionStep["event"], string?][]
): ExecutionPath {
  return {
    executionArn: `arn:aws:states:us-east-1:000000000000:execution:saga:${Math.random()}`,
    stateMachine: "saga",
    orderId: "ord_1",
    startedAt: 0,
    steps: steps.map(([state, event, error], at) => ({ state, event, at, ...(error ? { error } : {}) })),
    ...(status ? { status, finishedAt: steps.length } : {}),
  };
}

const happy = execution(
  "SUCCEEDED",
  ...[S.claimOrder, S.processPayment, S.reserveInventory, S.completeOrder, S.publishOrderCompleted].flatMap(
    (s): [string, ExecutionStep["event"]][] => [
      [s, "entered"],
      [s, "exited"],
    ],
  ),
  [S.orderSucceeded, "entered"],
  [S.orderSucceeded, "exited"],
);
// A declined payment after one transient error: retried, then caught to MarkFailed; the Fail state fails the execution.
const declined = execution(
  "FAILED",
  [S.claimOrder, "entered"],
  [S.claimOrder, "exited"],
  [S.processPayment, "entered"],
  [S.processPayment, "failed", "Lambda.ServiceException"],
  [S.processPayment, "retried"],
  [S.processPayment, "failed", "PaymentDeclined"],
  [S.processPayment, "caught"],
  [S.markFailed, "entered"],
  [S.markFailed, "exited"],
  [S.publishOrderFailed, "entered"],
  [S.publishOrderFailed, "exited"],
  [S.orderFailed, "entered"],
  [S.orderFailed, "failed", "PaymentDeclined"],
);

describe("the state machine graph", () => {
  it("has every state, and an edge for every Next, every Catch and every end", () => {
    expect(graph.nodes.map((n) => n.id).sort()).toEqual([START, END, ...Object.keys(definition.States)].sort());
    const keys = new Set(graph.edges.map((e) => edgeKey(e.from, e.to, e.kind)));
    expect(keys.has(edgeKey(START, definition.StartAt, "start"))).toBe(true);
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Next) expect(keys).toContain(edgeKey(name, state.Next, "next"));
      for (const c of state.Catch ?? []) expect(keys).toContain(edgeKey(name, c.Next as string, "catch"));
      // A Succeed or Fail state, or End: true, ends the execution (ASL spec, "Terminal states").
      if (state.Type === "Succeed" || state.Type === "Fail" || state.End)
        expect(keys).toContain(edgeKey(name, END, "end"));
    }
    const catchToMarkFailed = graph.edges.find((e) => e.from === S.processPayment && e.to === S.markFailed);
    expect(catchToMarkFailed).toMatchObject({ kind: "catch", errors: ["PaymentDeclined"] });
  });

  it("draws nodes apart, inside the picture, each forward edge going down", () => {
    const layout = layeredLayout(graph);
    const placed = [...layout.nodes.values()];
    expect(placed).toHaveLength(graph.nodes.length);
    for (const a of placed) {
      expect(a.x).toBeGreaterThan(0);
      expect(a.x).toBeLessThan(layout.width);
      expect(a.y).toBeLessThan(layout.height);
      for (const b of placed)
        if (a !== b && a.layer === b.layer) expect(Math.abs(a.x - b.x)).toBeGreaterThanOrEqual(200);
    }
    graph.edges.forEach((e, i) => {
      const [from, to] = [layout.nodes.get(e.from), layout.nodes.get(e.to)];
      if (!layout.edges[i]?.backwards) expect(to?.layer).toBeGreaterThan(from?.layer as number);
    });
    expect(layout.nodes.get(START)?.layer).toBe(0);
    expect(layout.nodes.get(END)?.layer).toBe(Math.max(...placed.map((n) => n.layer)));
  });

  it("draws a loop back up beside the graph", () => {
    const loop = layeredLayout({
      nodes: [{ id: "A" }, { id: "B" }],
      edges: [
        { from: "A", to: "B" },
        { from: "B", to: "A" },
      ],
    });
    expect(loop.edges.map((e) => e.backwards)).toEqual([false, true]);
  });
});

describe("the path of an execution", () => {
  it("takes Next edges, a Catch edge after a caught error, and ends at End from the Fail state", () => {
    expect(transitionsOf(declined, definition)).toEqual([
      { from: START, to: S.claimOrder, kind: "start" },
      { from: S.claimOrder, to: S.processPayment, kind: "next" },
      { from: S.processPayment, to: S.markFailed, kind: "catch" },
      { from: S.markFailed, to: S.publishOrderFailed, kind: "next" },
      { from: S.publishOrderFailed, to: S.orderFailed, kind: "next" },
      { from: S.orderFailed, to: END, kind: "end" },
    ]);
    expect(transitionsOf(happy, definition).at(-1)).toEqual({ from: S.orderSucceeded, to: END, kind: "end" });
  });

  it("counts transitions per edge, failed executions apart, and the counts add up at every state", () => {
    const counts = pathCounts([happy, happy, declined], definition);
    expect(counts.executions).toBe(3);
    expect(counts.byStatus).toEqual({ SUCCEEDED: 2, FAILED: 1 });
    expect(counts.edges[edgeKey(START, S.claimOrder, "start")]).toEqual({ count: 3, failed: 1 });
    expect(counts.edges[edgeKey(S.processPayment, S.markFailed, "catch")]).toEqual({ count: 1, failed: 1 });
    expect(counts.states[S.processPayment]).toEqual({ entered: 3, errors: 2, retried: 1, caught: 1, failed: 0 });
    expect(counts.states[S.orderFailed]).toEqual({ entered: 1, errors: 0, retried: 0, caught: 0, failed: 0 });
    expect(counts.edges[edgeKey(S.orderFailed, END, "end")]).toEqual({ count: 1, failed: 1 });
    for (const [state, c] of Object.entries(counts.states)) {
      const into = graph.edges
        .filter((e) => e.to === state)
        .reduce((s, e) => s + (counts.edges[edgeKey(e.from, e.to, e.kind)]?.count ?? 0), 0);
      expect({ state, into }).toEqual({ state, into: c.entered });
    }
  });

  it("has no way out of a Task that failed uncaught: no End edge, the state counted as where it failed", () => {
    const stuck = execution(
      "FAILED",
      [S.claimOrder, "entered"],
      [S.claimOrder, "exited"],
      [S.processPayment, "entered"],
      [S.processPayment, "failed", "States.Runtime"],
    );
    expect(transitionsOf(stuck, definition).map((t) => t.to)).toEqual([S.claimOrder, S.processPayment]);
    expect(pathCounts([stuck], definition).states[S.processPayment]).toMatchObject({ errors: 1, failed: 1 });
  });

  it("names the function a Lambda task invokes, by its ARN in Parameters or Resource", () => {
    expect(functionOfState(definition.States[S.processPayment] as never)).toBe("orders-dev-payment");
    expect(functionOfState({ Type: "Task", Resource: "arn:aws:lambda:us-east-1:000000000000:function:f" })).toBe("f");
    expect(functionOfState(definition.States[S.claimOrder] as never)).toBeUndefined();
  });
});

describe("the page", () => {
  const page = (name: string): ReportPage => ({
    title: `run of ${name}`,
    generatedAt: "2026-01-01T00:00:00.000Z",
    subtitle: "npm run local",
    interrupted: false,
    stateMachines: [{ name, graph, counts: pathCounts([declined], definition) }],
    summary: {
      submitted: 1,
      completed: 0,
      failed: 1,
      rejected: 0,
      throughputPerSecond: 1,
      latencyMs: { p50: 5, p95: 5, p99: 5 },
      wallMs: 10,
    },
    breakdown: [{ status: "FAILED", reason: "PaymentDeclined", count: 1 }],
    latencies: [{ ms: 5, status: "FAILED" }],
    timelines: [],
    deadLetters: { "orders-dev-dlq": [{ sentAt: "x", attributes: {}, body: { detail: "</script><b>" } }] },
    tables: { "orders-dev-orders": [{ orderId: "<img src=x>", status: "FAILED" }] },
  });

  it("escapes what the run put in it", () => {
    const html = renderReport(page('<script>alert("x")</script>'));
    expect(html).not.toContain('<script>alert("x")');
    expect(html).not.toContain("<img src=x>");
    expect(html).not.toContain("</script><b>");
    expect(html).toContain("&lt;img src=x&gt;");
  });

  it("fetches nothing: no src or href attribute, no URL but the page's own fragments", () => {
    const html = renderReport(page("saga"));
    expect(html).not.toMatch(/<[^>]*\s(src|href)=/);
    expect(html.match(/url\([^)]*\)/g)?.every((u) => u.startsWith("url(#"))).toBe(true);
    expect(html).toContain("default-src 'none'");
  });
});
