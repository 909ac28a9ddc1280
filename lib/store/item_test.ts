import assert from "node:assert/strict";
import { type JsonObject, parseJsonMembers, stringifyCompact } from "./json.ts";
import {
  cloneItem,
  extensionKeyProblem,
  type Item,
  ITEM_FIELDS,
  itemFromMembers,
  itemLineFields,
  itemLineId,
  itemToJsonObject,
  itemToPrettyJson,
  lineFieldsItem,
  newItem,
  parseItemLine,
  scanItemLine,
  serializeItem,
  validateExtensions,
} from "./item.ts";

/** The example line of tg.md §2.2. */
const SPEC_LINE = '{"id":"tg-3k9xq","title":"Fix login timeout","status":"blocked","priority":2,' +
  '"description":null,"tags":["auth"],"dependencies":["tg-7m2pa"],' +
  '"created_at":"2026-04-15T16:45:25.138488510Z","updated_at":"2026-04-15T17:02:11.500Z",' +
  '"blocked_reason":"waiting on API","blocked_from_status":"doing","claimed_by":null,' +
  '"claimed_at":null,"parent":null,"x-meta":{"a":1,"b":[true,null]},"x-phase":"build"}';

/** Known fields of a minimal valid item, in on-disk order. */
const FIELDS: [string, string][] = [
  ["id", '"tg-1"'],
  ["title", '"T"'],
  ["status", '"todo"'],
  ["priority", "0"],
  ["description", "null"],
  ["tags", "[]"],
  ["dependencies", "[]"],
  ["created_at", '"2026-01-01T00:00:00Z"'],
  ["updated_at", '"2026-01-01T00:00:00Z"'],
  ["blocked_reason", "null"],
  ["blocked_from_status", "null"],
  ["claimed_by", "null"],
  ["claimed_at", "null"],
  ["parent", "null"],
];

/** A line with some fields replaced (value `undefined` drops the key) and extra text appended. */
function line(changes: Record<string, string | undefined> = {}, extra = ""): string {
  const parts: string[] = [];
  for (const [k, v] of FIELDS) {
    const value = k in changes ? changes[k] : v;
    if (value !== undefined) parts.push(`"${k}":${value}`);
  }
  return "{" + parts.join(",") + extra + "}";
}

function parseError(text: string): string {
  try {
    parseItemLine(text);
  } catch (e) {
    assert.ok(e instanceof SyntaxError, `expected a SyntaxError, got ${e}`);
    return e.message;
  }
  assert.fail(`parsed without error: ${text}`);
}

function slowParse(text: string): Item {
  return itemFromMembers(parseJsonMembers(text));
}

// --- round trips -------------------------------------------------------------------

Deno.test("parseItemLine() and serializeItem() are the identity on canonical lines", () => {
  const lines = [
    SPEC_LINE,
    line(),
    line({ priority: "-9223372036854775808", description: '"multi\\nline \\"quoted\\""' }),
    line({
      priority: "9223372036854775807",
      claimed_by: '"agent"',
      claimed_at: '"2026-01-01T00:00:01.000001Z"',
    }),
    line({ tags: '["a","b","a"]', dependencies: '["tg-2","tg-3"]', parent: '"tg-0"' }),
    line({}, ',"x-f":1.5,"x-i":18446744073709551615,"x-n":-0.0,"x-s":"\\u0001é😀\u2028"'),
    line({}, ',"x-obj":{"":0,"10":"ten","9":"nine","a":{"b":[1,{"c":null}]}}'),
    line({ title: '"\\b\\f\\n\\r\\t\\u001f\\\\/\u007f"' }),
  ];
  for (const l of lines) assert.equal(serializeItem(parseItemLine(l)), l);
});

