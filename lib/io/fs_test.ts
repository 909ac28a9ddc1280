import assert from "node:assert/strict";
import { DenoFileSystem, type FileSystem, MemoryFileSystem } from "./fs.ts";

const ENC = new TextEncoder();
const DEC = new TextDecoder();

interface Harness {
  fs: FileSystem;
  dir: string;
  cleanup(): Promise<void>;
}

async function denoHarness(): Promise<Harness> {
  const dir = await Deno.makeTempDir({ prefix: "golem-fs-test-" });
  return {
    fs: new DenoFileSystem(),
    dir,
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
}

async function memoryHarness(): Promise<Harness> {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/mem/root");
  return { fs, dir: "/mem/root", cleanup: () => Promise.resolve() };
}

async function readText(fs: FileSystem, path: string): Promise<string | null> {
  const b = await fs.readFile(path);
  return b === null ? null : DEC.decode(b);
}

/**
 * Behaviour both file systems share, so the memory fake stays honest. Known
 * differences: the memory file system has no permission bits, and its locks
 * only exclude holders within the same instance.
 */
function contract(name: string, make: () => Promise<Harness>): void {
  const t = (what: string, fn: (h: Harness) => Promise<void>) =>
    Deno.test(`${name}.${what}`, async () => {
      const h = await make();
      try {
        await fn(h);
      } finally {
        await h.cleanup();
      }
    });

  t("readFile() returns null for a missing file", async ({ fs, dir }) => {
    assert.equal(await fs.readFile(`${dir}/missing`), null);
  });

  t("writeFileAtomic() creates and replaces a file", async ({ fs, dir }) => {
    const p = `${dir}/f.txt`;
    await fs.writeFileAtomic(p, ENC.encode("one\n"));
    assert.equal(await readText(fs, p), "one\n");
    await fs.writeFileAtomic(p, ENC.encode("two"));
    assert.equal(await readText(fs, p), "two");
    await fs.writeFileAtomic(p, new Uint8Array());
    assert.equal(await readText(fs, p), "");
  });

  t("writeFileAtomic() leaves no temp files behind", async ({ fs, dir }) => {
    for (let i = 0; i < 5; i++) await fs.writeFileAtomic(`${dir}/f.txt`, ENC.encode(`v${i}`));
    assert.deepEqual(await fs.readDir(dir), ["f.txt"]);
  });

  t("writeFileAtomic() fails when the directory is missing", async ({ fs, dir }) => {
    await assert.rejects(fs.writeFileAtomic(`${dir}/no/such/f`, ENC.encode("x")));
    assert.deepEqual(await fs.readDir(dir), []);
  });

  t("appendOnce() creates, appends and returns the byte count", async ({ fs, dir }) => {
    const p = `${dir}/log`;
    assert.equal(await fs.appendOnce(p, ENC.encode("héllo\n")), 7);
    assert.equal(await fs.appendOnce(p, ENC.encode("x\n")), 2);
    assert.equal(await readText(fs, p), "héllo\nx\n");
  });

  t("writeFile() truncates or appends", async ({ fs, dir }) => {
    const p = `${dir}/w`;
    await fs.writeFile(p, ENC.encode("long text"));
    await fs.writeFile(p, ENC.encode("short"));
    assert.equal(await readText(fs, p), "short");
    await fs.writeFile(p, ENC.encode("+more"), { append: true, sync: true });
    assert.equal(await readText(fs, p), "short+more");
  });

  t("tail() reports size and last byte", async ({ fs, dir }) => {
    const p = `${dir}/t`;
    assert.equal(await fs.tail(p), null);
    await fs.writeFile(p, new Uint8Array());
    assert.deepEqual(await fs.tail(p), { size: 0, lastByte: null });
    await fs.writeFile(p, ENC.encode("ab\n"));
    assert.deepEqual(await fs.tail(p), { size: 3, lastByte: 0x0a });
    await fs.writeFile(p, ENC.encode("abc"));
    assert.deepEqual(await fs.tail(p), { size: 3, lastByte: 0x63 });
  });

  t("stat() tells files from directories and missing paths", async ({ fs, dir }) => {
    await fs.writeFile(`${dir}/file`, ENC.encode("12345"));
    await fs.mkdirp(`${dir}/a/b`);
    const f = await fs.stat(`${dir}/file`);
    assert.equal(f?.isFile, true);
    assert.equal(f?.isDirectory, false);
    assert.equal(f?.size, 5);
    const d = await fs.stat(`${dir}/a/b`);
    assert.equal(d?.isDirectory, true);
    assert.equal(await fs.stat(`${dir}/nope`), null);
  });

  t("mkdirp() creates parents and accepts an existing directory", async ({ fs, dir }) => {
    await fs.mkdirp(`${dir}/x/y/z`);
    await fs.mkdirp(`${dir}/x/y/z`);
    assert.equal((await fs.stat(`${dir}/x/y`))?.isDirectory, true);
  });

  t("remove(), rename() and copyFile() move bytes around", async ({ fs, dir }) => {
    await fs.writeFile(`${dir}/a`, ENC.encode("A"));
    await fs.copyFile(`${dir}/a`, `${dir}/b`);
    await fs.writeFile(`${dir}/c`, ENC.encode("C"));
    await fs.rename(`${dir}/c`, `${dir}/a`);
    assert.equal(await readText(fs, `${dir}/a`), "C");
    assert.equal(await readText(fs, `${dir}/b`), "A");
    assert.equal(await fs.readFile(`${dir}/c`), null);
    await fs.remove(`${dir}/b`);
    await fs.remove(`${dir}/b`);
    assert.deepEqual((await fs.readDir(dir)).sort(), ["a"]);
    await assert.rejects(fs.rename(`${dir}/missing`, `${dir}/z`));
  });

  t("tryLock() excludes a second holder until release", async ({ fs, dir }) => {
    const p = `${dir}/tasks.lock`;
    const first = await fs.tryLock(p);
    assert.ok(first);
    assert.equal(await fs.tryLock(p), null);
    await first.release();
    await first.release(); // a second release is harmless
    const again = await fs.tryLock(p);
    assert.ok(again);
    await again.release();
  });

  t("tryLock() creates the lock file empty and never truncates it", async ({ fs, dir }) => {
    const p = `${dir}/tasks.lock`;
    const h = await fs.tryLock(p);
    await h!.release();
    assert.equal(await readText(fs, p), "");
    await fs.writeFile(p, ENC.encode("keep"));
    const h2 = await fs.tryLock(p);
    await h2!.release();
    assert.equal(await readText(fs, p), "keep");
  });
}

contract("DenoFileSystem", denoHarness);
contract("MemoryFileSystem", memoryHarness);

// --- DenoFileSystem only ---------------------------------------------------------------

Deno.test("DenoFileSystem.writeFileAtomic() leaves the file with mode 0600", {
  ignore: Deno.build.os === "windows",
}, async () => {
  const { fs, dir, cleanup } = await denoHarness();
  try {
    const p = `${dir}/tasks.jsonl`;
    await Deno.writeTextFile(p, "old\n", { mode: 0o644 });
    await Deno.chmod(p, 0o644);
    await fs.writeFileAtomic(p, ENC.encode("new\n"));
    assert.equal((await Deno.stat(p)).mode! & 0o777, 0o600);
    assert.equal(await Deno.readTextFile(p), "new\n");
  } finally {
    await cleanup();
  }
});

Deno.test("DenoFileSystem.tryLock() excludes another descriptor in the same process", async () => {
  const { fs, dir, cleanup } = await denoHarness();
  try {
    const p = `${dir}/tasks.lock`;
    const held = await fs.tryLock(p);
    assert.ok(held);
    // A second DenoFileSystem opens its own descriptor: flock locks are per open file.
    assert.equal(await new DenoFileSystem().tryLock(p), null);
    const raw = await Deno.open(p, { read: true, write: true });
    try {
      assert.equal(await raw.tryLock(true), false);
    } finally {
      raw.close();
    }
    await held.release();
    const next = await new DenoFileSystem().tryLock(p);
    assert.ok(next);
    await next.release();
  } finally {
    await cleanup();
  }
});

async function hasFlock(): Promise<boolean> {
  try {
    const out = await new Deno.Command("flock", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    })
      .output();
    return out.success;
  } catch {
    return false;
  }
}

