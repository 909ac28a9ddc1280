/**
 * phase-golem's access to the task store: store operations run with the
 * retries of lock timeouts (pg.md §6.2), and unlocked reads, both reporting
 * failures as {@linkcode PgError}. pg writes only through the store
 * operations (`updateItem`, `addItems`, `mergeItem`, …), like every other
 * writer.
 *
 * @module
 */

import type { Item } from "../store/item.ts";
import type { WarningSink } from "../io/warning.ts";
import type { TaskStore } from "../store/store.ts";
import { PgError, toPgError } from "./pg_error.ts";

/** Waits between attempts in milliseconds by default: 1 s before attempt 2 and before attempt 3. */
export const STORE_RETRY_DELAYS_MS: readonly number[] = [1000, 1000];

/** Options for {@linkcode withStoreRetry}. */
export interface StoreRetryOptions {
  /**
   * Waits before each retry, in milliseconds; its length is the number of
   * retries (default {@linkcode STORE_RETRY_DELAYS_MS}: 3 attempts, 1 s apart).
   */
  delaysMs?: readonly number[];
  /** How to wait (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Receives `Store operation failed (attempt k/n): …` before each retry. */
  warn?: WarningSink;
}

function timerSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs a store operation with the retries of pg.md §6.2: a lock timeout is
 * retried after a pause (1 s, 1 s by default); any other error is returned
 * at once. Every failure is a {@linkcode PgError}.
 *
 * @param store The store (to tell a missing store directory apart).
 * @param op The operation; it takes the lock itself.
 * @param options Retry delays, sleep and warning sink.
 * @returns What `op` returns.
 * @throws {PgError} The last error.
 *
 * @example
 * ```ts
 * import { addItem, MemoryFileSystem, TaskStore, withStoreRetry } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem() });
 * await store.init();
 * const item = await withStoreRetry(store, () => addItem(store, { title: "First" }));
 * assert.equal((await store.getItem(item.id))?.title, "First");
 * ```
 */
export async function withStoreRetry<T>(
  store: TaskStore,
  op: () => Promise<T>,
  options: StoreRetryOptions = {},
): Promise<T> {
  const delays = options.delaysMs ?? STORE_RETRY_DELAYS_MS;
  const sleep = options.sleep ?? timerSleep;
  const attempts = delays.length + 1;
  for (let attempt = 1;; attempt++) {
    try {
      return await op();
    } catch (caught) {
      const e = await classify(store, caught);
      if (!e.isRetryable() || attempt >= attempts) throw e;
      options.warn?.(`Store operation failed (attempt ${attempt}/${attempts}): ${e.message}`);
      await sleep(delays[attempt - 1]!);
    }
  }
}

/**
 * Reads the active items without the lock (atomic renames keep the file
 * whole). A missing `tasks.jsonl` reads as empty.
 *
 * @param store The store.
 * @returns The items in file order.
 * @throws {PgError} E.g. `StorageCorruption` for a bad line.
 *
 * @example
 * ```ts
 * import { MemoryFileSystem, readSnapshot, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/nowhere/.task-golem", { fs: new MemoryFileSystem() });
 * assert.deepEqual(await readSnapshot(store), []);
 * ```
 */
export async function readSnapshot(store: TaskStore): Promise<Item[]> {
  try {
    return await store.loadActive();
  } catch (e) {
    throw toPgError(e);
  }
}

/**
 * Reads one active item without the lock; only its line is parsed when it
 * is where the canonical writer puts it.
 *
 * @param store The store.
 * @param id The item's ID.
 * @returns The item, or `null` when it is not active.
 * @throws {PgError} E.g. `StorageCorruption` for a bad line.
 *
 * @example
 * ```ts
 * import { MemoryFileSystem, readItem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/nowhere/.task-golem", { fs: new MemoryFileSystem() });
 * assert.equal(await readItem(store, "WRK-001"), null);
 * ```
 */
export async function readItem(store: TaskStore, id: string): Promise<Item | null> {
  try {
    return await store.getItem(id);
  } catch (e) {
    throw toPgError(e);
  }
}

async function classify(store: TaskStore, caught: unknown): Promise<PgError> {
  const e = toPgError(caught);
  if (e.code !== "Unexpected") return e;
  let info;
  try {
    info = await store.fs.stat(store.dir);
  } catch {
    return e;
  }
  if (info === null || !info.isDirectory) {
    return new PgError("NotInitialized", `${store.dir} directory not found`, { cause: caught });
  }
  return e;
}
