/**
 * What `tg serve` sends the page, built from the store (pure): a card per
 * item (the fields the board shows, pg's view included), the board's
 * snapshot, the change between two snapshots, one item in detail, and the
 * totals of pg's phase histories. Field names are camelCase: this is the
 * page's format, not the store's.
 *
 * @module
 */

import { PgItem } from "../../../lib/adapter/pg_item.ts";
import { pgStatusToSnake } from "../../../lib/adapter/pg_status.ts";
import { type PhaseRun, totalPhaseRuns } from "../../../lib/adapter/phase_history.ts";
import type { RunState } from "../../../lib/orchestrator/run/run_state.ts";
import { claimLease, isClaimExpired } from "../../../lib/store/claims.ts";
import type { TaskEvent } from "../../../lib/store/events.ts";
import { computeReadyQueue, type ReadyCandidate } from "../../../lib/store/graph.ts";
import type { Item } from "../../../lib/store/item.ts";
import type { JsonValue } from "../../../lib/store/json.ts";

/** How many archived items the Done column shows. */
export const RECENT_DONE = 50;

/** pg's view of an item, on its card. */
export interface PgCard {
  /** `new`, `scoping`, `ready`, `in_progress`, `done` or `blocked`. */
  status: string;
  /** The current phase. */
  phase: string | null;
  /** `pre` (scoping) or `main`. */
  pool: string | null;
  /** The pipeline (`feature`, `fix`, …). */
  pipeline: string | null;
  /** Size assessment. */
  size: string | null;
  /** Complexity assessment. */
  complexity: string | null;
  /** Risk assessment. */
  risk: string | null;
  /** Impact assessment. */
  impact: string | null;
  /** Waits for a human review. */
  review: boolean;
  /** Why pg blocked it: `clarification` or `decision`. */
  blockedType: string | null;
  /** Phase runs recorded. */
  runs: number;
  /** Their cost in US dollars, when reported. */
  costUsd: number | null;
  /** Their wall time. */
  durationMs: number;
}

/** One item on the board. */
export interface Card {
  /** The ID. */
  id: string;
  /** The title. */
  title: string;
  /** `todo`, `doing`, `blocked` or `done`. */
  status: string;
  /** The priority (a decimal integer: it may exceed JavaScript's safe integers). */
  priority: string;
  /** Tags. */
  tags: string[];
  /** Dependencies. */
  deps: string[];
  /** The parent. */
  parent: string | null;
  /** Who claimed it. */
  claimedBy: string | null;
  /** When. */
  claimedAt: string | null;
  /** When the claim stops blocking others (`tg do --ttl`). */
  claimExpiresAt: string | null;
  /** Why it is blocked. */
  blockedReason: string | null;
  /** The status it was blocked from. */
  blockedFrom: string | null;
  /** Created. */
  createdAt: string;
  /** Last changed. */
  updatedAt: string;
  /** Whether it has a description. */
  hasDescription: boolean;
  /** pg's view, for items pg manages. */
  pg: PgCard | null;
}

/** A running `pg run` as the page shows it. */
export interface RunView extends RunState {
  /** The run's process still runs (`false`: it was killed before it could say it ended). */
  alive: boolean;
}

/** The whole board. */
export interface BoardSnapshot {
  /** Increases with every change the server saw. */
  version: number;
  /** The server's time (canonical timestamp). */
  now: string;
  /** Active items, in file order. */
  items: Card[];
  /** The most recently finished archived items, newest first. */
  done: Card[];
  /** Archived items in all. */
  doneTotal: number;
  /** Ready IDs, in queue order. */
  ready: string[];
  /** The store could not be read (the items are the last ones read), or `null`. */
  error: string | null;
  /** The current or latest `pg run`, or `null`. */
  run: RunView | null;
}

/**
 * The change from one snapshot to the next. `items` changes are listed by
 * ID; the other members are present only when they changed.
 */
