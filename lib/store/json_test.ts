import assert from "node:assert/strict";
import {
  cloneJson,
  compareCodePoints,
  formatFloat,
  jsonDepth,
  type JsonObject,
  JsonSyntaxError,
  type JsonValue,
  MAX_JSON_DEPTH,
  parseJson,
  parseJsonMembers,
  quoteJsonString,
  sortedKeys,
  stringifyCompact,
  stringifyPretty,
} from "./json.ts";

/** Parses a token and writes it back canonically (what a rewrite stores). */
function roundTrip(text: string): string {
  return stringifyCompact(parseJson(text));
}

function nested(depth: number, open = "[", close = "]"): string {
  return open.repeat(depth) + close.repeat(depth);
}

function nestedObject(depth: number): string {
  return '{"a":'.repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
}

// --- numbers: tg.md §2.5 table -------------------------------------------------

Deno.test("parseJson() keeps u64 integers exact", () => {
  assert.equal(parseJson("18446744073709551615"), 18446744073709551615n);
  assert.equal(roundTrip("18446744073709551615"), "18446744073709551615");
  assert.equal(parseJson("0"), 0n);
  assert.equal(roundTrip("0"), "0");
  assert.equal(parseJson("9007199254740993"), 9007199254740993n);
});

Deno.test("parseJson() keeps negative i64 integers exact", () => {
  assert.equal(parseJson("-9223372036854775808"), -9223372036854775808n);
  assert.equal(roundTrip("-9223372036854775808"), "-9223372036854775808");
  assert.equal(roundTrip("-1"), "-1");
});

Deno.test("parseJson() reads -0 as the float -0.0", () => {
  const v = parseJson("-0");
  assert.equal(typeof v, "number");
  assert.ok(Object.is(v, -0));
  assert.equal(roundTrip("-0"), "-0.0");
  assert.equal(roundTrip("-0.0"), "-0.0");
  assert.equal(roundTrip("0.0"), "0.0");
});

Deno.test("parseJson() turns integers outside u64 and i64 into floats", () => {
  assert.equal(typeof parseJson("18446744073709551616"), "number");
  assert.equal(roundTrip("18446744073709551616"), "1.8446744073709552e+19");
  assert.equal(roundTrip("-9223372036854775809"), "-9.223372036854776e+18");
  assert.equal(roundTrip("-18446744073709551615"), "-1.8446744073709552e+19");
  assert.equal(roundTrip("123456789012345678901234567890"), "1.2345678901234568e+29");
});

Deno.test("parseJson() rounds long tokens the way upstream does", () => {
  // Upstream keeps the digits that fit a u64 significand and scales by one
  // power of ten, which is not always the nearest double.
  assert.equal(roundTrip("9007199254740993.0"), "9007199254740994.0");
  assert.equal(roundTrip("184467440737095516150"), "1.844674407370955e+20");
  assert.equal(roundTrip("2.2250738585072011e-308"), "2.2250738585072014e-308");
  assert.equal(roundTrip("2.4703282292062328e-324"), "0.0");
  assert.equal(
    roundTrip("1.00000000000000011102230246251565404236316680908203125"),
    "1.0000000000000002",
  );
  assert.equal(roundTrip("18446744073709551616.5"), "1.8446744073709552e+19");
  assert.equal(roundTrip("99999999999999999999999999e-10"), "1e+16");
});

Deno.test("parseJson() reads every token with '.', 'e' or 'E' as a float", () => {
  assert.equal(parseJson("1.0"), 1);
  assert.equal(typeof parseJson("1.0"), "number");
  assert.equal(typeof parseJson("1e2"), "number");
  assert.equal(roundTrip("1.0"), "1.0");
  assert.equal(roundTrip("1e2"), "100.0");
  assert.equal(roundTrip("1E2"), "100.0");
  assert.equal(roundTrip("1e+2"), "100.0");
  assert.equal(roundTrip("0.1"), "0.1");
  assert.equal(roundTrip("1.5"), "1.5");
});

Deno.test("parseJson() normalizes the observed tokens of tg.md §2.5", () => {
  const observed: [string, string][] = [
    ["0", "0"],
    ["1.0", "1.0"],
    ["1e2", "100.0"],
    ["-0", "-0.0"],
    ["18446744073709551615", "18446744073709551615"],
    ["18446744073709551616", "1.8446744073709552e+19"],
    ["-9223372036854775809", "-9.223372036854776e+18"],
    ["9007199254740993.0", "9007199254740994.0"],
    ["1e15", "1000000000000000.0"],
    ["1e16", "1e+16"],
    ["0.00001", "0.00001"],
    ["0.000001", "1e-6"],
    ["2.5e-5", "0.000025"],
    ["123e-7", "0.0000123"],
    ["5e-324", "5e-324"],
    ["1e-400", "0.0"],
  ];
  for (const [input, written] of observed) assert.equal(roundTrip(input), written, input);
});

