/**
 * The run report as one HTML page with nothing to fetch: CSS, SVG and the few lines of script inline.
 * Every value from the run is escaped; the page works without script (it only switches timelines).
 */
import { layeredLayout } from "./layout";
import { END, START, edgeKey, type GraphEdge, type StateGraph } from "./state-graph";
import type { PathCounts } from "./paths";
import type { OrderTimeline, Tone } from "./timeline";

export interface ReportPage {
  readonly title: string;
  readonly generatedAt: string;
  /** What the run was, in a line (the command line, the fault rates). */
  readonly subtitle: string;
  readonly interrupted: boolean;
  readonly stateMachines: readonly { readonly name: string; readonly graph: StateGraph; readonly counts: PathCounts }[];
  readonly summary: {
    readonly submitted: number;
    readonly completed: number;
    readonly failed: number;
    readonly rejected: number;
    readonly throughputPerSecond: number;
    readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number };
    readonly wallMs: number;
  };
  /** Outcomes other than COMPLETED, by status and reason, most frequent first. */
  readonly breakdown: readonly { readonly status: string; readonly reason: string; readonly count: number }[];
  readonly latencies: readonly { readonly ms: number; readonly status: string }[];
  readonly timelines: readonly (OrderTimeline & { readonly path: readonly string[] })[];
  readonly deadLetters: Readonly<Record<string, readonly unknown[]>>;
  readonly tables: Readonly<Record<string, readonly Record<string, unknown>[]>>;
}

const MAX_TABLE_ROWS = 100;