export interface BoardPatch {
  /** The version the patch applies to. */
  from: number;
  /** The version after it. */
  version: number;
  /** The server's time. */
  now: string;
  /** Items added or changed, with their position in file order. */
  upsert: Card[];
  /** IDs of items no longer active. */
  remove: string[];
  /** The new file order of the active IDs, when it changed otherwise than by appends. */
  order?: string[];
  /** See {@linkcode BoardSnapshot}. */
  done?: Card[];
  /** See {@linkcode BoardSnapshot}. */
  doneTotal?: number;
  /** See {@linkcode BoardSnapshot}. */
  ready?: string[];
  /** See {@linkcode BoardSnapshot}. */
  error?: string | null;
  /** See {@linkcode BoardSnapshot}. */
  run?: RunView | null;
}

/** Options for {@linkcode buildCard}. */
export interface CardOptions {
  /** Show pg's view of every item (the project has a pg config), not only of those pg touched. */
  pgProject: boolean;
}

function hasPgKeys(item: Item): boolean {
  for (const k in item.extensions) if (k.startsWith("x-pg-")) return true;
  return false;
}

/**
 * An item's card.
 *
 * @param item The item.
 * @param options Whether the project uses pg.
 * @returns The card.
 */
export function buildCard(item: Item, options: CardOptions): Card {
  const lease = item.claimed_by === null ? null : claimLease(item);
  let pg: PgCard | null = null;
  if (options.pgProject || hasPgKeys(item)) {
    const p = new PgItem(item);
    const totals = totalPhaseRuns(p.history());
    pg = {
      status: pgStatusToSnake(p.status()),
      phase: p.phase(),
      pool: p.phasePool(),
      pipeline: p.pipelineType(),
      size: p.size(),
      complexity: p.complexity(),
      risk: p.risk(),
      impact: p.impact(),
      review: p.requiresHumanReview(),
      blockedType: p.blockedType(),
      runs: totals.runs,
      costUsd: totals.costUsd,
      durationMs: totals.durationMs,
    };
  }
  return {
    id: item.id,
    title: item.title,
    status: item.status,
    priority: String(item.priority),
    tags: item.tags,
    deps: item.dependencies,
    parent: item.parent,
    claimedBy: item.claimed_by,
    claimedAt: item.claimed_at,
    claimExpiresAt: lease?.expiresAt ?? null,
    blockedReason: item.blocked_reason,
    blockedFrom: item.blocked_from_status,
    createdAt: item.created_at,
    updatedAt: item.updated_at,
    hasDescription: item.description !== null && item.description !== "",
    pg,
  };
}

/**
 * The items of {@linkcode BoardSnapshot.ready}: the active `todo` items
 * whose dependencies are all done, by priority.
 *
 * @param rows Active items (or rows standing for them), each ID once.
 * @param archiveIds Archived IDs.
 * @param activeIds The IDs of `rows`, when the caller has them.
 * @returns IDs in queue order.
 */
export function readyIds(
  rows: readonly ReadyCandidate[],
  archiveIds: ReadonlySet<string>,
  activeIds?: ReadonlySet<string>,
): string[] {
  return computeReadyQueue(rows, archiveIds, activeIds).ready.map((it) => it.id);
}

/**
 * The most recently finished archived items (by `updated_at`, newest first).
 *
 * @param archive Archived items.
 * @param n How many.
 * @returns Items, each ID once.
 */
