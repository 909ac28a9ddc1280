import assert from "node:assert/strict";
import { encodeEventLine, MAX_EVENT_LINE_BYTES, serializeEvent } from "../events.ts";
import { eventLog, item, lines, rejectsWith, seed, setup } from "../../_testing/store_fixtures.ts";
import { importItems } from "./add.ts";
import { addNote } from "./note.ts";

Deno.test("addNote() appends a note event and leaves tasks.jsonl alone", async () => {
  const s = await setup();
  await seed(s, "tg-abc");
  const ev = await addNote(s.store, "abc", "Reproduced on main");
  assert.deepEqual({ ...ev, ts: "" }, {
    v: 1,
    "task_id": "tg-abc",
    ts: "",
    author: "tester@example.com",
    type: "note",
    text: "Reproduced on main",
  });
  assert.match(ev.ts, /^2026-01-01T00:00:00\.\d{6}Z$/);
  assert.deepEqual(s.fs.log, ["append events.jsonl"]);
  assert.deepEqual(await lines(s.mem, s.store.eventsPath), [serializeEvent(ev)]);
  // Whitespace is a note too.
  await addNote(s.store, "tg-abc", "  ");
  assert.deepEqual((await eventLog(s.mem, s.store.eventsPath)).map((e) => e.text), [
    "Reproduced on main",
    "  ",
  ]);
});

Deno.test("addNote() refuses an empty note, an archived item and an unknown one", async () => {
  const s = await setup();
  const old = item("tg-old");
  old.status = "done";
  await importItems(s.store, { active: [item("tg-a")], archived: [old] });
  s.fs.log.length = 0;
  await rejectsWith(addNote(s.store, "tg-a", ""), "InvalidInput", "note text cannot be empty");
  await rejectsWith(
    addNote(s.store, "old", "late"),
    "InvalidInput",
    "Cannot add note to archived task tg-old: notes are only permitted on active tasks",
  );
  await rejectsWith(addNote(s.store, "tg-zzz", "x"), "ItemNotFound", "Item not found: tg-zzz");
  assert.deepEqual(s.fs.log, []);
});

Deno.test("addNote() refuses a note over the event cap instead of shortening it", async () => {
  const s = await setup();
  await seed(s, "tg-a");
  const base = encodeEventLine(await addNote(s.store, "tg-a", "x")).length - 1;
  s.fs.log.length = 0;
  const fits = "y".repeat(MAX_EVENT_LINE_BYTES - base);
  const ev = await addNote(s.store, "tg-a", fits);
  assert.equal(encodeEventLine(ev).length, MAX_EVENT_LINE_BYTES);
  await rejectsWith(
    addNote(s.store, "tg-a", fits + "y"),
    "InvalidInput",
    `Event line is ${MAX_EVENT_LINE_BYTES + 1} bytes, exceeding the 2048-byte cap by 1 bytes. ` +
      "Shorten the text by at least 1 bytes.",
  );
  assert.deepEqual(s.fs.log, ["append events.jsonl"], "only the note that fits");
  assert.equal((await lines(s.mem, s.store.eventsPath)).length, 2);
});
