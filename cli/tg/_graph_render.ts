/**
 * The item graph of `tg graph`: nodes and edges (pure), and their Mermaid,
 * Graphviz DOT and JSON renderings. Everything is sorted, so the output
 * depends only on the store's contents.
 *
 * @module
 */

import { computeReadyQueue } from "../../lib/store/graph.ts";
import type { Item } from "../../lib/store/item.ts";
import { compareCodePoints, quoteJsonString } from "../../lib/store/json.ts";
import type { Status } from "../../lib/store/status.ts";
import { truncateTitle } from "./_format.ts";

/** Where a node's item lives. */
export type NodeLocation = "active" | "archived" | "missing";

/** One item in the graph. */
export interface GraphNode {
  /** Item ID. */
  id: string;
  /** Title (`null` for a missing item). */
  title: string | null;
  /** Status (`null` for a missing item). */
  status: Status | null;
  /** Active, archived, or referenced but found nowhere. */
  location: NodeLocation;
  /** In the ready queue. */
  ready: boolean;
}

/** An arrow: from a prerequisite to the item that waits for it, or from a parent to its child. */
export interface GraphEdge {
  /** Prerequisite or parent. */
  from: string;
  /** Dependent item or child. */
  to: string;
  /** What the arrow means. */
  kind: "dependency" | "parent";
}

/** Nodes and edges, sorted. */
export interface ItemGraph {
  /** Sorted by ID. */
  nodes: GraphNode[];
  /** Sorted by `from`, `to`, `kind`. */
  edges: GraphEdge[];
}

/**
 * Builds the graph of active items; with `all`, archived and missing items
 * that active items reference are added.
 *
 * @param active Active items.
 * @param archive Archived items.
 * @param all Include referenced archived and missing items.
 * @returns The graph.
 */
export function buildItemGraph(
  active: readonly Item[],
  archive: readonly Item[],
  all: boolean,
): ItemGraph {
  const archiveById = new Map<string, Item>();
  for (const it of archive) if (!archiveById.has(it.id)) archiveById.set(it.id, it);
  const ready = new Set(computeReadyQueue(active, new Set(archiveById.keys())).ready);
  const nodes = new Map<string, GraphNode>();
  for (const it of active) {
    if (nodes.has(it.id)) continue;
    nodes.set(it.id, {
      id: it.id,
      title: it.title,
      status: it.status,
      location: "active",
      ready: ready.has(it),
    });
  }
  const activeIds = new Set(nodes.keys());
  const edges = new Map<string, GraphEdge>();
  const reference = (id: string): boolean => {
    if (activeIds.has(id) || nodes.has(id)) return true;
    if (!all) return false;
    const a = archiveById.get(id);
    nodes.set(id, {
      id,
      title: a?.title ?? null,
      status: a?.status ?? null,
      location: a ? "archived" : "missing",
      ready: false,
    });
    return true;
  };
  for (const it of active) {
    for (const d of it.dependencies) {
      if (reference(d)) {
        edges.set(`${d}\u0000${it.id}\u0000d`, { from: d, to: it.id, kind: "dependency" });
      }
    }
    if (it.parent !== null && reference(it.parent)) {
      edges.set(`${it.parent}\u0000${it.id}\u0000p`, {
        from: it.parent,
        to: it.id,
        kind: "parent",
      });
    }
  }
  return {
    nodes: [...nodes.values()].sort((a, b) => compareCodePoints(a.id, b.id)),
    edges: [...edges.values()].sort((a, b) =>
      compareCodePoints(a.from, b.from) || compareCodePoints(a.to, b.to) ||
      compareCodePoints(a.kind, b.kind)
    ),
  };
}

/** One-line label text: `ID [status, ready] Title` (controls removed, long titles cut). */
// deno-lint-ignore no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f]/g;

function labelParts(n: GraphNode): { head: string; title: string } {
  const state = n.location === "missing"
    ? "missing"
    : n.location === "archived"
    ? `${n.status}, archived`
    : n.ready
    ? `${n.status}, ready`
    : `${n.status}`;
  const title = n.title === null ? "" : truncateTitle(n.title.replace(CONTROLS, " "));
  return { head: `${n.id} [${state}]`, title };
}

function nodeClass(n: GraphNode): string {
  if (n.location === "missing") return "missing";
  if (n.location === "archived") return "archived";
  if (n.ready) return "ready";
  return n.status ?? "todo";
}

function mermaidText(s: string): string {
  return s.replace(/#/g, "#35;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(
    />/g,
    "#gt;",
  );
}

