import assert from "node:assert/strict";
import { TaskStoreError } from "./errors.ts";
import { newItem, serializeItem } from "./item.ts";
import {
  checkHeader,
  encodeItemsFile,
  indexArchiveFile,
  parseActiveFile,
  parseArchiveFile,
  SCHEMA_HEADER,
  sortById,
} from "./jsonl.ts";

const ENC = new TextEncoder();
const DEC = new TextDecoder();
const HEADER = '{"schema_version":1}';

function itemLine(id: string, extra = ""): string {
  return serializeItem(newItem(id, `Title ${id}`, "2026-01-01T00:00:00Z")).slice(0, -1) + extra +
    "}";
}

function bytes(...lines: string[]): Uint8Array {
  return ENC.encode(lines.join("\n") + "\n");
}

/** The error of a strict read. */
function activeError(data: Uint8Array): TaskStoreError {
  try {
    parseActiveFile(data);
  } catch (e) {
    assert.ok(e instanceof TaskStoreError, `expected TaskStoreError, got ${e}`);
    return e;
  }
  assert.fail("read without error");
}

/** The error of a lenient read. */
function archiveError(data: Uint8Array): TaskStoreError {
  try {
    parseArchiveFile(data, () => {});
  } catch (e) {
    assert.ok(e instanceof TaskStoreError, `expected TaskStoreError, got ${e}`);
    return e;
  }
  assert.fail("read without error");
}

/**
 * A lenient read: the IDs read and the warnings given. Checks that
 * indexArchiveFile() reads the same IDs and items and gives the same warnings.
 */
function archiveRead(data: Uint8Array): { ids: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const items = parseArchiveFile(data, (m) => warnings.push(m));
  const indexWarnings: string[] = [];
  const index = indexArchiveFile(data, (m) => indexWarnings.push(m));
  assert.deepEqual(indexWarnings, warnings);
  assert.deepEqual(index.ids, items.map((it) => it.id));
  items.forEach((it, i) => assert.deepStrictEqual(index.item(i), it));
  return { ids: index.ids, warnings };
}

// --- missing, empty, header ----------------------------------------------------------

Deno.test("parseActiveFile() and parseArchiveFile() read a missing or empty file as no items", () => {
  assert.deepEqual(parseActiveFile(null), []);
  assert.deepEqual(parseActiveFile(new Uint8Array()), []);
  assert.deepEqual(archiveRead(new Uint8Array()), { ids: [], warnings: [] });
  assert.deepEqual(parseArchiveFile(null, () => assert.fail("no warning expected")), []);
  assert.deepEqual(parseActiveFile(ENC.encode(HEADER)), []);
  assert.deepEqual(parseActiveFile(bytes(HEADER)), []);
});

Deno.test("parseActiveFile() rejects a bad header as StorageCorruption", () => {
  const cases: [string, Uint8Array][] = [
    ["not JSON", bytes("schema", itemLine("tg-1"))],
    ["blank line 1", bytes("", HEADER, itemLine("tg-1"))],
    ["whitespace line 1", bytes("   ", HEADER)],
    ["UTF-8 BOM", ENC.encode("\ufeff" + HEADER + "\n")],
    ["string version", bytes('{"schema_version":"1"}')],
    ["float version", bytes('{"schema_version":1.0}')],
    ["negative version", bytes('{"schema_version":-1}')],
    ["beyond u32", bytes('{"schema_version":4294967296}')],
    ["missing version", bytes("{}")],
    ["a number", bytes("1")],
    ["empty array", bytes("[]")],
    ["an item as header", bytes(itemLine("tg-1"))],
    ["two array elements", bytes("[1,2]")],
    ["duplicate version key", bytes('{"schema_version":2,"schema_version":1}')],
    ["duplicate equal version keys", bytes('{"schema_version":1,"schema_version":1}')],
    ["trailing characters", bytes(HEADER + " x")],
    ["null", bytes("null")],
  ];
  for (const [name, data] of cases) {
    const e = activeError(data);
    assert.equal(e.code, "StorageCorruption", name);
    assert.equal(e.exitCode, 2, name);
    assert.ok(e.message.startsWith("Storage corruption: Invalid schema header: "), name);
    assert.ok(e.detail!.startsWith("Invalid schema header: "), name);
    const a = archiveError(data);
    assert.equal(a.code, "StorageCorruption", name);
    assert.ok(a.message.startsWith("Storage corruption: Invalid archive schema header: "), name);
  }
});

Deno.test("parseActiveFile() rejects other schema versions as unsupported", () => {
  for (const [v, msg] of [[2, "2"], [0, "0"], [4294967295, "4294967295"]] as const) {
    const data = bytes(`{"schema_version":${v}}`, itemLine("tg-1"));
    for (const e of [activeError(data), archiveError(data)]) {
      assert.equal(e.code, "SchemaVersionUnsupported");
      assert.equal(e.exitCode, 2);
      assert.equal(e.message, `Unsupported schema version ${msg} (max supported: 1)`);
    }
  }
});