Deno.test("parseJson() reads magnitudes below the smallest subnormal as zero", () => {
  assert.equal(roundTrip("1e-400"), "0.0");
  assert.equal(roundTrip("2e-324"), "0.0");
  assert.equal(roundTrip("-1e-400"), "-0.0");
  assert.equal(roundTrip("1e-99999999999"), "0.0");
  assert.equal(roundTrip("0e99999999999"), "0.0");
});

Deno.test("parseJson() rejects numbers that overflow a double", () => {
  for (const t of ["1e400", "-1e400", "1.7976931348623159e308", "1e99999999999", "0.5e309"]) {
    assert.throws(() => parseJson(t), (e) => {
      assert.ok(e instanceof JsonSyntaxError);
      assert.match(e.message, /^number out of range at line 1 column 1$/);
      return true;
    }, t);
  }
  // The largest double itself is fine.
  assert.equal(roundTrip("1.7976931348623157e308"), "1.7976931348623157e+308");
});

Deno.test("parseJson() rejects tokens outside the JSON number grammar", () => {
  for (const t of ["01", "1.", ".5", "+1", "NaN", "Infinity", "0x10", "1e", "1e+", "-", "--1"]) {
    assert.throws(() => parseJson(t), JsonSyntaxError, t);
  }
});

Deno.test("parseJson() keeps canonical float text stable on rewrite", () => {
  // Every double written by formatFloat must read back as the same double,
  // otherwise an unchanged item line would change on the next rewrite.
  const samples = [
    -6.199999999999999e+74,
    8.164999091678e+305,
    1.7976931348623157e308,
    5e-324,
    2.2250738585072014e-308,
    Math.PI,
    0.1 + 0.2,
    -123.456,
    1e21,
    9007199254740994,
  ];
  let seed = 7;
  const bits = new DataView(new ArrayBuffer(8));
  while (samples.length < 2000) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    bits.setUint32(0, seed);
    seed = (seed * 1103515245 + 12345) >>> 0;
    bits.setUint32(4, seed);
    const x = bits.getFloat64(0);
    if (Number.isFinite(x)) samples.push(x);
  }
  for (const x of samples) {
    const text = formatFloat(x);
    const back = parseJson(text);
    assert.ok(Object.is(back, x), `${text} read back as ${String(back)}`);
    assert.equal(stringifyCompact(back), text);
  }
});

// --- float formatting ------------------------------------------------------------

Deno.test("formatFloat() uses fixed notation for decimal exponents -5..15", () => {
  assert.equal(formatFloat(1), "1.0");
  assert.equal(formatFloat(100), "100.0");
  assert.equal(formatFloat(1e15), "1000000000000000.0");
  assert.equal(formatFloat(0.00001), "0.00001");
  assert.equal(formatFloat(1.5), "1.5");
  assert.equal(formatFloat(-2.5), "-2.5");
  assert.equal(formatFloat(123456.789), "123456.789");
  assert.equal(formatFloat(0.000025), "0.000025");
});

Deno.test("formatFloat() uses signed scientific notation outside -5..15", () => {
  assert.equal(formatFloat(1e16), "1e+16");
  assert.equal(formatFloat(1.5e300), "1.5e+300");
  assert.equal(formatFloat(0.000001), "1e-6");
  assert.equal(formatFloat(6.62607015e-34), "6.62607015e-34");
  assert.equal(formatFloat(-2.5e-7), "-2.5e-7");
  assert.equal(formatFloat(5e-324), "5e-324");
});

Deno.test("formatFloat() writes signed zeros and refuses non-finite numbers", () => {
  assert.equal(formatFloat(0), "0.0");
  assert.equal(formatFloat(-0), "-0.0");
  assert.throws(() => formatFloat(Infinity), RangeError);
  assert.throws(() => formatFloat(NaN), RangeError);
});

// --- strings: tg.md §2.2 --------------------------------------------------------

