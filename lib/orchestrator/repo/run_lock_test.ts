import assert from "node:assert/strict";
import { MemoryFileSystem } from "../../io/fs.ts";
import { acquireRunLock, RunLockError } from "./run_lock.ts";

const DEC = new TextDecoder();

Deno.test("acquireRunLock() writes the PID and removes it on release", async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/p");
  const lock = await acquireRunLock({ fs, root: "/p", pid: 4242 });
  assert.equal(DEC.decode((await fs.readFile("/p/.phase-golem/phase-golem.pid"))!), "4242\n");
  await lock.release();
  await lock.release();
  assert.equal(await fs.readFile("/p/.phase-golem/phase-golem.pid"), null);
  assert.notEqual(await fs.stat("/p/.phase-golem/phase-golem.lock"), null);
  assert.equal(lock.previousPid, null);
  // Free again.
  await (await acquireRunLock({ fs, root: "/p", pid: 1 })).release();
});

Deno.test("acquireRunLock() reports the PID file a killed run left behind", async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/p/.phase-golem");
  await fs.writeFile("/p/.phase-golem/phase-golem.pid", new TextEncoder().encode("999\n"));
  const lock = await acquireRunLock({ fs, root: "/p", pid: 5 });
  assert.equal(lock.previousPid, 999);
  assert.equal(DEC.decode((await fs.readFile("/p/.phase-golem/phase-golem.pid"))!), "5\n");
  await lock.release();
});

Deno.test("acquireRunLock() read-only creates nothing when there is no lock file", async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/p");
  const lock = await acquireRunLock({ fs, root: "/p", pid: 5, readOnly: true });
  assert.equal(lock.previousPid, null);
  await lock.release();
  assert.deepEqual(await fs.readDir("/p"), []);
});

Deno.test("acquireRunLock() read-only holds an existing lock and leaves the PID file alone", async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/p/.phase-golem");
  await fs.writeFile("/p/.phase-golem/phase-golem.pid", new TextEncoder().encode("999\n"));
  await fs.writeFile("/p/.phase-golem/phase-golem.lock", new Uint8Array());
  const lock = await acquireRunLock({ fs, root: "/p", pid: 5, readOnly: true });
  assert.equal(lock.previousPid, 999);
  const probe = { isAlive: () => Promise.resolve(false) };
  await assert.rejects(acquireRunLock({ fs, root: "/p", pid: 6, ...probe }), RunLockError);
  await lock.release();
  assert.equal(DEC.decode((await fs.readFile("/p/.phase-golem/phase-golem.pid"))!), "999\n");
  await (await acquireRunLock({ fs, root: "/p", pid: 7 })).release();
});

Deno.test("acquireRunLock() names a live holder, a dead holder, or an unknown holder", async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/p");
  const held = await acquireRunLock({ fs, root: "/p", pid: 77 });
  await assert.rejects(
    acquireRunLock({ fs, root: "/p", pid: 1, isAlive: () => Promise.resolve(true) }),
    (e: unknown) =>
      e instanceof RunLockError && e.message === "Another phase-golem instance is running (PID 77)",
  );
  await assert.rejects(
    acquireRunLock({ fs, root: "/p", pid: 1, isAlive: () => Promise.resolve(false) }),
    (e: unknown) =>
      e instanceof RunLockError &&
      e.message ===
        "Lock file is held but recorded PID 77 is not alive. Remove /p/.phase-golem/phase-golem.lock and /p/.phase-golem/phase-golem.pid to recover",
  );
  await fs.writeFile("/p/.phase-golem/phase-golem.pid", new TextEncoder().encode("garbage"));
  await assert.rejects(
    acquireRunLock({ fs, root: "/p", pid: 1 }),
    (e: unknown) =>
      e instanceof RunLockError &&
      e.message ===
        "Another phase-golem instance holds the lock. If this is stale, remove /p/.phase-golem/phase-golem.lock",
  );
  await held.release();
});

Deno.test("acquireRunLock() probes liveness with kill -0 where there is no /proc", async () => {
  const { FakeProcessRunner } = await import("../../io/process_runner.ts");
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/p");
  const held = await acquireRunLock({ fs, root: "/p", pid: 99 });
  const runner = new FakeProcessRunner([{ code: 1 }]);
  await assert.rejects(
    acquireRunLock({ fs, root: "/p", pid: 1, runner }),
    /recorded PID 99 is not alive/,
  );
  assert.deepEqual(runner.calls.map((c) => [c.cmd, ...c.args]), [["kill", "-0", "99"]]);
  await held.release();
});
