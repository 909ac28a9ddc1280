/**
 * The query cache, `.task-golem/cache.db`: a SQLite copy of the active store
 * that `tg query` reads, rebuilt when its freshness stamp no longer matches
 * the store files.
 *
 * The stamp of a file is (mtime in nanoseconds, size, XXH3-64 of the bytes);
 * a missing file stamps as (0, 0, 0). Schema version 2 stamps both
 * `tasks.jsonl` and `archive.jsonl` (archived dependencies count as met in
 * `task_view`, so the archive is an input).
 *
 * A rebuild reads and checks the store under the store lock, then builds
 * `cache.db.tmp-<pid>` outside it (no journal, one transaction), fsyncs it
 * and renames it over `cache.db`. When the store directory is not writable
 * the cache is built in memory and handed over as a serialized image.
 *
 * The SQLite driver (`node:sqlite`) is loaded on first use, so importing
 * this module costs nothing until a cache is touched. Works on the real file
 * system only (SQLite opens paths itself).
 *
 * @module
 */

import type { DatabaseSync } from "node:sqlite";
import { ioError, TaskStoreError } from "./errors.ts";
import { parseActiveFile, parseArchiveFile, type WarningSink } from "./jsonl.ts";
import type { TaskStore } from "./store.ts";
import { xxh3 } from "./xxh3.ts";
import { CACHE_COUNTED_TABLES, CACHE_SCHEMA_VERSION, CACHE_TABLES } from "./cache_schema.ts";
import { type CacheCell, cacheRows, checkCacheable, ROW_WIDTH } from "./_cache_rows.ts";

/** The freshness stamp of one file. */
export interface FileStamp {
  /** Modification time in nanoseconds since the epoch (Deno reports milliseconds). */
  mtimeNanos: bigint;
  /** Size in bytes. */
  size: number;
  /** XXH3-64 (seed 0) of the contents. */
  xxh3: bigint;
}

/** The freshness stamp of a cache: the two item files it was built from. */
export interface CacheStamp {
  /** `tasks.jsonl`. */
  tasks: FileStamp;
  /** `archive.jsonl`. */
  archive: FileStamp;
}

/** Rows per table, as doctor compares them. */
export interface CacheRowCounts {
  /** Rows of `tasks`. */
  tasks: number;
  /** Rows of `task_tags`. */
  "task_tags": number;
  /** Rows of `task_deps`. */
  "task_deps": number;
  /** Rows of `task_view`. */
  "task_view": number;
}

/** What a build produced. */
export interface CacheBuildResult {
  /** The stamp written into `_cache_meta`. */
  stamp: CacheStamp;
  /** Rows written. */
  counts: CacheRowCounts;
}

/** Options for the cache functions. */
export interface CacheOptions {
  /** Receives warnings about skipped archive lines (default: ignored). */
  warn?: WarningSink;
}

/** A cache ready to be queried: a file, or an in-memory image when the directory is read-only. */
export interface FreshCache {
  /** `cache.db`, or `null` when the cache lives only in `image`. */
  path: string | null;
  /** The serialized database when it could not be written to disk, else `null`. */
  image: Uint8Array | null;
  /** Whether this call rebuilt the cache. */
  rebuilt: boolean;
  /** Duration of the rebuild in milliseconds (0 when fresh). */
  rebuildMs: number;
}

type Sqlite = typeof import("node:sqlite");
let driver: Promise<Sqlite> | undefined;

/** Loads `node:sqlite` once. */
function sqlite(): Promise<Sqlite> {
  driver ??= import("node:sqlite");
  return driver;
}

/** The meta keys, in the order they are written. */
const META_KEYS = [
  "schema_version",
  "jsonl_mtime_nanos",
  "jsonl_size",
  "jsonl_xxh3",
  "archive_mtime_nanos",
  "archive_size",
  "archive_xxh3",
] as const;

