/**
 * Dependency and parent graphs: cycle checks, parent validation and the
 * ready queue. Pure functions over item lists.
 *
 * @module
 */

import { cycleDetected, TaskStoreError } from "./errors.ts";
import type { Item } from "./item.ts";
import { timestampSortKey } from "./timestamp.ts";

/**
 * Whether adding `source → newDep` would close a cycle among active items
 * (a DFS from `newDep` along dependency edges that reaches `source`).
 *
 * @param items Active items, or a lookup of an active item's dependencies.
 * @param source The item gaining a dependency.
 * @param newDep The dependency.
 * @returns `true` when it would.
 */
export function wouldCreateCycle(
  items: readonly Item[] | DependencyLookup,
  source: string,
  newDep: string,
): boolean {
  if (source === newDep) return true;
  let depsOf: DependencyLookup;
  if (typeof items === "function") depsOf = items;
  else {
    const deps = dependencyMap(items);
    depsOf = (id) => deps.get(id);
  }
  const seen = new Set<string>();
  const stack = [newDep];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    if (cur === source) return true;
    if (seen.has(cur)) continue;
    seen.add(cur);
    for (const d of depsOf(cur) ?? []) stack.push(d);
  }
  return false;
}

/** Dependencies of an active item by ID (`undefined` when not active). */
export type DependencyLookup = (id: string) => readonly string[] | undefined;
/** Parent of an active item by ID (`undefined` when not active). */
export type ParentLookup = (id: string) => string | null | undefined;

/**
 * Throws `CycleDetected` when `source → newDep` would close a cycle.
 *
 * @param items Active items, or a lookup of an active item's dependencies.
 * @param source The item gaining a dependency.
 * @param newDep The dependency.
 */
export function checkNewDependency(
  items: readonly Item[] | DependencyLookup,
  source: string,
  newDep: string,
): void {
  if (wouldCreateCycle(items, source, newDep)) {
    throw cycleDetected(`Adding dependency ${source} -> ${newDep} would create a cycle`);
  }
}

function dependencyMap(items: readonly Item[]): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const it of items) {
    const list = deps.get(it.id);
    if (list) list.push(...it.dependencies);
    else deps.set(it.id, [...it.dependencies]);
  }
  return deps;
}

/**
 * Every dependency cycle among active items, each as a path of IDs (a
 * self-dependency is a one-element path). Deterministic: items are visited
 * in the order given.
 *
 * @param items Active items.
 * @returns Cycles.
 */
export function detectAllCycles(items: readonly Item[]): string[][] {
  const deps = dependencyMap(items);
  const state = new Map<string, 1 | 2>(); // 1 = on stack, 2 = done
  const cycles: string[][] = [];
  const path: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 1);
    path.push(id);
    for (const d of deps.get(id) ?? []) {
      if (!deps.has(d)) continue;
      const s = state.get(d);
      if (s === 1) cycles.push(path.slice(path.indexOf(d)));
      else if (s === undefined) visit(d);
    }
    path.pop();
    state.set(id, 2);
  };
  for (const id of deps.keys()) if (!state.has(id)) visit(id);
  return cycles;
}

/**
 * Every parent cycle among active items, as paths.
 *
 * @param items Active items.
 * @returns Cycles.
 */
export function detectAllParentCycles(items: readonly Item[]): string[][] {
  const parentOf = new Map<string, string | null>();
  for (const it of items) if (!parentOf.has(it.id)) parentOf.set(it.id, it.parent);
  const done = new Set<string>();
  const cycles: string[][] = [];
  for (const start of parentOf.keys()) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let cur: string | null | undefined = start;
    while (cur !== null && cur !== undefined && !done.has(cur) && parentOf.has(cur)) {
      if (onPath.has(cur)) {
        cycles.push(path.slice(path.indexOf(cur)));
        break;
      }
      onPath.add(cur);
      path.push(cur);
      cur = parentOf.get(cur);
    }
    for (const p of path) done.add(p);
  }
  return cycles;
}

/**
 * Checks that `parent` may become the parent of `id`: not itself, an active
 * item, and no cycle when walking up from `parent`.
 *
 * @param items Active items, or a lookup of an active item's parent.
 * @param id The child.
 * @param parent The proposed parent.
 * @throws {TaskStoreError} `ParentSelfReference`, `ParentDangling` or `ParentCycle`.
 */
export function validateParent(
  items: readonly Item[] | ParentLookup,
  id: string,
  parent: string,
): void {
  if (id === parent) {
    throw new TaskStoreError("ParentSelfReference", `Item ${id} cannot be its own parent`);
  }
  let parentOf: { get(id: string): string | null | undefined; has(id: string): boolean };
  if (typeof items === "function") {
    parentOf = { get: items, has: (x) => items(x) !== undefined };
  } else {
    const map = new Map<string, string | null>();
    for (const it of items) if (!map.has(it.id)) map.set(it.id, it.parent);
    parentOf = map;
  }
  if (!parentOf.has(parent)) {
    throw new TaskStoreError(
      "ParentDangling",
      `Parent '${parent}' for item ${id} not found in active items`,
    );
  }
  const seen = new Set<string>();
  let cur: string | null | undefined = parent;
  while (cur !== null && cur !== undefined && !seen.has(cur)) {
    if (cur === id) {
      throw new TaskStoreError("ParentCycle", `Parent cycle detected among: ${id}, ${parent}`);
    }
    seen.add(cur);
    cur = parentOf.get(cur);
  }
}

