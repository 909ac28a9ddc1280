/**
 * golem: a git-native task store shared by `tg` (task-golem) and `pg`
 * (phase-golem). Items live in `.task-golem/tasks.jsonl`, one canonical JSON
 * object per line, byte-compatible with the upstream Rust `tg`; done items
 * move to `archive.jsonl`; every write takes an exclusive `flock` and
 * replaces the file atomically.
 *
 * Every change goes through the store operations (`addItem`, `editItem`,
 * `startItem`, `completeItem`, `blockItem`, `updateItem`, …): they carry the
 * rules (transitions, claims, children and dependents checks) and write the
 * event log, so a store changed by a library user reads the same as one
 * changed by `tg` or `pg`.
 *
 * @example Create a store in memory, add items, find what is ready
 * ```ts
 * import { addItem, completeItem, computeReadyQueue, MemoryFileSystem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 *
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem() });
 * await store.init();
 * const first = await addItem(store, { title: "First" });
 * const second = await addItem(store, { title: "Second", deps: [first.id] });
 * let { ready } = computeReadyQueue(await store.loadActive(), new Set());
 * assert.deepEqual(ready.map((it) => it.id), [first.id]);
 *
 * await completeItem(store, first.id);
 * ({ ready } = computeReadyQueue(await store.loadActive(), new Set(await store.loadArchiveIds())));
 * assert.deepEqual(ready.map((it) => it.id), [second.id]);
 * ```
 *
 * @module
 */

// The store: its directory, reads, and the operations that change it.
export { GITIGNORE_LINES, TaskStore, type TaskStoreOptions } from "./lib/store/store.ts";
export {
  addItem,
  type AddItemOptions,
  type AddItemRequest,
  addItems,
  type ImportItems,
  importItems,
} from "./lib/store/ops/add.ts";
export {
  addDependency,
  editItem,
  type EditItemRequest,
  removeDependency,
} from "./lib/store/ops/edit.ts";
export {
  blockItem,
  type BlockItemOptions,
  type ClaimTakeover,
  completeItem,
  reopenItem,
  startItem,
  type StartItemOptions,
  type StatusOutcome,
  unblockItem,
} from "./lib/store/ops/status.ts";
export { removeItem, type RemoveItemOptions, type RemoveOutcome } from "./lib/store/ops/remove.ts";
export { addNote } from "./lib/store/ops/note.ts";
export { initStore, type InitStoreOutcome } from "./lib/store/ops/init.ts";
export { updateItem, type UpdateItemOptions, type UpdateOutcome } from "./lib/store/ops/update.ts";
export { mergeItem, type MergeItemOptions, type MergeOutcome } from "./lib/store/ops/merge.ts";
export {
  claimItem,
  type ClaimItemOptions,
  type ClaimOutcome,
  releaseClaim,
  type ReleaseClaimOptions,
  type ReleaseOutcome,
} from "./lib/store/ops/claim.ts";
export {
  archiveMaintenance,
  type ArchiveOptions,
  type ArchiveReport,
} from "./lib/store/archive_maintenance.ts";
export { ActiveViewCache, type ItemView } from "./lib/store/view_cache.ts";
export { ActiveIndex, type ActiveRow } from "./lib/store/active_index.ts";
export { findStoreDir, STORE_DIR_NAME } from "./lib/store/root.ts";
export { loadStoreConfig, type StoreConfig } from "./lib/store/config.ts";
export { commit, COMMITTED_STORE_FILES, stageSelf } from "./lib/store/git.ts";

// The item model.
export {
  cloneItem,
  type Item,
  ITEM_FIELDS,
  itemToJsonObject,
  itemToPrettyJson,
  newItem,
  type NewItemOptions,
  parseItemLine,
  serializeItem,
  validateExtensions,
  validateTitle,
} from "./lib/store/item.ts";
export { canTransition, isStatus, parseStatus, type Status, STATUSES } from "./lib/store/status.ts";
export { isStatusChangeAllowed } from "./lib/store/transitions.ts";
export {
  CLAIM_LEASE_KEY,
  type ClaimLease,
  claimLease,
  isClaimExpired,
} from "./lib/store/claims.ts";
export {
  DEFAULT_ID_LENGTH,
  DEFAULT_ID_PREFIX,
  generateId,
  type GenerateIdOptions,
  type RandomBytes,
  resolveId,
  type ResolveIdOptions,
} from "./lib/store/id.ts";
export {
  checkNewDependency,
  computeReadyQueue,
  type DependencyLookup,
  detectAllCycles,
  detectAllParentCycles,
  type ParentLookup,
  type PriorityOrdered,
  type ReadyCandidate,
  type ReadyQueue,
  sortByPriority,
  validateParent,
  wouldCreateCycle,
} from "./lib/store/graph.ts";
export { canonicalTimestamp, formatTimestamp, parseTimestamp } from "./lib/store/timestamp.ts";
export { DurationSyntaxError, parseDuration } from "./lib/store/duration.ts";
export {
  type JsonObject,
  JsonSyntaxError,
  type JsonValue,
  parseJson,
  type ParseJsonOptions,
  stringifyCompact,
} from "./lib/store/json.ts";
export {
  type ArchiveIndex,
  parseActiveFile,
  parseArchiveFile,
  SCHEMA_HEADER,
  SCHEMA_VERSION,
} from "./lib/store/jsonl.ts";

