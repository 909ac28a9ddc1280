/**
 * Folding a duplicate into the item that stays (`mergeItem`; pg's triage
 * uses it for duplicates it finds).
 *
 * @module
 */

import { invalidInput, TaskStoreError } from "../errors.ts";
import type { Item } from "../item.ts";
import { quoteJsonString } from "../json.ts";
import type { TaskStore } from "../store.ts";
import { type StoreWrite, writeStore } from "./_write.ts";

/** Options for {@linkcode mergeItem}. */
export interface MergeItemOptions {
  /**
   * Carries over what only the caller understands (e.g. pg's structured
   * description) from the source to the target, before the store's own steps.
   */
  combine?: (source: Item, target: Item) => void;
}

/** What {@linkcode mergeItem} did. */
export interface MergeOutcome {
  /** The item merged away (now in the archive, status unchanged). */
  source: Item;
  /** The item that stays. */
  target: Item;
}

/** The item on `from`'s chain of parents (`from` included) whose parent is `ancestor`. */
function childOnPath(w: StoreWrite, from: Item, ancestor: string): Item | undefined {
  const seen = new Set<string>();
  for (let cur: Item | undefined = from; cur !== undefined && !seen.has(cur.id);) {
    if (cur.parent === ancestor) return cur;
    seen.add(cur.id);
    cur = cur.parent === null ? undefined : w.item(cur.parent);
  }
  return undefined;
}

function notFound(role: string, id: string): TaskStoreError {
  const detail = `${role} item ${id} not found`;
  return new TaskStoreError("ItemNotFound", `Item not found: ${detail}`, { detail });
}

/**
 * Merges the active item `sourceId` into `targetId`: `combine` runs, the
 * target gains the source's dependencies and tags (no duplicates, no
 * references to either item), items that depended on the source stop
 * doing so, the source's children move to the target (the one the target
 * descends from, or the target itself, takes the source's parent), and the source
 * (status unchanged) moves to the archive with its events. Both logs get a
 * note.
 *
 * @param store The store.
 * @param sourceId The item merged away (exact ID).
 * @param targetId The item that stays (exact ID).
 * @param options What the caller carries over itself.
 * @returns Both items.
 * @throws {TaskStoreError} `InvalidInput` for a self-merge; `ItemNotFound`; `LockTimeout`.
 *
 * @example
 * ```ts
 * import { addItem, MemoryFileSystem, mergeItem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem() });
 * await store.init();
 * const keep = await addItem(store, { title: "Login page", tags: ["ui"] });
 * const dup = await addItem(store, { title: "Sign-in screen", tags: ["auth"] });
 * const { target } = await mergeItem(store, dup.id, keep.id);
 * assert.deepEqual(target.tags, ["ui", "auth"]);
 * assert.deepEqual((await store.loadArchive()).map((it) => it.id), [dup.id]);
 * ```
 */
export function mergeItem(
  store: TaskStore,
  sourceId: string,
  targetId: string,
  options: MergeItemOptions = {},
): Promise<MergeOutcome> {
  if (sourceId === targetId) {
    return Promise.reject(invalidInput(`Cannot merge item ${sourceId} into itself`));
  }
  return writeStore(store, { kind: "all" }, async (w) => {
    const source = w.item(sourceId);
    if (source === undefined) throw notFound("Source", sourceId);
    const target = w.item(targetId);
    if (target === undefined) throw notFound("Target", targetId);
    options.combine?.(source, target);
    const now = w.now();
    const needle = quoteJsonString(sourceId);
    for (const d of source.dependencies) {
      if (d !== sourceId && d !== targetId && !target.dependencies.includes(d)) {
        target.dependencies.push(d);
      }
    }
    for (const t of source.tags) if (!target.tags.includes(t)) target.tags.push(t);
    target.updated_at = now;
    for (
      const it of w.doc.where(needle, (x) => x !== source && x.dependencies.includes(sourceId))
    ) {
      it.dependencies = it.dependencies.filter((d) => d !== sourceId);
      it.updated_at = now;
    }
    // The child on the way up from the target to the source (the target
    // itself when it is a child) takes the source's parent: under the target
    // it would close a parent cycle. The other children move to the target.
    const onPath = childOnPath(w, target, sourceId);
    for (const it of w.doc.where(needle, (x) => x !== source && x.parent === sourceId)) {
      it.parent = it !== onPath
        ? targetId
        : source.parent === targetId || source.parent === it.id
        ? null
        : source.parent;
      it.updated_at = now;
    }
    await w.note(sourceId, `Merged into ${targetId}`);
    await w.note(targetId, `Merged ${sourceId} into this item`);
    w.archive(source);
    return { source, target };
  }, { fitEvents: true });
}
