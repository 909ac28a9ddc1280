/**
 * The run loop's view of the backlog: for every active item, what the
 * scheduler needs and its title, read through the store's view cache so
 * that only lines that changed since the previous read are parsed.
 *
 * @module
 */

import { PgItem } from "../../adapter/pg_item.ts";
import type { WarningSink } from "../../io/warning.ts";
import type { TaskStore } from "../../store/store.ts";
import { ActiveViewCache } from "../../store/view_cache.ts";
import { type SchedulerItem, schedulerItemOf } from "./scheduler_item.ts";

/** One active item as the run loop sees it. */
export interface SnapshotEntry {
  /** What scheduling needs. */
  view: SchedulerItem;
  /** The title (log lines, status block, triage backlog). */
  title: string;
}

/** Reads {@linkcode SnapshotEntry} views of the active items, reusing unchanged ones. */
export class SnapshotReader {
  readonly #cache = new ActiveViewCache<SnapshotEntry>((item, warn) => ({
    view: schedulerItemOf(new PgItem(item, { warn })),
    title: item.title,
  }));

  /**
   * Reads the store's active items.
   *
   * @param store The store.
   * @param warn Receives warnings about invalid `x-pg-*` values (once per changed line).
   * @returns The entries in file order.
   * @throws {TaskStoreError} `StorageCorruption` with the line number; `Io`.
   */
  read(store: TaskStore, warn: WarningSink): Promise<SnapshotEntry[]> {
    return this.#cache.read(store, warn);
  }

  /**
   * The entries of the given bytes of `tasks.jsonl` (see {@linkcode read}).
   *
   * @param bytes The file's bytes, or `null`.
   * @param warn Receives warnings.
   * @returns The entries in file order.
   */
  readBytes(bytes: Uint8Array | null, warn: WarningSink): SnapshotEntry[] {
    return this.#cache.viewsOf(bytes, warn);
  }
}