export function renderReport(page: ReportPage): string {
  const { summary } = page;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${esc(page.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(page.title)}</h1>
<p class="sub">${esc(page.subtitle)} · ${esc(page.generatedAt)}</p>
${page.interrupted ? `<p class="banner">Interrupted (Ctrl-C): only the orders that finished before it are counted.</p>` : ""}
<ul class="tiles" id="summary">
${tile("submitted", summary.submitted, "neutral")}${tile("completed", summary.completed, "ok")}${tile("failed", summary.failed, "error")}${tile("rejected", summary.rejected, "neutral")}
${tile("orders/s", summary.throughputPerSecond, "neutral")}${tile("p50 ms", summary.latencyMs.p50, "neutral")}${tile("p95 ms", summary.latencyMs.p95, "neutral")}${tile("p99 ms", summary.latencyMs.p99, "neutral")}
</ul>
</header>
<main>
${page.stateMachines.map((sm) => stateMachineSection(sm.name, sm.graph, sm.counts)).join("\n")}
${timelineSection(page.timelines)}
${summarySection(page)}
${deadLetterSection(page.deadLetters)}
${tablesSection(page.tables)}
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

function tile(label: string, value: number, tone: Tone): string {
  return `<li class="tile ${tone}" data-tile="${esc(label)}"><b>${esc(String(value))}</b><span>${esc(label)}</span></li>`;
}

// ---- the state machine ----

const NODE = { nodeWidth: 210, nodeHeight: 54, columnGap: 60, rowGap: 76, margin: 28 };

/** How an edge is drawn: taken (blue), on an error path (red), not taken (grey, dashed). */
function edgeClass(edge: GraphEdge, count: number, failed: number): "taken" | "failure" | "untaken" {
  if (count === 0) return "untaken";
  return edge.kind === "catch" || failed === count ? "failure" : "taken";
}

function stateMachineSection(name: string, graph: StateGraph, counts: PathCounts): string {
  const layout = layeredLayout(graph, NODE);
  const max = Math.max(1, ...Object.values(counts.edges).map((e) => e.count));
  const edges = graph.edges.map((edge, i) => {
    const placed = layout.edges[i];
    if (!placed) return "";
    const { count, failed } = counts.edges[edgeKey(edge.from, edge.to, edge.kind)] ?? { count: 0, failed: 0 };
    const cls = edgeClass(edge, count, failed);
    const width = count === 0 ? 1.2 : 1.8 + (4 * count) / max;
    const d = placed.backwards
      ? `M${placed.points.map((p) => `${r(p.x)},${r(p.y)}`).join(" L")}`
      : smoothPath(placed.points);
    const title = `${edge.from} -> ${edge.to} (${edge.kind}${edge.errors ? `: ${edge.errors.join(", ")}` : ""}): ${count} execution(s)${failed ? `, ${failed} of them failed` : ""}`;
    const label = `${count}${failed > 0 && failed < count ? ` · ${failed} failed` : ""}`;
    const labelWidth = 10 + label.length * 7;
    return `<g class="edge ${cls}" data-edge="${esc(edgeKey(edge.from, edge.to, edge.kind))}" data-from="${esc(edge.from)}" data-to="${esc(edge.to)}" data-kind="${edge.kind}" data-count="${count}" data-failed="${failed}">
<title>${esc(title)}</title><path d="${d}" stroke-width="${r(width)}" marker-end="url(#arrow-${cls})"/>
<rect class="label-bg" x="${r(placed.label.x - labelWidth / 2)}" y="${r(placed.label.y - 9)}" width="${r(labelWidth)}" height="18" rx="9"/><text class="edge-count" x="${r(placed.label.x)}" y="${r(placed.label.y + 4)}">${esc(label)}</text></g>`;
  });
  const nodes = graph.nodes.map((node) => {
    const p = layout.nodes.get(node.id);
    if (!p) return "";
    const c = counts.states[node.id];
    const marker = node.id === START || node.id === END;
    const entered =
      node.id === START
        ? counts.executions
        : node.id === END
          ? counts.edges
            ? sumInto(graph, counts, END)
            : 0
          : (c?.entered ?? 0);
    const extras = c
      ? [
          c.errors ? `${c.errors} error${c.errors > 1 ? "s" : ""}` : "",
          c.retried ? `${c.retried} retried` : "",
          c.caught ? `${c.caught} caught` : "",
          c.failed ? `${c.failed} failed here` : "",
        ].filter(Boolean)
      : [];
    const cls = [
      "state",
      `type-${node.type.toLowerCase()}`,
      entered === 0 ? "unvisited" : "visited",
      c?.failed ? "failed-here" : "",
    ]
      .filter(Boolean)
      .join(" ");
    const w = marker ? 110 : NODE.nodeWidth;
    const h = marker ? 34 : NODE.nodeHeight;
    const title = [node.id, node.type, node.comment, node.resource].filter(Boolean).join("\n");
    return `<g class="${cls}" data-state="${esc(node.id)}" data-type="${esc(node.type)}" data-entered="${entered}">
<title>${esc(title)}</title><rect x="${r(p.x - w / 2)}" y="${r(p.y - h / 2)}" width="${w}" height="${h}" rx="${marker ? h / 2 : 8}"/>
<text class="name" x="${r(p.x)}" y="${r(p.y + (marker ? 5 : -6))}">${esc(node.id)}</text>${
      marker
        ? ""
        : `<text class="counts" x="${r(p.x)}" y="${r(p.y + 14)}">${esc([`${node.type} · ${entered}×`, ...extras].join(" · "))}</text>`
    }</g>`;
  });
  const statuses = Object.entries(counts.byStatus)
    .map(([status, n]) => `${n} ${status}`)
    .join(", ");
  return `<section id="state-machine" data-state-machine="${esc(name)}">
<h2>State machine ${esc(name)}</h2>
<p>${counts.executions} execution(s)${statuses ? `: ${esc(statuses)}` : ""}. Each arrow shows how many executions took that transition.</p>
<div class="graph"><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="State machine ${esc(name)}" viewBox="0 0 ${r(layout.width)} ${r(layout.height)}" width="${r(layout.width)}" height="${r(layout.height)}">
<defs>${["taken", "failure", "untaken"].map((k) => `<marker id="arrow-${k}" class="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker>`).join("")}</defs>
<g class="edges">${edges.join("\n")}</g>
<g class="nodes">${nodes.join("\n")}</g>
</svg></div>
<p class="legend"><span class="key taken"></span> taken <span class="key failure"></span> error path (a Catch, or taken only by executions that failed) <span class="key untaken"></span> not taken <span class="key box-fail"></span> Fail state</p>
</section>`;
}

function sumInto(graph: StateGraph, counts: PathCounts, id: string): number {
  return graph.edges
    .filter((e) => e.to === id)
    .reduce((s, e) => s + (counts.edges[edgeKey(e.from, e.to, e.kind)]?.count ?? 0), 0);
}

/** A curve through the points that leaves and enters each one vertically. */
function smoothPath(points: readonly { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return "";
  let d = `M${r(first.x)},${r(first.y)}`;
  let prev = first;
  for (const p of rest) {
    const midY = (prev.y + p.y) / 2;
    d += ` C${r(prev.x)},${r(midY)} ${r(p.x)},${r(midY)} ${r(p.x)},${r(p.y)}`;
    prev = p;
  }
  return d;
}

// ---- one order's timeline ----

function timelineSection(timelines: ReportPage["timelines"]): string {
  if (timelines.length === 0)
    return `<section id="timeline"><h2>Order timeline</h2><p>No order was submitted.</p></section>`;
  const options = timelines
    .map(
      (t, i) =>
        `<option value="${i}">${esc(`${t.orderId ?? "no order id"}: ${t.status}${t.reason ? ` (${t.reason})` : ""}`)}</option>`,
    )
    .join("");
  const bodies = timelines.map((t, i) => {
    const end = Math.max(t.start + 1, ...t.rows.map((row) => row.end ?? row.start));
    const span = end - t.start;
    const rows = t.rows.map((row) => {
      const left = ((row.start - t.start) / span) * 100;
      const width = row.end === undefined ? 0 : Math.max(0.4, ((row.end - row.start) / span) * 100);
      const bar =
        row.end === undefined
          ? `<i class="dot ${row.tone}" style="left:${left.toFixed(2)}%"></i>`
          : `<i class="bar ${row.tone}" style="left:${left.toFixed(2)}%;width:${width.toFixed(2)}%"></i>`;
      return `<tr class="${row.tone}"><td class="num">+${row.start - t.start}</td><td class="num">${row.end === undefined ? "" : `${row.end - row.start} ms`}</td><td>${esc(row.service)}</td><td title="${esc(row.detail ?? "")}">${esc(row.label)}${row.detail ? `<small>${esc(truncate(row.detail, 160))}</small>` : ""}</td><td class="track">${bar}</td></tr>`;
    });
    return `<div class="timeline" data-timeline="${i}" data-order="${esc(t.orderId ?? "")}" data-path="${esc(t.path.join("|"))}"${i === 0 ? "" : " hidden"}>
<table><thead><tr><th>ms</th><th>took</th><th>service</th><th>what</th><th class="track">0 – ${span} ms</th></tr></thead><tbody>${rows.join("\n")}</tbody></table></div>`;
  });
  return `<section id="timeline">
<h2>Order timeline</h2>
<p>One order across services: submission, bus, rules, targets, each state, each invocation, final status.${timelines.length > 1 ? ` <label>Order <select id="order-select">${options}</select></label> (its path is outlined on the state machine, its counts on yellow)` : ""}</p>
${bodies.join("\n")}
</section>`;
}

// ---- the run's summary and latency histogram ----

function summarySection(page: ReportPage): string {
  const { summary } = page;
  const breakdown = page.breakdown.length
    ? `<table class="breakdown"><thead><tr><th>orders</th><th>status</th><th>reason</th></tr></thead><tbody>${page.breakdown.map((b) => `<tr><td class="num">${b.count}</td><td>${esc(b.status)}</td><td>${esc(b.reason)}</td></tr>`).join("")}</tbody></table>`
    : "";
  return `<section id="load-summary">
<h2>Summary</h2>
<p>Submitted ${summary.submitted}: completed ${summary.completed}, failed ${summary.failed}, rejected ${summary.rejected} in ${(summary.wallMs / 1000).toFixed(1)} s; ${summary.throughputPerSecond} orders/s; latency p50 ${summary.latencyMs.p50} ms, p95 ${summary.latencyMs.p95} ms, p99 ${summary.latencyMs.p99} ms (submission to final status).</p>
${breakdown}
${histogram(page.latencies)}
</section>`;
}

const STATUSES = ["COMPLETED", "FAILED", "REJECTED"] as const;

function histogram(latencies: ReportPage["latencies"]): string {
  if (latencies.length === 0) return "";
  const max = Math.max(...latencies.map((l) => l.ms), 1);
  const bin = niceStep(max / 16);
  const bins = Math.floor(max / bin) + 1;
  const counts = Array.from(
    { length: bins },
    () => ({ COMPLETED: 0, FAILED: 0, REJECTED: 0 }) as Record<string, number>,
  );
  for (const l of latencies)
    (counts[Math.min(bins - 1, Math.floor(l.ms / bin))] as Record<string, number>)[l.status] =
      ((counts[Math.min(bins - 1, Math.floor(l.ms / bin))] as Record<string, number>)[l.status] ?? 0) + 1;
  const tallest = Math.max(...counts.map((c) => STATUSES.reduce((s, k) => s + (c[k] ?? 0), 0)), 1);
  const [w, h, left, bottom] = [Math.max(360, bins * 36), 180, 40, 34];
  const barW = (w - left) / bins;
  const bars = counts.map((c, i) => {
    let y = h - bottom;
    const total = STATUSES.reduce((s, k) => s + (c[k] ?? 0), 0);
    const parts = STATUSES.filter((k) => (c[k] ?? 0) > 0).map((k) => {
      const height = ((c[k] ?? 0) / tallest) * (h - bottom - 20);
      y -= height;
      return `<rect class="${k.toLowerCase()}" x="${r(left + i * barW + 2)}" y="${r(y)}" width="${r(barW - 4)}" height="${r(height)}"><title>${c[k]} ${k} between ${i * bin} and ${(i + 1) * bin} ms</title></rect>`;
    });
    const label =
      total > 0 ? `<text class="bar-count" x="${r(left + (i + 0.5) * barW)}" y="${r(y - 4)}">${total}</text>` : "";
    const tick =
      i % Math.ceil(bins / 8) === 0
        ? `<text class="tick" x="${r(left + i * barW)}" y="${h - bottom + 16}">${i * bin}</text>`
        : "";
    return `<g class="bin" data-from-ms="${i * bin}" data-to-ms="${(i + 1) * bin}" data-count="${total}">${parts.join("")}${label}${tick}</g>`;
  });
  return `<figure class="histogram"><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Latency histogram" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">
<line class="axis" x1="${left}" y1="${h - bottom}" x2="${w}" y2="${h - bottom}"/>${bars.join("")}
<text class="tick" x="${w}" y="${h - 4}" text-anchor="end">ms from submission to final status</text></svg>
<figcaption>Latency of ${latencies.length} order(s), ${bin} ms per bar: <span class="key completed"></span> completed <span class="key failed"></span> failed <span class="key rejected"></span> rejected</figcaption></figure>`;
}

/** 1, 2 or 5 times a power of ten, at least `raw` (and at least 1). */
function niceStep(raw: number): number {
  if (raw <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) as number) ?? 10 * power;
}

// ---- dead letters and tables ----

function deadLetterSection(queues: ReportPage["deadLetters"]): string {
  const total = Object.values(queues).reduce((s, q) => s + q.length, 0);
  const list = Object.entries(queues).map(([name, messages]) => {
    const rows = messages.slice(0, MAX_TABLE_ROWS).map((m) => {
      const { sentAt, attributes, body } = m as { sentAt?: string; attributes?: unknown; body?: unknown };
      return `<tr><td>${esc(sentAt ?? "")}</td><td>${esc(truncate(JSON.stringify(attributes ?? {}), 200))}</td><td><code>${esc(truncate(JSON.stringify(body), 300))}</code></td></tr>`;
    });
    return `<details class="queue" data-queue="${esc(name)}" data-count="${messages.length}"${messages.length ? " open" : ""}><summary>${esc(name)}: ${messages.length} message(s)</summary>${
      messages.length
        ? `<table><thead><tr><th>sent</th><th>attributes</th><th>body</th></tr></thead><tbody>${rows.join("")}</tbody></table>${more(messages.length)}`
        : ""
    }</details>`;
  });
  return `<section id="dead-letters"><h2>Dead letters</h2><p>${total} message(s) in ${Object.keys(queues).length} queue(s).</p>${list.join("\n")}</section>`;
}

function tablesSection(tables: ReportPage["tables"]): string {
  const list = Object.entries(tables).map(([name, items]) => {
    const columns = [...new Set(items.slice(0, MAX_TABLE_ROWS).flatMap((i) => Object.keys(i)))];
    const rows = items.slice(0, MAX_TABLE_ROWS).map((item) => `<tr>${columns.map((c) => cell(item[c])).join("")}</tr>`);
    return `<details class="table" data-table="${esc(name)}" data-count="${items.length}"><summary>${esc(name)}: ${items.length} item(s)</summary>${
      items.length
        ? `<div class="scroll"><table><thead><tr>${columns.map((c) => `<th>${esc(c)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table></div>${more(items.length)}`
        : ""
    }</details>`;
  });
  return `<section id="tables"><h2>Tables at the end of the run</h2>${list.join("\n")}</section>`;
}

function cell(value: unknown): string {
  if (value === undefined) return "<td></td>";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `<td title="${esc(text.length > 80 ? text : "")}">${esc(truncate(text, 80))}</td>`;
}

const more = (n: number) =>
  n > MAX_TABLE_ROWS ? `<p class="more">The first ${MAX_TABLE_ROWS} of ${n}; --state-out writes them all.</p>` : "";

// ---- helpers ----

const r = (n: number) => Math.round(n * 10) / 10;

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function esc(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );
}

const CSS = `
:root { --ok:#1a7f37; --error:#cf222e; --retry:#9a6700; --neutral:#57606a; --taken:#0969da; --untaken:#afb8c1; --line:#d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header, section { background: #fff; margin: 16px; padding: 16px 20px; border: 1px solid var(--line); border-radius: 8px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 0 0 8px; }
.sub { color: var(--neutral); margin: 0 0 12px; }
.banner { background: #fff8c5; border: 1px solid #d4a72c; padding: 6px 10px; border-radius: 6px; }
.tiles { display: flex; flex-wrap: wrap; gap: 8px; list-style: none; padding: 0; margin: 0; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; min-width: 90px; }
.tile b { display: block; font-size: 20px; } .tile span { color: var(--neutral); font-size: 12px; }
.tile.ok b { color: var(--ok); } .tile.error b { color: var(--error); }
.graph { overflow-x: auto; }
.edge path { fill: none; } .edge.taken path { stroke: var(--taken); } .edge.failure path { stroke: var(--error); }
.edge.untaken path { stroke: var(--untaken); stroke-dasharray: 5 4; }
.edge.on-path path { stroke-width: 6px; stroke-opacity: .85; }
.edge.on-path .label-bg { fill: #fff8c5; stroke: #d4a72c; stroke-width: 2; }
.arrow-taken { fill: var(--taken); } .arrow-failure { fill: var(--error); } .arrow-untaken { fill: var(--untaken); }
.label-bg { fill: #fff; stroke: var(--line); }
.edge-count { font: 600 12px system-ui, sans-serif; text-anchor: middle; fill: var(--taken); }
.edge.failure .edge-count { fill: var(--error); } .edge.untaken .edge-count { fill: var(--neutral); font-weight: 400; }
.state rect { fill: #fff; stroke: #8c959f; stroke-width: 1.5; }
.state.visited rect { stroke: var(--taken); stroke-width: 2; }
.state.type-succeed rect { fill: #dafbe1; } .state.type-fail rect { fill: #ffebe9; stroke: var(--error); }
.state.failed-here rect { stroke: var(--error); stroke-width: 3; }
.state.type-start rect, .state.type-end rect { fill: #eaeef2; }
.state.unvisited { opacity: .55; }
.state text { text-anchor: middle; } .state .name { font: 600 13px system-ui, sans-serif; } .state .counts { font: 11px system-ui, sans-serif; fill: var(--neutral); }
.legend { color: var(--neutral); font-size: 12px; }
.key { display: inline-block; width: 22px; height: 4px; vertical-align: middle; margin: 0 4px 0 12px; }
.key.taken { background: var(--taken); } .key.failure { background: var(--error); } .key.untaken { border-top: 2px dashed var(--untaken); }
.key.box-fail { height: 12px; width: 16px; background: #ffebe9; border: 1px solid var(--error); }
.key.completed { background: var(--ok); height: 10px; } .key.failed { background: var(--error); height: 10px; } .key.rejected { background: #8c959f; height: 10px; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #eaeef2; vertical-align: top; }
td small { display: block; color: var(--neutral); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.timeline td.track, .timeline th.track { width: 40%; position: relative; }
.timeline tr.error td:nth-child(4) { color: var(--error); } .timeline tr.retry td:nth-child(4) { color: var(--retry); }
.bar, .dot { position: absolute; top: 6px; height: 10px; border-radius: 3px; }
.dot { width: 10px; margin-left: -5px; border-radius: 50%; }
.ok { --tone: var(--ok); } .error { --tone: var(--error); } .retry { --tone: var(--retry); } .neutral { --tone: var(--neutral); }
.bar, .dot { background: var(--tone); }
.histogram rect.completed { fill: var(--ok); } .histogram rect.failed { fill: var(--error); } .histogram rect.rejected { fill: #8c959f; }
.histogram .tick { font-size: 10px; fill: var(--neutral); } .histogram .bar-count { font-size: 10px; text-anchor: middle; }
.histogram .axis { stroke: #8c959f; }
details { margin: 6px 0; } summary { cursor: pointer; font-weight: 600; }
.scroll { overflow-x: auto; } code { font-size: 11px; word-break: break-all; }
.more { color: var(--neutral); }
`;

const SCRIPT = `
(function () {
  var select = document.getElementById("order-select");
  function show(i) {
    var chosen;
    document.querySelectorAll(".timeline").forEach(function (t) {
      var on = t.getAttribute("data-timeline") === String(i);
      t.hidden = !on;
      if (on) chosen = t;
    });
    var path = chosen ? (chosen.getAttribute("data-path") || "").split("|") : [];
    document.querySelectorAll(".edge").forEach(function (e) {
      e.classList.toggle("on-path", path.indexOf(e.getAttribute("data-edge")) >= 0);
    });
  }
  if (select) select.addEventListener("change", function () { show(select.value); });
  show(0);
})();
`;
