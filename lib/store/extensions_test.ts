import assert from "node:assert/strict";
import { TaskStoreError } from "./errors.ts";
import {
  applySets,
  deleteNested,
  parseDotPath,
  parseSetFlag,
  parseSetValue,
  setNested,
} from "./extensions.ts";
import { type JsonObject, stringifyCompact } from "./json.ts";
import { newItem, parseItemLine, serializeItem } from "./item.ts";

function inputError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TaskStoreError, `expected TaskStoreError, got ${e}`);
    assert.equal(e.code, "InvalidInput");
    assert.equal(e.exitCode, 1);
    return e.message;
  }
  assert.fail("no error");
}

/** Applies `--set` flags to an empty extension map and writes it canonically. */
function apply(...flags: string[]): string {
  const ext: JsonObject = Object.create(null);
  applySets(ext, flags.map(parseSetFlag));
  return stringifyCompact(ext);
}

function stored(value: string): string {
  return stringifyCompact(parseSetValue(value));
}

// --- grammar: tg.md §6.3 -------------------------------------------------------------

Deno.test("parseSetFlag() requires an '='", () => {
  assert.equal(
    inputError(() => parseSetFlag("x-a")),
    "Invalid --set format 'x-a': expected KEY=VALUE or KEY= (to delete)",
  );
  assert.equal(
    inputError(() => parseSetFlag("")),
    "Invalid --set format '': expected KEY=VALUE or KEY= (to delete)",
  );
});

Deno.test("parseSetFlag() splits at the first '='", () => {
  assert.deepEqual(parseSetFlag("x-a=b=c"), { path: ["x-a"], value: "b=c" });
  assert.deepEqual(parseSetFlag("x-a=="), { path: ["x-a"], value: "=" });
});

Deno.test("parseSetFlag() checks the key in the documented order", () => {
  assert.equal(inputError(() => parseSetFlag("=1")), "Extension key cannot be empty");
  assert.equal(inputError(() => parseSetFlag(".x-a=1")), "Extension key cannot be empty");
  assert.equal(inputError(() => parseSetFlag(".=1")), "Extension key cannot be empty");
  assert.equal(
    inputError(() => parseSetFlag("a=1")),
    "Extension key must start with 'x-', got 'a'",
  );
  assert.equal(
    inputError(() => parseSetFlag("X-a=1")),
    "Extension key must start with 'x-', got 'X-a'",
  );
  assert.equal(
    inputError(() => parseSetFlag("ab.x-c=1")),
    "Extension key must start with 'x-', got 'ab'",
  );
  // The prefix check comes before the empty-segment check.
  assert.equal(
    inputError(() => parseSetFlag("a..b=1")),
    "Extension key must start with 'x-', got 'a'",
  );
  assert.equal(
    inputError(() => parseSetFlag("x-a..b=1")),
    "Extension key has empty segment: 'x-a..b'",
  );
  assert.equal(inputError(() => parseSetFlag("x-a.=1")), "Extension key has empty segment: 'x-a.'");
  assert.equal(
    inputError(() => parseSetFlag("x-a.b.=")),
    "Extension key has empty segment: 'x-a.b.'",
  );
});

Deno.test("parseDotPath() accepts x- alone and nested paths", () => {
  assert.deepEqual(parseDotPath("x-"), ["x-"]);
  assert.deepEqual(parseDotPath("x-a.b.c"), ["x-a", "b", "c"]);
  assert.deepEqual(parseDotPath("x-a. .c"), ["x-a", " ", "c"]);
});

Deno.test("parseSetFlag() reads an empty value as a deletion", () => {
  assert.deepEqual(parseSetFlag("x-a="), { path: ["x-a"], value: undefined });
  assert.deepEqual(parseSetFlag("x-a.b="), { path: ["x-a", "b"], value: undefined });
});

// --- values -----------------------------------------------------------------------------

Deno.test("parseSetValue() uses numbers, booleans, null, arrays and objects as JSON", () => {
  assert.equal(parseSetValue("42"), 42n);
  assert.equal(parseSetValue("-7"), -7n);
  assert.equal(parseSetValue("1.5"), 1.5);
  assert.equal(parseSetValue("true"), true);
  assert.equal(parseSetValue("false"), false);
  assert.equal(parseSetValue("null"), null);
  assert.equal(
    stored('[1,"two",3.5,true,null,{"b":2,"a":1},[],{}]'),
    '[1,"two",3.5,true,null,{"a":1,"b":2},[],{}]',
  );
  assert.equal(
    stored('{"zeta":1,"10":"ten","9":"nine","":"e"}'),
    '{"":"e","10":"ten","9":"nine","zeta":1}',
  );
});

