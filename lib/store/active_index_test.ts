import assert from "node:assert/strict";
import { ActiveIndex } from "./active_index.ts";
import { TaskStoreError } from "./errors.ts";
import { newItem, serializeItem } from "./item.ts";
import { parseActiveFile } from "./jsonl.ts";

const ENC = new TextEncoder();
const HEADER = '{"schema_version":1}';

function itemLine(id: string, extra = "", priority = 0n): string {
  const it = newItem(id, `Title ${id}`, "2026-01-01T00:00:00.5Z", { priority });
  return serializeItem(it).slice(0, -1) + extra + "}";
}

/** Lines of every kind the reader meets: canonical, with extensions, in other layouts. */
const LINES = [
  itemLine("tg-a"),
  itemLine("tg-b", ',"x-s":"v","x-o":{"b":[true,null],"a":"z"}', 3n),
  itemLine("tg-c", ',"x-n":1.5'),
  itemLine("tg-d").replace(',"parent":null', ""),
  itemLine("tg-e").replaceAll(",", ", "),
  itemLine("tg-f").replace('"status":"todo"', '"status":"doing"'),
  itemLine("tg-g", "", 9007199254740993n),
  itemLine("tg-h").replace("2026-01-01T00:00:00.500Z", "2026-01-01T01:00:00.5+01:00"),
  "",
  "   ",
  itemLine("tg-a", ',"x-dup":1'),
];

function bytes(lines: string[]): Uint8Array {
  return ENC.encode([HEADER, ...lines].join("\n") + "\n");
}

function error(fn: () => unknown): TaskStoreError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TaskStoreError, `expected TaskStoreError, got ${e}`);
    return e;
  }
  assert.fail("no error");
}

Deno.test("ActiveIndex builds the items parseActiveFile() reads, with rows that match them", () => {
  const data = bytes(LINES);
  const items = parseActiveFile(data);
  const index = ActiveIndex.parse(data);
  assert.equal(index.rows.length, items.length);
  assert.deepEqual(index.ids, items.map((it) => it.id));
  items.forEach((it, i) => {
    const row = index.rows[i]!;
    assert.equal(row.index, i);
    assert.deepEqual(
      [row.id, row.status, row.priority, row.created_at],
      [it.id, it.status, it.priority, it.created_at],
    );
    assert.deepStrictEqual(index.itemOnce(i), it);
    if (index.line(i) !== null) assert.notEqual(index.itemOnce(i), index.itemOnce(i), "not kept");
    assert.deepStrictEqual(index.item(i), it);
    assert.equal(index.item(i), index.item(i), "built once");
    assert.equal(index.itemOnce(i), index.item(i), "the kept one once built");
  });
});

Deno.test("ActiveIndex.line() is the line when it was in canonical layout", () => {
  const lines = LINES.filter((l) => l.trim() !== "");
  const index = ActiveIndex.parse(bytes(lines));
  const kept = lines.map((_, i) => index.line(i) !== null);
  // canonical layouts only: not the numbers in extensions, the spaced line, the huge priority,
  // the offset time
  assert.deepEqual(kept, [true, true, false, true, false, true, false, false, false]);
  lines.forEach((l, i) => {
    if (kept[i]) assert.equal(index.line(i), l);
  });
  assert.equal(index.mayHaveExtensions(0), false);
  assert.equal(index.mayHaveExtensions(1), true);
  assert.equal(index.mayHaveExtensions(3), false);
  assert.equal(index.mayHaveExtensions(4), true, "an item read by the full parser");
});

Deno.test("ActiveIndex fails like parseActiveFile() on bad lines, headers and bytes", () => {
  const cases = [
    bytes([itemLine("tg-a"), "{bad"]),
    bytes([itemLine("tg-a", ',"foo":1')]),
    bytes([itemLine("tg-a").replace("2026-01-01", "2023-02-29")]),
    ENC.encode('{"schema_version":2}\n'),
    new Uint8Array([...bytes([itemLine("tg-a"), "{bad"]), 0xff, 0x0a]),
  ];
  for (const data of cases) {
    const expected = error(() => parseActiveFile(data));
    const actual = error(() => ActiveIndex.parse(data));
    assert.equal(actual.code, expected.code);
    assert.equal(actual.message, expected.message);
  }
  assert.deepEqual(ActiveIndex.parse(null).rows, []);
  assert.deepEqual(ActiveIndex.parse(new Uint8Array()).rows, []);
});

Deno.test("ActiveIndex.where() builds only the items whose lines contain the needle", () => {
  const index = ActiveIndex.parse(bytes(LINES));
  const found = index.where('"x-s"', (it) => "x-s" in it.extensions);
  assert.deepEqual(found.map((it) => it.id), ["tg-b"]);
  // an item built while reading is always tested
  const spaced = index.where("never in a line", (it) => it.id === "tg-e");
  assert.deepEqual(spaced.map((it) => it.id), ["tg-e"]);
});
