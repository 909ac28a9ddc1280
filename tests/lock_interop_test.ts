// deno-lint-ignore-file no-console
/**
 * The store lock is a real `flock` on `tasks.lock`: a holder outside our
 * code (`flock(1)`, like the Rust binary) makes `tg` wait, then time out.
 */

import assert from "node:assert/strict";
import { readText, tempRepo, tg } from "./_helpers.ts";

const flockMissing = await (async () => {
  try {
    const r = await new Deno.Command("flock", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return r.success ? null : "flock(1) --version failed";
  } catch (e) {
    return `flock(1) is not available: ${(e as Error).message}`;
  }
})();
if (flockMissing) console.log(`skipping lock interop tests: ${flockMissing}`);

/** Holds `tasks.lock` with flock(1) for `seconds`; resolves once the lock is held. */
async function holdLock(dir: string, seconds: number): Promise<Deno.ChildProcess> {
  const child = new Deno.Command("flock", {
    args: ["--exclusive", `${dir}/.task-golem/tasks.lock`, "-c", `echo held; sleep ${seconds}`],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.getReader();
  const { value } = await reader.read();
  assert.equal(new TextDecoder().decode(value).trim(), "held");
  reader.releaseLock();
  await child.stdout.cancel();
  return child;
}

Deno.test({
  name:
    "tg add waits for a flock(1) holder, then fails with the default 5 s lock timeout (exit 2) and changes nothing",
  ignore: flockMissing !== null,
  async fn() {
    const repo = await tempRepo();
    try {
      assert.equal((await tg(["init"], { cwd: repo.dir })).code, 0);
      assert.equal((await tg(["add", "before"], { cwd: repo.dir })).code, 0);
      const before = await readText(`${repo.dir}/.task-golem/tasks.jsonl`);
      const holder = await holdLock(repo.dir, 15);
      const t0 = performance.now();
      const r = await tg(["add", "blocked by the lock"], { cwd: repo.dir });
      const waited = performance.now() - t0;
      assert.equal(r.code, 2);
      assert.equal(
        r.stderr,
        "Error: Lock timeout after 5s\nhint: another process holds .task-golem/tasks.lock; retry when it has finished\n",
      );
      assert.ok(waited >= 4900, `gave up after ${waited} ms`);
      assert.equal(await readText(`${repo.dir}/.task-golem/tasks.jsonl`), before);
      // TG_LOCK_TIMEOUT shortens the wait; the message names the real duration.
      const t1 = performance.now();
      const j = await tg(["--json", "add", "also blocked"], {
        cwd: repo.dir,
        env: { TG_LOCK_TIMEOUT: "300ms" },
      });
      const waitedShort = performance.now() - t1;
      assert.equal(j.code, 2);
      assert.deepEqual(JSON.parse(j.stderr), {
        error: "Lock timeout after 300ms",
        "exit_code": 2,
        hint: "another process holds .task-golem/tasks.lock; retry when it has finished",
      });
      assert.ok(waitedShort >= 290 && waitedShort < 4000, `gave up after ${waitedShort} ms`);
      assert.equal(await readText(`${repo.dir}/.task-golem/tasks.jsonl`), before);
      holder.kill("SIGKILL");
      await holder.status;
    } finally {
      await repo.cleanup();
    }
  },
});

Deno.test({
  name: "tg add waits while flock(1) holds the lock briefly, then succeeds",
  ignore: flockMissing !== null,
  async fn() {
    const repo = await tempRepo();
    try {
      assert.equal((await tg(["init"], { cwd: repo.dir })).code, 0);
      const holder = await holdLock(repo.dir, 1);
      const t0 = performance.now();
      const r = await tg(["add", "after the holder"], { cwd: repo.dir });
      const waited = performance.now() - t0;
      await holder.status;
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Created item: tg-[0-9a-z]{5} - after the holder\n$/);
      assert.ok(waited >= 700, `did not wait for the holder (${waited} ms)`);
      const list = await tg(["list"], { cwd: repo.dir });
      assert.match(list.stdout, /after the holder/);
    } finally {
      await repo.cleanup();
    }
  },
});

Deno.test({
  name: "read-only commands do not take the lock",
  ignore: flockMissing !== null,
  async fn() {
    const repo = await tempRepo();
    try {
      assert.equal((await tg(["init"], { cwd: repo.dir })).code, 0);
      assert.equal((await tg(["add", "x"], { cwd: repo.dir })).code, 0);
      const holder = await holdLock(repo.dir, 10);
      try {
        for (const args of [["list"], ["ready"], ["next"]]) {
          const t0 = performance.now();
          const r = await tg(args, { cwd: repo.dir });
          assert.equal(r.code, 0, r.stderr);
          assert.ok(performance.now() - t0 < 4000);
        }
      } finally {
        holder.kill("SIGKILL");
        await holder.status;
      }
    } finally {
      await repo.cleanup();
    }
  },
});
