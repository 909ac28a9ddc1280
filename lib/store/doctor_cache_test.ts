import assert from "node:assert/strict";
import { MemoryFileSystem } from "../io/fs.ts";
import {
  type CacheBackend,
  type CacheCounts,
  checkCache,
  settleCacheCheck,
} from "./doctor_cache.ts";
import { storageCorruption, TaskStoreError } from "./errors.ts";
import { TaskStore } from "./store.ts";

const ENC = new TextEncoder();
const COUNTS: CacheCounts = { tasks: 3, "task_tags": 1, "task_deps": 2, "task_view": 3 };

/** A cache module stand-in: "databases" are JSON files holding meta and counts. */
function backend(fs: MemoryFileSystem, fresh: CacheCounts | Error): CacheBackend {
  const read = async (path: string) => {
    const b = await fs.readFile(path);
    if (b === null) throw new TaskStoreError("CacheCorrupt", "Cache corrupt: missing");
    try {
      return JSON.parse(new TextDecoder().decode(b)) as { version: string; counts: CacheCounts };
    } catch {
      throw new TaskStoreError("CacheCorrupt", "x", {
        detail: "cannot open existing cache: file is not a database",
      });
    }
  };
  return {
    schemaVersion: 2,
    async rebuildCacheInto(_store, path) {
      if (fresh instanceof Error) throw fresh;
      await fs.writeFileAtomic(path, ENC.encode(JSON.stringify({ version: "2", counts: fresh })));
      return { counts: fresh };
    },
    async readCacheMeta(path) {
      return new Map([["schema_version", (await read(path)).version]]);
    },
    async cacheRowCounts(path) {
      return (await read(path)).counts;
    },
  };
}

async function setup(cache: string | null) {
  const fs = new MemoryFileSystem();
  const store = new TaskStore("/p/.task-golem", { fs });
  await store.init();
  if (cache !== null) await fs.writeFileAtomic(store.cacheDbPath, ENC.encode(cache));
  return { fs, store };
}

Deno.test("checkCache() does nothing without cache.db", async () => {
  const { fs, store } = await setup(null);
  assert.deepEqual(await checkCache(store, backend(fs, COUNTS), 7), {
    issues: [],
    freshPath: null,
  });
  assert.equal(await fs.stat(`${store.cacheDbPath}.drift-7`), null);
});

Deno.test("checkCache() finds no drift when schema and counts agree, and removes its fresh build", async () => {
  const { fs, store } = await setup(JSON.stringify({ version: "2", counts: COUNTS }));
  const r = await checkCache(store, backend(fs, COUNTS), 7);
  assert.deepEqual(r, { issues: [], freshPath: null });
  assert.equal(await fs.stat(`${store.cacheDbPath}.drift-7`), null);
});

Deno.test("checkCache() reports the first drift: schema version, row counts, unreadable cache", async () => {
  const cases: [string, string][] = [
    [JSON.stringify({ version: "1", counts: COUNTS }), "schema_version 1 vs 2"],
    ["garbage", "schema_version <none> vs 2"],
    [
      JSON.stringify({ version: "2", counts: { ...COUNTS, "task_deps": 5 } }),
      "row count in task_deps (5 vs 2)",
    ],
  ];
  for (const [cache, why] of cases) {
    const { fs, store } = await setup(cache);
    const r = await checkCache(store, backend(fs, COUNTS), 7);
    assert.deepEqual(r.issues, [{
      type: "cache_drift",
      severity: "warning",
      message: `Cache disagrees with fresh rebuild: ${why}`,
    }]);
    assert.equal(r.freshPath, `${store.cacheDbPath}.drift-7`);
    // without --fix the fresh build is thrown away; with --fix it replaces cache.db
    assert.equal(await settleCacheCheck(store, r, false), 0);
    assert.equal(await fs.stat(r.freshPath!), null);
    const again = await checkCache(store, backend(fs, COUNTS), 8);
    assert.equal(await settleCacheCheck(store, again, true), 1);
    assert.equal(await fs.stat(again.freshPath!), null);
    assert.deepEqual((await checkCache(store, backend(fs, COUNTS), 9)).issues, []);
  }
});

Deno.test("checkCache() reports a failed rebuild as cache_rebuild_failed", async () => {
  const { fs, store } = await setup(JSON.stringify({ version: "2", counts: COUNTS }));
  const err = storageCorruption("duplicate task id in tasks.jsonl: tg-a");
  const r = await checkCache(store, backend(fs, err), 7);
  assert.deepEqual(r, {
    issues: [{
      type: "cache_rebuild_failed",
      severity: "error",
      message:
        "Fresh cache rebuild failed during consistency check: Storage corruption: duplicate task id in tasks.jsonl: tg-a",
    }],
    freshPath: null,
  });
});
