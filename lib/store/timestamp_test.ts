import assert from "node:assert/strict";
import {
  canonicalTimestamp,
  compareInstants,
  formatEventTimestamp,
  formatHumanTimestamp,
  formatTimestamp,
  isCanonicalTimestamp,
  parseTimestamp,
  timestampSortKey,
} from "./timestamp.ts";

const NOON = 1771934400; // 2026-02-24T12:00:00Z

Deno.test("formatTimestamp() picks 0/3/6/9 fraction digits by value", () => {
  assert.equal(formatTimestamp({ secs: NOON, nanos: 0 }), "2026-02-24T12:00:00Z");
  assert.equal(formatTimestamp({ secs: NOON, nanos: 120_000_000 }), "2026-02-24T12:00:00.120Z");
  assert.equal(formatTimestamp({ secs: NOON, nanos: 120_500_000 }), "2026-02-24T12:00:00.120500Z");
  assert.equal(
    formatTimestamp({ secs: NOON, nanos: 174_511_400 }),
    "2026-02-24T12:00:00.174511400Z",
  );
  assert.equal(formatTimestamp({ secs: NOON, nanos: 1 }), "2026-02-24T12:00:00.000000001Z");
  assert.equal(formatTimestamp({ secs: NOON, nanos: 1_000 }), "2026-02-24T12:00:00.000001Z");
  assert.equal(formatTimestamp({ secs: NOON, nanos: 1_000_000 }), "2026-02-24T12:00:00.001Z");
});

Deno.test("formatTimestamp() handles the epoch, leap days and dates before 1970", () => {
  assert.equal(formatTimestamp({ secs: 0, nanos: 0 }), "1970-01-01T00:00:00Z");
  assert.equal(formatTimestamp({ secs: -1, nanos: 500_000_000 }), "1969-12-31T23:59:59.500Z");
  assert.equal(formatTimestamp({ secs: 951782400, nanos: 0 }), "2000-02-29T00:00:00Z");
  assert.equal(formatTimestamp({ secs: 253402300799, nanos: 0 }), "9999-12-31T23:59:59Z");
});

Deno.test("parseTimestamp() reads the canonical forms back", () => {
  assert.deepEqual(parseTimestamp("2026-02-24T12:00:00Z"), { secs: NOON, nanos: 0 });
  assert.deepEqual(parseTimestamp("2026-02-24T12:00:00.120Z"), { secs: NOON, nanos: 120_000_000 });
  assert.deepEqual(parseTimestamp("2026-02-24T12:00:00.174511400Z"), {
    secs: NOON,
    nanos: 174_511_400,
  });
});

Deno.test("canonicalTimestamp() shortens the fraction to 0/3/6/9 digits", () => {
  assert.equal(canonicalTimestamp("2026-02-24T12:00:00.000Z"), "2026-02-24T12:00:00Z");
  assert.equal(canonicalTimestamp("2026-02-24T12:00:00.000000000Z"), "2026-02-24T12:00:00Z");
  assert.equal(canonicalTimestamp("2026-02-24T12:00:00.12Z"), "2026-02-24T12:00:00.120Z");
  assert.equal(canonicalTimestamp("2026-02-24T12:00:00.1205Z"), "2026-02-24T12:00:00.120500Z");
  assert.equal(canonicalTimestamp("2026-02-24T12:00:00.120000Z"), "2026-02-24T12:00:00.120Z");
  assert.equal(
    canonicalTimestamp("2026-02-24T12:00:00.1234567Z"),
    "2026-02-24T12:00:00.123456700Z",
  );
});

Deno.test("canonicalTimestamp() truncates fractions beyond nine digits", () => {
  assert.equal(
    canonicalTimestamp("2026-02-24T12:00:00.1234567891999Z"),
    "2026-02-24T12:00:00.123456789Z",
  );
  assert.equal(
    canonicalTimestamp("2026-02-24T12:00:00.9999999999Z"),
    "2026-02-24T12:00:00.999999999Z",
  );
});

Deno.test("canonicalTimestamp() accepts 't' and space separators and a lowercase 'z'", () => {
  assert.equal(canonicalTimestamp("2026-02-24t12:00:00Z"), "2026-02-24T12:00:00Z");
  assert.equal(canonicalTimestamp("2026-02-24 12:00:00Z"), "2026-02-24T12:00:00Z");
  assert.equal(canonicalTimestamp("2026-02-24T12:00:00.5z"), "2026-02-24T12:00:00.500Z");
});

