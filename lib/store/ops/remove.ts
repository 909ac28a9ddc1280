/**
 * Removing an item (`tg rm`).
 *
 * @module
 */

import { TaskStoreError } from "../errors.ts";
import { quoteJsonString } from "../json.ts";
import type { TaskStore } from "../store.ts";
import { parentHasChildren } from "./_checks.ts";
import { writeStore } from "./_write.ts";

/** Options for {@linkcode removeItem}. */
export interface RemoveItemOptions {
  /** Remove even when other items depend on it. */
  force?: boolean | undefined;
  /** With `force`: also drop its ID from the dependents' dependency lists. */
  clearDeps?: boolean | undefined;
}

/** What {@linkcode removeItem} did. */
export interface RemoveOutcome {
  /** The removed ID. */
  id: string;
  /** Items whose dependency on it was dropped. */
  clearedDepsFrom: string[];
}

/**
 * Removes an active item without archiving it (tg.md §6.13). An item with
 * active children is never removed; one that others depend on only with
 * `force`. Its events stay in the log. No event is written.
 *
 * @param store The store.
 * @param id The item, as typed.
 * @param options Force and dependency clean-up.
 * @returns The removed ID and the items whose dependencies were cleared.
 * @throws {TaskStoreError} `ParentHasChildren`, `DependentExists`, `ItemNotFound`,
 *   `AmbiguousId`, `LockTimeout`.
 *
 * @example
 * ```ts
 * import { addItem, MemoryFileSystem, removeItem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem() });
 * await store.init();
 * const a = await addItem(store, { title: "A" });
 * const b = await addItem(store, { title: "B", deps: [a.id] });
 * await assert.rejects(removeItem(store, a.id), /is depended on by/);
 * const r = await removeItem(store, a.id, { force: true, clearDeps: true });
 * assert.deepEqual(r.clearedDepsFrom, [b.id]);
 * ```
 */
export function removeItem(
  store: TaskStore,
  id: string,
  options: RemoveItemOptions = {},
): Promise<RemoveOutcome> {
  const force = options.force === true;
  const clearDeps = force && options.clearDeps === true;
  return writeStore(store, { kind: "all" }, async (w) => {
    const item = await w.resolveActive(id);
    const found = item.id;
    const children = w.children(found);
    if (children.length > 0) throw parentHasChildren(found, "removed", children);
    const needle = quoteJsonString(found);
    const doc = w.doc;
    const dependents = doc.where(
      needle,
      (it) => it.id !== found && it.dependencies.includes(found),
    );
    if (dependents.length > 0 && !force) {
      throw new TaskStoreError(
        "DependentExists",
        `Item ${found} is depended on by: ${
          dependents.map((it) => it.id).join(", ")
        }. Use --force to remove anyway, or --force --clear-deps to also remove this ID from dependents' dep lists`,
      );
    }
    const clearedDepsFrom: string[] = [];
    if (clearDeps) {
      for (const it of doc.where(needle, (x) => x.dependencies.includes(found))) {
        it.dependencies = it.dependencies.filter((d) => d !== found);
        clearedDepsFrom.push(it.id);
      }
    }
    w.remove(item);
    return { id: found, clearedDepsFrom };
  });
}
