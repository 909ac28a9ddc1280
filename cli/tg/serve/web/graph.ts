/// <reference lib="dom" />
/**
 * The graph view: dependencies (solid arrows from a prerequisite to the item
 * that waits for it) and parents (dashed, from parent to child) of the
 * active items, laid out by dagre, ready items outlined. Pan by dragging,
 * zoom with the wheel or + and -, 0 fits the graph.
 *
 * @module
 */

import type { VNode } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { html } from "htm/preact";
import dagre from "@dagrejs/dagre";
import type { Card } from "../board_data.ts";
import type { BoardState } from "./api.ts";
import { type Filter, matches } from "./board.ts";
import { isTyping } from "./item.ts";

/** Most nodes drawn at once. */
export const MAX_NODES = 400;

const NODE_W = 228;
const NODE_H = 58;

interface LaidNode {
  card: Card;
  x: number;
  y: number;
  ready: boolean;
}

interface LaidEdge {
  key: string;
  kind: "dependency" | "parent";
  d: string;
}

interface Layout {
  nodes: LaidNode[];
  edges: LaidEdge[];
  width: number;
  height: number;
  total: number;
}

/** The items the graph draws: those with a relation (or all), filtered, capped. */
export function graphItems(
  state: BoardState,
  filter: Filter,
  all: boolean,
): { cards: Card[]; total: number } {
  const linked = new Set<string>();
  for (const c of state.items.values()) {
    const deps = c.deps.filter((d) => state.items.has(d));
    if (deps.length > 0) linked.add(c.id);
    for (const d of deps) linked.add(d);
    if (c.parent !== null && state.items.has(c.parent)) {
      linked.add(c.id);
      linked.add(c.parent);
    }
  }
  let cards = [...state.items.values()].filter((c) =>
    (all || linked.has(c.id)) &&
    (filter.statuses.size === 0 || filter.statuses.has(c.status))
  );
  const narrowed = filter.q.trim() !== "" || filter.tag !== "";
  if (narrowed) {
    const hit = new Set(cards.filter((c) => matches(c, filter)).map((c) => c.id));
    const keep = new Set(hit);
    for (const c of cards) {
      if (hit.has(c.id)) {
        for (const d of c.deps) keep.add(d);
        if (c.parent !== null) keep.add(c.parent);
      } else if (c.deps.some((d) => hit.has(d)) || (c.parent !== null && hit.has(c.parent))) {
        keep.add(c.id);
      }
    }
    cards = cards.filter((c) => keep.has(c.id));
  }
  const total = cards.length;
  if (total > MAX_NODES) {
    const degree = new Map<string, number>();
    for (const c of cards) {
      for (const d of [...c.deps, ...(c.parent === null ? [] : [c.parent])]) {
        degree.set(c.id, (degree.get(c.id) ?? 0) + 1);
        degree.set(d, (degree.get(d) ?? 0) + 1);
      }
    }
    cards = cards.sort((a, b) => (degree.get(b.id) ?? 0) - (degree.get(a.id) ?? 0))
      .slice(0, MAX_NODES);
  }
  return { cards, total };
}

function layout(state: BoardState, filter: Filter, all: boolean): Layout {
  const { cards, total } = graphItems(state, filter, all);
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "LR", nodesep: 18, ranksep: 64, marginx: 24, marginy: 24 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(cards.map((c) => c.id));
  for (const c of cards) g.setNode(c.id, { width: NODE_W, height: NODE_H });
  for (const c of cards) {
    for (const d of c.deps) if (ids.has(d)) g.setEdge(d, c.id, {}, `dep:${d}>${c.id}`);
    if (c.parent !== null && ids.has(c.parent)) {
      g.setEdge(c.parent, c.id, { minlen: 1 }, `parent:${c.parent}>${c.id}`);
    }
  }
  dagre.layout(g);
  const nodes = cards.map((card) => {
    const n = g.node(card.id)!;
    return { card, x: n.x - NODE_W / 2, y: n.y - NODE_H / 2, ready: state.readySet.has(card.id) };
  });
  const edges: LaidEdge[] = g.edges().map((e) => {
    const pts = (g.edge(e) as { points: { x: number; y: number }[] }).points;
    const name = e.name ?? "";
    return { key: name, kind: name.startsWith("parent:") ? "parent" : "dependency", d: path(pts) };
  });
  const gl = g.graph() as { width?: number; height?: number };
  return { nodes, edges, width: gl.width ?? 0, height: gl.height ?? 0, total };
}

/** A smooth path through dagre's points. */
function path(pts: { x: number; y: number }[]): string {
  if (pts.length === 0) return "";
  let d = `M${pts[0]!.x},${pts[0]!.y}`;
  if (pts.length === 2) return d + `L${pts[1]!.x},${pts[1]!.y}`;
  for (let i = 1; i < pts.length - 1; i++) {
    const p = pts[i]!;
    const n = pts[i + 1]!;
    const mx = i === pts.length - 2 ? n.x : (p.x + n.x) / 2;
    const my = i === pts.length - 2 ? n.y : (p.y + n.y) / 2;
    d += `Q${p.x},${p.y} ${mx},${my}`;
  }
  return d;
}

function cut(s: string, n: number): string {
  const chars = [...s];
  return chars.length <= n ? s : chars.slice(0, n - 1).join("") + "…";
}

interface View {
  x: number;
  y: number;
  k: number;
}

