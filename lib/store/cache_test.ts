import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { cacheRowCounts, ensureFreshCache, readCacheMeta, rebuildCacheInto } from "./cache.ts";
import { CACHE_SCHEMA_VERSION } from "./cache_schema.ts";
import { TaskStoreError } from "./errors.ts";
import { newItem } from "./item.ts";
import { importItems } from "./ops/add.ts";
import { updateItem } from "./ops/update.ts";
import { TaskStore } from "./store.ts";
import { xxh3 } from "./xxh3.ts";

async function withStore(fn: (store: TaskStore) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "golem-cache-" });
  try {
    const store = new TaskStore(`${root}/.task-golem`);
    await store.init();
    await importItems(store, {
      active: [
        newItem("tg-a", "A", "2026-01-01T00:00:00Z", { tags: ["x"] }),
        newItem("tg-b", "B", "2026-01-01T00:00:01Z", { dependencies: ["tg-old"] }),
      ],
    });
    const old = newItem("tg-old", "Old", "2025-01-01T00:00:00Z");
    old.status = "done";
    await importItems(store, { archived: [old] });
    await fn(store);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

function rows(path: string, sql: string): Record<string, unknown>[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

Deno.test("ensureFreshCache() builds cache.db with the v2 stamp of both item files", async () => {
  await withStore(async (store) => {
    const r = await ensureFreshCache(store);
    assert.equal(r.rebuilt, true);
    assert.equal(r.path, store.cacheDbPath);
    assert.equal(r.image, null);
    const meta = await readCacheMeta(store.cacheDbPath);
    const tasks = await Deno.readFile(store.tasksPath);
    const archive = await Deno.readFile(store.archivePath);
    const tStat = await Deno.stat(store.tasksPath);
    assert.deepEqual(Object.fromEntries(meta), {
      "schema_version": String(CACHE_SCHEMA_VERSION),
      "jsonl_mtime_nanos": String(BigInt(tStat.mtime!.getTime()) * 1000000n),
      "jsonl_size": String(tasks.length),
      "jsonl_xxh3": xxh3(tasks).toString(),
      "archive_mtime_nanos": String(
        BigInt((await Deno.stat(store.archivePath)).mtime!.getTime()) * 1000000n,
      ),
      "archive_size": String(archive.length),
      "archive_xxh3": xxh3(archive).toString(),
    });
    assert.deepEqual(await cacheRowCounts(store.cacheDbPath), {
      tasks: 2,
      "task_tags": 1,
      "task_deps": 1,
      "task_view": 2,
    });
    // tg-b depends on an archived item: met (upstream's v1 cache said unmet)
    assert.deepEqual(
      rows(store.cacheDbPath, "SELECT id, is_ready, unmet_dep_count FROM task_view ORDER BY id")
        .map((r) => [r.id, r.is_ready, r.unmet_dep_count]),
      [["tg-a", 1, 0], ["tg-b", 1, 0]],
    );
    const gitignore = await Deno.readTextFile(store.gitignorePath);
    assert.ok(gitignore.includes("cache.db.tmp-*"));
  });
});

Deno.test("ensureFreshCache() reuses a fresh cache and rebuilds after either file changes", async () => {
  await withStore(async (store) => {
    await ensureFreshCache(store);
    const again = await ensureFreshCache(store);
    assert.equal(again.rebuilt, false);
    assert.equal(again.rebuildMs, 0);

    await importItems(store, { active: [newItem("tg-c", "C", "2026-01-01T00:00:02Z")] });
    assert.equal((await ensureFreshCache(store)).rebuilt, true);
    assert.equal((await cacheRowCounts(store.cacheDbPath)).tasks, 3);
    assert.equal((await ensureFreshCache(store)).rebuilt, false);

    const gone = newItem("tg-gone", "Gone", "2025-01-01T00:00:00Z");
    gone.status = "done";
    await importItems(store, { archived: [gone] });
    assert.equal((await ensureFreshCache(store)).rebuilt, true);
    assert.equal((await ensureFreshCache(store)).rebuilt, false);
  });
});

Deno.test("ensureFreshCache() notices a same-size rewrite within the same millisecond by its hash", async () => {
  await withStore(async (store) => {
    await ensureFreshCache(store);
    const before = await Deno.stat(store.tasksPath);
    const text = await Deno.readTextFile(store.tasksPath);
    await Deno.writeTextFile(store.tasksPath, text.replace('"title":"A"', '"title":"Z"'));
    await Deno.utime(store.tasksPath, before.atime!, before.mtime!);
    const r = await ensureFreshCache(store);
    assert.equal(r.rebuilt, true);
    assert.deepEqual(
      rows(store.cacheDbPath, "SELECT title FROM tasks WHERE id = 'tg-a'").map((r) => r.title),
      ["Z"],
    );
  });
});

Deno.test("ensureFreshCache() rebuilds over an upstream v1 cache and over garbage", async () => {
  await withStore(async (store) => {
    await ensureFreshCache(store);
    const db = new DatabaseSync(store.cacheDbPath);
    db.exec("UPDATE _cache_meta SET value = '1' WHERE key = 'schema_version'");
    db.close();
    assert.equal((await ensureFreshCache(store)).rebuilt, true);
    assert.equal((await readCacheMeta(store.cacheDbPath)).get("schema_version"), "2");

    await Deno.writeTextFile(store.cacheDbPath, "not a database at all");
    await assert.rejects(() => cacheRowCounts(store.cacheDbPath), TaskStoreError);
    assert.equal((await ensureFreshCache(store)).rebuilt, true);
    assert.equal((await cacheRowCounts(store.cacheDbPath)).tasks, 2);
  });
});

Deno.test("ensureFreshCache() deletes temp files of dead rebuilds and keeps live ones", async () => {
  await withStore(async (store) => {
    const dead = `${store.dir}/cache.db.tmp-99999999`;
    const live = `${store.dir}/cache.db.tmp-1`; // pid 1 always runs
    await Deno.writeTextFile(dead, "half-built");
    await Deno.writeTextFile(live, "in progress");
    await ensureFreshCache(store);
    assert.equal(await Deno.stat(dead).catch(() => null), null);
    assert.ok(await Deno.stat(live));
    const names = [];
    for await (const e of Deno.readDir(store.dir)) names.push(e.name);
    assert.ok(!names.includes(`cache.db.tmp-${Deno.pid}`));
  });
});

Deno.test("rebuildCacheInto() builds into any path and refuses stores the cache cannot hold", async () => {
  await withStore(async (store) => {
    const drift = `${store.dir}/cache.db.drift-${Deno.pid}`;
    const built = await rebuildCacheInto(store, drift);
    assert.deepEqual(built.counts, { tasks: 2, "task_tags": 1, "task_deps": 1, "task_view": 2 });
    assert.deepEqual(await cacheRowCounts(drift), built.counts);
    assert.equal(built.stamp.tasks.xxh3, xxh3(await Deno.readFile(store.tasksPath)));

    // The operations refuse cycles; a raw field change through updateItem does not check them.
    await updateItem(store, "tg-a", (it) => void it.dependencies.push("tg-b"));
    await updateItem(store, "tg-b", (it) => void it.dependencies.push("tg-a"));
    await assert.rejects(
      () => rebuildCacheInto(store, drift),
      (e: unknown) => e instanceof TaskStoreError && e.code === "CycleDetected",
    );
    await assert.rejects(
      () => ensureFreshCache(store),
      (e: unknown) =>
        e instanceof TaskStoreError &&
        e.message ===
          "Dependency cycle detected: dependency cycle(s) in tasks.jsonl: tg-a -> tg-b " +
            "(run `tg doctor --fix` to repair)",
    );
  });
});

Deno.test("readCacheMeta() and cacheRowCounts() report a missing cache as CacheCorrupt", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const fn of [readCacheMeta, cacheRowCounts]) {
      await assert.rejects(
        () => fn(`${dir}/cache.db`),
        (e: unknown) =>
          e instanceof TaskStoreError && e.code === "CacheCorrupt" && e.exitCode === 2 &&
          e.message.startsWith("Cache corrupt: cannot open existing cache: "),
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