Deno.test("parseItemLine() gives the same item on its fast and exact paths", () => {
  const lines = [
    SPEC_LINE,
    line(),
    line({ parent: undefined }),
    line({}, ',"x-a":{"b":"c"}'),
    line({}, ',"x-a":1'),
    line({ title: '"\\u0041"' }),
    line({ created_at: '"2026-01-01T05:00:00+05:00"' }),
    line({ parent: undefined }, ',"x-a":["b",true,null]'),
    line({ claimed_by: '"agent"', claimed_at: '"2026-01-01T00:00:00.123456789Z"' }),
    line({ created_at: '"2024-02-29T23:59:60.500Z"', updated_at: '"2000-02-29T00:00:00Z"' }),
    line({ created_at: '"2026-01-01T00:00:00.000Z"' }),
    line({ created_at: '"2026-01-01T00:00:00.120000Z"' }),
    line({ priority: "9007199254740993" }),
    line({ tags: '["a","\\"b\\u001f"]', dependencies: '["tg-2"]', parent: '"tg-0"' }),
    line({}, ',"x-b":"2","x-a":{"z":{"y":[]},"__proto__":"p"}'),
  ];
  for (const l of lines) {
    const fast = parseItemLine(l);
    const slow = slowParse(l);
    assert.deepStrictEqual(fast, slow, l);
    assert.equal(serializeItem(fast), serializeItem(slow), l);
    assert.equal(stringifyCompact(fast.extensions), stringifyCompact(slow.extensions));
  }
});

Deno.test("parseItemLine() rejects calendar dates that do not exist, as the exact parser does", () => {
  for (const ts of ["2023-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2026-04-31T00:00:00Z"]) {
    for (const field of ["created_at", "updated_at", "claimed_at"]) {
      const l = line({ [field]: `"${ts}"` });
      assert.throws(() => slowParse(l), { message: parseError(l) });
      assert.equal(scanItemLine(l), null, l);
      assert.equal(itemLineId(l), null, l);
    }
  }
  const leap = line({ created_at: '"2024-02-29T00:00:00Z"', claimed_at: '"2000-02-29T00:00:00Z"' });
  assert.deepEqual(scanItemLine(leap), { id: "tg-1", canonical: true });
  assert.equal(itemLineId(leap), "tg-1");
});

Deno.test("parseItemLine() reports malformed extension members with the exact parser's message", () => {
  for (const extra of [',"x-a":', ',"x-a":1,', ",x", ',"x-a":[1}']) {
    const l = line({}, extra);
    assert.match(parseError(l), / at line 1 column \d+$/, l);
    assert.throws(() => slowParse(l), { message: parseError(l) });
  }
});

Deno.test("parseItemLine() reads the fields of the spec example", () => {
  const it = parseItemLine(SPEC_LINE);
  assert.equal(it.id, "tg-3k9xq");
  assert.equal(it.status, "blocked");
  assert.equal(it.priority, 2n);
  assert.deepEqual(it.tags, ["auth"]);
  assert.equal(it.blocked_from_status, "doing");
  assert.equal(it.created_at, "2026-04-15T16:45:25.138488510Z");
  assert.equal(
    stringifyCompact(it.extensions),
    '{"x-meta":{"a":1,"b":[true,null]},"x-phase":"build"}',
  );
});

// --- normalization -------------------------------------------------------------------

Deno.test("serializeItem() normalizes escapes, whitespace and key order", () => {
  const messy = '{ "title" : "\\u0054" , "id":"tg-1","status":"todo","priority":0,' +
    '"tags":[ ],"dependencies":[],"description":null,"created_at":"2026-01-01T00:00:00Z",' +
    '"updated_at":"2026-01-01T00:00:00Z","parent":null,"claimed_at":null,"claimed_by":null,' +
    '"blocked_from_status":null,"blocked_reason":null,"x-b":{"z":1,"a":"\\/"},"x-a":2 }';
  assert.equal(serializeItem(parseItemLine(messy)), line({}, ',"x-a":2,"x-b":{"a":"/","z":1}'));
});

Deno.test("parseItemLine() keeps a leap second as upstream does", () => {
  const l = line({ claimed_at: '"2026-06-30T23:59:60Z"' });
  assert.equal(serializeItem(parseItemLine(l)), l);
});

