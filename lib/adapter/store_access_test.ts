import assert from "node:assert/strict";
import { FixedClock } from "../io/clock.ts";
import { MemoryFileSystem } from "../io/fs.ts";
import { TaskStore } from "../store/store.ts";
import { newPgItem } from "./pg_item.ts";
import { PgError } from "./pg_error.ts";
import { mutateStore, readSnapshot } from "./store_access.ts";

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

Deno.test("mutateStore() saves the mutation and returns the callback's result", async () => {
  const { store } = await memoryStore();
  const n = await mutateStore(store, (items) => {
    items.push(newPgItem("WRK-b", "B", { now: store.now() }));
    items.push(newPgItem("WRK-a", "A", { now: store.now() }));
    return items.length;
  });
  assert.equal(n, 2);
  assert.deepEqual((await store.loadActive()).map((i) => i.id), ["WRK-a", "WRK-b"]);
});

Deno.test("mutateStore() retries a lock timeout and succeeds when the lock frees", async () => {
  const { store, fs } = await memoryStore();
  const held = await fs.tryLock(store.lockPath);
  const sleeps: number[] = [];
  const warnings: string[] = [];
  const result = await mutateStore(store, () => "done", {
    sleep: async (ms) => {
      sleeps.push(ms);
      await held!.release();
    },
    warn: (m) => warnings.push(m),
  });
  assert.equal(result, "done");
  assert.deepEqual(sleeps, [1000]);
  assert.deepEqual(warnings, ["Store operation failed (attempt 1/3): Lock timeout after 0s"]);
});

Deno.test("mutateStore() gives up after three attempts with the last LockTimeout", async () => {
  const { store, fs } = await memoryStore();
  await fs.tryLock(store.lockPath);
  const sleeps: number[] = [];
  const warnings: string[] = [];
  let calls = 0;
  await assert.rejects(
    mutateStore(store, () => calls++, {
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

Deno.test("mutateStore() does not retry other errors", async () => {
  const { store, fs } = await memoryStore();
  await fs.writeFileAtomic(store.tasksPath, ENC.encode('{"schema_version":1}\n{"id":1}\n'));
  let sleeps = 0;
  await assert.rejects(
    mutateStore(store, () => {}, {
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

Deno.test("mutateStore() writes nothing when the callback throws, and reports InternalPanic", async () => {
  const { store, fs } = await memoryStore();
  const before = await fs.readFile(store.tasksPath);
  await assert.rejects(
    mutateStore(store, (items) => {
      items.push(newPgItem("WRK-x", "X", { now: store.now() }));
      throw new Error("bug");
    }),
    (e: unknown) => e instanceof PgError && e.code === "InternalPanic",
  );
  assert.deepEqual(await fs.readFile(store.tasksPath), before);
});

Deno.test("mutateStore() passes a PgError thrown by the callback through", async () => {
  const { store } = await memoryStore();
  await assert.rejects(
    mutateStore(store, () => {
      throw new PgError("ItemNotFound", "WRK-404");
    }),
    (e: unknown) => e instanceof PgError && e.isSkip() && e.message === "Item not found: WRK-404",
  );
});

Deno.test("mutateStore() reports a missing store directory as NotInitialized", async () => {
  const fs = new MemoryFileSystem();
  const store = new TaskStore("/repo/.task-golem", { fs });
  await assert.rejects(
    mutateStore(store, (items) => {
      items.push(newPgItem("WRK-x", "X", { now: "2026-01-01T00:00:00Z" }));
    }),
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
