/**
 * Changing one item by code (`updateItem`): the write that pg's
 * coordinator and adapter use for their `x-pg-*` fields and status
 * changes. Only the item's own line is parsed and rewritten.
 *
 * @module
 */

import { itemNotFound } from "../errors.ts";
import type { Item } from "../item.ts";
import type { TaskStore } from "../store.ts";
import { writeStore } from "./_write.ts";

/** Options for {@linkcode updateItem}. */
export interface UpdateItemOptions {
  /**
   * A note for the item's log, written with the change (before its status
   * event). A note too long for an event line is shortened.
   */
  note?: string | undefined;
}

/** What {@linkcode updateItem} did. */
export interface UpdateOutcome<T> {
  /** What the callback returned. */
  value: T;
  /** The item after the change. */
  item: Item;
  /** The item became `done` and moved to the archive (with its events). */
  archived: boolean;
  /**
   * The item became `done` but stays in the active file until these active
   * children are finished (`tg archive` moves it then).
   */
  activeChildren: string[];
}

/**
 * Changes one active item in place with `fn`, under the store lock. The
 * store's rules hold whatever `fn` does: a status change must be one the
 * store accepts, and gets its `status_transition` event (text: the blocked
 * reason, shortened to fit); an item that becomes `done` moves to the
 * archive with its events, unless it still has active children. When `fn`
 * throws, or the change breaks a rule, nothing is written.
 *
 * @param store The store.
 * @param id The exact ID.
 * @param fn Changes the item; its result is returned as `value`.
 * @param options A note to add.
 * @returns The item, `fn`'s result and whether the item was archived.
 * @throws {TaskStoreError} `ItemNotFound` when the item is not active;
 *   `InvalidTransition`; `StorageCorruption`; `LockTimeout`.
 *
 * @example
 * ```ts
 * import { addItem, MemoryFileSystem, TaskStore, updateItem } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem() });
 * await store.init();
 * const { id } = await addItem(store, { title: "Build" });
 * await updateItem(store, id, (item) => {
 *   item.status = "doing";
 *   item.extensions["x-phase"] = "build";
 * }, { note: "Phase build started" });
 * const done = await updateItem(store, id, (item) => void (item.status = "done"));
 * assert.ok(done.archived);
 * const log = await store.eventsFor(id);
 * assert.deepEqual(log.map((e) => e.status ?? e.text), ["Phase build started", "doing", "done"]);
 * ```
 */
export function updateItem<T>(
  store: TaskStore,
  id: string,
  fn: (item: Item) => Promise<T> | T,
  options: UpdateItemOptions = {},
): Promise<UpdateOutcome<T>> {
  return writeStore(store, { kind: "item", id }, async (w) => {
    const item = w.item(id);
    if (item === undefined) throw itemNotFound(id);
    const before = item.status;
    const value = await fn(item);
    if (options.note !== undefined) await w.note(id, options.note);
    let archived = false;
    let activeChildren: string[] = [];
    if (item.status === "done" && before !== "done") {
      activeChildren = w.children(id);
      if (activeChildren.length === 0) {
        w.archive(item);
        archived = true;
      }
    }
    return { value, item, archived, activeChildren };
  }, { fitEvents: true });
}