Deno.test("parseSetValue() accepts surrounding whitespace in the JSON attempt", () => {
  assert.equal(parseSetValue(" 42"), 42n);
  assert.equal(parseSetValue("42 "), 42n);
  assert.equal(stored("\t[1]\n"), "[1]");
});

Deno.test("parseSetValue() uses a JSON string only when the text starts with a quote", () => {
  assert.equal(parseSetValue('"quoted"'), "quoted");
  assert.equal(parseSetValue('"null"'), "null");
  assert.equal(parseSetValue('"007"'), "007");
  assert.equal(parseSetValue('""'), "");
  assert.equal(parseSetValue('"a\\u0041\\/"'), "aA/");
  // Leading whitespace makes it start with something else: stored literally.
  assert.equal(parseSetValue(' "x"'), ' "x"');
});

Deno.test("parseSetValue() stores anything that is not JSON as the literal text", () => {
  for (
    const t of [
      "1e400",
      "007",
      "NaN",
      "True",
      "1.",
      ".5",
      "+1",
      "0x10",
      "[1,",
      "hello",
      "  ",
      'q"',
      "{a:1}",
    ]
  ) {
    assert.equal(parseSetValue(t), t, t);
  }
});

Deno.test("parseSetValue() normalizes numbers like upstream", () => {
  assert.equal(stored("1.0"), "1.0");
  assert.equal(stored("1e2"), "100.0");
  assert.equal(stored("-0"), "-0.0");
  assert.equal(stored("1e16"), "1e+16");
  assert.equal(stored("18446744073709551616"), "1.8446744073709552e+19");
  assert.equal(stored("9007199254740993.0"), "9007199254740994.0");
  assert.equal(stored("0.000001"), "1e-6");
  assert.equal(stored("1e-400"), "0.0");
});

Deno.test("parseSetValue() keeps the last of duplicate keys", () => {
  assert.equal(stored('{"a":1,"a":2}'), '{"a":2}');
});

Deno.test("parseSetValue() stores a value nested 128 levels as a string", () => {
  const deep = "[".repeat(128) + "]".repeat(128);
  assert.equal(parseSetValue(deep), deep);
  const ok = "[".repeat(127) + "]".repeat(127);
  assert.ok(Array.isArray(parseSetValue(ok)));
});

// --- applying -------------------------------------------------------------------------------

Deno.test("applySets() applies operations left to right", () => {
  assert.equal(apply("x-a=1", "x-b=2", "x-a=3"), '{"x-a":3,"x-b":2}');
  assert.equal(apply("x-a=1", "x-a="), "{}");
  assert.equal(apply("x-a=null"), '{"x-a":null}');
  assert.equal(apply("x-=1"), '{"x-":1}');
});

Deno.test("applySets() creates intermediate objects for nested paths", () => {
  assert.equal(
    apply("x-m.owner.name=bob", "x-m.size=3"),
    '{"x-m":{"owner":{"name":"bob"},"size":3}}',
  );
});

Deno.test("applySets() replaces non-objects on a nested path", () => {
  assert.equal(apply("x-a=1", "x-a.b=2"), '{"x-a":{"b":2}}');
  assert.equal(apply("x-a=[1,2]", "x-a.b=2"), '{"x-a":{"b":2}}');
  assert.equal(apply('x-a={"b":"s"}', "x-a.b.c=true"), '{"x-a":{"b":{"c":true}}}');
});

Deno.test("applySets() removes parents that a deletion leaves empty", () => {
  assert.equal(apply("x-m.n.o=1", "x-m.n.o="), "{}");
  assert.equal(apply("x-m.n.o=1", "x-m.p=1", "x-m.n.o="), '{"x-m":{"p":1}}');
  assert.equal(apply("x-m.n.o=1", "x-m.n.q=1", "x-m.n.o="), '{"x-m":{"n":{"q":1}}}');
});

Deno.test("applySets() treats deleting a missing path or through a non-object as a no-op", () => {
  assert.equal(apply("x-a="), "{}");
  assert.equal(apply("x-a.b.c="), "{}");
  assert.equal(apply("x-a=5", "x-a.b="), '{"x-a":5}');
  assert.equal(apply("x-a=[1]", "x-a.0="), '{"x-a":[1]}');
  assert.equal(apply("x-a={}", "x-a.b="), '{"x-a":{}}');
});