Deno.test("serializeItem() normalizes non-UTC and non-canonical timestamps", () => {
  const it = parseItemLine(line({
    created_at: '"2026-01-01T05:00:00+05:00"',
    updated_at: '"2026-01-01 00:00:00.120000z"',
    claimed_at: '"2026-01-01t00:00:00.000000001-01:00"',
  }));
  assert.equal(it.created_at, "2026-01-01T00:00:00Z");
  assert.equal(it.updated_at, "2026-01-01T00:00:00.120Z");
  assert.equal(it.claimed_at, "2026-01-01T01:00:00.000000001Z");
  assert.equal(
    serializeItem(it),
    line({
      updated_at: '"2026-01-01T00:00:00.120Z"',
      claimed_at: '"2026-01-01T01:00:00.000000001Z"',
    }),
  );
});

Deno.test("serializeItem() normalizes extension numbers by the §2.5 rules", () => {
  const it = parseItemLine(line({}, ',"x-a":1e2,"x-b":1E16,"x-c":-0,"x-d":0.000001,"x-e":10.50'));
  assert.equal(
    serializeItem(it),
    line({}, ',"x-a":100.0,"x-b":1e+16,"x-c":-0.0,"x-d":1e-6,"x-e":10.5'),
  );
});

Deno.test("parseItemLine() keeps the last value of a duplicated x- key", () => {
  const it = parseItemLine(line({}, ',"x-a":1,"x-b":true,"x-a":{"k":2}'));
  assert.equal(stringifyCompact(it.extensions), '{"x-a":{"k":2},"x-b":true}');
  const strings = parseItemLine(line({}, ',"x-a":"first","x-a":"second"'));
  assert.equal(strings.extensions["x-a"], "second");
});

// --- absent nullable keys ---------------------------------------------------------------

Deno.test("serializeItem() keeps an absent parent key absent while it is null", () => {
  const old = line({ parent: undefined });
  const it = parseItemLine(old);
  assert.equal(it.parent, null);
  assert.equal(serializeItem(it), old);
  assert.equal(serializeItem(cloneItem(it)), old);
  it.title = "Renamed";
  assert.equal(serializeItem(it), line({ parent: undefined, title: '"Renamed"' }));
});

Deno.test("serializeItem() writes parent once it is set", () => {
  const it = parseItemLine(line({ parent: undefined }));
  it.parent = "tg-0";
  const written = serializeItem(it);
  assert.equal(written, line({ parent: '"tg-0"' }));
  // Cleared in the same session, the item is back to its state on read.
  it.parent = null;
  assert.equal(serializeItem(it), line({ parent: undefined }));
  // Read back from the written line, the key is present and stays as null.
  const reread = parseItemLine(written);
  reread.parent = null;
  assert.equal(serializeItem(reread), line());
});

Deno.test("serializeItem() keeps every absent nullable key absent while null", () => {
  const sparse = line({
    description: undefined,
    blocked_reason: undefined,
    blocked_from_status: undefined,
    claimed_by: undefined,
    claimed_at: undefined,
    parent: undefined,
  });
  const it = parseItemLine(sparse);
  assert.equal(serializeItem(it), sparse);
  it.claimed_by = "agent";
  it.claimed_at = "2026-01-02T00:00:00Z";
  assert.equal(
    serializeItem(it),
    line({
      description: undefined,
      blocked_reason: undefined,
      blocked_from_status: undefined,
      claimed_by: '"agent"',
      claimed_at: '"2026-01-02T00:00:00Z"',
      parent: undefined,
    }),
  );
});

Deno.test("serializeItem() writes every nullable field of a new item as null", () => {
  const it = newItem("tg-1", "T", "2026-01-01T00:00:00Z");
  assert.equal(serializeItem(it), line());
});

// --- parse errors --------------------------------------------------------------------------