// The event log.
export {
  type EventType,
  fitEvent,
  MAX_EVENT_LINE_BYTES,
  readEvents,
  resolveAuthor,
  type ResolveAuthorOptions,
  serializeEvent,
  type TaskEvent,
} from "./lib/store/events.ts";

// Errors.
export {
  TaskStoreError,
  type TaskStoreErrorCode,
  type TaskStoreErrorOptions,
} from "./lib/store/errors.ts";

// Injectable effects.
export {
  DenoFileSystem,
  type FileInfo,
  type FileSystem,
  type LockHandle,
  type MemoryFault,
  MemoryFileSystem,
  type WriteFileOptions,
} from "./lib/io/fs.ts";
export { type Clock, FixedClock, type Instant, SystemClock } from "./lib/io/clock.ts";
export {
  DenoProcessRunner,
  FakeProcessRunner,
  type FakeReply,
  type ProcessRunner,
  type RunOptions,
  type RunResult,
} from "./lib/io/process_runner.ts";
export type { WarningSink } from "./lib/io/warning.ts";

// The query cache (`tg query`).
export {
  type CacheBuildResult,
  type CacheOptions,
  type CacheRowCounts,
  cacheRowCounts,
  type CacheStamp,
  ensureFreshCache,
  type FileStamp,
  type FreshCache,
  readCacheMeta,
  rebuildCacheInto,
} from "./lib/store/cache.ts";
export { CACHE_SCHEMA_VERSION, cacheDdl } from "./lib/store/cache_schema.ts";
export {
  type QueryResult,
  type QuerySource,
  type QueryValue,
  runSandboxedQuery,
} from "./lib/store/query_sandbox.ts";

export { xxh3 } from "./lib/store/xxh3.ts";

// Git integration: the merge driver for the store files.
export {
  mergeArchiveFiles,
  type MergeConflict,
  mergeEventFiles,
  type MergeSide,
  mergeTaskFiles,
  type MergeTasksOptions,
  type TasksMerge,
} from "./lib/store/merge.ts";
export {
  ensureGitattributes,
  GITATTRIBUTES_LINES,
  MERGE_DRIVER_COMMAND,
  MERGE_DRIVER_NAME,
} from "./lib/store/gitattributes.ts";

// The phase-golem adapter: pg's view of an item and its store access.
export {
  type BlockedFromStatus,
  isBlockedFromStatus,
  isValidTransition,
  PG_STATUSES,
  type PgStatus,
  pgStatusFromSnake,
  pgStatusLabel,
  pgStatusToSnake,
} from "./lib/adapter/pg_status.ts";
export {
  type Assessments,
  BLOCK_TYPES,
  type BlockType,
  DIMENSION_LEVELS,
  type DimensionLevel,
  isDimensionLevel,
  isSizeLevel,
  levelRank,
  PHASE_POOLS,
  type PhasePool,
  SIZE_LEVELS,
  type SizeLevel,
} from "./lib/adapter/assessments.ts";
export {
  DESCRIPTION_FIELDS,
  emptyDescription,
  isDescriptionEmpty,
  type ParsedDescription,
  parseDescriptionText,
  type StructuredDescription,
} from "./lib/adapter/description.ts";
export {
  HISTORY_LIMIT,
  type PhaseRun,
  type PhaseRunOutcome,
  type PhaseRunTotals,
  totalPhaseRuns,
} from "./lib/adapter/phase_history.ts";
export {
  DEFAULT_PIPELINE,
  newPgItem,
  type NewPgItemOptions,
  PG_KEYS,
  PgItem,
  type PgItemOptions,
} from "./lib/adapter/pg_item.ts";
export { applyUpdate, type ItemUpdate } from "./lib/adapter/item_update.ts";
export {
  PgError,
  type PgErrorCategory,
  type PgErrorCode,
  toPgError,
} from "./lib/adapter/pg_error.ts";
export { pgAuthor } from "./lib/adapter/pg_author.ts";
export {
  readItem,
  readSnapshot,
  STORE_RETRY_DELAYS_MS,
  type StoreRetryOptions,
  withStoreRetry,
} from "./lib/adapter/store_access.ts";
