import assert from "node:assert/strict";
import { PgItem } from "../../adapter/pg_item.ts";
import { TaskStoreError } from "../../store/errors.ts";
import { encodeItemsFile, parseActiveFile } from "../../store/jsonl.ts";
import { type Item, serializeItem } from "../../store/item.ts";
import { schedulerItemOf } from "./scheduler_item.ts";
import { SnapshotReader } from "./snapshot_reader.ts";
import { item } from "../../_testing/test_repo.ts";

const ENC = new TextEncoder();

function expected(bytes: Uint8Array) {
  return parseActiveFile(bytes).map((it) => ({
    view: schedulerItemOf(new PgItem(it)),
    title: it.title,
  }));
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("SnapshotReader.readBytes() equals a full parse through random edits, inserts and removals", () => {
  for (let seed = 1; seed <= 30; seed++) {
    const rand = prng(seed);
    let items: Item[] = Array.from(
      { length: 20 },
      (_, i) => item(`WRK-${String(i * 10).padStart(3, "0")}`, "New"),
    );
    const reader = new SnapshotReader();
    for (let step = 0; step < 25; step++) {
      const r = rand();
      if (r < 0.4 && items.length > 0) {
        const it = items[Math.floor(rand() * items.length)]!;
        new PgItem(it).setPhase(`p${step}`);
        it.title = `Edited ${step}`;
      } else if (r < 0.7) {
        items.push(
          item(`WRK-${String(Math.floor(rand() * 999)).padStart(3, "0")}x${step}`, "Ready"),
        );
      } else if (items.length > 0) {
        items.splice(Math.floor(rand() * items.length), 1);
      }
      if (rand() < 0.2 && items.length > 1) {
        // Several changes at once.
        items = items.filter((_, k) => k % 3 !== 0);
      }
      const bytes = encodeItemsFile(
        [...items].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      );
      assert.deepEqual(
        reader.readBytes(bytes, () => {}),
        expected(bytes),
        `seed ${seed} step ${step}`,
      );
    }
  }
});

Deno.test("SnapshotReader.readBytes() handles blank lines, an empty or missing file, and reuses views", () => {
  const reader = new SnapshotReader();
  assert.deepEqual(reader.readBytes(null, () => {}), []);
  const a = item("WRK-001", "New");
  const b = item("WRK-002", "Ready");
  const text = '{"schema_version":1}\n' + serializeItem(a) + "\n\n" + serializeItem(b) + "\n";
  const first = reader.readBytes(ENC.encode(text), () => {});
  assert.deepEqual(first.map((e) => e.view.id), ["WRK-001", "WRK-002"]);
  const again = reader.readBytes(ENC.encode(text), () => {});
  assert.equal(again[0], first[0], "unchanged line: the same view object");
  assert.deepEqual(reader.readBytes(ENC.encode(""), () => {}), []);
});

Deno.test("SnapshotReader.readBytes() reports corruption with its line number, and bad headers", () => {
  const reader = new SnapshotReader();
  const good = encodeItemsFile([item("WRK-001", "New")]);
  reader.readBytes(good, () => {});
  const bad = ENC.encode(new TextDecoder().decode(good) + "{not json\n");
  assert.throws(
    () => reader.readBytes(bad, () => {}),
    (e) => e instanceof TaskStoreError && /Malformed item on line 3/.test(e.message),
  );
  assert.throws(
    () => reader.readBytes(ENC.encode('{"schema_version":9}\n'), () => {}),
    (e) => e instanceof TaskStoreError && /Unsupported schema version 9/.test(e.message),
  );
  const badUtf8 = new Uint8Array([...good, 0xff, 0xfe, 0x0a]);
  assert.throws(() => new SnapshotReader().readBytes(badUtf8, () => {}), /UTF-8/);
});