Deno.test("parseItemLine() rejects a missing required field", () => {
  for (
    const k of [
      "id",
      "title",
      "status",
      "priority",
      "tags",
      "dependencies",
      "created_at",
      "updated_at",
    ]
  ) {
    assert.equal(parseError(line({ [k]: undefined })), `missing field \`${k}\``, k);
  }
});

Deno.test("parseItemLine() rejects null in a required field", () => {
  for (
    const k of [
      "id",
      "title",
      "status",
      "priority",
      "tags",
      "dependencies",
      "created_at",
      "updated_at",
    ]
  ) {
    assert.match(parseError(line({ [k]: "null" })), /^invalid type: null, expected /, k);
  }
});

Deno.test("parseItemLine() rejects a float priority", () => {
  assert.equal(
    parseError(line({ priority: "1.0" })),
    "invalid type: floating point `1.0`, expected i64",
  );
  assert.match(parseError(line({ priority: "1e2" })), /^invalid type: floating point `100\.0`/);
  assert.match(parseError(line({ priority: "-0" })), /^invalid type: floating point `-0\.0`/);
  assert.match(parseError(line({ priority: '"1"' })), /^invalid type: string "1", expected i64/);
});

Deno.test("parseItemLine() rejects a priority beyond i64", () => {
  assert.equal(
    parseError(line({ priority: "9223372036854775808" })),
    "invalid value: integer `9223372036854775808`, expected i64",
  );
  assert.match(parseError(line({ priority: "-9223372036854775809" })), /expected i64/);
  assert.equal(parseItemLine(line({ priority: "-9223372036854775808" })).priority, -(2n ** 63n));
});

Deno.test("parseItemLine() rejects a status that is not lowercase and known", () => {
  assert.equal(
    parseError(line({ status: '"Todo"' })),
    "unknown variant `Todo`, expected one of `todo`, `doing`, `done`, `blocked`",
  );
  assert.match(parseError(line({ status: '"archived"' })), /^unknown variant `archived`/);
  assert.match(parseError(line({ status: "1" })), /^invalid type: integer `1`/);
  assert.match(parseError(line({ blocked_from_status: '"Doing"' })), /^unknown variant `Doing`/);
});

Deno.test("parseItemLine() rejects a duplicate known key", () => {
  assert.equal(parseError(line({}, ',"title":"T"')), "duplicate field `title`");
  assert.equal(parseError(line({}, ',"parent":null')), "duplicate field `parent`");
});

Deno.test("parseItemLine() rejects numbers that overflow a double", () => {
  assert.match(
    parseError(line({}, ',"x-big":1e400')),
    /^number out of range at line 1 column \d+$/,
  );
});

Deno.test("parseItemLine() rejects trailing characters", () => {
  assert.match(parseError(line() + " x"), /^trailing characters at line 1 column \d+$/);
  assert.match(parseError(line() + "}"), /trailing characters/);
  assert.equal(serializeItem(parseItemLine(line() + " \t\r")), line());
});

Deno.test("parseItemLine() rejects 128 levels of nesting, the item object included", () => {
  const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
  // 1 (item) + 126 = 127 levels: accepted and written back unchanged.
  const ok = line({}, `,"x-d":${deep(126)}`);
  assert.equal(serializeItem(parseItemLine(ok)), ok);
  assert.match(parseError(line({}, `,"x-d":${deep(127)}`)), /^recursion limit exceeded/);
  const objects = '{"k":'.repeat(127) + "0" + "}".repeat(127);
  assert.match(parseError(line({}, `,"x-d":${objects}`)), /^recursion limit exceeded/);
});

Deno.test("parseItemLine() rejects values of the wrong type", () => {
  assert.match(
    parseError(line({ tags: '["a",1]' })),
    /^invalid type: integer `1`, expected a string/,
  );
  assert.match(parseError(line({ dependencies: '"tg-2"' })), /expected a sequence/);
  assert.match(parseError(line({ description: "5" })), /expected a string/);
  assert.match(parseError(line({ created_at: '"yesterday"' })), /yesterday/);
  assert.match(parseError(line({ updated_at: '"2026-02-30T00:00:00Z"' })), /out of range/);
  assert.match(parseError("[1]"), /expected a JSON object/);
  assert.match(parseError("not json"), /at line 1 column/);
  assert.match(parseError(""), /EOF/);
});

