import assert from "node:assert/strict";
import { FixedClock } from "../io/clock.ts";
import { MemoryFileSystem } from "../io/fs.ts";
import { TaskStore } from "../store/store.ts";
import { newPgItem } from "./pg_item.ts";
import { PgError } from "./pg_error.ts";
import { addItems, importItems } from "../store/ops/add.ts";
import { updateItem } from "../store/ops/update.ts";
import { readItem, readSnapshot, withStoreRetry } from "./store_access.ts";

const ENC = new TextEncoder();

async function memoryStore(): Promise<{ store: TaskStore; fs: MemoryFileSystem }> {
  const fs = new MemoryFileSystem();
  const store = new TaskStore("/repo/.task-golem", {
    fs,
    clock: new FixedClock({ secs: 1767225600, nanos: 0 }),
    lockTimeoutMs: 0,
  });
  await store.init();
  return { store, fs };
}

Deno.test("withStoreRetry() runs the operation and returns its result", async () => {
  const { store } = await memoryStore();
  const added = await withStoreRetry(
    store,
    () => addItems(store, [{ title: "B" }, { title: "A" }], { prefix: "WRK" }),
  );
  assert.equal(added.length, 2);
  const ids = (await store.loadActive()).map((i) => i.id);
  assert.deepEqual(ids, added.map((it) => it.id).sort());
  assert.equal((await readItem(store, added[1]!.id))?.title, "A");
  assert.equal(await readItem(store, "WRK-none"), null);
});

Deno.test("withStoreRetry() retries a lock timeout and succeeds when the lock frees", async () => {
  const { store, fs } = await memoryStore();
  await importItems(store, { active: [newPgItem("WRK-a", "A", { now: store.now() })] });
  const held = await fs.tryLock(store.lockPath);
  const sleeps: number[] = [];
  const warnings: string[] = [];
  const result = await withStoreRetry(store, async () => {
    await updateItem(store, "WRK-a", (it) => void (it.title = "Changed"));
    return "done";
  }, {
    sleep: async (ms) => {
      sleeps.push(ms);
      await held!.release();
    },
    warn: (m) => warnings.push(m),
  });
  assert.equal(result, "done");
  assert.equal((await store.getItem("WRK-a"))?.title, "Changed");
  assert.deepEqual(sleeps, [1000]);
  assert.deepEqual(warnings, ["Store operation failed (attempt 1/3): Lock timeout after 0s"]);
});

Deno.test("withStoreRetry() gives up after three attempts with the last LockTimeout", async () => {
  const { store, fs } = await memoryStore();
  await fs.tryLock(store.lockPath);
  const sleeps: number[] = [];
  const warnings: string[] = [];
  let calls = 0;
  await assert.rejects(
    withStoreRetry(store, () => store.lock(() => calls++), {
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      warn: (m) => warnings.push(m),
    }),
    (e: unknown) => e instanceof PgError && e.code === "LockTimeout" && e.isRetryable(),
  );
  assert.equal(calls, 0);
  assert.deepEqual(sleeps, [1000, 1000]);
  assert.equal(warnings.length, 2);
  assert.match(warnings[1]!, /^Store operation failed \(attempt 2\/3\): Lock timeout/);
});

Deno.test("withStoreRetry() does not retry other errors", async () => {
  const { store, fs } = await memoryStore();
  await fs.writeFileAtomic(store.tasksPath, ENC.encode('{"schema_version":1}\n{"id":1}\n'));
  let sleeps = 0;
  await assert.rejects(
    withStoreRetry(store, () => updateItem(store, "WRK-a", () => {}), {
      sleep: () => {
        sleeps++;
        return Promise.resolve();
      },
    }),
    (e: unknown) =>
      e instanceof PgError && e.code === "StorageCorruption" && e.isFatal() &&
      e.message.startsWith("Storage corruption: Malformed item on line 2") &&
      e.message.endsWith("Recovery: `git checkout .task-golem/tasks.jsonl`"),
  );
  assert.equal(sleeps, 0);
});

Deno.test("withStoreRetry() reports a bug in the change as InternalPanic, and nothing is written", async () => {
  const { store, fs } = await memoryStore();
  await importItems(store, { active: [newPgItem("WRK-a", "A", { now: store.now() })] });
  const before = await fs.readFile(store.tasksPath);
  await assert.rejects(
    withStoreRetry(store, () =>
      updateItem(store, "WRK-a", (it) => {
        it.title = "X";
        throw new Error("bug");
      })),
    (e: unknown) => e instanceof PgError && e.code === "InternalPanic",
  );
  assert.deepEqual(await fs.readFile(store.tasksPath), before);
});

Deno.test("withStoreRetry() passes a PgError through and maps the store's ItemNotFound", async () => {
  const { store } = await memoryStore();
  await assert.rejects(
    withStoreRetry(store, () => Promise.reject(new PgError("InvalidTransition", "not blocked"))),
    (e: unknown) => e instanceof PgError && e.isSkip() && e.code === "InvalidTransition",
  );
  await assert.rejects(
    withStoreRetry(store, () => updateItem(store, "WRK-404", () => {})),
    (e: unknown) => e instanceof PgError && e.isSkip() && e.message === "Item not found: WRK-404",
  );
});

Deno.test("withStoreRetry() reports a missing store directory as NotInitialized", async () => {
  const fs = new MemoryFileSystem();
  const store = new TaskStore("/repo/.task-golem", { fs });
  await assert.rejects(
    withStoreRetry(store, () => addItems(store, [{ title: "X" }])),
    (e: unknown) => e instanceof PgError && e.code === "NotInitialized" && e.isFatal(),
  );
});

Deno.test("readSnapshot() reads a missing file as empty and maps corruption", async () => {
  const { store, fs } = await memoryStore();
  await fs.remove(store.tasksPath);
  assert.deepEqual(await readSnapshot(store), []);
  await fs.writeFileAtomic(store.tasksPath, ENC.encode('{"schema_version":7}\n'));
  await assert.rejects(
    readSnapshot(store),
    (e: unknown) =>
      e instanceof PgError && e.code === "StorageCorruption" &&
      e.detail === "Unsupported schema version 7 (max supported: 1)",
  );
});
