import assert from "node:assert/strict";
import { TaskStoreError } from "./errors.ts";
import { newItem, serializeItem } from "./item.ts";
import { encodeItemsFile } from "./jsonl.ts";
import { findLineSpan, linesContaining, parseLineAt } from "./_lines.ts";

const DEC = new TextDecoder();
const item = (id: string, parent: string | null = null) => {
  const it = newItem(id, `Title ${id}`, "2026-01-01T00:00:00Z");
  it.parent = parent;
  return it;
};

Deno.test("findLineSpan() finds one canonical line without decoding the file", () => {
  const items = [item("WRK-001"), item("WRK-002"), item("WRK-0021")];
  const bytes = encodeItemsFile(items);
  const span = findLineSpan(bytes, "WRK-002")!;
  assert.equal(span.lineNo, 3);
  assert.equal(DEC.decode(bytes.subarray(span.start, span.end)), serializeItem(items[1]!));
  assert.equal(parseLineAt(bytes, findLineSpan(bytes, "WRK-0021")!).id, "WRK-0021");
  assert.equal(findLineSpan(bytes, "WRK-9"), null);
  assert.equal(findLineSpan(new Uint8Array(0), "WRK-001"), null);
  const tricky = item('a"b\\c');
  const trickyBytes = encodeItemsFile([tricky]);
  assert.equal(parseLineAt(trickyBytes, findLineSpan(trickyBytes, 'a"b\\c')!).id, 'a"b\\c');
});

Deno.test("linesContaining() finds every line with the text, with line numbers", () => {
  const bytes = encodeItemsFile([
    item("tg-a"),
    item("tg-b", "tg-a"),
    item("tg-c"),
    item("tg-d", "tg-a"),
  ]);
  const spans = linesContaining(bytes, '"tg-a"');
  assert.deepEqual(spans.map((s) => s.lineNo), [2, 3, 5]);
  assert.deepEqual(spans.map((s) => parseLineAt(bytes, s).id), ["tg-a", "tg-b", "tg-d"]);
  assert.deepEqual(linesContaining(bytes, "schema_version"), [], "the header is not searched");
  assert.deepEqual(linesContaining(new Uint8Array(0), "x"), []);
});

Deno.test("parseLineAt() reports a bad line with its number", () => {
  const bytes = new TextEncoder().encode('{"schema_version":1}\n{"id":"tg-a",oops}\n');
  const span = findLineSpan(bytes, "tg-a")!;
  assert.throws(
    () => parseLineAt(bytes, span),
    (e) => e instanceof TaskStoreError && /Malformed item on line 2/.test(e.message),
  );
});