Deno.test("deleteNested() only sees own keys", () => {
  // Ordinary objects (as a library user might build) inherit toString etc.
  const ext = { "x-a": {}, "x-b": { keep: 1n } } as unknown as JsonObject;
  deleteNested(ext, ["x-a", "toString"]);
  deleteNested(ext, ["x-b", "constructor", "name"]);
  assert.equal(stringifyCompact(ext), '{"x-a":{},"x-b":{"keep":1}}');
});

Deno.test("setNested() and deleteNested() keep __proto__ as a plain key", () => {
  const ext: JsonObject = Object.create(null);
  setNested(ext, ["x-a", "__proto__", "polluted"], true);
  assert.equal(stringifyCompact(ext), '{"x-a":{"__proto__":{"polluted":true}}}');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  deleteNested(ext, ["x-a", "__proto__", "polluted"]);
  assert.equal(stringifyCompact(ext), "{}");
});

Deno.test("applySets() rejects a value that would nest 127 levels below the item", () => {
  const v127 = "[".repeat(127) + "]".repeat(127);
  assert.equal(
    inputError(() => apply(`x-a=${v127}`)),
    "Extension 'x-a' would be nested 127 levels deep; at most 126 are allowed",
  );
  // Through a nested path the depth adds up.
  const v125 = "[".repeat(125) + "]".repeat(125);
  const v126 = "[".repeat(126) + "]".repeat(126);
  assert.match(inputError(() => apply(`x-a.b=${v126}`)), /nested 127 levels deep/);
  assert.equal(apply(`x-a.b=${v125}`), `{"x-a":{"b":${v125}}}`);
  const ext: JsonObject = Object.create(null);
  applySets(ext, [parseSetFlag(`x-a=${v126}`)]);
  // 126 levels in the value + the item object = 127: writable and readable.
  const it = newItem("tg-1", "T", "2026-01-01T00:00:00Z", { extensions: ext });
  const line = serializeItem(it);
  assert.equal(serializeItem(parseItemLine(line)), line);
});

Deno.test("applySets() checks the depth of the final state", () => {
  const v127 = "[".repeat(127) + "]".repeat(127);
  // Set and then deleted again: nothing too deep remains.
  assert.equal(apply(`x-a=${v127}`, "x-a="), "{}");
  assert.equal(apply(`x-a=${v127}`, "x-a=1"), '{"x-a":1}');
});

// What upstream tg 0.3.0 stores for `tg add t --set x-v=<token>`: every token,
// canonical or not, goes through its float arithmetic (null: not a number).
const SET_NUMBERS: [string, string | null][] = [
  ["0", "0"],
  ["-0", "-0.0"],
  ["-0.0", "-0.0"],
  ["1.0", "1.0"],
  ["1e2", "100.0"],
  ["18446744073709551615", "18446744073709551615"],
  ["-9223372036854775808", "-9223372036854775808"],
  ["-9223372036854775809", "-9.223372036854776e+18"],
  ["18446744073709551616", "1.8446744073709552e+19"],
  ["9007199254740993.0", "9007199254740994.0"],
  ["-1.5e-300", "-1.4999999999999998e-300"],
  ["1e15", "1000000000000000.0"],
  ["1e16", "1e+16"],
  ["0.000001", "1e-6"],
  ["5e-324", "5e-324"],
  ["2e-324", "0.0"],
  ["1e-400", "0.0"],
  ["0.1e-400", "0.0"],
  ["1e400", null],
  ["1.7976931348623159e308", null],
  ["1e2147483647", null],
  ["1e99999999999", null],
  ["0e99999999999", "0.0"],
  ["-1e-99999999999", "-0.0"],
  ["184467440737095516165.5", "1.844674407370955e+20"],
  ["18446744073709551615.5", "1.8446744073709552e+19"],
  ["12345678901234567890123e-10", "1234567890123.4568"],
  ["4.9406564584124654e-324", "5e-324"],
  ["2.2250738585072011e-308", "2.2250738585072014e-308"],
  ["123456789.123456789e-5", "1234.567891234568"],
  ["0.000000000000000000000000000001", "9.999999999999999e-31"],
];

Deno.test("parseSetValue() rounds every number token the way upstream's --set does", () => {
  for (const [token, expected] of SET_NUMBERS) {
    assert.equal(stringifyCompact(parseSetValue(token)), expected ?? JSON.stringify(token), token);
  }
});
