import assert from "node:assert/strict";
import { FixedClock } from "../io/clock.ts";
import {
  type FileSystem,
  type LockHandle,
  MemoryFileSystem,
  type WriteFileOptions,
} from "../io/fs.ts";
import { FakeProcessRunner } from "../io/process_runner.ts";
import { TaskStoreError } from "./errors.ts";
import { makeEvent, serializeEvent } from "./events.ts";
import { type Item, newItem, parseItemLine, serializeItem } from "./item.ts";
import { SCHEMA_HEADER } from "./jsonl.ts";
import { GITIGNORE_LINES, TaskStore } from "./store.ts";
import { applyBlock, applyDo, applyDone } from "./transitions.ts";

const DIR = "/repo/.task-golem";
const START = { secs: 1767225600, nanos: 0 }; // 2026-01-01T00:00:00Z
const ENC = new TextEncoder();
const DEC = new TextDecoder();

/** A memory file system that also records every mutating call, in order. */
class RecordingFs implements FileSystem {
  readonly inner = new MemoryFileSystem();
  readonly log: string[] = [];

  #name(path: string): string {
    return path.startsWith(DIR + "/") ? path.slice(DIR.length + 1) : path;
  }
  readFile(path: string): Promise<Uint8Array | null> {
    return this.inner.readFile(path);
  }
  async writeFileAtomic(path: string, data: Uint8Array): Promise<void> {
    await this.inner.writeFileAtomic(path, data);
    this.log.push(`rewrite ${this.#name(path)}`);
  }
  async appendOnce(path: string, data: Uint8Array): Promise<number> {
    const n = await this.inner.appendOnce(path, data);
    this.log.push(`append ${this.#name(path)}`);
    return n;
  }
  async writeFile(path: string, data: Uint8Array, options?: WriteFileOptions): Promise<void> {
    await this.inner.writeFile(path, data, options);
    this.log.push(`write ${this.#name(path)}`);
  }
  tail(path: string) {
    return this.inner.tail(path);
  }
  stat(path: string) {
    return this.inner.stat(path);
  }
  mkdirp(path: string): Promise<void> {
    return this.inner.mkdirp(path);
  }
  remove(path: string): Promise<void> {
    return this.inner.remove(path);
  }
  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }
  copyFile(from: string, to: string): Promise<void> {
    return this.inner.copyFile(from, to);
  }
  readDir(path: string): Promise<string[]> {
    return this.inner.readDir(path);
  }
  tryLock(path: string): Promise<LockHandle | null> {
    return this.inner.tryLock(path);
  }
}

interface Setup {
  fs: RecordingFs;
  mem: MemoryFileSystem;
  store: TaskStore;
  warnings: string[];
}

async function setup(options: { lockTimeoutMs?: number } = {}): Promise<Setup> {
  const fs = new RecordingFs();
  const warnings: string[] = [];
  const store = new TaskStore(DIR, {
    fs,
    clock: new FixedClock(START, 1_000),
    author: () => Promise.resolve("tester@example.com"),
    warn: (m) => warnings.push(m),
    lockTimeoutMs: options.lockTimeoutMs ?? 5000,
  });
  await store.init();
  fs.log.length = 0;
  return { fs, mem: fs.inner, store, warnings };
}

async function text(fs: FileSystem, path: string): Promise<string | null> {
  const b = await fs.readFile(path);
  return b === null ? null : DEC.decode(b);
}

async function lines(fs: FileSystem, path: string): Promise<string[]> {
  const t = await text(fs, path);
  if (t === null || t === "") return [];
  assert.ok(t.endsWith("\n"), `${path} must end with a newline`);
  return t.slice(0, -1).split("\n");
}

function item(id: string, title = `Title ${id}`): Item {
  return newItem(id, title, "2026-01-01T00:00:00Z");
}

async function seed(s: Setup, ...ids: string[]): Promise<void> {
  await s.store.withLock((items) => {
    for (const id of ids) items.push(item(id));
  });
  s.fs.log.length = 0;
}

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

// --- withLock --------------------------------------------------------------------------

Deno.test("TaskStore.withLock() saves the items sorted by ID", async () => {
  const s = await setup();
  const result = await s.store.withLock((items) => {
    items.push(item("tg-c"), item("tg-a"), item("HAMY-1"), item("tg-b"));
    return "done";
  });
  assert.equal(result, "done");
  const got = await lines(s.mem, s.store.tasksPath);
  assert.equal(got[0], '{"schema_version":1}');
  assert.deepEqual(got.slice(1).map((l) => parseItemLine(l).id), [
    "HAMY-1",
    "tg-a",
    "tg-b",
    "tg-c",
  ]);
  assert.deepEqual(s.fs.log, ["rewrite tasks.jsonl"]);
});