export function recentDone(archive: readonly Item[], n: number = RECENT_DONE): Item[] {
  const byId = new Map<string, Item>();
  for (const it of archive) if (!byId.has(it.id)) byId.set(it.id, it);
  return [...byId.values()]
    .sort((a, b) => (a.updated_at < b.updated_at ? 1 : a.updated_at > b.updated_at ? -1 : 0))
    .slice(0, n);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The patch that turns `prev` into `next`. A card that did not change is the
 * same object in both (the source keeps it), so items are compared by
 * identity.
 *
 * @param prev The snapshot the page has.
 * @param next The new one.
 * @returns The patch.
 */
export function diffSnapshots(prev: BoardSnapshot, next: BoardSnapshot): BoardPatch {
  const patch: BoardPatch = {
    from: prev.version,
    version: next.version,
    now: next.now,
    upsert: [],
    remove: [],
  };
  const p = prev.items;
  const n = next.items;
  if (sameIds(p, n)) {
    // The usual change (an item edited): compare in place, allocating nothing per item.
    for (let i = 0; i < n.length; i++) if (n[i] !== p[i]) patch.upsert.push(n[i]!);
  } else {
    const before = new Map(p.map((c) => [c.id, c]));
    const ids = new Set(n.map((c) => c.id));
    patch.upsert = n.filter((c) => before.get(c.id) !== c);
    patch.remove = p.filter((c) => !ids.has(c.id)).map((c) => c.id);
    const kept = p.filter((c) => ids.has(c.id));
    // The page appends new IDs at the end; say the order only when that is not enough.
    if (!kept.every((c, i) => n[i]!.id === c.id)) patch.order = n.map((c) => c.id);
  }
  if (prev.done !== next.done && !sameJson(prev.done, next.done)) patch.done = next.done;
  if (prev.doneTotal !== next.doneTotal) patch.doneTotal = next.doneTotal;
  if (!sameStrings(prev.ready, next.ready)) patch.ready = next.ready;
  if (prev.error !== next.error) patch.error = next.error;
  if (prev.run !== next.run && !sameJson(prev.run, next.run)) patch.run = next.run;
  return patch;
}

function sameIds(a: readonly Card[], b: readonly Card[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.id !== b[i]!.id) return false;
  return true;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether a patch changes nothing. */
export function isEmptyPatch(p: BoardPatch): boolean {
  return p.upsert.length === 0 && p.remove.length === 0 && p.order === undefined &&
    p.done === undefined && p.doneTotal === undefined && p.ready === undefined &&
    p.error === undefined && p.run === undefined;
}

/** Another item, as the detail names it. */
export interface ItemRef {
  /** ID. */
  id: string;
  /** Title, or `null` for an ID found nowhere. */
  title: string | null;
  /** Status, or `null`. */
  status: string | null;
  /** Where it is. */
  location: "active" | "archived" | "missing";
}

/** One event of the item's log. */
export interface EventView {
  /** When. */
  ts: string;
  /** Who. */
  author: string;
  /** `status_transition` or `note`. */
  type: string;
  /** The new status, for transitions. */
  status: string | null;
  /** Note text or block reason. */
  text: string;
}

/** One phase run of pg's history. */
export interface PhaseRunView {
  /** Phase. */
  phase: string;
  /** How it ended. */
  outcome: string;
  /** When it started. */
  startedAt: string;
  /** Wall time. */
  durationMs: number;
  /** Attempts. */
  attempts: number;
  /** Cost, when reported. */
  costUsd: number | null;
  /** Input tokens, when reported. */
  inputTokens: number | null;
  /** Output tokens, when reported. */
  outputTokens: number | null;
}

/** One item in full. */
export interface ItemDetail {
  /** Its card. */
  card: Card;
  /** Active or archived. */
  location: "active" | "archived";
  /** The description. */
  description: string | null;
  /** Extension fields other than pg's and the claim lease, as JSON text by key. */
  extensions: Record<string, string>;
  /** What it waits for. */
  deps: ItemRef[];
  /** What waits for it. */
  dependents: ItemRef[];
  /** The parent. */
  parent: ItemRef | null;
  /** Children. */
  children: ItemRef[];
  /** Whether it is in the ready queue. */
  ready: boolean;
  /** The event log, oldest first. */
  events: EventView[];
  /** pg's phase history, oldest first. */
  history: PhaseRunView[];
  /** pg's structured description (context, problem, solution, …), or `null`. */
  pgDescription: Record<string, string> | null;
  /** The claim expired (at the server's time). */
  claimExpired: boolean;
}

/** What {@linkcode buildDetail} needs besides the item. */
export interface DetailInput {
  /** The item. */
  item: Item;
  /** Whether it is archived. */
  archived: boolean;
  /** The active items' cards, in file order. */
  cards: readonly Card[];
  /** An archived item's title and status, by ID. */
  archivedRef: (id: string) => { title: string; status: string } | undefined;
  /** Whether the item is in the ready queue. */
  ready: boolean;
  /** Its events. */
  events: readonly TaskEvent[];
  /** Whether the project uses pg. */
  pgProject: boolean;
  /** Now (canonical timestamp). */
  now: string;
}

function stringifyJson(v: JsonValue): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? Number(x) : x));
}

/**
 * One item in detail: its relations, event log and phase history.
 *
 * @param input The item, the board's cards, its events.
 * @returns The detail.
 */
