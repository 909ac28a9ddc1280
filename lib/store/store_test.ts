import assert from "node:assert/strict";
import { MemoryFileSystem } from "../io/fs.ts";
import { FakeProcessRunner } from "../io/process_runner.ts";
import { TaskStoreError } from "./errors.ts";
import { appendEvent, makeEvent, serializeEvent } from "./events.ts";
import { serializeItem } from "./item.ts";
import { SCHEMA_HEADER } from "./jsonl.ts";
import { importItems } from "./ops/add.ts";
import { GITIGNORE_LINES, TaskStore } from "./store.ts";
import { DIR, ENC, item, seed, setup, START, text } from "../_testing/store_fixtures.ts";

// --- init and paths -----------------------------------------------------------------

Deno.test("TaskStore.init() creates the store files", async () => {
  const { mem, store } = await setup();
  assert.equal(await text(mem, `${DIR}/tasks.jsonl`), SCHEMA_HEADER);
  assert.equal(await text(mem, `${DIR}/archive.jsonl`), SCHEMA_HEADER);
  assert.equal((await mem.readFile(`${DIR}/tasks.lock`))?.length, 0);
  assert.equal(
    await text(mem, `${DIR}/.gitignore`),
    "cache.db\ncache.db-journal\ncache.db.tmp-*\n",
  );
  assert.equal(await mem.readFile(`${DIR}/events.jsonl`), null);
  assert.equal(store.projectDir, "/repo");
  assert.equal(store.tasksPath, `${DIR}/tasks.jsonl`);
  assert.equal(new TaskStore(DIR + "/").dir, DIR);
});

Deno.test("TaskStore.init() replaces existing item files", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  await s.store.init();
  assert.deepEqual(await s.store.loadActive(), []);
});

Deno.test("TaskStore.discover() finds the nearest .task-golem directory", async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/work/repo/.task-golem");
  await fs.mkdirp("/work/repo/src/deep");
  const store = await TaskStore.discover("/work/repo/src/deep", { fs });
  assert.equal(store.dir, "/work/repo/.task-golem");
  await assert.rejects(TaskStore.discover("/elsewhere", { fs }), (e) => {
    assert.ok(e instanceof TaskStoreError);
    assert.equal(e.code, "NotInitialized");
    assert.equal(e.exitCode, 1);
    assert.equal(
      e.message,
      "No task-golem project found (searched from /elsewhere). Run `tg init` to create one.",
    );
    return true;
  });
});

Deno.test("TaskStore.discover() ignores a .task-golem that is a file", async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdirp("/a/b");
  await fs.mkdirp("/a/.task-golem");
  await fs.writeFile("/a/b/.task-golem", ENC.encode("not a dir"));
  assert.equal((await TaskStore.discover("/a/b", { fs })).dir, "/a/.task-golem");
});

// --- lock ------------------------------------------------------------------------------------

Deno.test("TaskStore.lock() makes a second locker wait, then time out with LockTimeout", async () => {
  const s = await setup();
  const other = new TaskStore(DIR, { fs: s.fs, lockTimeoutMs: 60 });
  const started = Date.now();
  await s.store.lock(async () => {
    await assert.rejects(other.lock(() => assert.fail("must not run")), (e) => {
      assert.ok(e instanceof TaskStoreError);
      assert.equal(e.code, "LockTimeout");
      assert.equal(e.exitCode, 2);
      assert.equal(e.message, "Lock timeout after 60ms");
      return true;
    });
  });
  assert.ok(Date.now() - started >= 60, "the second locker waited for its timeout");
  // Released now: the other store gets it.
  assert.equal(await other.lock(() => 42), 42);
});