Deno.test("parseItemLine() rejects lone surrogates in strings", () => {
  assert.match(parseError(line({ title: '"\\ud800"' })), /surrogate/);
});

// --- extensions --------------------------------------------------------------------------

Deno.test("extensionKeyProblem() gives the tg.md §2.3 messages", () => {
  assert.equal(
    extensionKeyProblem("foo"),
    "Extension key 'foo' must start with 'x-' prefix. Rename to 'x-foo' or remove it.",
  );
  assert.equal(
    extensionKeyProblem("extensions"),
    "Extension key 'extensions' must start with 'x-' prefix. Rename to 'x-extensions' or remove it.",
  );
  assert.equal(
    extensionKeyProblem("X-upper"),
    "Extension key 'X-upper' must start with 'x-' prefix. Rename to 'x-X-upper' or remove it.",
  );
  assert.equal(
    extensionKeyProblem("status"),
    "Extension key 'status' collides with a known Item field name.",
  );
  for (const k of ITEM_FIELDS) assert.match(extensionKeyProblem(k)!, /collides/);
  assert.equal(extensionKeyProblem("x-"), null);
  assert.equal(extensionKeyProblem("x-pg-status"), null);
});

Deno.test("validateExtensions() reports the first bad key in sorted order", () => {
  const it = parseItemLine(line({}, ',"zeta":1,"alpha":2,"x-ok":3'));
  assert.equal(
    validateExtensions(it),
    "Extension key 'alpha' must start with 'x-' prefix. Rename to 'x-alpha' or remove it.",
  );
  it.extensions = { "x-ok": 1n, "title": "t" };
  assert.match(validateExtensions(it)!, /'title' collides/);
  it.extensions = { "x-ok": 1n };
  assert.equal(validateExtensions(it), null);
});

Deno.test("parseItemLine() keeps a __proto__ key as an extension, not a prototype", () => {
  const it = parseItemLine(line({}, ',"__proto__":{"a":1},"x-p":{"__proto__":2}'));
  assert.equal(Object.getPrototypeOf(it.extensions), null);
  assert.deepEqual(Object.keys(it.extensions).sort(), ["__proto__", "x-p"]);
  assert.match(validateExtensions(it)!, /'__proto__' must start with 'x-'/);
  assert.equal(stringifyCompact(it.extensions["x-p"]!), '{"__proto__":2}');
});

// --- serializer validation -------------------------------------------------------------------

Deno.test("serializeItem() refuses items it could not read back", () => {
  const base = () => newItem("tg-1", "T", "2026-01-01T00:00:00Z");
  const bad: [string, (it: Item) => void][] = [
    ["status", (it) => (it.status = "Todo" as Item["status"])],
    ["priority type", (it) => (it.priority = 1 as unknown as bigint)],
    ["priority range", (it) => (it.priority = 2n ** 63n)],
    ["extension key", (it) => (it.extensions = { foo: 1n })],
    ["timestamp", (it) => (it.updated_at = "not a time")],
    ["blocked_from_status", (it) => (it.blocked_from_status = "x" as Item["status"])],
    ["lone surrogate", (it) => (it.title = "\ud800")],
    ["tag type", (it) => (it.tags = [1 as unknown as string])],
    ["depth", (it) => {
      let v: JsonObject = {};
      for (let i = 0; i < 126; i++) v = { k: v };
      it.extensions = { "x-deep": v };
    }],
  ];
  for (const [name, mutate] of bad) {
    const it = base();
    mutate(it);
    assert.throws(() => serializeItem(it), Error, name);
  }
  const ok = base();
  let v: JsonObject = {};
  for (let i = 0; i < 125; i++) v = { k: v };
  ok.extensions = { "x-deep": v }; // 126 levels + the item = 127
  assert.doesNotThrow(() => serializeItem(ok));
});