export function buildDetail(input: DetailInput): ItemDetail {
  const { item } = input;
  const active = new Map<string, Card>();
  for (const c of input.cards) if (!active.has(c.id)) active.set(c.id, c);
  const ref = (id: string): ItemRef => {
    const a = active.get(id);
    if (a !== undefined) return { id, title: a.title, status: a.status, location: "active" };
    const d = input.archivedRef(id);
    if (d !== undefined) return { id, title: d.title, status: d.status, location: "archived" };
    return { id, title: null, status: null, location: "missing" };
  };
  const extensions: Record<string, string> = {};
  for (const k of Object.keys(item.extensions).sort()) {
    if (k.startsWith("x-pg-") || k === "x-tg-claim-lease") continue;
    extensions[k] = stringifyJson(item.extensions[k]!);
  }
  const pg = new PgItem(item);
  const history: PhaseRunView[] = pg.history().map((r) => ({
    phase: r.phase,
    outcome: r.outcome,
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    attempts: r.attempts,
    costUsd: r.costUsd ?? null,
    inputTokens: r.inputTokens ?? null,
    outputTokens: r.outputTokens ?? null,
  }));
  const description = pg.description();
  const cards = [...active.values()];
  return {
    card: buildCard(item, { pgProject: input.pgProject }),
    location: input.archived ? "archived" : "active",
    description: item.description,
    extensions,
    deps: item.dependencies.map(ref),
    dependents: cards.filter((c) => c.deps.includes(item.id)).map((c) => ref(c.id)),
    parent: item.parent === null ? null : ref(item.parent),
    children: cards.filter((c) => c.parent === item.id && c.id !== item.id).map((c) => ref(c.id)),
    ready: input.ready,
    events: input.events.map((e) => ({
      ts: e.ts,
      author: e.author,
      type: e.type,
      status: e.status ?? null,
      text: e.text,
    })),
    history,
    pgDescription: description === null ? null : { ...description },
    claimExpired: item.claimed_by !== null && isClaimExpired(item, input.now),
  };
}

/** Totals of one item or phase over pg's recorded phase runs. */
export interface HistoryTotal {
  /** Item ID or phase name. */
  key: string;
  /** The item's title (items only). */
  title?: string;
  /** Runs. */
  runs: number;
  /** Wall time. */
  durationMs: number;
  /** Cost, when reported. */
  costUsd: number | null;
  /** Tokens, when reported. */
  tokens: number | null;
}

/** Totals over every item's recorded phase runs. */
export interface HistoryTotals {
  /** All of them. */
  all: HistoryTotal;
  /** Per phase, by cost then time. */
  byPhase: HistoryTotal[];
  /** Per item, by cost then time (the first 100). */
  byItem: HistoryTotal[];
}

function byCostThenTime(a: HistoryTotal, b: HistoryTotal): number {
  return (b.costUsd ?? -1) - (a.costUsd ?? -1) || b.durationMs - a.durationMs ||
    (a.key < b.key ? -1 : 1);
}

/**
 * Sums pg's phase histories (`x-pg-history`) of active and archived items.
 *
 * @param items The items.
 * @returns Totals in all, per phase and per item.
 */
export function historyTotals(items: readonly Item[]): HistoryTotals {
  const all: PhaseRun[] = [];
  const byPhase = new Map<string, PhaseRun[]>();
  const byItem: HistoryTotal[] = [];
  const seen = new Set<string>();
  for (const it of items) {
    if (seen.has(it.id) || it.extensions["x-pg-history"] === undefined) continue;
    seen.add(it.id);
    const runs = new PgItem(it).history();
    if (runs.length === 0) continue;
    all.push(...runs);
    for (const r of runs) byPhase.set(r.phase, [...byPhase.get(r.phase) ?? [], r]);
    byItem.push({ key: it.id, title: it.title, ...total(runs) });
  }
  return {
    all: { key: "all", ...total(all) },
    byPhase: [...byPhase].map(([key, runs]) => ({ key, ...total(runs) })).sort(byCostThenTime),
    byItem: byItem.sort(byCostThenTime).slice(0, 100),
  };
}

function total(runs: readonly PhaseRun[]): Omit<HistoryTotal, "key"> {
  const t = totalPhaseRuns(runs);
  return { runs: t.runs, durationMs: t.durationMs, costUsd: t.costUsd, tokens: t.tokens };
}
