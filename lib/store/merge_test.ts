import assert from "node:assert/strict";
import { TaskStoreError } from "./errors.ts";
import { type Item, newItem, serializeItem } from "./item.ts";
import { encodeItemsFile, parseActiveFile } from "./jsonl.ts";
import { conflictNoteText, mergeArchiveFiles, mergeEventFiles, mergeTaskFiles } from "./merge.ts";

const ENC = new TextEncoder();
const DEC = new TextDecoder();

function item(id: string, updated = "2026-01-01T00:00:00Z", patch: Partial<Item> = {}): Item {
  const it = newItem(id, `Title ${id}`, "2026-01-01T00:00:00Z");
  it.updated_at = updated;
  return Object.assign(it, patch);
}

function file(...items: Item[]): Uint8Array {
  return encodeItemsFile(items);
}

function merged(bytes: Uint8Array): Item[] {
  return parseActiveFile(bytes);
}

Deno.test("mergeTaskFiles() keeps both sides' new items and each side's one-sided changes", () => {
  const base = file(item("tg-a"), item("tg-b"), item("tg-c"), item("tg-d"));
  const ours = file(
    item("tg-a", "2026-01-02T00:00:00Z", { title: "ours" }),
    item("tg-b"),
    item("tg-c"),
    item("tg-d"),
    item("tg-n1"),
  );
  const theirs = file(
    item("tg-a"),
    item("tg-b", "2026-01-03T00:00:00Z", { status: "blocked", blocked_reason: "x" }),
    // tg-c removed (done or rm) on their side, unchanged on ours
    item("tg-d"),
    item("tg-0new"),
  );
  const { bytes, conflicts } = mergeTaskFiles(base, ours, theirs);
  const items = merged(bytes);
  assert.deepEqual(items.map((i) => i.id), ["tg-0new", "tg-a", "tg-b", "tg-d", "tg-n1"]);
  assert.equal(items[1]!.title, "ours");
  assert.equal(items[2]!.status, "blocked");
  assert.deepEqual(conflicts, []);
  // canonical and sorted: re-encoding the parsed result gives the same bytes
  assert.equal(DEC.decode(encodeItemsFile(items)), DEC.decode(bytes));
});

Deno.test("mergeTaskFiles() takes the later updated_at when both sides changed an item", () => {
  const base = file(item("tg-a"));
  const ours = file(item("tg-a", "2026-01-02T00:00:00.5Z", { title: "ours", priority: 3n }));
  const theirs = file(item("tg-a", "2026-01-02T00:00:00.25Z", { title: "theirs" }));
  const r = mergeTaskFiles(base, ours, theirs);
  assert.equal(merged(r.bytes)[0]!.title, "ours");
  assert.equal(r.conflicts.length, 1);
  const c = r.conflicts[0]!;
  assert.equal(c.kept, "ours");
  assert.equal(c.discarded!.title, "theirs");
  assert.equal(
    conflictNoteText(c),
    "merge: both branches changed this task; kept ours (updated_at 2026-01-02T00:00:00.500Z), " +
      'discarded theirs: {"priority":0,"title":"theirs","updated_at":"2026-01-02T00:00:00.250Z"}',
  );
  const swapped = mergeTaskFiles(base, theirs, ours);
  assert.equal(merged(swapped.bytes)[0]!.title, "ours");
  assert.equal(swapped.conflicts[0]!.kept, "theirs");
  // a tie keeps ours
  const tie = mergeTaskFiles(
    base,
    file(item("tg-a", "2026-01-05T00:00:00Z", { title: "x" })),
    file(item("tg-a", "2026-01-05T00:00:00Z", { title: "y" })),
  );
  assert.equal(merged(tie.bytes)[0]!.title, "x");
});