/**
 * Mermaid flowchart.
 *
 * @param g The graph.
 * @returns Mermaid source, newline-terminated.
 */
export function renderMermaid(g: ItemGraph): string {
  const ids = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = [
    "%% tg graph: solid arrows run from a prerequisite to the item waiting for it,",
    "%% dotted arrows from a parent to its child; ready items are green.",
    "flowchart TD",
  ];
  for (const n of g.nodes) {
    const { head, title } = labelParts(n);
    const label = title === ""
      ? mermaidText(head)
      : `${mermaidText(head)}<br/>${mermaidText(title)}`;
    lines.push(`  ${ids.get(n.id)}["${label}"]`);
  }
  for (const e of g.edges) {
    lines.push(`  ${ids.get(e.from)} ${e.kind === "parent" ? "-.->" : "-->"} ${ids.get(e.to)}`);
  }
  const styles: [string, string][] = [
    ["ready", "fill:#d4f7d4,stroke:#2e7d32,stroke-width:2px"],
    ["todo", "fill:#ffffff,stroke:#607d8b"],
    ["doing", "fill:#fff3c4,stroke:#b58900"],
    ["blocked", "fill:#fddede,stroke:#c62828"],
    ["done", "fill:#eeeeee,stroke:#9e9e9e,color:#616161"],
    ["archived", "fill:#eeeeee,stroke:#9e9e9e,color:#616161,stroke-dasharray:3 3"],
    ["missing", "fill:#ffffff,stroke:#c62828,color:#c62828,stroke-dasharray:4 3"],
  ];
  for (const [cls, style] of styles) {
    const members = g.nodes.filter((n) => nodeClass(n) === cls).map((n) => ids.get(n.id));
    if (members.length === 0) continue;
    lines.push(`  classDef ${cls} ${style}`);
    lines.push(`  class ${members.join(",")} ${cls}`);
  }
  return lines.join("\n") + "\n";
}

function dotString(s: string): string {
  return '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
}

const DOT_FILL: Record<string, string> = {
  ready: "#d4f7d4",
  todo: "#ffffff",
  doing: "#fff3c4",
  blocked: "#fddede",
  done: "#eeeeee",
  archived: "#eeeeee",
  missing: "#ffffff",
};

/**
 * Graphviz DOT digraph.
 *
 * @param g The graph.
 * @returns DOT source, newline-terminated.
 */
export function renderDot(g: ItemGraph): string {
  const lines = [
    "// tg graph: solid arrows run from a prerequisite to the item waiting for it,",
    "// dashed arrows from a parent to its child; ready items are green with a bold border.",
    "digraph tg {",
    "  rankdir=TB;",
    '  node [shape=box, style="rounded,filled", fontname="Helvetica"];',
  ];
  for (const n of g.nodes) {
    const { head, title } = labelParts(n);
    const cls = nodeClass(n);
    const attrs = [
      `label=${dotString(title === "" ? head : `${head}\n${title}`).replace(/\n/g, "\\n")}`,
      `fillcolor="${DOT_FILL[cls]}"`,
    ];
    if (cls === "ready") attrs.push("penwidth=2");
    if (cls === "archived" || cls === "missing") attrs.push('style="rounded,filled,dashed"');
    lines.push(`  ${dotString(n.id)} [${attrs.join(", ")}];`);
  }
  for (const e of g.edges) {
    lines.push(
      `  ${dotString(e.from)} -> ${dotString(e.to)}${
        e.kind === "parent" ? " [style=dashed]" : ""
      };`,
    );
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}

/**
 * Pretty JSON: `{"nodes": [...], "edges": [...]}`.
 *
 * @param g The graph.
 * @returns JSON, newline-terminated.
 */
export function renderGraphJson(g: ItemGraph): string {
  const str = (s: string | null): string => (s === null ? "null" : quoteJsonString(s));
  const nodes = g.nodes.map((n) =>
    `    {\n      "id": ${str(n.id)},\n      "title": ${str(n.title)},\n      "status": ${
      str(n.status)
    },\n      "location": "${n.location}",\n      "ready": ${n.ready}\n    }`
  );
  const edges = g.edges.map((e) =>
    `    {\n      "from": ${str(e.from)},\n      "to": ${
      str(e.to)
    },\n      "kind": "${e.kind}"\n    }`
  );
  const list = (a: string[]): string => (a.length === 0 ? "[]" : `[\n${a.join(",\n")}\n  ]`);
  return `{\n  "nodes": ${list(nodes)},\n  "edges": ${list(edges)}\n}\n`;
}