Deno.test("stringifyCompact() uses short escapes for \\b \\f \\n \\r \\t", () => {
  assert.equal(stringifyCompact("\b\f\n\r\t"), '"\\b\\f\\n\\r\\t"');
  assert.equal(stringifyCompact('"\\'), '"\\"\\\\"');
});

Deno.test("stringifyCompact() writes other control characters as lowercase \\u00xx", () => {
  assert.equal(stringifyCompact("\u0000\u0001\u001f\u000b"), '"\\u0000\\u0001\\u001f\\u000b"');
  assert.equal(stringifyCompact("\u001b"), '"\\u001b"');
});

Deno.test("stringifyCompact() writes U+007F, '/', U+2028/2029 and non-ASCII raw", () => {
  const s = "\u007f/\u2028\u2029é漢😀";
  assert.equal(stringifyCompact(s), '"' + s + '"');
});

Deno.test("parseJson() normalizes \\u0041 and \\/ escapes", () => {
  assert.equal(roundTrip('"a\\u0041\\/"'), '"aA/"');
  assert.equal(roundTrip('"\\u00e9\\u007F\\u2028"'), '"é\u007f\u2028"');
  assert.equal(roundTrip('"\\ud83d\\ude00"'), '"😀"');
  assert.equal(roundTrip('"\\u000A\\u0008"'), '"\\n\\b"');
});

Deno.test("parseJson() rejects lone surrogate escapes", () => {
  for (
    const t of ['"\\ud800"', '"\\udc00"', '"\\ud800\\u0041"', '"\\ud800x"', '"\\udfff\\ud800"']
  ) {
    assert.throws(() => parseJson(t), (e) => {
      assert.ok(e instanceof JsonSyntaxError);
      assert.match(e.message, /surrogate/);
      return true;
    }, t);
  }
});

Deno.test("parseJson() rejects raw control characters and bad escapes in strings", () => {
  assert.throws(() => parseJson('"a\nb"'), /control character/);
  assert.throws(() => parseJson('"\\x"'), /invalid escape/);
  assert.throws(() => parseJson('"\\u12G4"'), /invalid escape/);
  assert.throws(() => parseJson('"abc'), /EOF while parsing a string/);
});

Deno.test("quoteJsonString() refuses strings with lone surrogates", () => {
  assert.throws(() => quoteJsonString("a\ud800"), TypeError);
  assert.equal(quoteJsonString("😀"), '"😀"');
});

// --- objects ---------------------------------------------------------------------

Deno.test("stringifyCompact() sorts nested keys by code point, recursively", () => {
  const v = parseJson('{"b":{"z":1,"a":[{"y":2,"x":1}]},"a":null,"B":true}');
  assert.equal(stringifyCompact(v), '{"B":true,"a":null,"b":{"a":[{"x":1,"y":2}],"z":1}}');
});

Deno.test("stringifyCompact() sorts integer-like keys as strings, not numbers", () => {
  // JS enumerates "9" before "10"; code-point order puts "10" first.
  const v = parseJson('{"9":"nine","10":"ten","a":1,"":0}');
  assert.equal(stringifyCompact(v), '{"":0,"10":"ten","9":"nine","a":1}');
  assert.deepEqual(sortedKeys(v as JsonObject), ["", "10", "9", "a"]);
});

Deno.test("stringifyCompact() sorts astral keys after U+FFFF", () => {
  const v = parseJson('{"😀":1,"\\uffff":2,"\\ue000":3,"z":4}');
  assert.equal(stringifyCompact(v), '{"z":4,"\ue000":3,"\uffff":2,"😀":1}');
});

Deno.test("compareCodePoints() orders by code point, unlike '<'", () => {
  assert.ok(compareCodePoints("\uffff", "😀") < 0);
  assert.ok("\uffff" > "😀"); // the UTF-16 order this function exists to avoid
  assert.ok(compareCodePoints("😀", "😁") < 0);
  assert.ok(compareCodePoints("a", "ab") < 0);
  assert.ok(compareCodePoints("B", "a") < 0);
  assert.equal(compareCodePoints("x", "x"), 0);
  assert.ok(compareCodePoints("tg-b", "tg-a") > 0);
});

Deno.test("parseJson() keeps the last value of a duplicate key in nested objects", () => {
  assert.equal(roundTrip('{"a":1,"a":2}'), '{"a":2}');
  assert.equal(roundTrip('{"o":{"b":1,"c":0,"b":{"x":2}}}'), '{"o":{"b":{"x":2},"c":0}}');
});

