import assert from "node:assert/strict";
import { type FileSystem, type LockHandle, MemoryFileSystem } from "../io/fs.ts";
import { TaskStoreError } from "./errors.ts";
import { acquireLock } from "./lock.ts";

/** A file system whose lock is busy for the first `busy` attempts. */
function busyFs(busy: number): { fs: FileSystem; attempts: () => number } {
  const inner = new MemoryFileSystem();
  let attempts = 0;
  const fs: FileSystem = Object.assign(Object.create(inner), {
    tryLock: (path: string): Promise<LockHandle | null> => {
      attempts++;
      return attempts <= busy ? Promise.resolve(null) : inner.tryLock(path);
    },
  });
  return { fs, attempts: () => attempts };
}

Deno.test("acquireLock() backs off 10, 20, 40 … 500 ms, capped", async () => {
  const { fs, attempts } = busyFs(9);
  const waits: number[] = [];
  const handle = await acquireLock(fs, "/tasks.lock", {
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0,
  });
  assert.deepEqual(waits, [10, 20, 40, 80, 160, 320, 500, 500, 500]);
  assert.equal(attempts(), 10);
  await handle.release();
});

Deno.test("acquireLock() adds up to 50% jitter", async () => {
  const { fs } = busyFs(3);
  const waits: number[] = [];
  const handle = await acquireLock(fs, "/tasks.lock", {
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
  });
  assert.deepEqual(waits, [12.5, 25, 50]);
  await handle.release();
});

Deno.test("acquireLock() takes a free lock at once", async () => {
  const { fs, attempts } = busyFs(0);
  const handle = await acquireLock(fs, "/tasks.lock", { sleep: () => assert.fail("no wait") });
  assert.equal(attempts(), 1);
  await handle.release();
});

Deno.test("acquireLock() fails with LockTimeout once the time is up", async () => {
  const { fs, attempts } = busyFs(Infinity);
  const started = Date.now();
  await assert.rejects(acquireLock(fs, "/tasks.lock", { timeoutMs: 50 }), (e) => {
    assert.ok(e instanceof TaskStoreError);
    assert.equal(e.code, "LockTimeout");
    assert.equal(e.exitCode, 2);
    assert.equal(e.message, "Lock timeout after 50ms");
    return true;
  });
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 50, `gave up after ${elapsed} ms`);
  assert.ok(attempts() >= 2 && attempts() <= 6, `${attempts()} attempts in 50 ms`);
});

Deno.test("acquireLock() checks the time before each sleep", async () => {
  const { fs, attempts } = busyFs(Infinity);
  await assert.rejects(
    acquireLock(fs, "/tasks.lock", { timeoutMs: 0, sleep: () => assert.fail("no sleep") }),
    /Lock timeout after 0s/,
  );
  assert.equal(attempts(), 1);
});

Deno.test("acquireLock() names whole seconds like upstream", async () => {
  const { fs } = busyFs(Infinity);
  let now = 0;
  const realNow = Date.now;
  // The default text; the wait is simulated by jumping the clock in sleep().
  Date.now = () => now;
  try {
    await assert.rejects(
      acquireLock(fs, "/tasks.lock", {
        sleep: (ms) => {
          now += ms;
          return Promise.resolve();
        },
        random: () => 0,
      }),
      (e) => e instanceof TaskStoreError && e.message === "Lock timeout after 5s",
    );
  } finally {
    Date.now = realNow;
  }
  // Nominal waits 10+20+…+320 = 630, then 500 each: 630 + 9×500 ≥ 5000.
  assert.equal(now, 5130);
});

Deno.test("acquireLock() reports a failure to open the lock file as Io", async () => {
  const inner = new MemoryFileSystem();
  const fs: FileSystem = Object.assign(Object.create(inner), {
    tryLock: () =>
      Promise.reject(new Deno.errors.PermissionDenied("Permission denied (os error 13)")),
  });
  await assert.rejects(acquireLock(fs, "/tasks.lock"), (e) => {
    assert.ok(e instanceof TaskStoreError);
    assert.equal(e.code, "Io");
    assert.equal(e.exitCode, 2);
    assert.equal(e.message, "Permission denied (os error 13)");
    return true;
  });
});
