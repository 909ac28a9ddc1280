/**
 * phase-golem's access to the task store: locked read-modify-write with
 * retries of lock timeouts (pg.md §6.2), and unlocked snapshots, both
 * reporting failures as {@linkcode PgError}.
 *
 * @module
 */

import type { Item } from "../store/item.ts";
import type { WarningSink } from "../store/jsonl.ts";
import type { TaskStore } from "../store/store.ts";
import { PgError, toPgError } from "./pg_error.ts";

/** Waits between attempts in milliseconds by default: 1 s before attempt 2 and before attempt 3. */
export const STORE_RETRY_DELAYS_MS: readonly number[] = [1000, 1000];

/** Options for {@linkcode mutateStore}. */
export interface MutateStoreOptions {
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
 * Runs `fn` on the active items under the store lock and saves what it
 * changed (load → mutate → save, nothing written when `fn` throws). A lock
 * timeout is retried after a pause; any other error is returned at once.
 * Every failure is a {@linkcode PgError}; a missing store directory is
 * `NotInitialized`.
 *
 * @param store The store.
 * @param fn Mutates the items; its result is returned.
 * @param options Retry delays, sleep and warning sink.
 * @returns What `fn` returns.
 * @throws {PgError} The last error.
 *
 * @example
 * ```ts
 * import { FixedClock, MemoryFileSystem, mutateStore, newPgItem, PgItem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 *
 * const store = new TaskStore("/repo/.task-golem", {
 *   fs: new MemoryFileSystem(),
 *   clock: new FixedClock({ secs: 1767225600, nanos: 0 }),
 * });
 * await store.init();
 * await mutateStore(store, (items) => {
 *   items.push(newPgItem("WRK-a1b2c", "First", { now: store.now() }));
 * });
 * const [item] = await store.loadActive();
 * assert.equal(new PgItem(item!).status(), "New");
 * ```
 */
export async function mutateStore<T>(
  store: TaskStore,
  fn: (items: Item[]) => Promise<T> | T,
  options: MutateStoreOptions = {},
): Promise<T> {
  const delays = options.delaysMs ?? STORE_RETRY_DELAYS_MS;
  const sleep = options.sleep ?? timerSleep;
  const attempts = delays.length + 1;
  for (let attempt = 1;; attempt++) {
    try {
      return await store.withLock(fn);
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