Deno.test("parseJsonMembers() returns top-level members in order with duplicates", () => {
  const members = parseJsonMembers('{"b":1,"a":2,"b":3}');
  assert.deepEqual(members, [["b", 1n], ["a", 2n], ["b", 3n]]);
  assert.throws(() => parseJsonMembers("[1]"), /expected a JSON object/);
  assert.throws(() => parseJsonMembers(""), /EOF while parsing a value/);
  assert.throws(() => parseJsonMembers('{"a":1} x'), /trailing characters/);
});

Deno.test("parseJson() keeps __proto__ keys as data", () => {
  const v = parseJson('{"__proto__":{"polluted":true},"constructor":1}') as JsonObject;
  assert.equal(Object.getPrototypeOf(v), null);
  assert.deepEqual(Object.keys(v), ["__proto__", "constructor"]);
  assert.equal(stringifyCompact(v), '{"__proto__":{"polluted":true},"constructor":1}');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

// --- depth and trailing input ----------------------------------------------------

Deno.test("parseJson() accepts 127 levels of nesting and rejects 128", () => {
  assert.equal(MAX_JSON_DEPTH, 127);
  assert.equal(jsonDepth(parseJson(nested(127))), 127);
  assert.equal(jsonDepth(parseJson(nestedObject(127))), 127);
  assert.throws(() => parseJson(nested(128)), /recursion limit exceeded/);
  assert.throws(() => parseJson(nestedObject(128)), /recursion limit exceeded/);
  // Mixed containers count the same.
  assert.throws(() => parseJson('{"a":' + nested(127) + "}"), /recursion limit exceeded/);
  assert.doesNotThrow(() => parseJson('{"a":' + nested(126) + "}"));
});

Deno.test("parseJson() honours a smaller maxDepth", () => {
  assert.doesNotThrow(() => parseJson(nested(3), { maxDepth: 3 }));
  assert.throws(() => parseJson(nested(4), { maxDepth: 3 }), /recursion limit exceeded/);
});

Deno.test("parseJson() rejects trailing characters but not trailing whitespace", () => {
  assert.equal(parseJson(" \t\r\n1 \n"), 1n);
  assert.throws(() => parseJson("1 x"), /trailing characters at line 1 column 3/);
  assert.throws(() => parseJson("{} {}"), /trailing characters/);
  assert.throws(() => parseJson("truex"), /trailing characters/);
  assert.throws(() => parseJson(""), /EOF while parsing a value/);
  assert.throws(() => parseJson("tru"), /expected ident/);
});

Deno.test("JsonSyntaxError reports a 1-based column", () => {
  try {
    parseJson('{"a":1,}');
    assert.fail("should throw");
  } catch (e) {
    assert.ok(e instanceof JsonSyntaxError);
    assert.equal(e.column, 8);
    assert.equal(e.message, "key must be a string at line 1 column 8");
  }
});

// --- writers ---------------------------------------------------------------------

Deno.test("stringifyPretty() indents two spaces and sorts keys", () => {
  const v = parseJson('{"b":[1,{"d":null,"c":2.5}],"a":{},"e":[]}');
  assert.equal(
    stringifyPretty(v),
    '{\n  "a": {},\n  "b": [\n    1,\n    {\n      "c": 2.5,\n      "d": null\n    }\n  ],\n  "e": []\n}',
  );
  assert.equal(stringifyPretty("x"), '"x"');
});

Deno.test("stringifyCompact() refuses values that are not JSON", () => {
  assert.throws(() => stringifyCompact(undefined as unknown as JsonValue), TypeError);
  assert.throws(() => stringifyCompact(NaN), RangeError);
});

Deno.test("cloneJson() deep-copies into null-prototype objects and checks values", () => {
  const src: JsonObject = { a: [1n, { b: "c" }], d: 1.5 };
  const copy = cloneJson(src) as JsonObject;
  assert.equal(stringifyCompact(copy), stringifyCompact(src));
  assert.equal(Object.getPrototypeOf(copy), null);
  ((copy.a as JsonValue[])[1] as JsonObject).b = "changed";
  assert.equal(((src.a as JsonValue[])[1] as JsonObject).b, "c");
  assert.throws(() => cloneJson(Infinity), TypeError);
  assert.throws(() => cloneJson({ f: (() => 1) as unknown as JsonValue }), TypeError);
});

Deno.test("jsonDepth() counts container levels", () => {
  assert.equal(jsonDepth(1n), 0);
  assert.equal(jsonDepth([]), 1);
  assert.equal(jsonDepth({ a: [[], { b: {} }] }), 4);
});
