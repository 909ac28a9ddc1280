/**
 * golem: a git-native task store shared by `tg` (task-golem) and `pg`
 * (phase-golem). Items live in `.task-golem/tasks.jsonl`, one canonical JSON
 * object per line, byte-compatible with the upstream Rust `tg`; done items
 * move to `archive.jsonl`; every write takes an exclusive `flock` and
 * replaces the file atomically.
 *
 * @example Create a store in memory, add an item, find what is ready
 * ```ts
 * import { computeReadyQueue, FixedClock, MemoryFileSystem, newItem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 *
 * const store = new TaskStore("/repo/.task-golem", {
 *   fs: new MemoryFileSystem(),
 *   clock: new FixedClock({ secs: 1767225600, nanos: 0 }),
 * });
 * await store.init();
 * await store.withLock((items) => {
 *   items.push(newItem("tg-first", "First", store.now()));
 *   items.push(newItem("tg-second", "Second", store.now(), { dependencies: ["tg-first"] }));
 * });
 * const { ready } = computeReadyQueue(await store.loadActive(), new Set());
 * assert.deepEqual(ready.map((it) => it.id), ["tg-first"]);
 * ```
 *
 * @module
 */

export * from "./lib/store/errors.ts";
export * from "./lib/store/json.ts";
export * from "./lib/store/timestamp.ts";
export * from "./lib/store/status.ts";
export * from "./lib/store/item.ts";
export * from "./lib/store/id.ts";
export * from "./lib/store/jsonl.ts";
export * from "./lib/store/lock.ts";
export * from "./lib/store/events.ts";
export * from "./lib/store/graph.ts";
export * from "./lib/store/transitions.ts";
export * from "./lib/store/extensions.ts";
export * from "./lib/store/config.ts";
export * from "./lib/store/root.ts";
export * from "./lib/store/git.ts";
export * from "./lib/store/store.ts";
export * from "./lib/io/fs.ts";
export * from "./lib/io/clock.ts";
export * from "./lib/io/process_runner.ts";
export * from "./lib/store/duration.ts";
export * from "./lib/store/claims.ts";
export * from "./lib/store/active_doc.ts";
export * from "./lib/store/active_index.ts";
export * from "./lib/adapter/pg_status.ts";
export * from "./lib/adapter/assessments.ts";
export * from "./lib/adapter/description.ts";
export * from "./lib/adapter/phase_history.ts";
export * from "./lib/adapter/pg_item.ts";
export * from "./lib/adapter/item_update.ts";
export * from "./lib/adapter/pg_error.ts";
export * from "./lib/adapter/store_access.ts";
export * from "./lib/store/xxh3.ts";
export * from "./lib/store/cache_schema.ts";
export * from "./lib/store/cache.ts";
export * from "./lib/store/query_sandbox.ts";
export * from "./lib/store/merge.ts";
export * from "./lib/store/gitattributes.ts";
