/// <reference lib="dom" />
/**
 * The board (columns todo, doing, blocked and recently done, with drag and
 * drop between them) and the ready queue.
 *
 * @module
 */

import { Component, type VNode } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { html } from "htm/preact";
import type { Card } from "../board_data.ts";
import type { BoardState } from "./api.ts";
import { levelLetter, priorityValue, relative } from "./format.ts";
import { Claim, PgPill, Priority } from "./ui.ts";

/** What the board shows. */
export interface Filter {
  /** Words every shown item contains (ID, title, tags, claim, phase). */
  q: string;
  /** A tag every shown item has (`""`: any). */
  tag: string;
  /** The columns shown (empty: all). */
  statuses: ReadonlySet<string>;
}

/** The board's columns, in order. */
export const COLUMNS: readonly { status: string; label: string }[] = [
  { status: "todo", label: "To do" },
  { status: "doing", label: "Doing" },
  { status: "blocked", label: "Blocked" },
  { status: "done", label: "Done" },
];

/** Whether a card passes the filter's words and tag. */
export function matches(card: Card, filter: Filter): boolean {
  if (filter.tag !== "" && !card.tags.includes(filter.tag)) return false;
  const q = filter.q.trim().toLowerCase();
  if (q === "") return true;
  const hay = [card.id, card.title, ...card.tags, card.claimedBy ?? "", card.pg?.phase ?? ""]
    .join("\n").toLowerCase();
  return q.split(/\s+/).every((w) => hay.includes(w));
}

/** Priority (high first), then creation (old first), then ID. */
export function byPriority(a: Card, b: Card): number {
  return priorityValue(b.priority) - priorityValue(a.priority) ||
    (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0) ||
    (a.id < b.id ? -1 : 1);
}

/** The cards of each column, filtered and sorted. */
export function columnCards(state: BoardState, filter: Filter): Record<string, Card[]> {
  const out: Record<string, Card[]> = { todo: [], doing: [], blocked: [], done: [] };
  for (const id of state.order) {
    const c = state.items.get(id)!;
    if (matches(c, filter)) out[c.status]?.push(c);
  }
  for (const k of ["todo", "doing", "blocked"]) out[k]!.sort(byPriority);
  out.done!.push(...state.done.filter((c) => matches(c, filter)));
  return out;
}

interface CardProps {
  card: Card;
  ready: boolean;
  selected: boolean;
  now: number;
  draggable: boolean;
  onOpen: (id: string) => void;
  onDrag: (id: string | null) => void;
}

/** One card; re-renders only when its item, selection or readiness changes (or each minute). */
export class CardView extends Component<CardProps> {
  override shouldComponentUpdate(next: CardProps): boolean {
    const p = this.props;
    return next.card !== p.card || next.selected !== p.selected || next.ready !== p.ready ||
      Math.floor(next.now / 60000) !== Math.floor(p.now / 60000);
  }

  override render(): VNode {
    const { card: c, ready, selected, now, draggable, onOpen, onDrag } = this.props;
    const pg = c.pg;
    const cls = `card s-${c.status}${selected ? " selected" : ""}`;
    return html`
      <article
        class=${cls}
        data-id=${c.id}
        tabindex="0"
        draggable=${draggable}
        aria-label=${`${c.id}: ${c.title}`}
        onClick=${() => onOpen(c.id)}
        onKeyDown=${(e: KeyboardEvent) => {
          if (e.key === "Enter") onOpen(c.id);
        }}
        onDragStart=${(e: DragEvent) => {
          e.dataTransfer?.setData("text/plain", c.id);
          (e.currentTarget as HTMLElement).classList.add("dragging");
          onDrag(c.id);
        }}
        onDragEnd=${(e: DragEvent) => {
          (e.currentTarget as HTMLElement).classList.remove("dragging");
          onDrag(null);
        }}
      >
            <div class="card-top">
              <span class="mono">${c.id}</span>
              <${Priority} value=${c.priority} />
              ${ready
                ? html`<span class="ready-mark" title="Every dependency is done">Ready</span>`
                : null}
            </div>
            <h3 class="card-title">${c.title}</h3>
            ${c.tags.length > 0 || c.deps.length > 0 || c.parent !== null
              ? html`<div class="card-meta">
            ${c.tags.map((t) => html`<span class="tag" key=${t}>${t}</span>`)}
            ${
                c.deps.length > 0
                  ? html`<span class="tag" title=${`Waits for ${
                    c.deps.join(", ")
                  }`}>⟵ ${c.deps.length}</span>`
                  : null
              }
            ${
                c.parent !== null
                  ? html`<span class="tag" title=${`Child of ${c.parent}`}>↳ ${c.parent}</span>`
                  : null
              }
          </div>`
              : null}
            ${c.blockedReason ? html`<div class="card-reason">${c.blockedReason}</div>` : null}
            ${pg !== null && c.status !== "done" ? html`<${PgLine} card=${c} />` : null}
            ${c.claimedBy !== null || c.status === "done"
              ? html`<div class="card-foot">
            ${
                c.claimedBy !== null
                  ? html`<${Claim} by=${c.claimedBy} expiresAt=${c.claimExpiresAt} now=${now} />`
                  : null
              }
            ${
                c.status === "done"
                  ? html`<span class="when" title=${c.updatedAt}>done ${
                    relative(c.updatedAt, now)
                  }</span>`
                  : null
              }
          </div>`
              : null}
          </article>
    ` as VNode;
  }
}