function metaRows(stamp: CacheStamp): [string, string][] {
  const { tasks: t, archive: a } = stamp;
  const values = [
    String(CACHE_SCHEMA_VERSION),
    t.mtimeNanos.toString(),
    String(t.size),
    t.xxh3.toString(),
    a.mtimeNanos.toString(),
    String(a.size),
    a.xxh3.toString(),
  ];
  return META_KEYS.map((k, i) => [k, values[i]!]);
}

/** A file's bytes and stamp; a missing file is `null` with a zero stamp. */
async function readStamped(path: string): Promise<{ bytes: Uint8Array | null; stamp: FileStamp }> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { bytes: null, stamp: { mtimeNanos: 0n, size: 0, xxh3: 0n } };
    }
    throw ioError(e);
  }
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (e) {
    throw ioError(e);
  }
  return {
    bytes,
    stamp: { mtimeNanos: mtimeNanos(info), size: bytes.length, xxh3: xxh3(bytes) },
  };
}

function mtimeNanos(info: Deno.FileInfo): bigint {
  const ms = info.mtime?.getTime() ?? 0;
  return BigInt(ms) * 1_000_000n;
}

/** Whether an error means "this directory or file cannot be written". */
function isNotWritable(e: unknown): boolean {
  const cause = e instanceof TaskStoreError ? e.cause : e;
  if (cause instanceof Deno.errors.PermissionDenied || cause instanceof Deno.errors.NotCapable) {
    return true;
  }
  const code = (cause as { code?: unknown } | null)?.code;
  return code === "EROFS" || code === "EACCES" || code === "EPERM";
}

/** The store files read under the lock, checked, with their stamp. */
interface StoreSnapshot {
  rows: ReturnType<typeof cacheRows>;
  stamp: CacheStamp;
}

/**
 * Reads both item files and stamps them, under the store lock when it can be
 * taken; when `tasks.lock` cannot be opened for writing (a read-only store)
 * the files are read without it (each is replaced atomically by writers).
 */
async function snapshot(store: TaskStore, options: CacheOptions): Promise<StoreSnapshot> {
  const read = async () => {
    const tasks = await readStamped(store.tasksPath);
    const archive = await readStamped(store.archivePath);
    return { tasks, archive };
  };
  let files: Awaited<ReturnType<typeof read>>;
  try {
    files = await store.lock(read);
  } catch (e) {
    if (!isNotWritable(e)) throw e;
    files = await read();
  }
  const items = parseActiveFile(files.tasks.bytes);
  checkCacheable(items);
  const archiveIds = new Set<string>();
  for (const it of parseArchiveFile(files.archive.bytes, options.warn ?? (() => {}))) {
    archiveIds.add(it.id);
  }
  return {
    rows: cacheRows(items, archiveIds),
    stamp: { tasks: files.tasks.stamp, archive: files.archive.stamp },
  };
}

const MAX_BATCH_CELLS = 2400;
const statementCache = new WeakMap<
  DatabaseSync,
  Map<string, ReturnType<DatabaseSync["prepare"]>>
>();

/** Inserts flat rows with multi-row `INSERT` statements (far fewer driver calls than one per row). */
function insertRows(db: DatabaseSync, table: string, width: number, cells: CacheCell[]): void {
  const perBatch = Math.max(1, Math.floor(MAX_BATCH_CELLS / width));
  const tuple = "(" + "?,".repeat(width - 1) + "?)";
  let stmts = statementCache.get(db);
  if (!stmts) statementCache.set(db, stmts = new Map());
  const prepare = (rows: number) => {
    const key = `${table}:${rows}`;
    let s = stmts!.get(key);
    if (!s) {
      s = db.prepare(`INSERT INTO ${table} VALUES ` + (tuple + ",").repeat(rows - 1) + tuple);
      stmts!.set(key, s);
    }
    return s;
  };
  const total = cells.length / width;
  let row = 0;
  while (row < total) {
    const n = Math.min(perBatch, total - row);
    prepare(n).run(...cells.slice(row * width, (row + n) * width));
    row += n;
  }
}

