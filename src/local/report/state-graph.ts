/**
 * The state machine as a graph: every state of the top-level scope, and every transition its
 * definition allows (Next, each Choice rule and the Default, each Catch), plus a Start node and an End
 * node as the Step Functions console draws them.
 */

/** The parts of an ASL definition the graph reads. */
export interface GraphDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, GraphState>>;
}

export interface GraphState {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: readonly { readonly Next?: string }[];
  readonly Catch?: readonly { readonly ErrorEquals?: readonly string[]; readonly Next?: string }[];
  readonly Resource?: string;
  readonly Comment?: string;
}

export const START = "Start";
export const END = "End";

interface GraphNode {
  readonly id: string;
  /** The state's Type; "Start" and "End" for the two markers. */
  readonly type: string;
  readonly comment?: string;
  readonly resource?: string;
}

/** How a transition is taken: `catch` edges are the error paths. */
export type EdgeKind = "start" | "next" | "choice" | "default" | "catch" | "end";

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** The errors a catch edge handles. */
  readonly errors?: readonly string[];
}

export interface StateGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

/** Key of the edge `from -> to` taken as `kind`. */
export const edgeKey = (from: string, to: string, kind: EdgeKind) => `${from}->${to}:${kind}`;

/** Whether the state ends an execution: Succeed, Fail, or End: true. */
export const isTerminal = (state: GraphState) =>
  state.Type === "Succeed" || state.Type === "Fail" || state.End === true;

export function stateGraph(definition: GraphDefinition): StateGraph {
  const nodes: GraphNode[] = [{ id: START, type: START }];
  const edges: GraphEdge[] = [{ from: START, to: definition.StartAt, kind: "start" }];
  const seen = new Set<string>();
  const add = (edge: GraphEdge) => {
    const key = edgeKey(edge.from, edge.to, edge.kind);
    if (!seen.has(key)) {
      seen.add(key);
      edges.push(edge);
    }
  };
  for (const [id, state] of Object.entries(definition.States)) {
    nodes.push({
      id,
      type: state.Type,
      ...(state.Comment ? { comment: state.Comment } : {}),
      ...(state.Resource ? { resource: state.Resource } : {}),
    });
    if (state.Next) add({ from: id, to: state.Next, kind: "next" });
    for (const choice of state.Choices ?? []) if (choice.Next) add({ from: id, to: choice.Next, kind: "choice" });
    if (state.Default) add({ from: id, to: state.Default, kind: "default" });
    for (const c of state.Catch ?? []) {
      if (!c.Next) continue;
      const existing = edges.find((e) => e.from === id && e.to === c.Next && e.kind === "catch");
      if (existing) (existing.errors as string[]).push(...(c.ErrorEquals ?? []));
      else add({ from: id, to: c.Next, kind: "catch", errors: [...(c.ErrorEquals ?? [])] });
    }
    if (isTerminal(state)) add({ from: id, to: END, kind: "end" });
  }
  nodes.push({ id: END, type: END });
  return { nodes, edges };
}