/**
 * pg's line on a card: its status where the column does not already say it
 * (new, scoping, ready), phase, pipeline, review, size and a high impact or risk.
 */
function PgLine({ card }: { card: Card }): VNode | null {
  const pg = card.pg!;
  const parts: VNode[] = [];
  if (card.status === "todo") {
    parts.push(
      html`<span class=${`pill ${pg.status}`} title="pg status">pg ${pg.status}</span>` as VNode,
    );
  }
  if (pg.phase !== null || pg.pipeline !== null) {
    parts.push(
      html`<span title="Phase · pipeline">${
        pg.phase === null ? null : html`<span class="phase">${pg.phase}</span>`
      }${pg.phase !== null && pg.pipeline !== null ? " · " : ""}${
        pg.pipeline ?? ""
      }</span>` as VNode,
    );
  }
  if (pg.review) parts.push(html`<span class="pill scoping plain">review</span>` as VNode);
  const badges: VNode[] = [];
  if (pg.size !== null) {
    badges.push(
      html`<span class=${`lv-${pg.size}`} title=${`Size: ${pg.size}`}>${
        levelLetter(pg.size)
      }</span>` as VNode,
    );
  }
  if (pg.impact === "high") {
    badges.push(html`<span class="lv-impact" title="Impact: high">impact ↑</span>` as VNode);
  }
  if (pg.risk === "high") {
    badges.push(html`<span class="lv-high" title="Risk: high">risk ↑</span>` as VNode);
  }
  if (parts.length === 0 && badges.length === 0) return null;
  return html`<div class="pg-line">${parts}${
    badges.length > 0 ? html`<span class="assess">${badges}</span>` : null
  }</div>` as VNode;
}

/** Where dropping an item on a column takes it: the action, or `null` for none. */
export function dropAction(from: string, to: string): string | null {
  if (from === to) return null;
  if (to === "blocked") return "block";
  if (from === "blocked") return to === "done" ? "done" : "unblock";
  if (to === "todo") return "todo";
  if (to === "doing") return "do";
  if (to === "done") return "done";
  return null;
}

interface BoardProps {
  state: BoardState;
  filter: Filter;
  selected: string | null;
  now: number;
  onOpen: (id: string) => void;
  onMove: (id: string, action: string) => void;
}

/** The four columns. */
export function Board({ state, filter, selected, now, onOpen, onMove }: BoardProps): VNode {
  const cols = useMemo(() => columnCards(state, filter), [state.revision, filter]);
  const [limits, setLimits] = useState<Record<string, number>>({});
  useEffect(() => setLimits({}), [filter]); // a new filter starts at the top
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const readOnly = state.meta?.readOnly ?? true;
  const shown = COLUMNS.filter((c) => filter.statuses.size === 0 || filter.statuses.has(c.status));
  const statusOf = (id: string) =>
    state.items.get(id)?.status ?? (state.done.some((c) => c.id === id) ? "done" : null);
  return html`<div class="board" role="list">
    ${
    shown.map(({ status, label }) => {
      const cards = cols[status]!;
      const from = dragging === null ? null : statusOf(dragging);
      const target = from !== null && dropAction(from, status) !== null;
      const total = status === "done" ? state.doneTotal : cards.length;
      // A long column renders a window of cards and grows it as it is scrolled
      // (or as the keyboard selection moves down).
      const sel = selected === null ? -1 : cards.findIndex((c) => c.id === selected);
      const limit = Math.max(limits[status] ?? WINDOW, sel + WINDOW / 2);
      const visible = cards.length > limit ? cards.slice(0, limit) : cards;
      return html`
        <section
          key=${status}
          class=${`column${over === status && target ? " drop" : ""}`}
          role="listitem"
          aria-label=${`${label}: ${cards.length}`}
          data-status=${status}
          onDragOver=${(e: DragEvent) => {
            if (!target) return;
            e.preventDefault();
            if (over !== status) setOver(status);
          }}
          onDragLeave=${(e: DragEvent) => {
            if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node)) setOver(null);
          }}
          onDrop=${(e: DragEvent) => {
            e.preventDefault();
            setOver(null);
            const id = e.dataTransfer?.getData("text/plain") || dragging;
            const f = id ? statusOf(id) : null;
            const action = f === null ? null : dropAction(f, status);
            if (id && action !== null) onMove(id, action);
          }}
        >
          <header class="column-head">
                  <span class=${`dot ${status}`}></span>
                  <span>${label}</span>
                  <span class="count">${cards.length}</span>
                  ${status === "done"
                    ? html`<span class="hint" title="Items in the archive">${total} archived</span>`
                    : null}
                </header>
          <div class="column-body">
                  ${cards.length === 0
                    ? html`<div class="column-empty">${
                      filter.q !== "" || filter.tag !== "" ? "No matching items" : emptyText(status)
                    }</div>`
                    : visible.map((c) =>
                      html`
                        <${CardView}
                          key=${c.id}
                          card=${c}
                          ready=${state.readySet.has(c.id)}
                          selected=${selected === c.id}
                          now=${now}
                          draggable=${!readOnly && status !== "done"}
                          onOpen=${onOpen}
                          onDrag=${setDragging}
                        />
                      `
                    )}
                  ${visible.length < cards.length
                    ? html`<${More} shown=${visible.length} total=${cards.length} onMore=${() =>
                      setLimits({ ...limits, [status]: limit + WINDOW })} />`
                    : null}
                </div>
        </section>
      `;
    })
  }
  </div>` as VNode;
}

