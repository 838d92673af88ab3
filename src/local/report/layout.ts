/**
 * A layered drawing of a directed graph (the Sugiyama way, kept small): nodes in rows by their
 * longest distance from the first node, edges that span rows routed through invisible points on the
 * rows between, rows ordered to reduce crossings by a few barycenter sweeps. Edges that go back up
 * (loops) are drawn beside the graph.
 */

export interface LayoutInput {
  readonly nodes: readonly { readonly id: string }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

interface PlacedNode {
  readonly id: string;
  /** Centre. */
  readonly x: number;
  readonly y: number;
  readonly layer: number;
}

interface PlacedEdge {
  /** Index into the input's edges. */
  readonly index: number;
  /** The points the edge passes through, from the source's bottom to the target's top. */
  readonly points: readonly { readonly x: number; readonly y: number }[];
  /** Where its label goes. */
  readonly label: { readonly x: number; readonly y: number };
  readonly backwards: boolean;
}

export interface Layout {
  readonly nodes: ReadonlyMap<string, PlacedNode>;
  readonly edges: readonly PlacedEdge[];
  readonly width: number;
  readonly height: number;
}

export interface LayoutSizes {
  readonly nodeWidth: number;
  readonly nodeHeight: number;
  readonly columnGap: number;
  readonly rowGap: number;
  readonly margin: number;
}

const DEFAULT_SIZES: LayoutSizes = { nodeWidth: 200, nodeHeight: 52, columnGap: 56, rowGap: 72, margin: 24 };

export function layeredLayout(graph: LayoutInput, sizes: LayoutSizes = DEFAULT_SIZES): Layout {
  const ids = graph.nodes.map((n) => n.id);
  const out = new Map(ids.map((id) => [id, [] as number[]]));
  graph.edges.forEach((e, i) => out.get(e.from)?.push(i));

  // Back edges: those that close a cycle in a depth-first walk from the first node.
  const backwards = new Set<number>();
  const state = new Map<string, "open" | "done">();
  const visit = (id: string) => {
    state.set(id, "open");
    for (const i of out.get(id) ?? []) {
      const to = (graph.edges[i] as { to: string }).to;
      if (state.get(to) === "open") backwards.add(i);
      else if (!state.has(to)) visit(to);
    }
    state.set(id, "done");
  };
  for (const id of ids) if (!state.has(id)) visit(id);
  const forward = graph.edges.map((e, i) => ({ ...e, i })).filter((e) => !backwards.has(e.i) && e.from !== e.to);

  // Layer = longest path from a source, over the forward edges (in topological order).
  const layer = new Map(ids.map((id) => [id, 0]));
  const indegree = new Map(ids.map((id) => [id, 0]));
  for (const e of forward) indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
  const queue = ids.filter((id) => indegree.get(id) === 0);
  while (queue.length > 0) {
    const id = queue.shift() as string;
    for (const e of forward.filter((f) => f.from === id)) {
      layer.set(e.to, Math.max(layer.get(e.to) ?? 0, (layer.get(id) ?? 0) + 1));
      indegree.set(e.to, (indegree.get(e.to) ?? 0) - 1);
      if (indegree.get(e.to) === 0) queue.push(e.to);
    }
  }

  // Rows, with a dummy point on every row an edge crosses.
  const rows: string[][] = [];
  const rowOf = (n: number) => (rows[n] ??= []);
  for (const id of ids) rowOf(layer.get(id) ?? 0).push(id);
  const chains = new Map<number, string[]>();
  const links: { from: string; to: string }[] = [];
  for (const e of forward) {
    const [a, b] = [layer.get(e.from) ?? 0, layer.get(e.to) ?? 0];
    const chain = [e.from];
    for (let l = a + 1; l < b; l++) {
      const dummy = `\u0000${e.i}:${l}`;
      rowOf(l).push(dummy);
      chain.push(dummy);
    }
    chain.push(e.to);
    for (let k = 1; k < chain.length; k++) links.push({ from: chain[k - 1] as string, to: chain[k] as string });
    chains.set(e.i, chain);
  }

  // Barycenter sweeps: down by the rows above, up by the rows below.
  const position = new Map<string, number>();
  const renumber = () => rows.forEach((row) => row.forEach((id, k) => position.set(id, k)));
  renumber();
  const sweep = (row: string[], neighbours: (id: string) => string[]) => {
    const centre = new Map(
      row.map((id) => {
        const ns = neighbours(id).map((n) => position.get(n) ?? 0);
        return [id, ns.length > 0 ? ns.reduce((s, p) => s + p, 0) / ns.length : (position.get(id) ?? 0)];
      }),
    );
    row.sort((p, q) => (centre.get(p) ?? 0) - (centre.get(q) ?? 0));
  };
  const above = (id: string) => links.filter((l) => l.to === id).map((l) => l.from);
  const below = (id: string) => links.filter((l) => l.from === id).map((l) => l.to);
  for (let pass = 0; pass < 4; pass++) {
    for (let r = 1; r < rows.length; r++) {
      sweep(rows[r] as string[], above);
      renumber();
    }
    for (let r = rows.length - 2; r >= 0; r--) {
      sweep(rows[r] as string[], below);
      renumber();
    }
  }

  // Coordinates: each row centred; a dummy takes a narrow slot.
  const slot = (id: string) => (id.startsWith("\u0000") ? sizes.columnGap : sizes.nodeWidth + sizes.columnGap);
  const rowWidths = rows.map((row) => row.reduce((w, id) => w + slot(id), 0) - sizes.columnGap);
  const hasBackEdges = backwards.size > 0;
  const width = Math.max(...rowWidths, sizes.nodeWidth) + 2 * sizes.margin + (hasBackEdges ? 2 * sizes.columnGap : 0);
  const point = new Map<string, { x: number; y: number }>();
  rows.forEach((row, r) => {
    let x = (width - (hasBackEdges ? 2 * sizes.columnGap : 0) - (rowWidths[r] ?? 0)) / 2;
    const y = sizes.margin + sizes.nodeHeight / 2 + r * (sizes.nodeHeight + sizes.rowGap);
    for (const id of row) {
      const w = slot(id) - sizes.columnGap;
      point.set(id, { x: x + w / 2, y });
      x += slot(id);
    }
  });
  const height = 2 * sizes.margin + rows.length * sizes.nodeHeight + Math.max(0, rows.length - 1) * sizes.rowGap;
  const nodes = new Map(
    ids.map((id) => [id, { id, ...(point.get(id) as { x: number; y: number }), layer: layer.get(id) ?? 0 }]),
  );

  const half = sizes.nodeHeight / 2;
  const edges: PlacedEdge[] = graph.edges.map((e, index) => {
    const from = nodes.get(e.from) as PlacedNode;
    const to = nodes.get(e.to) as PlacedNode;
    if (backwards.has(index) || e.from === e.to) {
      const side = width - sizes.margin - sizes.columnGap / 2 + (index % 3) * 6;
      const points = [
        { x: from.x + sizes.nodeWidth / 2, y: from.y },
        { x: side, y: from.y },
        { x: side, y: to.y },
        { x: to.x + sizes.nodeWidth / 2, y: to.y },
      ];
      return { index, points, label: { x: side, y: (from.y + to.y) / 2 }, backwards: true };
    }
    const chain = chains.get(index) as string[];
    const points = chain.map((id, k) => {
      const p = point.get(id) as { x: number; y: number };
      if (k === 0) return { x: p.x, y: p.y + half };
      if (k === chain.length - 1) return { x: p.x, y: p.y - half };
      return p;
    });
    return { index, points, label: labelPoint(points), backwards: false };
  });

  // Edges between the same pair of nodes (a Next and a Catch to the same state) side by side.
  const pairs = new Map<string, PlacedEdge[]>();
  for (const e of edges) {
    const g = graph.edges[e.index] as { from: string; to: string };
    const key = `${g.from}\u0000${g.to}`;
    pairs.set(key, [...(pairs.get(key) ?? []), e]);
  }
  for (const group of pairs.values()) {
    if (group.length < 2) continue;
    group.forEach((e, k) => {
      const dx = (k - (group.length - 1) / 2) * 14;
      const shifted = e.points.map((p) => ({ x: p.x + dx, y: p.y }));
      edges[e.index] = { ...e, points: shifted, label: { x: e.label.x + dx * 2, y: e.label.y } };
    });
  }
  return { nodes, edges, width, height };
}

/** Halfway along the polyline. */
function labelPoint(points: readonly { x: number; y: number }[]): { x: number; y: number } {
  const lengths = points
    .slice(1)
    .map((p, k) => Math.hypot(p.x - (points[k] as { x: number }).x, p.y - (points[k] as { y: number }).y));
  let rest = lengths.reduce((s, l) => s + l, 0) / 2;
  for (let k = 0; k < lengths.length; k++) {
    const l = lengths[k] as number;
    const [a, b] = [points[k] as { x: number; y: number }, points[k + 1] as { x: number; y: number }];
    if (rest <= l || k === lengths.length - 1) {
      const t = l === 0 ? 0 : Math.min(1, rest / l);
      return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
    }
    rest -= l;
  }
  return points[0] ?? { x: 0, y: 0 };
}