/** The graph view. */
export function GraphView(
  { state, filter, onOpen }: { state: BoardState; filter: Filter; onOpen: (id: string) => void },
): VNode {
  const [all, setAll] = useState(false);
  const laid = useMemo(() => layout(state, filter, all), [state.revision, filter, all]);
  const wrap = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<View>({ x: 0, y: 0, k: 1 });
  const [panning, setPanning] = useState(false);
  const drag = useRef<{ x: number; y: number; vx: number; vy: number; moved: boolean } | null>(
    null,
  );

  const fit = () => {
    const el = wrap.current;
    if (el === null || laid.width === 0) return setView({ x: 0, y: 0, k: 1 });
    const r = el.getBoundingClientRect();
    const k = Math.min(1.2, Math.max(0.15, Math.min(r.width / laid.width, r.height / laid.height)));
    setView({ k, x: (r.width - laid.width * k) / 2, y: (r.height - laid.height * k) / 2 });
  };
  useEffect(fit, [laid.width, laid.height]);

  const zoom = (factor: number, cx?: number, cy?: number) => {
    const r = wrap.current!.getBoundingClientRect();
    const px = cx ?? r.width / 2;
    const py = cy ?? r.height / 2;
    setView((v) => {
      const k = Math.min(3, Math.max(0.1, v.k * factor));
      return { k, x: px - (px - v.x) * (k / v.k), y: py - (py - v.y) * (k / v.k) };
    });
  };

  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (isTyping(e) || e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "+" || e.key === "=") zoom(1.2);
      else if (e.key === "-") zoom(1 / 1.2);
      else if (e.key === "0") fit();
      else return;
      e.preventDefault();
    };
    addEventListener("keydown", key);
    return () => removeEventListener("keydown", key);
  }, [laid]);

  return html`
    <div class=${`graph-wrap${panning ? " panning" : ""}`}
      ref=${wrap}
      onWheel=${(e: WheelEvent) => {
        e.preventDefault();
        const r = wrap.current!.getBoundingClientRect();
        zoom(Math.exp(-e.deltaY / 400), e.clientX - r.left, e.clientY - r.top);
      }}
      onPointerDown=${(e: PointerEvent) => {
        if ((e.target as Element).closest(".node,.graph-tools")) return;
        drag.current = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y, moved: false };
        (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
        setPanning(true);
      }}
      onPointerMove=${(e: PointerEvent) => {
        const d = drag.current;
        if (d === null) return;
        d.moved = true;
        setView((v) => ({ ...v, x: d.vx + e.clientX - d.x, y: d.vy + e.clientY - d.y }));
      }}
      onPointerUp=${() => {
        drag.current = null;
        setPanning(false);
      }}
    >
        ${laid.nodes.length === 0
          ? html`<div class="panel-empty">${
            state.items.size === 0
              ? "The store has no active items."
              : "No dependencies or parents among the shown items. Show every item with the switch above."
          }</div>`
          : html`
            <svg role="img" aria-label=${`Graph of ${laid.nodes.length} items`}>
              <defs>
                <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"
                  orient="auto-start-reverse">
                  <path class="arrow" d="M0,0 L10,5 L0,10 z" />
                </marker>
              </defs>
              <g transform=${`translate(${view.x},${view.y}) scale(${view.k})`}>
                        ${laid.edges.map((e) =>
                          html`<path key=${e.key} class=${`edge ${e.kind}`} d=${e.d} marker-end=${
                            e.kind === "dependency" ? "url(#arrow)" : undefined
                          } />`
                        )}
                        ${laid.nodes.map((n) =>
                          html`
                            <g
                              key=${n.card.id}
                              class=${`node s-${n.card.status}${n.ready ? " ready" : ""}`}
                              data-id=${n.card.id}
                              transform=${`translate(${n.x},${n.y})`}
                              tabindex="0"
                              role="button"
                              aria-label=${`${n.card.id}: ${n.card.title}${
                                n.ready ? " (ready)" : ""
                              }`}
                              onClick=${() => onOpen(n.card.id)}
                              onKeyDown=${(e: KeyboardEvent) =>
                                e.key === "Enter" && onOpen(n.card.id)}
                            >
                                            <title>${n.card.id}: ${n.card.title}</title>
                                            <rect class="frame" width=${NODE_W} height=${NODE_H} rx="9" />
                                            <rect class="bar" x="0" y="8" width="4" height=${NODE_H -
                                              16} rx="2" />
                                            <text class="n-id" x="14" y="21">${n.card.id}</text>
                                            ${n.ready
                                              ? html`<text class="n-ready" x=${
                                                NODE_W - 12
                                              } y="21" text-anchor="end">READY</text>`
                                              : null}
                                            <text class="n-title" x="14" y="41">${cut(
                                              n.card.title,
                                              30,
                                            )}</text>
                                          </g>
                          `
                        )}
                      </g>
            </svg>
          `}
        <div class="graph-tools">
          <button class=${`chip`} aria-pressed=${all} onClick=${() =>
            setAll(!all)} title="Also show items without dependencies or parents">All items</button>
          <button class="btn small" onClick=${() => zoom(1 / 1.2)} aria-label="Zoom out">−</button>
          <button class="btn small" onClick=${() => zoom(1.2)} aria-label="Zoom in">+</button>
          <button class="btn small" onClick=${fit}>Fit <kbd>0</kbd></button>
        </div>
        <div class="graph-legend">
          <span><span class="legend-line"></span> dependency (points to the item that waits)</span>
          <span><span class="legend-line dashed"></span> parent → child</span>
          <span><span class="pill ready">Ready</span> all dependencies done</span>
          ${laid.total > laid.nodes.length
            ? html`<span>Showing ${laid.nodes.length} of ${laid.total} items: narrow with the search</span>`
            : html`<span>${laid.nodes.length} items</span>`}
        </div>
      </div>
  ` as VNode;
}