/** Creates the schema and writes every row into an empty database. */
function fill(db: DatabaseSync, snap: StoreSnapshot): CacheRowCounts {
  db.exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=MEMORY");
  db.exec("BEGIN");
  const data: Record<string, [number, CacheCell[]]> = {
    "_cache_meta": [2, metaRows(snap.stamp).flat()],
    tasks: [ROW_WIDTH.tasks, snap.rows.tasks],
    "task_tags": [ROW_WIDTH.tags, snap.rows.tags],
    "task_deps": [ROW_WIDTH.deps, snap.rows.deps],
    "task_view": [ROW_WIDTH.view, snap.rows.view],
  };
  for (const t of CACHE_TABLES) {
    db.exec(t.table);
    const [width, cells] = data[t.name]!;
    insertRows(db, t.name, width, cells);
    for (const ix of t.indexes) db.exec(ix);
  }
  db.exec("COMMIT");
  return {
    tasks: snap.rows.tasks.length / ROW_WIDTH.tasks,
    "task_tags": snap.rows.tags.length / ROW_WIDTH.tags,
    "task_deps": snap.rows.deps.length / ROW_WIDTH.deps,
    "task_view": snap.rows.view.length / ROW_WIDTH.view,
  };
}

function rebuildFailed(e: unknown): TaskStoreError {
  if (e instanceof TaskStoreError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new TaskStoreError("CacheRebuildFailed", `Cache rebuild failed: ${msg}`, {
    cause: e,
    detail: msg,
  });
}

/** Builds a database file at `path` (replaced if present) and fsyncs it. */
async function buildFile(path: string, snap: StoreSnapshot): Promise<CacheRowCounts> {
  // Create (or truncate) the file ourselves first, so that an unwritable
  // directory shows up as a permission error rather than a SQLite one.
  try {
    (await Deno.open(path, { write: true, create: true, truncate: true })).close();
  } catch (e) {
    throw ioError(e);
  }
  const { DatabaseSync } = await sqlite();
  let counts: CacheRowCounts;
  try {
    const db = new DatabaseSync(path);
    try {
      counts = fill(db, snap);
    } finally {
      db.close();
    }
    const f = await Deno.open(path, { read: true, write: true });
    try {
      await f.sync();
    } finally {
      f.close();
    }
  } catch (e) {
    await Deno.remove(path).catch(() => {});
    throw rebuildFailed(e);
  }
  return counts;
}

/**
 * Builds a fresh cache from the store into the file `path` (replacing it):
 * the store is read and checked under the lock, the database is written and
 * fsynced outside it. Doctor's drift check uses this with
 * `cache.db.drift-<pid>`; `tg query` uses it with `cache.db.tmp-<pid>`.
 *
 * @param store The store.
 * @param path Where to write the database.
 * @param options Warning sink for skipped archive lines.
 * @returns The stamp written and the row counts.
 * @throws {TaskStoreError} `StorageCorruption` (unreadable `tasks.jsonl`, duplicate IDs),
 *   `CycleDetected`, `ParentCycle`, `LockTimeout`, `Io`, `CacheRebuildFailed`.
 *
 * @example Doctor's drift check: a fresh build against the cache in place
 * ```ts
 * import {
 *   addItem,
 *   cacheRowCounts,
 *   ensureFreshCache,
 *   rebuildCacheInto,
 *   TaskStore,
 * } from "@golem/golem";
 * import assert from "node:assert/strict";
 *
 * // The cache is a SQLite file next to the store, so the store lives in a temp dir.
 * const root = await Deno.makeTempDir();
 * try {
 *   const store = new TaskStore(`${root}/.task-golem`, { author: () => Promise.resolve("me") });
 *   await store.init();
 *   await addItem(store, { title: "First", tags: ["docs"] });
 *   await ensureFreshCache(store); // writes cache.db
 *
 *   const drift = `${store.dir}/cache.db.drift-${Deno.pid}`;
 *   const built = await rebuildCacheInto(store, drift);
 *   assert.deepEqual(built.counts, { tasks: 1, task_tags: 1, task_deps: 0, task_view: 1 });
 *   assert.deepEqual(await cacheRowCounts(store.cacheDbPath), built.counts); // no drift
 *   await Deno.remove(drift);
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
 * ```
 */
export async function rebuildCacheInto(
  store: TaskStore,
  path: string,
  options: CacheOptions = {},
): Promise<CacheBuildResult> {
  const snap = await snapshot(store, options);
  const counts = await buildFile(path, snap);
  return { stamp: snap.stamp, counts };
}

/** Opens an existing cache read-only, as a `CacheCorrupt` error when impossible. */
async function openReadOnly(path: string): Promise<DatabaseSync> {
  const { DatabaseSync } = await sqlite();
  try {
    return new DatabaseSync(path, { readOnly: true });
  } catch (e) {
    throw corrupt(`cannot open existing cache: ${(e as Error).message}`, e);
  }
}

function corrupt(detail: string, cause?: unknown): TaskStoreError {
  return new TaskStoreError("CacheCorrupt", `Cache corrupt: ${detail}`, { detail, cause });
}

/**
 * Reads `_cache_meta` of a cache file.
 *
 * @param path The database file.
 * @returns Key → value (`schema_version`, `jsonl_mtime_nanos`, `jsonl_size`,
 *   `jsonl_xxh3`, and for version 2 the same three for `archive_…`).
 * @throws {TaskStoreError} `CacheCorrupt` when the file is missing or unreadable
 *   (`detail` is `cannot open existing cache: …` or `cannot read _cache_meta: …`).
 */
export async function readCacheMeta(path: string): Promise<Map<string, string>> {
  const db = await openReadOnly(path);
  try {
    const rows = db.prepare("SELECT key, value FROM _cache_meta").all() as {
      key: string;
      value: string;
    }[];
    return new Map(rows.map((r) => [String(r.key), String(r.value)]));
  } catch (e) {
    throw corrupt(`cannot read _cache_meta: ${(e as Error).message}`, e);
  } finally {
    db.close();
  }
}

/**
 * Counts the rows of `tasks`, `task_tags`, `task_deps` and `task_view` in a
 * cache file (doctor's drift check compares these with a fresh build).
 *
 * @param path The database file.
 * @returns The counts.
 * @throws {TaskStoreError} `CacheCorrupt` (`detail`: `cannot open existing cache: …`
 *   or `cannot count rows in <table>`).
 */
export async function cacheRowCounts(path: string): Promise<CacheRowCounts> {
  const db = await openReadOnly(path);
  try {
    const counts = {} as Record<string, number>;
    for (const table of CACHE_COUNTED_TABLES) {
      try {
        const row = db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number };
        counts[table] = Number(row.n);
      } catch (e) {
        throw corrupt(`cannot count rows in ${table}`, e);
      }
    }
    return counts as unknown as CacheRowCounts;
  } finally {
    db.close();
  }
}