Deno.test("TaskStore.withLock() does not write when nothing changed", async () => {
  const s = await setup();
  await seed(s, "tg-b", "tg-a");
  const before = await s.mem.stat(s.store.tasksPath);
  const n = await s.store.withLock((items) => items.length);
  assert.equal(n, 2);
  // Setting a field to the value it already has is no change either.
  await s.store.withLock((items) => {
    items[0]!.title = items[0]!.title;
  });
  assert.deepEqual(s.fs.log, []);
  assert.deepEqual(await s.mem.stat(s.store.tasksPath), before);
});

Deno.test("TaskStore.withLock() writes nothing when fn throws", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const before = await text(s.mem, s.store.tasksPath);
  await assert.rejects(
    s.store.withLock((items) => {
      items.push(item("tg-b"));
      items[0]!.title = "changed";
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.deepEqual(s.fs.log, []);
  assert.equal(await text(s.mem, s.store.tasksPath), before);
  // The lock was released.
  await s.store.withLock(() => {});
});

Deno.test("TaskStore.withLock() leaves the file untouched when the rewrite fails", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const before = await text(s.mem, s.store.tasksPath);
  s.mem.failNext("rename");
  await assert.rejects(
    s.store.withLock((items) => {
      items.push(item("tg-b"));
    }),
    (e) => e instanceof TaskStoreError && e.code === "Io" && e.exitCode === 2,
  );
  assert.equal(await text(s.mem, s.store.tasksPath), before);
});

Deno.test("TaskStore.withLock() fails on a corrupt active file without writing", async () => {
  const s = await setup();
  await s.mem.writeFile(s.store.tasksPath, ENC.encode(SCHEMA_HEADER + "garbage\n"));
  s.fs.log.length = 0;
  await assert.rejects(
    s.store.withLock(() => assert.fail("fn must not run")),
    (e) => e instanceof TaskStoreError && /Malformed item on line 2/.test(e.message),
  );
  assert.deepEqual(s.fs.log, []);
});

Deno.test("TaskStore.saveActive() rewrites even when nothing changed", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const before = await text(s.mem, s.store.tasksPath);
  await s.store.saveActive(await s.store.loadActive());
  assert.deepEqual(s.fs.log, ["rewrite tasks.jsonl"]);
  assert.equal(await text(s.mem, s.store.tasksPath), before);
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
      s.store.withLock(() => {}),
      (e) => e instanceof TaskStoreError && e.code === "LockTimeout",
    );
  });
});

Deno.test("TaskStore.lock() releases the lock when fn throws", async () => {
  const s = await setup({ lockTimeoutMs: 40 });
  await assert.rejects(s.store.lock(() => Promise.reject(new Error("inner"))), /inner/);
  assert.equal(await s.store.lock(() => "again"), "again");
});

// --- archive append ----------------------------------------------------------------------------

Deno.test("TaskStore.appendToArchive() writes the header when the file is missing or empty", async () => {
  for (const initial of [null, ""]) {
    const s = await setup();
    await s.mem.remove(s.store.archivePath);
    if (initial !== null) await s.mem.writeFile(s.store.archivePath, ENC.encode(initial));
    const it = item("tg-a");
    await s.store.appendToArchive(it);
    assert.equal(await text(s.mem, s.store.archivePath), SCHEMA_HEADER + serializeItem(it) + "\n");
  }
});

Deno.test("TaskStore.appendToArchive() appends one record per line", async () => {
  const s = await setup();
  const a = item("tg-b");
  const b = item("tg-a");
  await s.store.appendToArchive(a);
  await s.store.appendToArchive(b);
  assert.deepEqual(await lines(s.mem, s.store.archivePath), [
    '{"schema_version":1}',
    serializeItem(a),
    serializeItem(b),
  ]);
  assert.deepEqual(s.fs.log, ["append archive.jsonl", "append archive.jsonl"]);
  assert.deepEqual((await s.store.loadArchive()).map((it) => it.id), ["tg-b", "tg-a"]);
});

