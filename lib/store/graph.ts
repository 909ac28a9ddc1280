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

/** The fields lists and queues are ordered by: items, or rows that stand for them. */
export type PriorityOrdered = Pick<Item, "priority" | "created_at">;

/**
 * Compares items for lists and queues: priority descending, then
 * `created_at` ascending.
 *
 * @param a First item.
 * @param b Second item.
 * @returns Sort order.
 */
export function comparePriorityThenCreated(a: PriorityOrdered, b: PriorityOrdered): number {
  if (a.priority !== b.priority) return a.priority > b.priority ? -1 : 1;
  return compareTimestamps(a.created_at, b.created_at);
}

/**
 * Sorts items by priority (desc) then creation time (asc), stably.
 *
 * @typeParam T Items, or rows with an item's `priority` and `created_at`.
 * @param items Items to sort (a sorted copy is returned).
 * @returns Sorted copy.
 */
export function sortByPriority<T extends PriorityOrdered>(items: readonly T[]): T[] {
  // Below a few thousand items the comparator costs less than building keys.
  if (items.length < KEYED_SORT_MIN) return [...items].sort(comparePriorityThenCreated); // stable
  return sortByKeys(items) ?? [...items].sort(comparePriorityThenCreated);
}

/** Fewest items {@linkcode sortByPriority} sorts by numeric keys. */
const KEYED_SORT_MIN = 4096;

/** Whether a `Uint32Array` over a 64-bit value holds its low word first. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The usual case of {@linkcode sortByPriority}, without a comparator: one
 * 64-bit key per item — the rank of its priority, its creation time to the
 * second as the number `YYYYMMDDhhmmss` (less the smallest), the leading
 * bits of the nanoseconds, its index — sorted by the engine's numeric sort.
 * Items whose keys differ only in the index are then ordered by their exact
 * nanoseconds. `null` when the keys cannot express the order (a creation
 * time not in canonical form, too wide a span of times and priorities).
 */
function sortByKeys<T extends PriorityOrdered>(items: readonly T[]): T[] | null {
  const n = items.length;
  if (!LITTLE_ENDIAN) return null;
  // The date and time digits as one number: compared as numbers, they order
  // like the strings compareTimestamps() compares.
  const stamp = new Float64Array(n);
  const nanos = new Int32Array(n);
  const ranks = new Map<bigint, number>();
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const it = items[i]!;
    ranks.set(it.priority, 0);
    const s = it.created_at;
    const t = stampOf(s);
    if (t !== t) return null; // NaN: not canonical
    stamp[i] = t;
    if (t < min) min = t;
    if (t > max) max = t;
    const f = s.length === 20 ? 0 : fractionNanos(s);
    if (f !== f) return null;
    nanos[i] = f;
  }
  const distinct = [...ranks.keys()].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0));
  for (let r = 0; r < distinct.length; r++) ranks.set(distinct[r]!, r);
  const rankBits = bitLength(distinct.length - 1);
  const stampBits = bitLength(max - min);
  const indexBits = bitLength(n - 1);
  const nanoBits = Math.min(30, 64 - rankBits - stampBits - indexBits);
  if (nanoBits < 0) return null;
  const keys = new BigUint64Array(n);
  const words = new Uint32Array(keys.buffer); // low word first
  for (let i = 0; i < n; i++) {
    const w = 2 * i;
    shiftIn(words, w, rankBits, ranks.get(items[i]!.priority)!);
    const t = stamp[i]! - min;
    if (stampBits > 32) {
      shiftIn(words, w, stampBits - 32, Math.floor(t / 4294967296));
      shiftIn(words, w, 32, t % 4294967296);
    } else {
      shiftIn(words, w, stampBits, t);
    }
    shiftIn(words, w, nanoBits, nanos[i]! >>> (30 - nanoBits));
    shiftIn(words, w, indexBits, i);
  }
  keys.sort();
  const indexMask = indexBits === 32 ? 0xffffffff : (1 << indexBits) - 1;
  const order = new Array<number>(n);
  for (let k = 0; k < n; k++) order[k] = (words[2 * k]! & indexMask) >>> 0;
  // Runs of equal keys above the index: same rank, same second, close nanoseconds.
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && sameAboveIndex(words, start, end, indexBits)) end++;
    if (end - start > 1) {
      const run = order.slice(start, end).sort((a, b) => nanos[a]! - nanos[b]! || a - b);
      for (let k = start; k < end; k++) order[k] = run[k - start]!;
    }
    start = end;
  }
  const out = new Array<T>(n);
  for (let k = 0; k < n; k++) out[k] = items[order[k]!]!;
  return out;
}