/**
 * Sets (or clears) an item's parent after validation and bumps its `updated_at`.
 *
 * @param items Active items (the item is found by ID).
 * @param id The child.
 * @param parent New parent, or `null` to clear.
 * @param now Canonical timestamp.
 */
export function reparent(items: Item[], id: string, parent: string | null, now: string): void {
  const item = items.find((it) => it.id === id);
  if (!item) throw new TaskStoreError("ItemNotFound", `Item not found: ${id}`);
  if (parent !== null) validateParent(items, id, parent);
  item.parent = parent;
  item.updated_at = now;
}

/**
 * Compares canonical timestamps chronologically without allocating when
 * they have the same width (the common case).
 *
 * @param a First canonical timestamp.
 * @param b Second canonical timestamp.
 * @returns Sort order.
 */
export function compareTimestamps(a: string, b: string): number {
  if (a.length !== b.length) {
    a = timestampSortKey(a);
    b = timestampSortKey(b);
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Compares items for lists and queues: priority descending, then
 * `created_at` ascending.
 *
 * @param a First item.
 * @param b Second item.
 * @returns Sort order.
 */
export function comparePriorityThenCreated(a: Item, b: Item): number {
  if (a.priority !== b.priority) return a.priority > b.priority ? -1 : 1;
  return compareTimestamps(a.created_at, b.created_at);
}

/** Most distinct priorities {@linkcode sortByPriority} encodes in one key character. */
const MAX_RANKS = 0xd0;
/** Length of a {@linkcode timestampSortKey} of a canonical timestamp. */
const SORT_KEY_WIDTH = 29;

/**
 * Sorts items by priority (desc) then creation time (asc), stably.
 *
 * The usual case sorts strings with the engine's own comparison instead of
 * calling a comparator: each item gets a fixed-width key (its priority's
 * rank, its creation time with a fraction of 9 digits, its index), whose
 * code-unit order is the wanted order.
 *
 * @param items Items to sort (a sorted copy is returned).
 * @returns Sorted copy.
 */
export function sortByPriority(items: readonly Item[]): Item[] {
  const n = items.length;
  if (n < 2) return [...items];
  const ranks = new Map<bigint, number>();
  let sameWidth = true;
  const width = items[0]!.created_at.length;
  for (let i = 0; i < n; i++) {
    const it = items[i]!;
    ranks.set(it.priority, 0);
    if (it.created_at.length !== width) sameWidth = false;
  }
  if (ranks.size > MAX_RANKS) return [...items].sort(comparePriorityThenCreated); // stable
  const distinct = [...ranks.keys()].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  const rankChars = new Map<bigint, string>();
  for (let r = 0; r < distinct.length; r++) {
    rankChars.set(distinct[r]!, String.fromCharCode(0x20 + r));
  }
  const digits = String(n - 1).length;
  const keys = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const it = items[i]!;
    let created = it.created_at;
    if (!sameWidth) {
      created = timestampSortKey(created);
      // not canonical: the keys would not line up
      if (created.length !== SORT_KEY_WIDTH) return [...items].sort(comparePriorityThenCreated);
    }
    keys[i] = rankChars.get(it.priority)! + created + String(i).padStart(digits, "0");
  }
  keys.sort();
  const out = new Array<Item>(n);
  for (let i = 0; i < n; i++) out[i] = items[Number(keys[i]!.slice(-digits))]!;
  return out;
}

/** The ready queue and the warnings produced while computing it. */
export interface ReadyQueue {
  /** Ready items, priority desc then created asc. */
  ready: Item[];
  /** One message per item whose first unmet dependency exists nowhere. */
  warnings: string[];
}

/**
 * Ready items: active `todo` items whose every dependency is met (archived,
 * or an active `done` item). An unmet dependency that exists nowhere yields a
 * warning for that item.
 *
 * @param active Active items.
 * @param archiveIds IDs in `archive.jsonl`.
 * @returns Queue and warnings.
 *
 * @example
 * ```ts
 * import { computeReadyQueue, newItem } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const a = newItem("tg-a", "A", "2026-01-01T00:00:00Z", { dependencies: ["tg-old"] });
 * const b = newItem("tg-b", "B", "2026-01-01T00:00:00Z", { dependencies: ["tg-a"] });
 * const q = computeReadyQueue([a, b], new Set(["tg-old"]));
 * assert.deepEqual(q.ready.map((i) => i.id), ["tg-a"]);
 * ```
 */
export function computeReadyQueue(
  active: readonly Item[],
  archiveIds: ReadonlySet<string>,
): ReadyQueue {
  const activeIds = new Set<string>();
  const doneIds = new Set<string>();
  for (const it of active) {
    activeIds.add(it.id);
    if (it.status === "done") doneIds.add(it.id);
  }
  const ready: Item[] = [];
  const warnings: string[] = [];
  for (const it of active) {
    if (it.status !== "todo") continue;
    let ok = true;
    for (const d of it.dependencies) {
      if (archiveIds.has(d) || doneIds.has(d)) continue;
      ok = false;
      if (!activeIds.has(d)) {
        warnings.push(
          `Warning: item ${it.id} has unmet dependency '${d}' (not found in active or archive)`,
        );
      }
      break;
    }
    if (ok) ready.push(it);
  }
  return { ready: sortByPriority(ready), warnings };
}