/** Whether a stored meta map matches the current files (hashing only when mtime and size agree). */
async function isFresh(meta: Map<string, string>, store: TaskStore): Promise<boolean> {
  if (meta.get("schema_version") !== String(CACHE_SCHEMA_VERSION)) return false;
  const files: [string, string][] = [[store.tasksPath, "jsonl"], [store.archivePath, "archive"]];
  const stats: (Deno.FileInfo | null)[] = [];
  for (const [path, prefix] of files) {
    let info: Deno.FileInfo | null = null;
    try {
      info = await Deno.stat(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw ioError(e);
    }
    const nanos = info === null ? 0n : mtimeNanos(info);
    const size = info === null ? 0 : info.size;
    if (meta.get(`${prefix}_mtime_nanos`) !== nanos.toString()) return false;
    if (meta.get(`${prefix}_size`) !== String(size)) return false;
    stats.push(info);
  }
  for (let i = 0; i < files.length; i++) {
    const [path, prefix] = files[i]!;
    let hash = 0n;
    if (stats[i] !== null) {
      try {
        hash = xxh3(await Deno.readFile(path));
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) throw ioError(e);
        return false;
      }
    }
    if (meta.get(`${prefix}_xxh3`) !== hash.toString()) return false;
  }
  return true;
}

/** Whether a process with this ID exists (Linux `/proc`; unknown elsewhere). */
async function processAlive(pid: number): Promise<boolean | null> {
  try {
    await Deno.stat(`/proc/${pid}`);
    return true;
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) return null;
  }
  try {
    await Deno.stat("/proc/self");
    return false;
  } catch {
    return null;
  }
}

