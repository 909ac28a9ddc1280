/**
 * The rows of the query cache, computed from the active items and the
 * archive's IDs (pure: no I/O, no SQLite), and the checks a store must pass
 * before it is cached.
 *
 * @module
 */

import { cycleDetected, storageCorruption, TaskStoreError } from "./errors.ts";
import { detectAllCycles, detectAllParentCycles } from "./graph.ts";
import type { Item } from "./item.ts";
import { MAX_CACHED_DEPTH } from "./cache_schema.ts";

/** A cell bound into SQLite. */
export type CacheCell = string | bigint | number | null;

/** The cache's rows, each table as a flat array (row after row). */
export interface CacheRows {
  /** 12 cells per row, the columns of `tasks` in order. */
  tasks: CacheCell[];
  /** `task_id`, `tag`: distinct per task. */
  tags: CacheCell[];
  /** `task_id`, `dep_id`: distinct per task. */
  deps: CacheCell[];
  /** 8 cells per row, the columns of `task_view` in order. */
  view: CacheCell[];
}

/** Cells per row of each table. */
export const ROW_WIDTH = { tasks: 12, tags: 2, deps: 2, view: 8 } as const;

/**
 * Refuses a store the cache cannot represent: duplicate IDs (the primary
 * key), dependency cycles and parent cycles.
 *
 * @param items Active items in file order.
 * @throws {TaskStoreError} `StorageCorruption`, `CycleDetected` or `ParentCycle`.
 */
export function checkCacheable(items: readonly Item[]): void {
  const seen = new Set<string>();
  for (const it of items) {
    if (seen.has(it.id)) throw storageCorruption(`duplicate task id in tasks.jsonl: ${it.id}`);
    seen.add(it.id);
  }
  // Fast yes/no checks first; the detailed (slower) reports only when needed.
  const cycles = hasDependencyCycle(items) ? detectAllCycles(items) : [];
  if (cycles.length > 0) {
    throw cycleDetected(
      `dependency cycle(s) in tasks.jsonl: ${
        cycles.map((c) => c.join(" -> ")).join("; ")
      } (run \`tg doctor --fix\` to repair)`,
    );
  }
  const parentCycles = hasParentCycle(items) ? detectAllParentCycles(items) : [];
  if (parentCycles.length > 0) {
    throw new TaskStoreError(
      "ParentCycle",
      `Parent cycle detected among: ${parentCycles.flat().join(", ")}`,
    );
  }
}

/** Whether the dependency edges among active items contain a cycle (iterative DFS). */
function hasDependencyCycle(items: readonly Item[]): boolean {
  const index = new Map<string, number>();
  for (let i = 0; i < items.length; i++) if (!index.has(items[i]!.id)) index.set(items[i]!.id, i);
  const state = new Uint8Array(items.length); // 0 new, 1 on the stack, 2 done
  const stack: number[] = [];
  const edge: number[] = [];
  for (let root = 0; root < items.length; root++) {
    if (state[root] !== 0 || items[root]!.dependencies.length === 0) continue;
    stack.push(root);
    edge.push(0);
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack.length - 1;
      const node = stack[top]!;
      const deps = items[node]!.dependencies;
      if (edge[top]! < deps.length) {
        const next = index.get(deps[edge[top]!++]!);
        if (next === undefined) continue;
        if (state[next] === 1) return true;
        if (state[next] === 0) {
          state[next] = 1;
          stack.push(next);
          edge.push(0);
        }
      } else {
        state[node] = 2;
        stack.pop();
        edge.pop();
      }
    }
  }
  return false;
}

/** Whether following parent links among active items ever loops. */
function hasParentCycle(items: readonly Item[]): boolean {
  const index = new Map<string, number>();
  for (let i = 0; i < items.length; i++) if (!index.has(items[i]!.id)) index.set(items[i]!.id, i);
  const walk = new Int32Array(items.length); // which walk last visited; -1 = known acyclic
  for (let start = 0; start < items.length; start++) {
    let cur: number | undefined = start;
    while (cur !== undefined && walk[cur] === 0) {
      walk[cur] = start + 1;
      const parent: string | null = items[cur]!.parent;
      cur = parent === null ? undefined : index.get(parent);
    }
    if (cur !== undefined && walk[cur] === start + 1) return true;
    // mark this walk's nodes as known acyclic
    for (let n: number | undefined = start; n !== undefined && walk[n] === start + 1;) {
      walk[n] = -1;
      const parent: string | null = items[n]!.parent;
      n = parent === null ? undefined : index.get(parent);
    }
  }
  return false;
}

