/**
 * Changing an item's fields (`tg edit`, `tg dep add|rm`).
 *
 * @module
 */

import { invalidInput } from "../errors.ts";
import { applySets, parseSetFlag } from "../extensions.ts";
import { checkNewDependency, validateParent } from "../graph.ts";
import { type Item, validateTitle } from "../item.ts";
import type { TaskStore } from "../store.ts";
import { writeStore } from "./_write.ts";

/** The changes of an edit, applied in the order listed. */
export interface EditItemRequest {
  /** The item, as typed. */
  id: string;
  /** New title. */
  title?: string | undefined;
  /** New priority. */
  priority?: bigint | undefined;
  /** New description. */
  description?: string | undefined;
  /** Dependencies to remove, as typed. */
  rmDeps?: readonly string[] | undefined;
  /** Dependencies to add, as typed (active or archived). */
  addDeps?: readonly string[] | undefined;
  /** Tags to add. */
  addTags?: readonly string[] | undefined;
  /** Tags to remove. */
  rmTags?: readonly string[] | undefined;
  /** `KEY=VALUE` extension settings (`KEY=` deletes). */
  sets?: readonly string[] | undefined;
  /** New parent, as typed (an active item). */
  parent?: string | undefined;
  /** Clear the parent. */
  parentClear?: boolean | undefined;
}

/**
 * Edits an active item (tg.md §6.11): every change is checked (no
 * self-dependency, no dependency or parent cycle) before anything is
 * written; `updated_at` is always bumped. No event is written.
 *
 * @param store The store.
 * @param request The item and its changes.
 * @returns The edited item.
 * @throws {TaskStoreError} `ItemNotFound`, `AmbiguousId`, `InvalidInput`, `CycleDetected`,
 *   `ParentCycle`, `LockTimeout`.
 *
 * @example
 * ```ts
 * import { addItem, editItem, MemoryFileSystem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem() });
 * await store.init();
 * const { id } = await addItem(store, { title: "Draft" });
 * const item = await editItem(store, { id, title: "Final", priority: 5n, addTags: ["docs"] });
 * assert.equal(item.title, "Final");
 * assert.deepEqual(item.tags, ["docs"]);
 * ```
 */
export async function editItem(store: TaskStore, request: EditItemRequest): Promise<Item> {
  const r = request;
  if (r.title !== undefined) validateTitle(r.title);
  return await writeStore(store, { kind: "all" }, async (w) => {
    const item = await w.resolveActive(r.id);
    if (r.title !== undefined) item.title = r.title;
    if (r.priority !== undefined) item.priority = r.priority;
    if (r.description !== undefined) item.description = r.description;
    for (const input of r.rmDeps ?? []) {
      const dep = await w.resolve(input, { archive: true });
      item.dependencies = item.dependencies.filter((d) => d !== dep);
    }
    for (const input of r.addDeps ?? []) {
      const dep = await w.resolve(input, { archive: true });
      if (dep === item.id) throw invalidInput(`Item cannot depend on itself: ${item.id}`);
      if (item.dependencies.includes(dep)) continue;
      checkNewDependency((x) => w.doc.get(x)?.dependencies, item.id, dep);
      item.dependencies.push(dep);
    }
    for (const t of r.addTags ?? []) if (!item.tags.includes(t)) item.tags.push(t);
    for (const t of r.rmTags ?? []) item.tags = item.tags.filter((x) => x !== t);
    applySets(item.extensions, (r.sets ?? []).map(parseSetFlag));
    if (r.parentClear) item.parent = null;
    else if (r.parent !== undefined) {
      const parent = await w.resolve(r.parent);
      validateParent((x) => w.doc.get(x)?.parent, item.id, parent);
      item.parent = parent;
    }
    item.updated_at = w.now();
    return item;
  });
}

/**
 * Makes an item wait for another (`tg dep add`): {@linkcode editItem} with one
 * dependency to add.
 *
 * @param store The store.
 * @param id The item, as typed.
 * @param dependsOn The item it waits for, as typed.
 * @returns The edited item.
 */
export function addDependency(store: TaskStore, id: string, dependsOn: string): Promise<Item> {
  return editItem(store, { id, addDeps: [dependsOn] });
}

/**
 * Removes a dependency (`tg dep rm`): {@linkcode editItem} with one
 * dependency to remove.
 *
 * @param store The store.
 * @param id The item, as typed.
 * @param dependency The dependency, as typed.
 * @returns The edited item.
 */
export function removeDependency(store: TaskStore, id: string, dependency: string): Promise<Item> {
  return editItem(store, { id, rmDeps: [dependency] });
}