Deno.test("serializeItem() writes known fields in order, then sorted extensions", () => {
  const it = newItem("tg-1", "T", "2026-01-01T00:00:00Z", {
    priority: -3n,
    tags: ["b", "a"],
    extensions: { "x-b": 1n, "x-a": { z: 1n, a: 2n } },
  });
  const keys = parseJsonMembers(serializeItem(it)).map(([k]) => k);
  assert.deepEqual(keys, [...ITEM_FIELDS, "x-a", "x-b"]);
  assert.match(serializeItem(it), /"priority":-3,/);
  assert.match(serializeItem(it), /"tags":\["b","a"\]/);
  assert.match(serializeItem(it), /"x-a":\{"a":2,"z":1\},"x-b":1\}$/);
});

// --- helpers ---------------------------------------------------------------------------------

Deno.test("cloneItem() deep-copies arrays and extensions", () => {
  const it = parseItemLine(line({ tags: '["a"]' }, ',"x-o":{"k":[1]}'));
  const copy = cloneItem(it);
  copy.tags.push("b");
  ((copy.extensions["x-o"] as JsonObject).k as bigint[]).push(2n);
  assert.deepEqual(it.tags, ["a"]);
  assert.equal(stringifyCompact(it.extensions), '{"x-o":{"k":[1]}}');
});

Deno.test("newItem() builds a todo item stamped twice with now", () => {
  const it = newItem("tg-x", "Title", "2026-03-01T10:00:00.5Z", { description: "d" });
  assert.equal(it.status, "todo");
  assert.equal(it.priority, 0n);
  assert.equal(it.created_at, "2026-03-01T10:00:00.5Z");
  assert.equal(it.updated_at, it.created_at);
  assert.equal(it.description, "d");
  assert.equal(Object.getPrototypeOf(it.extensions), null);
  assert.match(serializeItem(it), /"created_at":"2026-03-01T10:00:00\.500Z"/);
});

Deno.test("itemToPrettyJson() writes two-space JSON in on-disk order", () => {
  const it = parseItemLine(line({ tags: '["a"]' }, ',"x-z":1,"x-a":{"b":null}'));
  const pretty = itemToPrettyJson(it);
  assert.ok(pretty.startsWith('{\n  "id": "tg-1",\n  "title": "T",\n  "status": "todo",\n'));
  assert.ok(pretty.includes('  "tags": [\n    "a"\n  ],\n  "dependencies": [],\n'));
  assert.ok(pretty.endsWith('  "parent": null,\n  "x-a": {\n    "b": null\n  },\n  "x-z": 1\n}'));
  // Same data as the compact line.
  assert.equal(
    serializeItem(itemFromMembers(parseJsonMembers(pretty))),
    serializeItem(it),
  );
  const alpha = itemToPrettyJson(it, "", true);
  const keys = parseJsonMembers(alpha).map(([k]) => k);
  assert.deepEqual(keys, [...keys].sort());
});

Deno.test("itemToPrettyJson() escapes extension keys and sorts them by code point", () => {
  const it = parseItemLine(line({}, ',"x-q\\"uote":1,"x-\uffff":2,"x-😀":3,"x-\\u0001":4'));
  const pretty = itemToPrettyJson(it);
  const members = parseJsonMembers(pretty);
  assert.deepEqual(members.slice(-4).map(([k]) => k), ["x-\u0001", 'x-q"uote', "x-\uffff", "x-😀"]);
  assert.ok(pretty.includes('  "x-q\\"uote": 1,\n'));
  assert.ok(pretty.includes('  "x-\\u0001": 4,\n'));
  const alpha = parseJsonMembers(itemToPrettyJson(it, "", true)).map(([k]) => k);
  assert.deepEqual(alpha.slice(-3), ['x-q"uote', "x-\uffff", "x-😀"]);
});