Deno.test("mergeTaskFiles() keeps an item one side removed with rm and the other changed", () => {
  const base = file(item("tg-a"), item("tg-b"));
  const ours = file(item("tg-b"));
  const theirs = file(item("tg-a", "2026-02-01T00:00:00Z", { title: "edited" }), item("tg-b"));
  const r = mergeTaskFiles(base, ours, theirs);
  assert.deepEqual(merged(r.bytes).map((i) => i.title), ["edited", "Title tg-b"]);
  assert.equal(r.conflicts.length, 1);
  assert.equal(
    conflictNoteText(r.conflicts[0]!),
    "merge: ours removed this task while theirs changed it; kept theirs " +
      "(updated_at 2026-02-01T00:00:00Z)",
  );
});

Deno.test("mergeTaskFiles() leaves an item completed when one side archived it and the other changed it", () => {
  const base = file(item("tg-a"));
  const ours = file(item("tg-a", "2026-02-01T00:00:00Z", { status: "doing" }));
  const theirs = file();
  const r = mergeTaskFiles(base, ours, theirs, { archivedTheirs: new Set(["tg-a"]) });
  assert.deepEqual(merged(r.bytes), []);
  const c = r.conflicts[0]!;
  assert.equal(c.completed, true);
  assert.equal(c.kept, "theirs");
  assert.equal(
    conflictNoteText(c),
    "merge: theirs completed this task while ours changed it; kept it completed, discarded ours: " +
      '{"status":"doing","updated_at":"2026-02-01T00:00:00Z"}',
  );
});

Deno.test("mergeTaskFiles() works without a common ancestor and refuses unreadable versions", () => {
  const r = mergeTaskFiles(new Uint8Array(), file(item("tg-a")), file(item("tg-b")));
  assert.deepEqual(merged(r.bytes).map((i) => i.id), ["tg-a", "tg-b"]);
  assert.throws(
    () => mergeTaskFiles(file(), ENC.encode('{"schema_version":1}\nnot json\n'), file()),
    (e: unknown) =>
      e instanceof TaskStoreError && e.code === "StorageCorruption" &&
      e.message.startsWith("Storage corruption: our version: Malformed item on line 2"),
  );
});

Deno.test("mergeArchiveFiles() keeps every line once, honours a prune, sorts by ID, keeps unreadable lines", () => {
  const a = serializeItem(item("tg-a", undefined, { status: "done" }));
  const b = serializeItem(item("tg-b", undefined, { status: "done" }));
  const c = serializeItem(item("tg-c", undefined, { status: "done" }));
  const c2 = serializeItem(item("tg-c", "2026-03-01T00:00:00Z", { status: "done" }));
  const z = serializeItem(item("tg-z", undefined, { status: "done" }));
  const text = (...lines: string[]) =>
    ENC.encode('{"schema_version":1}\n' + lines.join("\n") + "\n");
  const base = text(z, a);
  const ours = text(a, c, "torn {"); // z pruned on our side
  const theirs = text(z, a, b, c2, c);
  const out = DEC.decode(mergeArchiveFiles(base, ours, theirs));
  assert.equal(out, '{"schema_version":1}\n' + [a, b, c, c2, "torn {"].join("\n") + "\n");
});

Deno.test("mergeEventFiles() unions both logs in time order and adds extra lines once", () => {
  const ev = (ts: string, text: string) =>
    `{"v":1,"task_id":"tg-a","ts":"${ts}","author":"me","type":"note","text":"${text}"}`;
  const e1 = ev("2026-01-01T00:00:01.000000Z", "one");
  const e2 = ev("2026-01-01T00:00:02.000000Z", "two");
  const e3 = ev("2026-01-01T00:00:03.000000Z", "three");
  const e4 = ev("2026-01-01T00:00:04.000000Z", "four");
  const lines = (...l: string[]) => ENC.encode(l.map((x) => x + "\n").join(""));
  const out = DEC.decode(
    mergeEventFiles(lines(e1, e2), lines(e1, e3), lines(e1, e2, e4, "junk"), [e4, e2]),
  );
  // e2 was moved away on our side (an archive move): it stays out
  assert.equal(out, [e1, e3, e4, "junk"].map((x) => x + "\n").join(""));
});
