/**
 * In-process benchmarks of the query cache on a 10,000-item store (plus 100
 * archived): a full rebuild (read under the lock, check, build, fsync), the
 * freshness check of a warm cache (stat, hash both files, read the meta),
 * XXH3 of `tasks.jsonl`, and one sandboxed query. Target: rebuild ≤ 60 ms.
 */

import { writeSyntheticStore } from "../_testing/synthetic_store.ts";
import { ensureFreshCache, rebuildCacheInto } from "./cache.ts";
import { runSandboxedQuery } from "./query_sandbox.ts";
import { TaskStore } from "./store.ts";
import { xxh3 } from "./xxh3.ts";

const root = await Deno.makeTempDir({ prefix: "golem-cache-bench-" });
const store = new TaskStore(`${root}/.task-golem`);
await writeSyntheticStore(store.dir, 10_000, 100);
const fresh = await ensureFreshCache(store);
const tasksBytes = await Deno.readFile(store.tasksPath);
addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));

Deno.bench({
  name: "rebuildCacheInto() 10k items",
  group: "cache",
  baseline: true,
  async fn() {
    await rebuildCacheInto(store, `${store.dir}/cache.db.bench`);
  },
});

Deno.bench({
  name: "ensureFreshCache() 10k items, warm (stat, hash, meta)",
  group: "cache",
  async fn() {
    await ensureFreshCache(store);
  },
});

Deno.bench({
  name: "xxh3() of a 10k-item tasks.jsonl (4.5 MB)",
  fn() {
    xxh3(tasksBytes);
  },
});

Deno.bench({
  name: "runSandboxedQuery() ready items by priority, 10k items",
  async fn() {
    await runSandboxedQuery(
      fresh,
      "SELECT id, title, priority FROM task_view WHERE is_ready = 1 ORDER BY priority DESC LIMIT 20",
    );
  },
});