Deno.test("checkHeader() accepts the quirky forms upstream accepts", () => {
  for (
    const header of [
      HEADER,
      "[1]",
      HEADER + "\r",
      HEADER + " \t",
      ' {"schema_version" : 1 } ',
      '{"schema_version":1,"written_by":"other"}',
    ]
  ) {
    assert.doesNotThrow(() => checkHeader(header, false), JSON.stringify(header));
    assert.doesNotThrow(() => checkHeader(header, true), JSON.stringify(header));
  }
});

Deno.test("parseActiveFile() accepts a CRLF after the header and CRLF item lines", () => {
  const data = ENC.encode(HEADER + "\r\n" + itemLine("tg-1") + "\r\n" + itemLine("tg-2") + "\n");
  assert.deepEqual(parseActiveFile(data).map((it) => it.id), ["tg-1", "tg-2"]);
  assert.deepEqual(archiveRead(data), { ids: ["tg-1", "tg-2"], warnings: [] });
});

Deno.test("parseActiveFile() accepts [1] as a v1 header", () => {
  assert.deepEqual(parseActiveFile(bytes("[1]", itemLine("tg-1"))).map((it) => it.id), ["tg-1"]);
  assert.equal(archiveRead(bytes("[1]", itemLine("tg-1"))).ids.length, 1);
});

// --- item lines ------------------------------------------------------------------------

Deno.test("parseActiveFile() skips blank and whitespace-only lines", () => {
  const data = bytes(HEADER, "", itemLine("tg-1"), "   ", "\t", itemLine("tg-2"), "");
  assert.deepEqual(parseActiveFile(data).map((it) => it.id), ["tg-1", "tg-2"]);
  assert.deepEqual(archiveRead(data), { ids: ["tg-1", "tg-2"], warnings: [] });
});

Deno.test("parseActiveFile() reads a last line without a newline", () => {
  const data = ENC.encode(HEADER + "\n" + itemLine("tg-1") + "\n" + itemLine("tg-2"));
  assert.deepEqual(parseActiveFile(data).map((it) => it.id), ["tg-1", "tg-2"]);
});

Deno.test("parseActiveFile() reports a malformed item with its physical line number", () => {
  const malformed: [string, string, RegExp][] = [
    ["bad JSON", "not json", /.+/],
    [
      "missing field",
      itemLine("tg-x").replace('"title":"Title tg-x",', ""),
      /missing field `title`/,
    ],
    [
      "null required field",
      itemLine("tg-x").replace('"tags":[]', '"tags":null'),
      /invalid type: null/,
    ],
    ["bad status", itemLine("tg-x").replace('"todo"', '"Todo"'), /unknown variant `Todo`/],
    [
      "float priority",
      itemLine("tg-x").replace('"priority":0', '"priority":1.0'),
      /floating point/,
    ],
    [
      "bad timestamp",
      itemLine("tg-x").replace("2026-01-01T00:00:00Z", "2026-02-30T00:00:00Z"),
      /range/,
    ],
    ["duplicate known key", itemLine("tg-x", ',"id":"tg-y"'), /duplicate field `id`/],
    ["number overflow", itemLine("tg-x", ',"x-n":1e400'), /number out of range/],
    ["trailing characters", itemLine("tg-x") + " 1", /trailing characters/],
    [
      "128 levels",
      itemLine("tg-x", `,"x-d":${"[".repeat(127)}${"]".repeat(127)}`),
      /recursion limit/,
    ],
  ];
  for (const [name, bad, detail] of malformed) {
    // Line 1 header, line 2 item, line 3 blank, line 4 the bad one.
    const data = bytes(HEADER, itemLine("tg-1"), "", bad, itemLine("tg-2"));
    const e = activeError(data);
    assert.equal(e.code, "StorageCorruption", name);
    assert.equal(e.exitCode, 2, name);
    assert.ok(e.message.startsWith("Storage corruption: Malformed item on line 4: "), e.message);
    assert.match(e.message, detail, name);

    const { ids, warnings } = archiveRead(data);
    assert.deepEqual(ids, ["tg-1", "tg-2"], name);
    assert.equal(warnings.length, 1, name);
    assert.ok(warnings[0]!.startsWith("Warning: skipping malformed archive line 4: "), warnings[0]);
    assert.match(warnings[0]!, detail, name);
  }
});

Deno.test("parseActiveFile() gives the observed Todo message exactly", () => {
  const bad = '{"id":"tg-1","title":"t","status":"Todo","priority":0,"tags":[],"dependencies":[],' +
    '"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}';
  const e = activeError(bytes(HEADER, bad));
  assert.match(
    e.message,
    /^Storage corruption: Malformed item on line 2: unknown variant `Todo`, expected one of `todo`, `doing`, `done`, `blocked`/,
  );
});