Deno.test("canonicalTimestamp() converts offsets to UTC", () => {
  assert.equal(canonicalTimestamp("2026-02-24T12:00:00+05:30"), "2026-02-24T06:30:00Z");
  assert.equal(canonicalTimestamp("2026-02-24T12:00:00-08:00"), "2026-02-24T20:00:00Z");
  assert.equal(canonicalTimestamp("2026-01-01T00:00:00+05:00"), "2025-12-31T19:00:00Z");
  assert.equal(canonicalTimestamp("2026-02-24T12:00:00.25+00:00"), "2026-02-24T12:00:00.250Z");
  assert.equal(canonicalTimestamp("2026-02-24T12:00:00-00:00"), "2026-02-24T12:00:00Z");
  assert.equal(canonicalTimestamp("2024-02-29T23:30:00-01:00"), "2024-03-01T00:30:00Z");
});

Deno.test("canonicalTimestamp() returns a canonical input unchanged", () => {
  for (
    const s of [
      "2026-02-24T12:00:00Z",
      "2026-02-24T12:00:00.120Z",
      "2026-02-24T12:00:00.120500Z",
      "2026-02-24T12:00:00.174511400Z",
    ]
  ) {
    assert.equal(canonicalTimestamp(s), s);
    assert.ok(isCanonicalTimestamp(s), s);
  }
});

Deno.test("isCanonicalTimestamp() rejects non-canonical and impossible forms", () => {
  for (
    const s of [
      "2026-02-24T12:00:00.000Z",
      "2026-02-24T12:00:00.120000Z",
      "2026-02-24T12:00:00.1Z",
      "2026-02-24t12:00:00Z",
      "2026-02-24T12:00:00z",
      "2026-02-24T12:00:00+00:00",
      "2026-02-30T12:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-01-01T24:00:00Z",
      "2026-01-01T00:00:61Z",
    ]
  ) {
    assert.equal(isCanonicalTimestamp(s), false, s);
  }
});

Deno.test("parseTimestamp() rejects impossible dates and times", () => {
  for (
    const s of [
      "2026-02-30T00:00:00Z",
      "2025-02-29T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-00-10T00:00:00Z",
      "2026-01-00T00:00:00Z",
      "2026-01-01T24:00:00Z",
      "2026-01-01T00:60:00Z",
      "2026-01-01T00:00:61Z",
      "2026-01-01T00:00:00+24:00",
      "2026-01-01T00:00:00+05:60",
    ]
  ) {
    assert.throws(() => parseTimestamp(s), SyntaxError, s);
    assert.throws(() => canonicalTimestamp(s), SyntaxError, s);
  }
  assert.deepEqual(parseTimestamp("2024-02-29T00:00:00Z"), { secs: 1709164800, nanos: 0 });
});

Deno.test("parseTimestamp() rejects text that is not RFC 3339", () => {
  for (
    const s of [
      "",
      "2026-01-01",
      "2026-01-01T00:00:00",
      "2026-01-01T00:00:00.Z",
      "2026-01-01T00:00Z",
      "2026-1-01T00:00:00Z",
      "2026-01-01X00:00:00Z",
      "2026-01-01T00:00:00+0500",
      " 2026-01-01T00:00:00Z",
      "2026-01-01T00:00:00Z ",
    ]
  ) {
    assert.throws(() => parseTimestamp(s), SyntaxError, JSON.stringify(s));
  }
});

Deno.test("formatEventTimestamp() always writes six digits, truncating", () => {
  assert.equal(formatEventTimestamp({ secs: NOON, nanos: 0 }), "2026-02-24T12:00:00.000000Z");
  assert.equal(
    formatEventTimestamp({ secs: NOON, nanos: 123_456_999 }),
    "2026-02-24T12:00:00.123456Z",
  );
  assert.equal(formatEventTimestamp({ secs: NOON, nanos: 999 }), "2026-02-24T12:00:00.000000Z");
  assert.equal(
    formatEventTimestamp({ secs: NOON, nanos: 120_000_000 }),
    "2026-02-24T12:00:00.120000Z",
  );
});

