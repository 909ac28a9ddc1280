/**
 * The doctor's two query-cache checks (`cache_drift`, `cache_rebuild_failed`):
 * when `cache.db` exists, a fresh cache is built next to it and compared by
 * schema version and row counts. The SQLite work is done by the cache module,
 * passed in as a {@linkcode CacheBackend}, so this logic loads no driver itself.
 *
 * @module
 */

import type { DoctorIssue } from "./doctor.ts";
import type { TaskStore } from "./store.ts";

/** Rows per counted cache table. */
export interface CacheCounts {
  /** Rows of `tasks`. */
  tasks: number;
  /** Rows of `task_tags`. */
  "task_tags": number;
  /** Rows of `task_deps`. */
  "task_deps": number;
  /** Rows of `task_view`. */
  "task_view": number;
}

/** What the checks need from the cache module (`lib/store/cache.ts`). */
export interface CacheBackend {
  /** The schema version a fresh build writes. */
  schemaVersion: number;
  /** Builds a fresh cache at `path` from the store; throws when the store cannot be cached. */
  rebuildCacheInto(store: TaskStore, path: string): Promise<{ counts: CacheCounts }>;
  /** `_cache_meta` of a cache file; throws when unreadable. */
  readCacheMeta(path: string): Promise<Map<string, string>>;
  /** Row counts of a cache file; throws with a `detail` when unreadable. */
  cacheRowCounts(path: string): Promise<CacheCounts>;
}

/** Result of {@linkcode checkCache}. */
export interface CacheCheck {
  /** `cache_drift` / `cache_rebuild_failed` issues (none when `cache.db` is absent). */
  issues: DoctorIssue[];
  /** The fresh build when it disagrees with `cache.db` (for `--fix`); else `null` (already removed). */
  freshPath: string | null;
}

const TABLES = ["tasks", "task_tags", "task_deps", "task_view"] as const;

function detailOf(e: unknown): string {
  const d = (e as { detail?: unknown }).detail;
  return typeof d === "string" ? d : e instanceof Error ? e.message : String(e);
}

/**
 * Compares `cache.db` with a fresh build (only when `cache.db` exists).
 *
 * @param store The store.
 * @param backend The cache module.
 * @param pid Process ID for the temporary `cache.db.drift-<pid>`.
 * @returns Issues, and the fresh build to install when they show drift.
 */
export async function checkCache(
  store: TaskStore,
  backend: CacheBackend,
  pid: number,
): Promise<CacheCheck> {
  if ((await store.fs.stat(store.cacheDbPath)) === null) return { issues: [], freshPath: null };
  const fresh = `${store.cacheDbPath}.drift-${pid}`;
  let counts: CacheCounts;
  try {
    counts = (await backend.rebuildCacheInto(store, fresh)).counts;
  } catch (e) {
    await store.fs.remove(fresh).catch(() => {});
    return {
      issues: [{
        type: "cache_rebuild_failed",
        severity: "error",
        message: `Fresh cache rebuild failed during consistency check: ${
          e instanceof Error ? e.message : String(e)
        }`,
      }],
      freshPath: null,
    };
  }
  const why = await driftReason(store.cacheDbPath, backend, counts);
  if (why === null) {
    await store.fs.remove(fresh);
    return { issues: [], freshPath: null };
  }
  return {
    issues: [{
      type: "cache_drift",
      severity: "warning",
      message: `Cache disagrees with fresh rebuild: ${why}`,
    }],
    freshPath: fresh,
  };
}

async function driftReason(
  path: string,
  backend: CacheBackend,
  fresh: CacheCounts,
): Promise<string | null> {
  let version = "<none>";
  try {
    version = (await backend.readCacheMeta(path)).get("schema_version") ?? "<none>";
  } catch {
    // unreadable meta: reported as <none>
  }
  if (version !== String(backend.schemaVersion)) {
    return `schema_version ${version} vs ${backend.schemaVersion}`;
  }
  let existing: CacheCounts;
  try {
    existing = await backend.cacheRowCounts(path);
  } catch (e) {
    return detailOf(e);
  }
  for (const t of TABLES) {
    if (existing[t] !== fresh[t]) return `row count in ${t} (${existing[t]} vs ${fresh[t]})`;
  }
  return null;
}

/**
 * Installs the fresh build over `cache.db` (`--fix`), or removes it.
 *
 * @param store The store.
 * @param check The result of {@linkcode checkCache}.
 * @param fix Whether to install it.
 * @returns 1 when installed, else 0.
 */
export async function settleCacheCheck(
  store: TaskStore,
  check: CacheCheck,
  fix: boolean,
): Promise<number> {
  if (check.freshPath === null) return 0;
  if (fix) {
    await store.fs.rename(check.freshPath, store.cacheDbPath);
    return 1;
  }
  await store.fs.remove(check.freshPath);
  return 0;
}