/** `YYYYMMDDhhmmss` of a timestamp in canonical form as a number; NaN for other text. */
function stampOf(s: string): number {
  const len = s.length;
  if (
    (len !== 20 && len !== 24 && len !== 27 && len !== 30) ||
    s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d || s.charCodeAt(10) !== 0x54 ||
    s.charCodeAt(13) !== 0x3a || s.charCodeAt(16) !== 0x3a || s.charCodeAt(len - 1) !== 0x5a ||
    (len > 20 && s.charCodeAt(19) !== 0x2e)
  ) return NaN;
  let v = 0;
  for (let i = 0; i < 19; i++) {
    if (i === 4 || i === 7 || i === 10 || i === 13 || i === 16) continue;
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

/** Nanoseconds of the fraction of a canonical timestamp (`.` at 19, `Z` last); NaN for a non-digit. */
function fractionNanos(s: string): number {
  let v = 0;
  const end = s.length - 1;
  for (let i = 20; i < end; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  for (let i = end - 20; i < 9; i++) v *= 10;
  return v;
}

/** Number of bits needed to write `v` (0 for 0). */
function bitLength(v: number): number {
  let bits = 0;
  while (v >= 1) {
    v = Math.floor(v / 2);
    bits++;
  }
  return bits;
}

/** Appends the low `width` (0..32) bits of `value` to the 64-bit key at `words[at]` (low word) and `words[at + 1]`. */
function shiftIn(words: Uint32Array, at: number, width: number, value: number): void {
  if (width === 0) return;
  const lo = words[at]!;
  if (width === 32) {
    words[at + 1] = lo;
    words[at] = value >>> 0;
    return;
  }
  words[at + 1] = ((words[at + 1]! << width) | (lo >>> (32 - width))) >>> 0;
  words[at] = ((lo << width) | value) >>> 0;
}

/** Whether the sorted keys `a` and `b` are equal above their index bits. */
function sameAboveIndex(words: Uint32Array, a: number, b: number, indexBits: number): boolean {
  if (words[2 * a + 1] !== words[2 * b + 1]) return false;
  return indexBits === 32 || words[2 * a]! >>> indexBits === words[2 * b]! >>> indexBits;
}

/** What the ready queue reads of an item: items, or rows that stand for them. */
export interface ReadyCandidate extends PriorityOrdered {
  /** The ID. */
  readonly id: string;
  /** The status. */
  readonly status: Item["status"];
  /** The dependencies. */
  readonly dependencies: readonly string[];
}

/** The ready queue and the warnings produced while computing it. */
export interface ReadyQueue<T extends ReadyCandidate = Item> {
  /** Ready items, priority desc then created asc. */
  ready: T[];
  /** One message per item whose first unmet dependency exists nowhere. */
  warnings: string[];
}

/**
 * Ready items: active `todo` items whose every dependency is met (archived,
 * or an active `done` item). An unmet dependency that exists nowhere yields a
 * warning for that item.
 *
 * @typeParam T Items, or rows that stand for them.
 * @param active Active items: all of them, or the `todo` and `done` ones
 *   when `activeIds` names all of them.
 * @param archiveIds IDs in `archive.jsonl`.
 * @param activeIds Every active ID (default: those of `active`).
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
export function computeReadyQueue<T extends ReadyCandidate = Item>(
  active: readonly T[],
  archiveIds: ReadonlySet<string>,
  activeIds?: ReadonlySet<string>,
): ReadyQueue<T> {
  const known = activeIds ?? new Set(active.map((it) => it.id));
  const doneIds = new Set<string>();
  for (const it of active) if (it.status === "done") doneIds.add(it.id);
  const ready: T[] = [];
  const warnings: string[] = [];
  for (const it of active) {
    if (it.status !== "todo") continue;
    let ok = true;
    for (const d of it.dependencies) {
      if (archiveIds.has(d) || doneIds.has(d)) continue;
      ok = false;
      if (!known.has(d)) {
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