/** `…Z` → `…+00:00`, the form SQLite date functions and upstream's cache use. */
function cacheTimestamp(ts: string): string {
  return ts.charCodeAt(ts.length - 1) === 0x5a ? ts.slice(0, -1) + "+00:00" : ts;
}

/**
 * Depth of each item below its root: 0 for roots and for items whose parent
 * is not active, otherwise one more than the parent, capped at 64. Assumes
 * no parent cycles.
 */
function depths(items: readonly Item[]): Map<string, number> {
  const parentOf = new Map<string, string | null>();
  for (const it of items) parentOf.set(it.id, it.parent);
  const depth = new Map<string, number>();
  const chain: string[] = [];
  for (const it of items) {
    let cur: string | null | undefined = it.id;
    let base = -1;
    while (cur !== null && cur !== undefined) {
      const known = depth.get(cur);
      if (known !== undefined) {
        base = known;
        break;
      }
      if (!parentOf.has(cur)) break; // a dangling parent: the chain below starts at 0
      chain.push(cur);
      cur = parentOf.get(cur);
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      base = Math.min(base + 1, MAX_CACHED_DEPTH);
      depth.set(chain[i]!, base);
    }
    chain.length = 0;
  }
  return depth;
}

/**
 * Computes every row of the cache. A dependency is met when an active item
 * with that ID is `done` or the ID is in the archive (upstream's cache
 * counted archived dependencies as unmet, unlike `tg ready`).
 *
 * @param items Active items (checked by {@linkcode checkCacheable}).
 * @param archiveIds IDs in `archive.jsonl`.
 * @returns The rows.
 */
export function cacheRows(items: readonly Item[], archiveIds: ReadonlySet<string>): CacheRows {
  const doneActive = new Set<string>();
  for (const it of items) if (it.status === "done") doneActive.add(it.id);
  const depth = depths(items);
  const tasks: CacheCell[] = new Array(items.length * ROW_WIDTH.tasks);
  const view: CacheCell[] = new Array(items.length * ROW_WIDTH.view);
  const tags: CacheCell[] = [];
  const deps: CacheCell[] = [];
  let t = 0;
  let v = 0;
  for (const it of items) {
    tasks[t++] = it.id;
    tasks[t++] = it.title;
    tasks[t++] = it.status;
    tasks[t++] = it.priority;
    tasks[t++] = it.description;
    tasks[t++] = it.parent;
    tasks[t++] = cacheTimestamp(it.created_at);
    tasks[t++] = cacheTimestamp(it.updated_at);
    tasks[t++] = it.blocked_reason;
    tasks[t++] = it.blocked_from_status;
    tasks[t++] = it.claimed_by;
    tasks[t++] = it.claimed_at === null ? null : cacheTimestamp(it.claimed_at);
    if (it.tags.length > 0) {
      const distinct = it.tags.length === 1 ? it.tags : new Set(it.tags);
      for (const tag of distinct) tags.push(it.id, tag);
    }
    let unmet = 0;
    if (it.dependencies.length > 0) {
      const distinct = it.dependencies.length === 1 ? it.dependencies : new Set(it.dependencies);
      for (const dep of distinct) {
        deps.push(it.id, dep);
        if (!doneActive.has(dep) && !archiveIds.has(dep)) unmet++;
      }
    }
    view[v++] = it.id;
    view[v++] = it.title;
    view[v++] = it.status;
    view[v++] = it.priority;
    view[v++] = it.parent;
    view[v++] = depth.get(it.id) ?? 0;
    view[v++] = it.status === "todo" && unmet === 0 ? 1 : 0;
    view[v++] = unmet;
  }
  return { tasks, tags, deps, view };
}