Deno.test("TaskStore.appendToArchive() starts a new line after a torn append", async () => {
  const s = await setup();
  const torn = serializeItem(item("tg-torn")).slice(0, 30);
  await s.mem.writeFile(s.store.archivePath, ENC.encode(SCHEMA_HEADER + torn));
  const it = item("tg-ok");
  await s.store.appendToArchive(it);
  assert.deepEqual(await lines(s.mem, s.store.archivePath), [
    '{"schema_version":1}',
    torn,
    serializeItem(it),
  ]);
  assert.deepEqual((await s.store.loadArchive()).map((x) => x.id), ["tg-ok"]);
  assert.equal(s.warnings.length, 1);
  assert.match(s.warnings[0]!, /^Warning: skipping malformed archive line 2: /);
});

Deno.test("TaskStore.appendToArchive() can target archive-pruned.jsonl", async () => {
  const s = await setup();
  await s.store.appendToArchive(item("tg-p"), s.store.prunedPath);
  assert.deepEqual((await s.store.loadPruned()).map((it) => it.id), ["tg-p"]);
  assert.deepEqual(await s.store.loadArchive(), []);
});

Deno.test("TaskStore.appendToArchive() reports a failed append as Io", async () => {
  const s = await setup();
  s.mem.failNext("append");
  await assert.rejects(
    s.store.appendToArchive(item("tg-a")),
    (e) => e instanceof TaskStoreError && e.code === "Io",
  );
  assert.equal(await text(s.mem, s.store.archivePath), SCHEMA_HEADER);
});

// --- status commits ----------------------------------------------------------------------------

Deno.test("TaskStore.commitStatusChange() appends the event, then rewrites tasks.jsonl", async () => {
  const s = await setup();
  await seed(s, "tg-a", "tg-b");
  await s.store.lock(async () => {
    const items = await s.store.loadActive();
    const change = applyBlock(items[0]!, "waiting on API", s.store.now());
    await s.store.commitStatusChange(items, change);
  });
  assert.deepEqual(s.fs.log, ["append events.jsonl", "rewrite tasks.jsonl"]);
  const events = await lines(s.mem, s.store.eventsPath);
  assert.equal(events.length, 1);
  const ev = JSON.parse(events[0]!);
  assert.deepEqual(Object.keys(ev), ["v", "task_id", "ts", "author", "type", "text", "status"]);
  assert.equal(ev.task_id, "tg-a");
  assert.equal(ev.type, "status_transition");
  assert.equal(ev.text, "waiting on API");
  assert.equal(ev.status, "blocked");
  assert.equal(ev.author, "tester@example.com");
  assert.match(ev.ts, /^2026-01-01T00:00:00\.\d{6}Z$/);
  const saved = await s.store.loadActive();
  assert.equal(saved[0]!.status, "blocked");
  assert.equal(saved[0]!.blocked_reason, "waiting on API");
});

Deno.test("TaskStore.commitStatusChange() keeps the event when the save fails", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const before = await text(s.mem, s.store.tasksPath);
  s.mem.failNext("rename");
  await assert.rejects(
    s.store.lock(async () => {
      const items = await s.store.loadActive();
      await s.store.commitStatusChange(items, applyDo(items[0]!, null, s.store.now()));
    }),
    (e) =>
      e instanceof TaskStoreError && e.code === "Io" && /injected rename fault/.test(e.message),
  );
  assert.equal((await lines(s.mem, s.store.eventsPath)).length, 1, "the event was written first");
  assert.equal(await text(s.mem, s.store.tasksPath), before);
});

Deno.test("TaskStore.commitStatusChange() saves nothing when the event append fails", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const before = await text(s.mem, s.store.tasksPath);
  s.mem.failNext("append");
  await assert.rejects(
    s.store.lock(async () => {
      const items = await s.store.loadActive();
      await s.store.commitStatusChange(items, applyDo(items[0]!, null, s.store.now()));
    }),
    (e) => e instanceof TaskStoreError && e.code === "Io",
  );
  assert.equal(await s.mem.readFile(s.store.eventsPath), null);
  assert.equal(await text(s.mem, s.store.tasksPath), before);
});

Deno.test("StatusChange tokens can be redeemed only once", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  await s.store.lock(async () => {
    const items = await s.store.loadActive();
    const change = applyDo(items[0]!, null, s.store.now());
    assert.equal(change.redeemed, false);
    await s.store.commitStatusChange(items, change);
    assert.equal(change.redeemed, true);
    await assert.rejects(s.store.commitStatusChange(items, change), TypeError);
    await assert.rejects(s.store.commitDone([], items[0]!, change), TypeError);
  });
  assert.equal((await lines(s.mem, s.store.eventsPath)).length, 1);
});

