import assert from "node:assert/strict";
import { encodeEventLine, MAX_EVENT_LINE_BYTES } from "../events.ts";
import { type Item, serializeItem } from "../item.ts";
import { SCHEMA_HEADER } from "../jsonl.ts";
import type { Status } from "../status.ts";
import {
  ENC,
  eventLog,
  item,
  lines,
  rejectsWith,
  seed,
  setup,
  text,
  withFields,
  writesNothing,
} from "../../_testing/store_fixtures.ts";
import { importItems } from "./add.ts";
import { startItem } from "./status.ts";
import { updateItem } from "./update.ts";

Deno.test("updateItem() rewrites only the item's line, byte for byte elsewhere", async () => {
  const s = await setup();
  await seed(s, "tg-a", "tg-b", "tg-c");
  const before = await lines(s.mem, s.store.tasksPath);
  const r = await updateItem(s.store, "tg-b", (it) => {
    it.title = "Changed — ✓";
    it.extensions["x-phase"] = "build";
    return 42;
  });
  assert.equal(r.value, 42);
  assert.equal(r.archived, false);
  assert.deepEqual(r.activeChildren, []);
  assert.deepEqual(s.fs.log, ["rewrite tasks.jsonl"]);
  const after = await lines(s.mem, s.store.tasksPath);
  assert.equal(after.length, before.length);
  for (const i of [0, 1, 3]) assert.equal(after[i], before[i], `line ${i + 1}`);
  const changed = withFields("tg-b", { title: "Changed — ✓" });
  changed.extensions["x-phase"] = "build";
  assert.deepEqual(await s.store.getItem("tg-b"), changed, "updated_at is not bumped");
  assert.deepEqual(r.item, changed);
  assert.equal(await s.mem.readFile(s.store.eventsPath), null, "no status change, no event");
});

Deno.test("updateItem() takes exact IDs of active items only", async () => {
  const s = await setup();
  const old = withFields("tg-old", { status: "done" });
  await importItems(s.store, { active: [item("tg-abc")], archived: [old] });
  await writesNothing(s, async () => {
    for (const id of ["abc", "tg-ab", "tg-old", "tg-none"]) {
      await rejectsWith(updateItem(s.store, id, () => {}), "ItemNotFound", `Item not found: ${id}`);
    }
  });
});

Deno.test("updateItem() writes a status event for a status change", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const steps: [Status, string | null][] = [
    ["doing", null],
    ["blocked", "waiting on review"],
    ["doing", null], // leaving blocked for doing (an unblock) is allowed
    ["todo", null],
  ];
  for (const [status, reason] of steps) {
    s.fs.log.length = 0;
    await updateItem(s.store, "tg-a", (it) => {
      it.status = status;
      it.blocked_reason = reason;
    });
    assert.deepEqual(s.fs.log, ["append events.jsonl", "rewrite tasks.jsonl"]);
  }
  const log = await eventLog(s.mem, s.store.eventsPath);
  assert.deepEqual(log.map((e) => [e.type, e.status, e.text, e.author]), [
    ["status_transition", "doing", "", "tester@example.com"],
    ["status_transition", "blocked", "waiting on review", "tester@example.com"],
    ["status_transition", "doing", "", "tester@example.com"],
    ["status_transition", "todo", "", "tester@example.com"],
  ]);
});

Deno.test("updateItem() shortens a blocked reason too long for an event instead of refusing", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const reason = "r".repeat(3000);
  await updateItem(s.store, "tg-a", (it) => {
    it.status = "blocked";
    it.blocked_reason = reason;
  });
  assert.equal((await s.store.getItem("tg-a"))?.blocked_reason, reason, "the item keeps it all");
  const [ev] = await eventLog(s.mem, s.store.eventsPath);
  assert.equal(ev!.status, "blocked");
  assert.ok(ev!.text.endsWith("…"));
  assert.ok(reason.startsWith(ev!.text.slice(0, -1)));
  assert.equal(encodeEventLine(ev!).length, MAX_EVENT_LINE_BYTES);
});

Deno.test("updateItem() writes its note before the status event, shortened to fit", async () => {
  const s = await setup();
  await seed(s, "tg-a", "tg-b");
  await updateItem(s.store, "tg-a", (it) => void (it.status = "doing"), {
    note: "Phase build started",
  });
  await updateItem(s.store, "tg-b", () => {}, { note: "n".repeat(5000) });
  const log = await eventLog(s.mem, s.store.eventsPath);
  assert.deepEqual(log.slice(0, 2).map((e) => [e.task_id, e.type, e.status, e.text]), [
    ["tg-a", "note", undefined, "Phase build started"],
    ["tg-a", "status_transition", "doing", ""],
  ]);
  assert.ok(log[0]!.ts < log[1]!.ts);
  assert.equal(log[2]!.type, "note");
  assert.equal(encodeEventLine(log[2]!).length, MAX_EVENT_LINE_BYTES);
  assert.ok(log[2]!.text.endsWith("n…"));
});