Deno.test("parseActiveFile() rejects an extension key without x-", () => {
  const data = bytes(HEADER, itemLine("tg-1"), itemLine("tg-2", ',"foo":1'), itemLine("tg-3"));
  const e = activeError(data);
  assert.equal(e.code, "StorageCorruption");
  assert.equal(
    e.message,
    "Storage corruption: Invalid extensions on line 3: Extension key 'foo' must start with 'x-' prefix. Rename to 'x-foo' or remove it.",
  );
  assert.deepEqual(archiveRead(data), {
    ids: ["tg-1", "tg-3"],
    warnings: [
      "Warning: skipping archive item with invalid extensions on line 3: Extension key 'foo' must start with 'x-' prefix. Rename to 'x-foo' or remove it.",
    ],
  });
});

Deno.test("parseArchiveFile() reproduces the observed warnings of tg.md §5", () => {
  const data = bytes(
    HEADER,
    itemLine("tg-arc01"),
    "not json",
    "",
    "",
    itemLine("tg-arc02", ',"foo":true'),
  );
  const { ids, warnings } = archiveRead(data);
  assert.deepEqual(ids, ["tg-arc01"]);
  assert.equal(warnings.length, 2);
  assert.match(
    warnings[0]!,
    /^Warning: skipping malformed archive line 3: .+ at line 1 column \d+$/,
  );
  assert.equal(
    warnings[1],
    "Warning: skipping archive item with invalid extensions on line 6: Extension key 'foo' must start with 'x-' prefix. Rename to 'x-foo' or remove it.",
  );
});

Deno.test("parseArchiveFile() skips a torn last line with a warning", () => {
  const torn = itemLine("tg-2").slice(0, 40);
  const data = ENC.encode(`${HEADER}\n${itemLine("tg-1")}\n${torn}\n${itemLine("tg-3")}\n`);
  const { ids, warnings } = archiveRead(data);
  assert.deepEqual(ids, ["tg-1", "tg-3"]);
  assert.equal(warnings.length, 1);
  assert.ok(warnings[0]!.startsWith("Warning: skipping malformed archive line 3: "));
});

Deno.test("parseActiveFile() fails on invalid UTF-8 with an Io error", () => {
  const data = new Uint8Array([
    ...bytes(HEADER, itemLine("tg-1")),
    0x7b,
    0xff,
    0xfe,
    0x7d,
    0x0a,
    ...bytes(itemLine("tg-2")),
  ]);
  const e = activeError(data);
  assert.equal(e.code, "Io");
  assert.equal(e.exitCode, 2);
  assert.equal(e.message, "stream did not contain valid UTF-8");
});

Deno.test("parseArchiveFile() warns about an unreadable line and goes on", () => {
  const data = new Uint8Array([
    ...bytes(HEADER, itemLine("tg-1"), ""),
    0xc3,
    0x28,
    0x0a,
    ...bytes(itemLine("tg-2"), "bad"),
  ]);
  const { ids, warnings } = archiveRead(data);
  assert.deepEqual(ids, ["tg-1", "tg-2"]);
  assert.equal(warnings.length, 2);
  assert.equal(
    warnings[0],
    "Warning: could not read archive line 4: stream did not contain valid UTF-8",
  );
  assert.ok(warnings[1]!.startsWith("Warning: skipping malformed archive line 6: "));
});

Deno.test("parseActiveFile() reads U+FFFD written in a file, and rejects a byte-order mark", () => {
  const title = "Replacement \uFFFD char";
  const line = serializeItem(newItem("tg-1", title, "2026-01-01T00:00:00Z"));
  assert.equal(parseActiveFile(bytes(HEADER, line))[0]!.title, title);
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(HEADER, line)]);
  assert.equal(activeError(bom).code, "StorageCorruption");
  assert.match(archiveError(bom).message, /Invalid archive schema header: expected value/);
});

Deno.test("indexArchiveFile() builds items in canonical layout only when asked", () => {
  const withExt = itemLine("tg-2", ',"x-n":1,"x-s":{"a":["b"]}');
  const data = bytes(HEADER, itemLine("tg-1"), withExt, itemLine("tg-3", ',"x-t":true'));
  const { ids, warnings } = archiveRead(data);
  assert.deepEqual(ids, ["tg-1", "tg-2", "tg-3"]);
  assert.deepEqual(warnings, []);
  const index = indexArchiveFile(data, () => {});
  assert.equal(index.item(1).extensions["x-n"], 1n);
  assert.notEqual(index.item(0), index.item(0), "canonical lines are parsed on each call");
  assert.throws(() => index.item(3), RangeError);
});