Deno.test("DenoFileSystem.tryLock() interoperates with flock(1)", async (t) => {
  if (!(await hasFlock())) {
    // deno-lint-ignore no-console
    console.log("skipped: flock(1) is not installed");
    return;
  }
  const { fs, dir, cleanup } = await denoHarness();
  try {
    const p = `${dir}/tasks.lock`;
    await fs.writeFile(p, new Uint8Array());

    await t.step("a lock held by flock(1) makes tryLock() return null", async () => {
      // The shell holds the lock until its stdin closes.
      const child = new Deno.Command("flock", {
        args: ["-n", p, "-c", "echo locked; read _; exit 0"],
        stdin: "piped",
        stdout: "piped",
        stderr: "null",
      }).spawn();
      const reader = child.stdout.getReader();
      try {
        const { value } = await reader.read();
        assert.equal(DEC.decode(value), "locked\n");
        assert.equal(await fs.tryLock(p), null);
      } finally {
        reader.releaseLock();
        await child.stdin.close();
        await child.stdout.cancel();
      }
      const status = await child.status;
      assert.equal(status.code, 0);
      const after = await fs.tryLock(p);
      assert.ok(after, "free again once flock(1) exits");
      await after.release();
    });

    await t.step("a lock held by tryLock() makes flock -n fail", async () => {
      const held = await fs.tryLock(p);
      assert.ok(held);
      try {
        const busy = await new Deno.Command("flock", { args: ["-n", p, "true"] }).output();
        assert.equal(busy.code, 1);
      } finally {
        await held.release();
      }
      const free = await new Deno.Command("flock", { args: ["-n", p, "true"] }).output();
      assert.equal(free.code, 0);
    });
  } finally {
    await cleanup();
  }
});

// --- MemoryFileSystem faults ---------------------------------------------------------------

Deno.test("MemoryFileSystem.failNext() fails one operation of that kind and leaves data alone", async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/d");
  await fs.writeFileAtomic("/d/f", ENC.encode("before"));
  for (const fault of ["write", "sync", "rename"] as const) {
    fs.failNext(fault);
    await assert.rejects(
      fs.writeFileAtomic("/d/f", ENC.encode("after")),
      Deno.errors.PermissionDenied,
    );
    assert.equal(await readText(fs, "/d/f"), "before");
  }
  await fs.writeFileAtomic("/d/f", ENC.encode("after"));
  assert.equal(await readText(fs, "/d/f"), "after");

  fs.failNext("append");
  await assert.rejects(fs.appendOnce("/d/f", ENC.encode("!")), /injected append fault/);
  assert.equal(await readText(fs, "/d/f"), "after");
  assert.equal(await fs.appendOnce("/d/f", ENC.encode("!")), 1);
  assert.equal(await readText(fs, "/d/f"), "after!");
});

Deno.test("MemoryFileSystem.readFile() returns a copy", async () => {
  const fs = new MemoryFileSystem();
  await fs.writeFile("/f", ENC.encode("abc"));
  const b = (await fs.readFile("/f"))!;
  b[0] = 0x7a;
  assert.equal(await readText(fs, "/f"), "abc");
});