/** Cards a column renders at first, and adds each time its end comes into view. */
export const WINDOW = 150;

/** The end of a column's window: renders more cards as it comes into view. */
function More(
  { shown, total, onMore }: { shown: number; total: number; onMore: () => void },
): VNode {
  const ref = useRef<HTMLDivElement>(null);
  const more = useRef(onMore);
  more.current = onMore;
  useEffect(() => {
    const el = ref.current!;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) more.current();
    }, { root: el.parentElement, rootMargin: "800px 0px" });
    io.observe(el);
    return () => io.disconnect();
  }, [shown]);
  return html`<div class="column-more" ref=${ref}>
    Showing ${shown} of ${total} · <button class="btn ghost small" onClick=${onMore}>Show more</button>
  </div>` as VNode;
}

function emptyText(status: string): string {
  switch (status) {
    case "todo":
      return "Nothing to do. Add an item with N.";
    case "doing":
      return "Nothing in progress";
    case "blocked":
      return "Nothing blocked";
    default:
      return "Nothing finished yet";
  }
}

/** The ready queue: what `tg ready` lists, in its order. */
export function ReadyList(
  { state, filter, selected, onOpen }: {
    state: BoardState;
    filter: Filter;
    selected: string | null;
    onOpen: (id: string) => void;
  },
): VNode {
  const rows = useMemo(
    () =>
      state.ready.map((id, i) => [i + 1, state.items.get(id)] as const).filter((
        [, c],
      ) => c !== undefined && matches(c, filter)) as [number, Card][],
    [state.revision, filter],
  );
  return html`
    <div class="page">
      <div class="panel">
          <div class="panel-head">
            Ready queue
            <span class="muted">todo items whose dependencies are all done, by priority — what <span class="mono">tg next</span> picks first</span>
          </div>
          ${rows.length === 0
            ? html`<div class="panel-empty">${
              state.ready.length === 0 ? "Nothing is ready." : "No ready item matches the filter."
            }</div>`
            : html`
              <table class="list">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>ID</th>
                    <th>Title</th>
                    <th>Priority</th>
                    <th>Tags</th>
                    <th>pg</th>
                  </tr>
                </thead>
                <tbody>
                          ${rows.map(([rank, c]) =>
                            html`
                              <tr key=${c.id} class=${`clickable${
                                selected === c.id ? " selected" : ""
                              }`} data-id=${c.id} onClick=${() => onOpen(c.id)}>
                                <td class="rank">${rank}</td>
                                <td class="mono">${c.id}</td>
                                <td class="title-cell">${c.title}</td>
                                <td>
                                  <${Priority} value=${c.priority} always=${true} />
                                </td>
                                <td>${c.tags.map((t) =>
                                  html`
                                    <span class="tag" key=${t}>${t}</span>
                                  `
                                )}</td>
                                <td>${c.pg === null
                                  ? null
                                  : html`<${PgPill} status=${c.pg.status} /> <span class="phase">${
                                    c.pg.phase ?? ""
                                  }</span>`}</td>
                              </tr>
                            `
                          )}
                        </tbody>
              </table>
            `}
        </div>
    </div>
  ` as VNode;
}