Deno.test("updateItem() archives an item that becomes done, with its events", async () => {
  const s = await setup();
  await seed(s, "tg-a", "tg-b");
  await startItem(s.store, "tg-a");
  await startItem(s.store, "tg-b");
  s.fs.log.length = 0;
  const r = await updateItem(s.store, "tg-a", (it) => void (it.status = "done"), {
    note: "Finished",
  });
  assert.equal(r.archived, true);
  assert.deepEqual(r.activeChildren, []);
  assert.deepEqual(s.fs.log, [
    "append events.jsonl",
    "append events.jsonl",
    "append archive.jsonl",
    "rewrite tasks.jsonl",
    "append events.archive.jsonl",
    "append events.archive.jsonl",
    "append events.archive.jsonl",
    "rewrite events.jsonl",
  ]);
  assert.deepEqual((await s.store.loadActive()).map((it) => it.id), ["tg-b"]);
  assert.deepEqual((await s.store.loadArchive()).map((it) => [it.id, it.status]), [[
    "tg-a",
    "done",
  ]]);
  assert.deepEqual(
    (await eventLog(s.mem, s.store.eventsArchivePath)).map((e) => [e.task_id, e.status ?? e.text]),
    [["tg-a", "doing"], ["tg-a", "Finished"], ["tg-a", "done"]],
  );
  assert.deepEqual(
    (await eventLog(s.mem, s.store.eventsPath)).map((e) => [e.task_id, e.status]),
    [["tg-b", "doing"]],
  );
});

Deno.test("updateItem() keeps a done item with active children in the active file", async () => {
  const s = await setup();
  await importItems(s.store, {
    active: [
      withFields("tg-p", { status: "doing" }),
      withFields("tg-c", { parent: "tg-p" }),
      withFields("tg-x", { title: 'mentions "tg-p" only' }),
    ],
  });
  const r = await updateItem(s.store, "tg-p", (it) => void (it.status = "done"));
  assert.equal(r.archived, false);
  assert.deepEqual(r.activeChildren, ["tg-c"]);
  assert.deepEqual(
    (await s.store.loadActive()).map((it) => [it.id, it.status]),
    [["tg-c", "todo"], ["tg-p", "done"], ["tg-x", "todo"]],
  );
  assert.deepEqual(await s.store.loadArchive(), []);
  assert.deepEqual(
    (await eventLog(s.mem, s.store.eventsPath)).map((e) => [e.task_id, e.status]),
    [["tg-p", "done"]],
  );
  assert.equal(await s.mem.readFile(s.store.eventsArchivePath), null);
});

Deno.test("updateItem() refuses a status change the store does not accept, writing nothing", async () => {
  const s = await setup();
  await importItems(s.store, {
    active: [withFields("tg-done", { status: "done" }), withFields("tg-b", { status: "blocked" })],
  });
  await writesNothing(s, async () => {
    await rejectsWith(
      updateItem(s.store, "tg-done", (it) => void (it.status = "todo"), { note: "never" }),
      "InvalidTransition",
      "Invalid transition: done cannot transition to todo",
    );
    await rejectsWith(
      updateItem(s.store, "tg-b", (it) => void (it.status = "done")),
      "InvalidTransition",
      "Invalid transition: blocked cannot transition to done",
    );
  });
  assert.equal(await text(s.mem, s.store.archivePath), SCHEMA_HEADER);
});

Deno.test("updateItem() writes nothing when the callback throws", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  await writesNothing(s, async () => {
    await assert.rejects(
      updateItem(s.store, "tg-a", (it) => {
        it.status = "done";
        it.title = "never saved";
        throw new Error("agent crashed");
      }, { note: "never written" }),
      /agent crashed/,
    );
    await assert.rejects(
      updateItem(s.store, "tg-a", async (it) => {
        it.status = "doing";
        await Promise.resolve();
        throw new RangeError("async failure");
      }),
      RangeError,
    );
  });
  assert.equal((await s.store.getItem("tg-a"))?.status, "todo");
});

Deno.test("updateItem() applies the same rules to a line in another writer's layout", async () => {
  const s = await setup();
  const parent = withFields("tg-p", { status: "doing" });
  const child = withFields("tg-c", { parent: "tg-p" });
  const odd = (it: Item) => serializeItem(it).replace('{"id":', '{ "id" :');
  await s.mem.writeFile(
    s.store.tasksPath,
    ENC.encode(SCHEMA_HEADER + odd(child) + "\n" + odd(parent) + "\n" + odd(item("tg-x")) + "\n"),
  );
  const kept = await updateItem(s.store, "tg-p", (it) => void (it.status = "done"));
  assert.equal(kept.archived, false);
  assert.deepEqual(kept.activeChildren, ["tg-c"]);
  const done = await updateItem(s.store, "tg-x", (it) => void (it.status = "done"));
  assert.equal(done.archived, true);
  assert.deepEqual((await s.store.loadActive()).map((it) => [it.id, it.status]), [
    ["tg-c", "todo"],
    ["tg-p", "done"],
  ]);
  assert.deepEqual((await s.store.loadArchive()).map((it) => it.id), ["tg-x"]);
  assert.deepEqual(
    (await eventLog(s.mem, s.store.eventsPath)).map((e) => [e.task_id, e.status]),
    [["tg-p", "done"]],
  );
});
