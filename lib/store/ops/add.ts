/**
 * Adding items: `addItem` (`tg add`), `addItems` (several in one write, as
 * pg adds follow-ups) and `importItems` (complete items from elsewhere, as
 * `pg migrate` brings them in).
 *
 * @module
 */

import { loadStoreConfig } from "../config.ts";
import { invalidInput } from "../errors.ts";
import { applySets, parseSetFlag } from "../extensions.ts";
import { validateParent } from "../graph.ts";
import { generateId } from "../id.ts";
import { extensionKeyProblem, type Item, newItem, validateTitle } from "../item.ts";
import { cloneJson, type JsonObject } from "../json.ts";
import type { TaskStore } from "../store.ts";
import { internalsOf } from "../_internals.ts";
import { type StoreWrite, writeStore } from "./_write.ts";

/** A new item, as a user describes it. */
export interface AddItemRequest {
  /** Title: one line, not blank. */
  title: string;
  /** Free-text description. */
  description?: string | null | undefined;
  /** Priority (default 0; higher is more important). */
  priority?: bigint | undefined;
  /** Tags (duplicates are dropped). */
  tags?: readonly string[] | undefined;
  /** Items this one waits for, as typed (active or archived; resolved like any ID). */
  deps?: readonly string[] | undefined;
  /** Parent, as typed (an active item). */
  parent?: string | null | undefined;
  /** Extension fields to start with (keys start with `x-`). */
  extensions?: JsonObject | undefined;
  /** `KEY=VALUE` extension settings, applied after `extensions` (as `tg add --set`). */
  sets?: readonly string[] | undefined;
}

/** Options for {@linkcode addItem} and {@linkcode addItems}. */
export interface AddItemOptions {
  /** ID prefix (default: `id_prefix` of `config.yaml`, else `tg`). */
  prefix?: string;
  /**
   * Length of the random part of the ID (default: `id_len` of
   * `config.yaml`, else 5). With both `prefix` and `length` given,
   * `config.yaml` is not read (pg's own items).
   */
  length?: number;
}

/**
 * Adds an item (tg.md §6.3): a fresh ID unique among active and archived
 * items, dependencies and parent resolved and checked, status `todo`. No
 * event is written.
 *
 * @param store The store.
 * @param request The item.
 * @param options The ID prefix.
 * @returns The new item.
 * @throws {TaskStoreError} `InvalidInput` (title, `--set`, extension keys, `config.yaml`),
 *   `ItemNotFound`/`AmbiguousId` for a dependency or parent, `ParentCycle`, `LockTimeout`.
 *
 * @example
 * ```ts
 * import { addItem, MemoryFileSystem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem() });
 * await store.init();
 * const first = await addItem(store, { title: "Write the parser", tags: ["core"] });
 * const second = await addItem(store, { title: "Test it", deps: [first.id] });
 * assert.match(second.id, /^tg-[0-9a-z]{5}$/);
 * assert.deepEqual(second.dependencies, [first.id]);
 * ```
 */
export async function addItem(
  store: TaskStore,
  request: AddItemRequest,
  options: AddItemOptions = {},
): Promise<Item> {
  return (await addItems(store, [request], options))[0]!;
}

/**
 * Adds several items in one write (one lock, one save): each as
 * {@linkcode addItem} would, with IDs unique among each other too.
 *
 * @param store The store.
 * @param requests The items.
 * @param options The ID prefix.
 * @returns The new items, in request order.
 * @throws {TaskStoreError} Like {@linkcode addItem}; nothing is added when one fails.
 */
export async function addItems(
  store: TaskStore,
  requests: readonly AddItemRequest[],
  options: AddItemOptions = {},
): Promise<Item[]> {
  for (const r of requests) validateTitle(r.title);
  if (requests.length === 0) return [];
  const config = options.prefix !== undefined && options.length !== undefined
    ? null
    : await loadStoreConfig(store.fs, store.dir);
  const prefix = options.prefix ?? config!.idPrefix;
  const length = options.length ?? config!.idLen;
  const random = internalsOf(store).random;
  return await writeStore(store, { kind: "all" }, async (w) => {
    const known = new Set([...w.doc.ids, ...await w.archiveIds()]);
    const out: Item[] = [];
    for (const r of requests) {
      const id = generateId(known, {
        prefix,
        length,
        ...(random === undefined ? {} : { random }),
      });
      known.add(id);
      out.push(await addOne(w, id, r));
    }
    return out;
  });
}

async function addOne(w: StoreWrite, id: string, r: AddItemRequest): Promise<Item> {
  const parent = r.parent === undefined || r.parent === null ? null : await w.resolve(r.parent);
  const deps: string[] = [];
  for (const input of r.deps ?? []) {
    const dep = await w.resolve(input, { archive: true });
    if (!deps.includes(dep)) deps.push(dep);
  }
  // Like upstream, `--set` mistakes are reported after the ID lookups.
  const sets = (r.sets ?? []).map(parseSetFlag);
  const extensions: JsonObject = Object.create(null);
  for (const [k, v] of Object.entries(r.extensions ?? {})) {
    const problem = extensionKeyProblem(k);
    if (problem !== null) throw invalidInput(problem);
    extensions[k] = cloneJson(v);
  }
  applySets(extensions, sets);
  const now = w.now();
  const item = newItem(id, r.title, now, {
    priority: r.priority ?? 0n,
    description: r.description ?? null,
    tags: [...new Set(r.tags ?? [])],
    dependencies: deps,
    extensions,
  });
  w.push(item);
  if (parent !== null) {
    validateParent((x) => w.doc.get(x)?.parent, id, parent);
    item.parent = parent;
    item.updated_at = w.now();
  }
  return item;
}

/** Items for {@linkcode importItems}. */
export interface ImportItems {
  /** Items for `tasks.jsonl`. */
  active?: readonly Item[];
  /** Items for `archive.jsonl`. */
  archived?: readonly Item[];
}

/**
 * Brings complete items into the store as they are (from a migration, a
 * fixture, another tracker): their IDs must be new to the store and to
 * each other. No event is written.
 *
 * @param store The store.
 * @param items Active and archived items.
 * @throws {TaskStoreError} `InvalidInput` for an ID the store already has, or an
 *   invalid extension key; nothing is written then.
 *
 * @example
 * ```ts
 * import { importItems, MemoryFileSystem, newItem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem() });
 * await store.init();
 * const old = newItem("tg-old01", "Shipped", "2025-01-01T00:00:00Z");
 * old.status = "done";
 * await importItems(store, { active: [newItem("tg-new01", "Next", "2026-01-01T00:00:00Z")], archived: [old] });
 * assert.deepEqual((await store.loadArchive()).map((it) => it.id), ["tg-old01"]);
 * ```
 */
export async function importItems(store: TaskStore, items: ImportItems): Promise<void> {
  const active = items.active ?? [];
  const archived = items.archived ?? [];
  if (active.length === 0 && archived.length === 0) return;
  await writeStore(store, { kind: "all" }, async (w) => {
    const known = new Set([...w.doc.ids, ...await w.archiveIds()]);
    for (const it of [...active, ...archived]) {
      if (known.has(it.id)) throw invalidInput(`Item ID already exists: ${it.id}`);
      known.add(it.id);
      for (const k of Object.keys(it.extensions)) {
        const problem = extensionKeyProblem(k);
        if (problem !== null) throw invalidInput(`Item ${it.id}: ${problem}`);
      }
    }
    for (const it of active) w.push(it);
    for (const it of archived) w.addArchived(it);
  });
}
