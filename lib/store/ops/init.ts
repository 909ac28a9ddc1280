/**
 * Creating a store in a project (`tg init`, and `pg init` when the project
 * has none).
 *
 * @module
 */

import { ensureGitattributes } from "../gitattributes.ts";
import type { TaskStore } from "../store.ts";

/** What {@linkcode initStore} changed besides the store directory. */
export interface InitStoreOutcome {
  /** Whether `.gitattributes` beside the store got merge-driver lines (or was created). */
  gitattributes: boolean;
}

/**
 * Creates the store as `tg init` does: the store files (empty `tasks.jsonl`
 * and `archive.jsonl`, replaced when they exist; the lock sentinel; the
 * store's `.gitignore`), then the merge driver's entries in the
 * `.gitattributes` of the project (the store's parent directory), added
 * only where missing. Defining the driver in git's config is left to the
 * caller (`tg init --merge-driver`).
 *
 * @param store The store to create.
 * @returns Whether `.gitattributes` changed.
 * @throws {TaskStoreError} `Io` when a file cannot be written.
 *
 * @example
 * ```ts
 * import { initStore, MemoryFileSystem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const fs = new MemoryFileSystem();
 * const store = new TaskStore("/repo/.task-golem", { fs });
 * assert.deepEqual(await initStore(store), { gitattributes: true });
 * assert.deepEqual(await store.loadActive(), []);
 * const attributes = new TextDecoder().decode((await fs.readFile("/repo/.gitattributes"))!);
 * assert.match(attributes, /^\.task-golem\/tasks\.jsonl merge=tg$/m);
 * ```
 */
export async function initStore(store: TaskStore): Promise<InitStoreOutcome> {
  await store.init();
  return { gitattributes: await ensureGitattributes(store.fs, store.projectDir) };
}