const STALE_TMP_MS = 60 * 60 * 1000;

/**
 * Deletes `cache.db.tmp-<pid>` files left by rebuilds that died: the pid is
 * not running (or, where `/proc` does not exist, the file is over an hour old).
 */
async function removeStaleTemps(dir: string): Promise<void> {
  let names: string[];
  try {
    names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
  } catch {
    return;
  }
  for (const name of names) {
    const m = /^cache\.db\.tmp-(\d+)$/.exec(name);
    if (!m || Number(m[1]) === Deno.pid) continue;
    const path = `${dir}/${name}`;
    const alive = await processAlive(Number(m[1]));
    let stale = alive === false;
    if (alive === null) {
      const mtime = (await Deno.stat(path).catch(() => null))?.mtime;
      stale = mtime != null && Date.now() - mtime.getTime() > STALE_TMP_MS;
    }
    if (stale) await Deno.remove(path).catch(() => {});
  }
}

async function syncDir(dir: string): Promise<void> {
  try {
    const d = await Deno.open(dir, { read: true });
    try {
      await d.sync();
    } finally {
      d.close();
    }
  } catch {
    // best effort
  }
}

/**
 * Makes sure the store has a fresh cache and says where it is. A fresh
 * `cache.db` is used as it is; otherwise it is rebuilt atomically
 * (`cache.db.tmp-<pid>` → fsync → rename), after deleting temp files of
 * dead rebuilds. When the directory cannot be written, the cache is built in
 * memory and returned as `image` (upstream built it and then failed).
 *
 * @param store The store.
 * @param options Warning sink for skipped archive lines.
 * @returns Where the fresh cache is.
 * @throws {TaskStoreError} The errors of {@linkcode rebuildCacheInto}.
 */
export async function ensureFreshCache(
  store: TaskStore,
  options: CacheOptions = {},
): Promise<FreshCache> {
  const path = store.cacheDbPath;
  let meta: Map<string, string> | null = null;
  try {
    meta = await readCacheMeta(path);
  } catch {
    meta = null;
  }
  if (meta !== null && await isFresh(meta, store)) {
    return { path, image: null, rebuilt: false, rebuildMs: 0 };
  }
  const t0 = performance.now();
  const snap = await snapshot(store, options);
  await removeStaleTemps(store.dir);
  const tmp = `${path}.tmp-${Deno.pid}`;
  try {
    await buildFile(tmp, snap);
  } catch (e) {
    if (!isNotWritable(e)) throw e;
    const image = await buildImage(snap);
    return { path: null, image, rebuilt: true, rebuildMs: performance.now() - t0 };
  }
  try {
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw rebuildFailed(new Error(`cannot rename ${tmp} to ${path}: ${(e as Error).message}`));
  }
  await syncDir(store.dir);
  await store.ensureGitignore().catch(() => false);
  return { path, image: null, rebuilt: true, rebuildMs: performance.now() - t0 };
}

/** Builds the cache in memory and serializes it. */
async function buildImage(snap: StoreSnapshot): Promise<Uint8Array> {
  const { DatabaseSync } = await sqlite();
  const db = new DatabaseSync(":memory:");
  try {
    fill(db, snap);
    return db.serialize();
  } catch (e) {
    throw rebuildFailed(e);
  } finally {
    db.close();
  }
}