Deno.test("itemToPrettyJson() writes timestamps in canonical form", () => {
  const it = newItem("tg-1", "T", "2026-01-01T00:00:00.500000Z");
  assert.ok(itemToPrettyJson(it).includes('"created_at": "2026-01-01T00:00:00.500Z"'));
  assert.ok(itemToPrettyJson(it).includes('"updated_at": "2026-01-01T00:00:00.500Z"'));
});

Deno.test("itemToJsonObject() holds known fields then extensions", () => {
  const it = parseItemLine(line({}, ',"x-a":1'));
  const o = itemToJsonObject(it);
  assert.deepEqual(Object.keys(o), [...ITEM_FIELDS, "x-a"]);
  assert.equal(o.priority, 0n);
});

Deno.test("itemLineId() and itemLineFields() take the lines scanItemLine() takes", () => {
  const deep = (n: number, leaf: string) => "[".repeat(n) + leaf + "]".repeat(n);
  const tails = [
    "",
    ',"x-a":"s"',
    ',"x-a":{"b":[true,null,{"c":"d"}]}',
    ',"x-a":1',
    ',"x-a":{"b":[1]}',
    ',"x-a":{"__proto__":{"x":false}}',
    ',"a":"s"',
    `,"x-a":${deep(125, '"s"')}`,
    `,"x-a":${deep(126, '"s"')}`,
    `,"x-a":${deep(127, '"s"')}`,
    ',"x-a":"\\ud800"',
    ',"x-a":{"id":"s"}',
    ',"x-a":',
  ];
  for (const t of tails) {
    const l = line({}, t);
    const taken = scanItemLine(l) !== null;
    assert.equal(itemLineId(l) !== null, taken, t.slice(0, 40));
    const f = itemLineFields(l);
    assert.equal(f !== null, taken, t.slice(0, 40));
    if (f !== null) {
      assert.deepStrictEqual(lineFieldsItem(f), parseItemLine(l));
      assert.throws(() => lineFieldsItem({ ...f }), TypeError);
    }
  }
  for (
    const l of [
      line({ title: '"Plain"', dependencies: '["tg-2","tg-\\"3\\u0001"]' }),
      line({ title: '"Esc\\"aped \\\\ \\n é"', priority: "-7", status: '"blocked"' }),
    ]
  ) {
    const f = itemLineFields(l)!;
    const it = parseItemLine(l);
    assert.deepEqual(
      [f.id, f.title, f.status, f.priority, f.dependencies, f.createdAt],
      [it.id, it.title, it.status, it.priority, it.dependencies, it.created_at],
    );
  }
});

Deno.test("scanItemLine() calls a line canonical only when serializeItem() writes it back the same", () => {
  const tails = [
    "",
    ',"x-a":"s","x-b":true',
    ',"x-b":"s","x-a":true', // keys out of order
    ',"x-a":{"a":[null,{"b":"c","c":"d"}],"b":"e"}',
    ',"x-a":{"b":"e","a":"f"}', // nested keys out of order
    ',"x-a":{"10":"x","9":"y"}', // JavaScript puts "9" first; the writer does not
    ',"x-a":"\\u00e9"', // an escape the writer does not use
    ',"x-a":"é\\n\\u0001"',
    ',"x-a":"s","x-a":"t"', // a duplicate key
    ',"x-\\u00e9":"s"',
    ',"x-é":"s","x-😀":"t","x-\uffff":"u"', // code-point order, not code units
    ',"x-😀":"t","x-\uffff":"u"',
    ',"x-\uffff":"u","x-😀":"t"',
  ];
  for (const t of tails) {
    const l = line({}, t);
    const scan = scanItemLine(l);
    assert.ok(scan !== null, t);
    const writesBack = serializeItem(parseItemLine(l)) === l;
    if (scan.canonical) assert.ok(writesBack, `called canonical: ${t}`);
    else if (!t.includes('"10"')) assert.ok(!writesBack, `not called canonical: ${t}`);
  }
});
