import assert from "node:assert/strict";
import { TaskStoreError } from "../errors.ts";
import { parseItemLine, serializeItem } from "../item.ts";
import { SCHEMA_HEADER } from "../jsonl.ts";
import { DIR, ENC, item, lines, seed, setup, START, text } from "../../_testing/store_fixtures.ts";
import { appendItemLine } from "../_item_append.ts";
import { importItems } from "./add.ts";
import { blockItem, completeItem, startItem } from "./status.ts";
import { updateItem } from "./update.ts";
import { writeStore } from "./_write.ts";

// --- the write: read, change, commit -----------------------------------------------------------

Deno.test("writeStore() saves the items sorted by ID", async () => {
  const s = await setup();
  const result = await writeStore(s.store, { kind: "all" }, (w) => {
    for (const id of ["tg-c", "tg-a", "HAMY-1", "tg-b"]) w.push(item(id));
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

Deno.test("writeStore() does not write when nothing changed (whole file or one item)", async () => {
  const s = await setup();
  await seed(s, "tg-b", "tg-a");
  const before = await s.mem.stat(s.store.tasksPath);
  assert.equal(await writeStore(s.store, { kind: "all" }, (w) => w.doc.items().length), 2);
  // Setting a field to the value it already has is no change either.
  await writeStore(s.store, { kind: "all" }, (w) => {
    const it = w.item("tg-a")!;
    it.title = `${it.title}`;
  });
  await updateItem(s.store, "tg-b", (it) => void (it.title = `${it.title}`));
  assert.deepEqual(s.fs.log, []);
  assert.deepEqual(await s.mem.stat(s.store.tasksPath), before);
});

Deno.test("writeStore() writes nothing when the change throws, and releases the lock", async () => {
  const s = await setup({ lockTimeoutMs: 40 });
  await seed(s, "tg-a");
  const before = await text(s.mem, s.store.tasksPath);
  await assert.rejects(
    writeStore(s.store, { kind: "all" }, async (w) => {
      w.push(item("tg-b"));
      w.item("tg-a")!.status = "doing";
      await w.note("tg-a", "never written");
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.deepEqual(s.fs.log, []);
  assert.equal(await text(s.mem, s.store.tasksPath), before);
  assert.equal(await s.store.lock(() => "free"), "free");
});

Deno.test("writeStore() leaves the file untouched when the rewrite fails", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const before = await text(s.mem, s.store.tasksPath);
  s.mem.failNext("rename");
  await assert.rejects(
    writeStore(s.store, { kind: "all" }, (w) => w.push(item("tg-b"))),
    (e) => e instanceof TaskStoreError && e.code === "Io" && e.exitCode === 2,
  );
  assert.equal(await text(s.mem, s.store.tasksPath), before);
});

Deno.test("writeStore() fails on a corrupt active file without writing or running the change", async () => {
  const s = await setup();
  await s.mem.writeFile(s.store.tasksPath, ENC.encode(SCHEMA_HEADER + "garbage\n"));
  s.fs.log.length = 0;
  for (const scope of [{ kind: "all" as const }, { kind: "item" as const, id: "tg-a" }]) {
    await assert.rejects(
      writeStore(s.store, scope, () => assert.fail("the change must not run")),
      (e) => e instanceof TaskStoreError && /Malformed item on line 2/.test(e.message),
    );
  }
  assert.deepEqual(s.fs.log, []);
});

Deno.test("a write is not re-entrant: a second write inside a write times out", async () => {
  const s = await setup({ lockTimeoutMs: 40 });
  await seed(s, "tg-a");
  await writeStore(s.store, { kind: "all" }, async () => {
    await assert.rejects(
      startItem(s.store, "tg-a"),
      (e) => e instanceof TaskStoreError && e.code === "LockTimeout",
    );
  });
});

// --- events first --------------------------------------------------------------------------------

Deno.test("a status change appends its event, then rewrites tasks.jsonl", async () => {
  const s = await setup();
  await seed(s, "tg-a", "tg-b");
  await blockItem(s.store, "tg-a", { reason: "waiting on API" });
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

Deno.test("a status change keeps its event when the save fails", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const before = await text(s.mem, s.store.tasksPath);
  s.mem.failNext("rename");
  await assert.rejects(
    startItem(s.store, "tg-a"),
    (e) =>
      e instanceof TaskStoreError && e.code === "Io" && /injected rename fault/.test(e.message),
  );
  assert.equal((await lines(s.mem, s.store.eventsPath)).length, 1, "the event was written first");
  assert.equal(await text(s.mem, s.store.tasksPath), before);
});

Deno.test("a status change saves nothing when the event append fails", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const before = await text(s.mem, s.store.tasksPath);
  s.mem.failNext("append");
  await assert.rejects(
    startItem(s.store, "tg-a"),
    (e) => e instanceof TaskStoreError && e.code === "Io",
  );
  assert.equal(await s.mem.readFile(s.store.eventsPath), null);
  assert.equal(await text(s.mem, s.store.tasksPath), before);
});

Deno.test("an event over the 2048-byte cap is refused before anything is written", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const before = await text(s.mem, s.store.tasksPath);
  await assert.rejects(
    blockItem(s.store, "tg-a", { reason: "x".repeat(3000) }),
    (e) =>
      e instanceof TaskStoreError && e.code === "InvalidInput" && /2048-byte cap/.test(e.message),
  );
  assert.deepEqual(s.fs.log, []);
  assert.equal(await text(s.mem, s.store.tasksPath), before);
});

Deno.test("completing writes event, archive, tasks, then moves the item's events", async () => {
  const s = await setup();
  await seed(s, "tg-a", "tg-b");
  await startItem(s.store, "tg-a");
  await startItem(s.store, "tg-b");
  const otherEvent = (await lines(s.mem, s.store.eventsPath))[1]!;
  s.fs.log.length = 0;

  await completeItem(s.store, "tg-a");
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

Deno.test("completing leaves the item active when the tasks rewrite fails", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  s.mem.failNext("rename");
  await assert.rejects(completeItem(s.store, "tg-a"));
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

Deno.test("a write refuses a status change the store does not accept, writing nothing", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  await completeItem(s.store, "tg-a");
  await importItems(s.store, { active: [{ ...item("tg-b"), status: "done" }] });
  s.fs.log.length = 0;
  await assert.rejects(
    writeStore(s.store, { kind: "all" }, (w) => void (w.item("tg-b")!.status = "todo")),
    (e) =>
      e instanceof TaskStoreError && e.code === "InvalidTransition" &&
      e.message === "Invalid transition: done cannot transition to todo",
  );
  await assert.rejects(
    updateItem(s.store, "tg-b", (it) => void (it.status = "blocked")),
    (e) => e instanceof TaskStoreError && e.code === "InvalidTransition",
  );
  assert.deepEqual(s.fs.log, []);
});

// --- one-item writes -------------------------------------------------------------------------------

Deno.test("a one-item write rewrites only that item's line and copies the rest as it is", async () => {
  const s = await setup();
  await seed(s, "tg-a", "tg-b", "tg-c");
  // A line in another writer's layout (spaces) stays exactly as it is.
  const raw = (await text(s.mem, s.store.tasksPath))!.replace(
    serializeItem(item("tg-c")),
    serializeItem(item("tg-c")).replace('"title":', '"title" : '),
  );
  await s.mem.writeFile(s.store.tasksPath, ENC.encode(raw));
  const before = await lines(s.mem, s.store.tasksPath);
  await updateItem(s.store, "tg-b", (it) => {
    it.title = "Changed";
    it.extensions["x-phase"] = "build";
  });
  const after = await lines(s.mem, s.store.tasksPath);
  assert.deepEqual(after.filter((l, i) => l !== before[i]), [after[2]!]);
  const b = parseItemLine(after[2]!);
  assert.equal(b.title, "Changed");
  assert.deepEqual({ ...b.extensions }, { "x-phase": "build" });
  assert.equal(after[3], before[3]);
});

Deno.test("a one-item write finds an item whose line is not in the canonical layout", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const odd = serializeItem(item("tg-b")).replace('{"id":', '{ "id" :');
  await s.mem.writeFile(
    s.store.tasksPath,
    ENC.encode((await text(s.mem, s.store.tasksPath))! + odd + "\n"),
  );
  const r = await updateItem(s.store, "tg-b", (it) => it.title);
  assert.equal(r.value, "Title tg-b");
  await updateItem(s.store, "tg-b", (it) => void (it.priority = 3n));
  assert.equal((await s.store.getItem("tg-b"))?.priority, 3n);
  await assert.rejects(
    updateItem(s.store, "tg-zzz", () => {}),
    (e) =>
      e instanceof TaskStoreError && e.code === "ItemNotFound" &&
      e.message === "Item not found: tg-zzz",
  );
});

Deno.test("a one-item write sees only its item", async () => {
  const s = await setup();
  await seed(s, "tg-a", "tg-b");
  await assert.rejects(
    writeStore(s.store, { kind: "item", id: "tg-a" }, (w) => w.item("tg-b")),
    TypeError,
  );
  await assert.rejects(writeStore(s.store, { kind: "item", id: "tg-a" }, (w) => w.doc), TypeError);
  await assert.rejects(
    updateItem(s.store, "tg-a", (it) => void (it.id = "tg-x")),
    /cannot change/,
  );
  assert.deepEqual((await s.store.loadActive()).map((it) => it.id), ["tg-a", "tg-b"]);
});

// --- item file appends ---------------------------------------------------------------------------

Deno.test("appendItemLine() writes the header when the file is missing or empty", async () => {
  for (const initial of [null, ""]) {
    const s = await setup();
    await s.mem.remove(s.store.archivePath);
    if (initial !== null) await s.mem.writeFile(s.store.archivePath, ENC.encode(initial));
    const it = item("tg-a");
    await appendItemLine(s.mem, s.store.archivePath, it);
    assert.equal(await text(s.mem, s.store.archivePath), SCHEMA_HEADER + serializeItem(it) + "\n");
  }
});

Deno.test("appendItemLine() appends one record per line, in call order", async () => {
  const s = await setup();
  const a = item("tg-b");
  const b = item("tg-a");
  await importItems(s.store, { archived: [a, b] });
  assert.deepEqual(await lines(s.mem, s.store.archivePath), [
    '{"schema_version":1}',
    serializeItem(a),
    serializeItem(b),
  ]);
  assert.deepEqual(s.fs.log, ["append archive.jsonl", "append archive.jsonl"]);
  assert.deepEqual((await s.store.loadArchive()).map((it) => it.id), ["tg-b", "tg-a"]);
});

Deno.test("appendItemLine() starts a new line after a torn append", async () => {
  const s = await setup();
  const torn = serializeItem(item("tg-torn")).slice(0, 30);
  await s.mem.writeFile(s.store.archivePath, ENC.encode(SCHEMA_HEADER + torn));
  const it = item("tg-ok");
  await appendItemLine(s.mem, s.store.archivePath, it);
  assert.deepEqual(await lines(s.mem, s.store.archivePath), [
    '{"schema_version":1}',
    torn,
    serializeItem(it),
  ]);
  assert.deepEqual((await s.store.loadArchive()).map((x) => x.id), ["tg-ok"]);
  assert.equal(s.warnings.length, 1);
  assert.match(s.warnings[0]!, /^Warning: skipping malformed archive line 2: /);
});

Deno.test("appendItemLine() reports a failed append as Io", async () => {
  const s = await setup();
  s.mem.failNext("append");
  await assert.rejects(
    appendItemLine(s.mem, s.store.archivePath, item("tg-a")),
    (e) => e instanceof TaskStoreError && e.code === "Io",
  );
  assert.equal(await text(s.mem, s.store.archivePath), SCHEMA_HEADER);
});

Deno.test("the store helpers agree on where the store lives", () => {
  assert.equal(DIR, "/repo/.task-golem");
  assert.equal(START.secs, 1767225600);
});