Deno.test("TaskStore.commitDone() writes event, archive, tasks, then moves events", async () => {
  const s = await setup();
  await seed(s, "tg-a", "tg-b");
  // Earlier history: one event for each task.
  await s.store.lock(async () => {
    const items = await s.store.loadActive();
    await s.store.commitStatusChange(items, applyDo(items[0]!, null, s.store.now()));
    await s.store.commitStatusChange(items, applyDo(items[1]!, null, s.store.now()));
  });
  const otherEvent = (await lines(s.mem, s.store.eventsPath))[1]!;
  s.fs.log.length = 0;

  await s.store.lock(async () => {
    const items = await s.store.loadActive();
    const done = items.find((it) => it.id === "tg-a")!;
    const change = applyDone(done, s.store.now());
    await s.store.commitDone(items.filter((it) => it !== done), done, change);
  });
  assert.deepEqual(s.fs.log, [
    "append events.jsonl",
    "append archive.jsonl",
    "rewrite tasks.jsonl",
    "append events.archive.jsonl",
    "append events.archive.jsonl",
    "rewrite events.jsonl",
  ]);
  assert.deepEqual((await s.store.loadActive()).map((it) => it.id), ["tg-b"]);
  const archived = await s.store.loadArchive();
  assert.deepEqual(archived.map((it) => [it.id, it.status]), [["tg-a", "done"]]);
  assert.deepEqual(await lines(s.mem, s.store.eventsPath), [otherEvent]);
  const moved = (await lines(s.mem, s.store.eventsArchivePath)).map((l) => JSON.parse(l));
  assert.deepEqual(moved.map((e) => [e.task_id, e.status]), [["tg-a", "doing"], ["tg-a", "done"]]);
  const all = await s.store.eventsFor("tg-a");
  assert.deepEqual(all.map((e) => e.status), ["doing", "done"]);
});

Deno.test("TaskStore.commitDone() leaves the item active when the tasks rewrite fails", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  s.mem.failNext("rename");
  await assert.rejects(s.store.lock(async () => {
    const items = await s.store.loadActive();
    const done = items[0]!;
    await s.store.commitDone([], done, applyDone(done, s.store.now()));
  }));
  // Event and archive record were written first; the active item is unchanged
  // and its events were not moved.
  assert.deepEqual((await s.store.loadActive()).map((it) => [it.id, it.status]), [[
    "tg-a",
    "todo",
  ]]);
  assert.deepEqual((await s.store.loadArchive()).map((it) => it.id), ["tg-a"]);
  assert.equal((await lines(s.mem, s.store.eventsPath)).length, 1);
  assert.equal(await s.mem.readFile(s.store.eventsArchivePath), null);
});

// --- events through the store ----------------------------------------------------------------

Deno.test("TaskStore.appendNote() appends a note event for an active task", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const ev = await s.store.appendNote("tg-a", "remember this");
  assert.equal(ev.type, "note");
  assert.equal(ev.status, undefined);
  const got = await lines(s.mem, s.store.eventsPath);
  assert.deepEqual(got, [serializeEvent(ev)]);
  assert.ok(!got[0]!.includes('"status"'));
  await assert.rejects(
    s.store.appendNote("tg-zzz", "x"),
    (e) =>
      e instanceof TaskStoreError && e.code === "ItemNotFound" &&
      e.message === "Item not found: tg-zzz",
  );
  await assert.rejects(
    s.store.appendNote("tg-a", "x".repeat(3000)),
    (e) => e instanceof TaskStoreError && e.code === "InvalidInput",
  );
  assert.equal((await lines(s.mem, s.store.eventsPath)).length, 1);
});

Deno.test("TaskStore.eventsFor() merges both logs for one task, sorted by time", async () => {
  const s = await setup();
  const at = (secs: number) => ({ secs: START.secs + secs, nanos: 0 });
  await s.store.appendEvent(makeEvent("tg-a", "note", "third", "me", at(3)));
  await s.store.appendEvent(makeEvent("tg-b", "note", "other", "me", at(0)));
  await s.store.appendEvent(makeEvent("tg-a", "note", "first", "me", at(1)));
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
  await s.store.appendEvent(makeEvent("tg-a", "note", "active-1", "me", at));
  await s.store.appendEvent(makeEvent("tg-a", "note", "active-2", "me", at));
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
  await s.store.appendToArchive(item("tg-old"));
  await s.store.appendToArchive(item("tg-old", "again"));
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
  const store = new TaskStore(DIR, { fs, clock: new FixedClock(START) });
  await store.init();
  await store.withLock((items) => {
    items.push(newItem("tg-aaaaa", "A", store.now()));
  });
  const done = { ...newItem("tg-bbbbb", "B", store.now()), status: "done" as const };
  await store.appendToArchive(done);
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