Deno.test("formatHumanTimestamp() uses a space, the same fraction rule and ' UTC'", () => {
  assert.equal(formatHumanTimestamp({ secs: NOON, nanos: 0 }), "2026-02-24 12:00:00 UTC");
  assert.equal(
    formatHumanTimestamp({ secs: NOON, nanos: 120_000_000 }),
    "2026-02-24 12:00:00.120 UTC",
  );
  assert.equal(
    formatHumanTimestamp({ secs: NOON, nanos: 120_500_000 }),
    "2026-02-24 12:00:00.120500 UTC",
  );
  assert.equal(
    formatHumanTimestamp({ secs: NOON, nanos: 174_511_400 }),
    "2026-02-24 12:00:00.174511400 UTC",
  );
});

Deno.test("compareInstants() orders by seconds, then nanoseconds", () => {
  assert.ok(compareInstants({ secs: 1, nanos: 999_999_999 }, { secs: 2, nanos: 0 }) < 0);
  assert.ok(compareInstants({ secs: 2, nanos: 1 }, { secs: 2, nanos: 0 }) > 0);
  assert.equal(compareInstants({ secs: 2, nanos: 5 }, { secs: 2, nanos: 5 }), 0);
});

Deno.test("timestampSortKey() sorts canonical timestamps chronologically", () => {
  // As plain strings these sort wrongly: "…00Z" > "…00.5Z" because 'Z' > '.'.
  const times = [
    "2026-02-24T12:00:01Z",
    "2026-02-24T12:00:00.5Z",
    "2026-02-24T12:00:00Z",
    "2026-02-24T12:00:00.000000001Z",
    "2026-02-24T12:00:00.120500Z",
    "2026-02-24T12:00:00.120Z",
    "2025-12-31T23:59:59.999999999Z",
  ].map(canonicalTimestamp);
  const byKey = [...times].sort((a, b) => {
    const ka = timestampSortKey(a);
    const kb = timestampSortKey(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  const byInstant = [...times].sort((a, b) =>
    compareInstants(parseTimestamp(a), parseTimestamp(b))
  );
  assert.deepEqual(byKey, byInstant);
  assert.deepEqual(byKey, [
    "2025-12-31T23:59:59.999999999Z",
    "2026-02-24T12:00:00Z",
    "2026-02-24T12:00:00.000000001Z",
    "2026-02-24T12:00:00.120Z",
    "2026-02-24T12:00:00.120500Z",
    "2026-02-24T12:00:00.500Z",
    "2026-02-24T12:00:01Z",
  ]);
  assert.equal(timestampSortKey("2026-02-24T12:00:00Z"), "2026-02-24T12:00:00.000000000");
  assert.equal(timestampSortKey("2026-02-24T12:00:00.120Z"), "2026-02-24T12:00:00.120000000");
});

Deno.test("parseTimestamp() accepts a leap second and keeps it as :60", () => {
  // Upstream's reader (chrono) accepts second 60 at any minute and writes it back.
  const t = parseTimestamp("2026-12-31T23:59:60.5Z");
  assert.deepEqual(t, { secs: 1798761599, nanos: 1_500_000_000 });
  assert.equal(formatTimestamp(t), "2026-12-31T23:59:60.500Z");
  assert.equal(formatEventTimestamp(t), "2026-12-31T23:59:60.500000Z");
  assert.equal(formatHumanTimestamp(t), "2026-12-31 23:59:60.500 UTC");
  assert.equal(canonicalTimestamp("2026-01-01T00:00:60Z"), "2026-01-01T00:00:60Z");
  assert.equal(canonicalTimestamp("2026-01-01T00:00:60.000Z"), "2026-01-01T00:00:60Z");
  assert.equal(canonicalTimestamp("2026-06-30T23:59:60+05:00"), "2026-06-30T18:59:60Z");
  assert.ok(isCanonicalTimestamp("2026-12-31T23:59:60.123456Z"));
  // It sorts between the second before and the second after.
  const before = parseTimestamp("2026-12-31T23:59:59.999999999Z");
  const after = parseTimestamp("2027-01-01T00:00:00Z");
  assert.ok(compareInstants(before, t) < 0 && compareInstants(t, after) < 0);
  const keys = [
    "2026-12-31T23:59:59.999999999Z",
    "2026-12-31T23:59:60.500Z",
    "2027-01-01T00:00:00Z",
  ]
    .map(timestampSortKey);
  assert.deepEqual([...keys].sort(), keys);
});
