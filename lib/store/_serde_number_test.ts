import assert from "node:assert/strict";
import { serdeNumber } from "./_serde_number.ts";
import { formatFloat } from "./json.ts";

function written(token: string): string | null {
  const v = serdeNumber(token);
  if (v === null) return null;
  return typeof v === "bigint" ? v.toString() : formatFloat(v);
}

// Expected values: what upstream tg 0.3.0 stores for `tg add t --set x-v=<token>`.
const UPSTREAM: [string, string | null][] = [
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

Deno.test("serdeNumber() reproduces upstream's stored value for each token", () => {
  for (const [token, expected] of UPSTREAM) {
    assert.equal(written(token), expected, token);
  }
});

Deno.test("serdeNumber() keeps integers exact within u64 and i64", () => {
  assert.equal(serdeNumber("42"), 42n);
  assert.equal(serdeNumber("-17"), -17n);
  assert.equal(serdeNumber("9223372036854775808"), 9223372036854775808n);
});