/** About 2.5 MB of item lines: the active file is decoded a megabyte at a time. */
function bigLines(): string[] {
  return Array.from(
    { length: 6000 },
    (_, i) => itemLine(`tg-${i}`, `,"x-pad":"${"é".repeat(150)}"`),
  );
}

Deno.test("parseActiveFile() reads a large file across its decoding pieces", () => {
  const lines = bigLines();
  const whole = (text: string) => {
    const items = parseActiveFile(ENC.encode(text));
    assert.equal(items.length, lines.length);
    assert.deepEqual(items.map((it) => it.id), lines.map((_, i) => `tg-${i}`));
  };
  whole([HEADER, ...lines].join("\n") + "\n");
  whole([HEADER, ...lines].join("\n")); // no newline at the end
  whole([HEADER, ...lines].join("\n") + "\n\n \n"); // blank lines at the end
});

Deno.test("parseActiveFile() numbers lines and reports invalid UTF-8 first, across pieces", () => {
  const lines = bigLines();
  const bad = [HEADER, ...lines];
  bad[5000] = "{bad";
  assert.match(activeError(bytes(...bad)).message, /Malformed item on line 5001: /);
  bad[5000] = "\uFEFF" + lines[4999]; // a byte-order mark in a line is kept, and is not JSON
  assert.match(activeError(bytes(...bad)).message, /Malformed item on line 5001: /);
  // A malformed line early, bytes that are not UTF-8 in a later piece: the Io error wins.
  bad[3] = "{bad";
  const data = ENC.encode(bad.join("\n") + "\n");
  data[data.length - 10] = 0xff;
  const e = activeError(data);
  assert.equal(e.code, "Io");
  assert.equal(e.message, "stream did not contain valid UTF-8");
  // So it does after a bad header.
  const header = ENC.encode(["{}", ...lines].join("\n") + "\n");
  assert.equal(activeError(header).code, "StorageCorruption");
  header[header.length - 10] = 0xff;
  assert.equal(activeError(header).code, "Io");
});

Deno.test("parseActiveFile() keeps duplicate IDs in file order", () => {
  const a = itemLine("tg-dup");
  const b = itemLine("tg-dup").replace("Title tg-dup", "Second");
  const items = parseActiveFile(bytes(HEADER, a, b));
  assert.deepEqual(items.map((it) => it.title), ["Title tg-dup", "Second"]);
  assert.equal(archiveRead(bytes(HEADER, a, b)).ids.length, 2);
});

Deno.test("parseActiveFile() ignores extra keys in the header", () => {
  assert.equal(parseActiveFile(bytes('{"schema_version":1,"x":[1]}', itemLine("tg-1"))).length, 1);
});

// --- writing ---------------------------------------------------------------------------

Deno.test("encodeItemsFile() of no items is exactly the 21-byte header", () => {
  const data = encodeItemsFile([]);
  assert.equal(data.length, 21);
  assert.equal(DEC.decode(data), '{"schema_version":1}\n');
  assert.equal(SCHEMA_HEADER, '{"schema_version":1}\n');
});

Deno.test("encodeItemsFile() writes one canonical line per item in the order given", () => {
  const items = [
    newItem("tg-b", "B", "2026-01-01T00:00:00Z"),
    newItem("tg-a", "A", "2026-01-01T00:00:00Z"),
  ];
  const text = DEC.decode(encodeItemsFile(items));
  assert.equal(
    text,
    SCHEMA_HEADER + serializeItem(items[0]!) + "\n" + serializeItem(items[1]!) + "\n",
  );
  assert.ok(!text.includes("\n\n"));
});

Deno.test("parseActiveFile() reads back what encodeItemsFile() wrote", () => {
  const items = [
    newItem("tg-1", "One", "2026-01-01T00:00:00.5Z", { tags: ["x"], extensions: { "x-n": 1.5 } }),
    newItem("tg-2", "Two\nlines", "2026-01-02T00:00:00Z", { priority: -7n }),
  ];
  const data = encodeItemsFile(items);
  assert.deepEqual(encodeItemsFile(parseActiveFile(data)), data);
});

Deno.test("sortById() sorts by code point and keeps duplicates in order", () => {
  const mk = (id: string, title: string) => newItem(id, title, "2026-01-01T00:00:00Z");
  const items = [
    mk("tg-b", "1"),
    mk("tg-😀", "2"),
    mk("HAMY-1", "3"),
    mk("tg-\uffff", "4"),
    mk("tg-a", "5"),
    mk("tg-b", "6"),
    mk("tg-B", "7"),
  ];
  const sorted = sortById(items).map((it) => `${it.id}/${it.title}`);
  assert.deepEqual(sorted, [
    "HAMY-1/3",
    "tg-B/7",
    "tg-a/5",
    "tg-b/1",
    "tg-b/6",
    "tg-\uffff/4",
    "tg-😀/2",
  ]);
});
