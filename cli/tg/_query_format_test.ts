import assert from "node:assert/strict";
import { humanOutput, jsonOutput, plainDecimal } from "./_query_format.ts";

Deno.test("plainDecimal() writes reals without exponent and without a trailing .0", () => {
  const cases: [number, string][] = [
    [1.5, "1.5"],
    [1e16, "10000000000000000"],
    [1e-7, "0.0000001"],
    [12, "12"],
    [-0, "-0"],
    [0, "0"],
    [0.1, "0.1"],
    [-2.5e-3, "-0.0025"],
    [123456.789, "123456.789"],
    [1.7976931348623157e308, "17976931348623157" + "0".repeat(292)],
    [5e-324, "0." + "0".repeat(323) + "5"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
  ];
  for (const [x, s] of cases) assert.equal(plainDecimal(x), s, String(x));
});

Deno.test("humanOutput() pads each column to its widest cell in bytes, counting padding in characters", () => {
  const out = humanOutput({
    columns: ["id", "title", "priority", "parent"],
    rows: [
      ["tg-32vbv", "Céline", 0n, null],
      ["tg-ks1n9", "A", 0n, null],
      ["tg-ttcvm", "B", 3n, "tg-ks1n9"],
    ],
  });
  assert.equal(
    out,
    "id        title    priority  parent  \n" +
      "tg-32vbv  Céline   0                 \n" +
      "tg-ks1n9  A        0                 \n" +
      "tg-ttcvm  B        3         tg-ks1n9\n",
  );
});

Deno.test("humanOutput() shows NULL as empty, blobs as <blob>, reals in plain decimal", () => {
  const out = humanOutput({ columns: ["a", "b", "c"], rows: [[null, new Uint8Array([0]), 1e16]] });
  assert.equal(out, "a  b       c" + " ".repeat(16) + "\n   <blob>  10000000000000000\n");
});

Deno.test("humanOutput() with no rows prints the header and (0 rows)", () => {
  assert.equal(humanOutput({ columns: ["id", "é"], rows: [] }), "id  é \n(0 rows)\n");
});

Deno.test("jsonOutput() keeps ±2^53 as numbers and turns larger integers into strings with one warning", () => {
  const { stdout, warnings } = jsonOutput({
    columns: ["a", "b", "c", "d"],
    rows: [[9007199254740992n, -9007199254740992n, 9007199254740993n, -9007199254740994n]],
  });
  assert.equal(
    stdout,
    '{\n  "columns": [\n    "a",\n    "b",\n    "c",\n    "d"\n  ],\n  "rows": [\n    [\n' +
      '      9007199254740992,\n      -9007199254740992,\n      "9007199254740993",\n' +
      '      "-9007199254740994"\n    ]\n  ]\n}\n',
  );
  assert.deepEqual(warnings, [
    "warning: integer 9007199254740993 exceeds JSON-safe range (2^53); emitting as string",
  ]);
});

Deno.test("jsonOutput() writes reals by the float rule and nulls non-finite values and blobs with a warning each", () => {
  const { stdout, warnings } = jsonOutput({
    columns: ["r"],
    rows: [[1.0], [1e16], [-0], [Infinity], [-Infinity], [new Uint8Array(2)], ['é"\n'], [null]],
  });
  const values = stdout.split("\n").filter((l) => l.startsWith("      ")).map((l) => l.trim());
  assert.deepEqual(values, ["1.0", "1e+16", "-0.0", "null", "null", "null", '"é\\"\\n"', "null"]);
  assert.deepEqual(warnings, [
    "warning: non-finite real value inf emitted as JSON null",
    "warning: non-finite real value -inf emitted as JSON null",
    "warning: blob column encountered; emitting as null",
  ]);
});

Deno.test("jsonOutput() writes empty row lists as []", () => {
  assert.equal(
    jsonOutput({ columns: ["id"], rows: [] }).stdout,
    '{\n  "columns": [\n    "id"\n  ],\n  "rows": []\n}\n',
  );
});