Deno.test("TaskStore.lock() gets the lock once the holder releases it", async () => {
  const s = await setup();
  const other = new TaskStore(DIR, { fs: s.fs, lockTimeoutMs: 5000 });
  const order: string[] = [];
  let release!: () => void;
  const held = s.store.lock(async () => {
    order.push("first in");
    await new Promise<void>((r) => (release = r));
    order.push("first out");
  });
  const waiting = other.lock(() => {
    order.push("second in");
  });
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(order, ["first in"]);
  release();
  await held;
  await waiting;
  assert.deepEqual(order, ["first in", "first out", "second in"]);
});

Deno.test("TaskStore.lock() is not re-entrant", async () => {
  const s = await setup({ lockTimeoutMs: 40 });
  await s.store.lock(async () => {
    await assert.rejects(
      s.store.lock(() => {}),
      (e) => e instanceof TaskStoreError && e.code === "LockTimeout",
    );
  });
});

Deno.test("TaskStore.lock() releases the lock when fn throws", async () => {
  const s = await setup({ lockTimeoutMs: 40 });
  await assert.rejects(s.store.lock(() => Promise.reject(new Error("inner"))), /inner/);
  assert.equal(await s.store.lock(() => "again"), "again");
});

// --- events through the store ----------------------------------------------------------------

Deno.test("TaskStore.eventsFor() merges both logs for one task, sorted by time", async () => {
  const s = await setup();
  const at = (secs: number) => ({ secs: START.secs + secs, nanos: 0 });
  await appendEvent(s.mem, s.store.eventsPath, makeEvent("tg-a", "note", "third", "me", at(3)));
  await appendEvent(s.mem, s.store.eventsPath, makeEvent("tg-b", "note", "other", "me", at(0)));
  await appendEvent(s.mem, s.store.eventsPath, makeEvent("tg-a", "note", "first", "me", at(1)));
  await s.mem.writeFile(
    s.store.eventsArchivePath,
    ENC.encode(serializeEvent(makeEvent("tg-a", "note", "second", "me", at(2))) + "\n"),
  );
  assert.deepEqual((await s.store.eventsFor("tg-a")).map((e) => e.text), [
    "first",
    "second",
    "third",
  ]);
  assert.deepEqual(await s.store.eventsFor("tg-none"), []);
});

Deno.test("TaskStore.eventsFor() keeps file order on equal ts, active log first", async () => {
  const s = await setup();
  const at = { secs: START.secs, nanos: 5_000 };
  await s.mem.writeFile(
    s.store.eventsArchivePath,
    ENC.encode(serializeEvent(makeEvent("tg-a", "note", "archived", "me", at)) + "\n"),
  );
  await appendEvent(s.mem, s.store.eventsPath, makeEvent("tg-a", "note", "active-1", "me", at));
  await appendEvent(s.mem, s.store.eventsPath, makeEvent("tg-a", "note", "active-2", "me", at));
  assert.deepEqual((await s.store.eventsFor("tg-a")).map((e) => e.text), [
    "active-1",
    "active-2",
    "archived",
  ]);
});

Deno.test("TaskStore.author() prefers TG_AUTHOR, then git's email, then unknown", async () => {
  const fs = new MemoryFileSystem();
  const mk = (env: Record<string, string>, runner: FakeProcessRunner) =>
    new TaskStore(DIR, { fs, env: (k) => env[k], runner });
  const git = new FakeProcessRunner([{ stdout: "dev@example.com\n" }]);
  assert.equal(await mk({ TG_AUTHOR: "  bot  " }, git).author(), "bot");
  assert.equal(git.calls.length, 0);
  const store = mk({}, git);
  assert.equal(await store.author(), "dev@example.com");
  assert.equal(await store.author(), "dev@example.com");
  assert.equal(git.calls.length, 1, "resolved once per store");
  assert.deepEqual(git.calls[0]!.args, ["config", "user.email"]);
  assert.equal(git.calls[0]!.options.cwd, "/repo");
  assert.equal(await mk({}, new FakeProcessRunner([{ code: 1 }])).author(), "unknown");
});

// --- archive lookups ---------------------------------------------------------------------------

