import assert from "node:assert/strict";
import { DurationSyntaxError, parseDuration } from "./duration.ts";

const S = 1_000_000_000n;

Deno.test("parseDuration() adds up spans in every unit spelling", () => {
  assert.equal(parseDuration("0"), 0n);
  assert.equal(parseDuration("1h 30m"), 5400n * S);
  assert.equal(parseDuration("1h30m"), 5400n * S);
  assert.equal(parseDuration("2days"), 172800n * S);
  assert.equal(parseDuration("1w"), 604800n * S);
  assert.equal(parseDuration("3M"), 3n * 2_630_016n * S);
  assert.equal(parseDuration("1y"), 31_557_600n * S);
  assert.equal(parseDuration("10µs"), 10_000n);
  assert.equal(parseDuration("1 h"), 3600n * S);
  assert.equal(parseDuration("1\th"), 3600n * S);
  assert.equal(parseDuration(" 1h "), 3600n * S);
  assert.equal(parseDuration("1y1M1w1d1h1m1s1ms1us1ns"), 34_882_477n * S + 1_001_001n);
});

Deno.test("parseDuration() accepts fractions that come out whole", () => {
  assert.equal(parseDuration("1.5h"), 5400n * S);
  assert.equal(parseDuration("0.5s"), S / 2n);
  assert.equal(parseDuration("1.123456789s"), 1_123_456_789n);
  assert.equal(parseDuration("0.25M"), 657_504n * S);
});

Deno.test("parseDuration() reports upstream's messages with byte offsets", () => {
  const cases: [string, string][] = [
    ["", "value was empty"],
    ["   ", "value was empty"],
    ["bogus", "expected number at 0"],
    ["-1h", "expected number at 0"],
    ["1h x", "expected number at 3"],
    ["10", "time unit needed, for example 10sec or 10ms"],
    ["00", "time unit needed, for example 0sec or 0ms"],
    ["1.5", "time unit needed, for example 1sec or 1ms"],
    ["1_000s", "invalid character at 1"],
    ["1.h", "invalid character at 1"],
    ["1..5h", "invalid character at 1"],
    ["1hé", "invalid character at 2"],
    ["1é", "invalid character at 1"],
    [
      "1H",
      'unknown time unit "H", supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)',
    ],
    [
      "1.5ns",
      "number is too large or cannot be represented without a lack of precision (values below 1ns are not supported)",
    ],
    [
      "0.3333h",
      "number is too large or cannot be represented without a lack of precision (values below 1ns are not supported)",
    ],
    [
      "18446744073709551616s",
      "number is too large or cannot be represented without a lack of precision (values below 1ns are not supported)",
    ],
    [
      "9223372036854775808ms",
      "number is too large or cannot be represented without a lack of precision (values below 1ns are not supported)",
    ],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseDuration(text), (e) => {
      assert.ok(e instanceof DurationSyntaxError, text);
      assert.equal(e.message, message, text);
      return true;
    });
  }
});