Deno.test("TaskStore.allKnownIds() covers active and archived items", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  await importItems(s.store, { archived: [item("tg-old")] });
  await s.mem.writeFile(
    s.store.archivePath,
    ENC.encode(serializeItem(item("tg-old", "again")) + "\n"),
    { append: true },
  );
  assert.deepEqual([...(await s.store.allKnownIds())].sort(), ["tg-a", "tg-old"]);
  assert.deepEqual(await s.store.loadArchiveIds(), ["tg-old", "tg-old"]);
  assert.equal((await s.store.loadArchiveItem("tg-old"))?.title, "Title tg-old");
  assert.equal(await s.store.loadArchiveItem("tg-a"), null);
});

// --- .gitignore --------------------------------------------------------------------------------

Deno.test("TaskStore.ensureGitignore() writes the three lines to a fresh file", async () => {
  const s = await setup();
  await s.mem.remove(s.store.gitignorePath);
  assert.equal(await s.store.ensureGitignore(), true);
  assert.equal(
    await text(s.mem, s.store.gitignorePath),
    "cache.db\ncache.db-journal\ncache.db.tmp-*\n",
  );
  assert.deepEqual(GITIGNORE_LINES, ["cache.db", "cache.db-journal", "cache.db.tmp-*"]);
});

Deno.test("TaskStore.ensureGitignore() appends only the missing lines, in order", async () => {
  const s = await setup();
  await s.mem.writeFile(s.store.gitignorePath, ENC.encode("*.bak\n  cache.db-journal \n"));
  assert.equal(await s.store.ensureGitignore(), true);
  assert.equal(
    await text(s.mem, s.store.gitignorePath),
    "*.bak\n  cache.db-journal \ncache.db\ncache.db.tmp-*\n",
  );
});

Deno.test("TaskStore.ensureGitignore() adds a newline before appending to an unterminated file", async () => {
  const s = await setup();
  await s.mem.writeFile(s.store.gitignorePath, ENC.encode("cache.db"));
  await s.store.ensureGitignore();
  assert.equal(
    await text(s.mem, s.store.gitignorePath),
    "cache.db\ncache.db-journal\ncache.db.tmp-*\n",
  );
});

Deno.test("TaskStore.ensureGitignore() is idempotent", async () => {
  const s = await setup();
  await s.mem.writeFile(
    s.store.gitignorePath,
    ENC.encode("cache.db.tmp-*\r\ncache.db\r\ncache.db-journal"),
  );
  s.fs.log.length = 0;
  assert.equal(await s.store.ensureGitignore(), false);
  assert.equal(await s.store.ensureGitignore(), false);
  assert.deepEqual(s.fs.log, []);
  assert.equal(
    await text(s.mem, s.store.gitignorePath),
    "cache.db.tmp-*\r\ncache.db\r\ncache.db-journal",
  );
});

Deno.test("TaskStore read methods free the bytes they parsed, not the file system's", async () => {
  const fs = new MemoryFileSystem();
  const store = new TaskStore(DIR, { fs });
  await store.init();
  const done = { ...item("tg-bbbbb", "B"), status: "done" as const };
  await importItems(store, { active: [item("tg-aaaaa", "A")], archived: [done] });
  const read: Uint8Array[] = [];
  const readFile = fs.readFile.bind(fs);
  fs.readFile = async (path: string) => {
    const bytes = await readFile(path);
    if (bytes !== null) read.push(bytes);
    return bytes;
  };
  for (let round = 0; round < 2; round++) {
    assert.deepEqual((await store.loadActive()).map((it) => it.id), ["tg-aaaaa"]);
    assert.deepEqual((await store.loadActiveIndex()).ids, ["tg-aaaaa"]);
    assert.deepEqual((await store.loadArchive()).map((it) => it.id), ["tg-bbbbb"]);
    assert.deepEqual((await store.loadArchiveIndex()).ids, ["tg-bbbbb"]);
  }
  assert.equal(read.length, 8);
  assert.ok(read.every((b) => b.byteLength === 0), "each buffer read was released");
});
