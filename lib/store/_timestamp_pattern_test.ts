import assert from "node:assert/strict";
import { isCanonicalTimestampShape, TIMESTAMP_SHAPE_PATTERN } from "./_timestamp_pattern.ts";
import { isCanonicalTimestamp } from "./timestamp.ts";

const RE = new RegExp(`^${TIMESTAMP_SHAPE_PATTERN}$`);

/** Strings the pattern and the shape check together judge unlike isCanonicalTimestamp(). */
function mismatches(candidates: Iterable<string>): string[] {
  const out: string[] = [];
  for (const s of candidates) {
    const matched = RE.test(s);
    if (isCanonicalTimestamp(s) && !matched) out.push(`not matched: ${s}`);
    if (matched && isCanonicalTimestampShape(s) !== isCanonicalTimestamp(s)) out.push(s);
    if (matched && !isCanonicalTimestamp(s) && !/^.{8}(?:29|30|31)/.test(s)) out.push(`day: ${s}`);
  }
  return out;
}

function* calendar(): Generator<string> {
  for (let y = 0; y < 10000; y++) {
    const year = String(y).padStart(4, "0");
    for (const md of ["02-28", "02-29", "02-30", "01-31", "04-30", "04-31", "12-31", "13-01"]) {
      yield `${year}-${md}T00:00:00Z`;
    }
  }
  for (const year of ["0000", "1900", "2000", "2023", "2024", "2100", "9999"]) {
    for (let m = 0; m <= 13; m++) {
      for (let d = 0; d <= 32; d++) {
        yield `${year}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}T12:30:45Z`;
      }
    }
  }
}

function* clock(): Generator<string> {
  for (let h = 0; h < 26; h++) {
    for (let m = 0; m < 62; m++) {
      for (const s of ["00", "59", "60", "61"]) {
        yield `2024-02-29T${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${s}Z`;
      }
    }
  }
}

Deno.test("TIMESTAMP_SHAPE_PATTERN with isCanonicalTimestampShape() accepts canonical dates", () => {
  assert.deepEqual(mismatches(calendar()), []);
});

Deno.test("TIMESTAMP_SHAPE_PATTERN with isCanonicalTimestampShape() accepts canonical times", () => {
  assert.deepEqual(mismatches(clock()), []);
});

Deno.test("TIMESTAMP_SHAPE_PATTERN accepts canonical fractions and forms only", () => {
  const fractions = ["", ".", ".0", ".00", ".000", ".001", ".100", ".1000", ".123000", ".123001"]
    .concat([".000000", ".000001", ".100000000", ".100000001", ".123456000", ".123456789"])
    .concat([".1234567890", ".12"]);
  const forms = fractions.flatMap((f) => [`2024-01-01T00:00:00${f}Z`, `2024-01-01T00:00:00${f}z`])
    .concat(["2024-01-01 00:00:00Z", "2024-01-01T00:00:00+00:00", "2024-1-01T00:00:00Z"])
    .concat(["02024-01-01T00:00:00Z", "2024-01-01T00:00:00Z ", "٢٠٢٤-01-01T00:00:00Z"]);
  assert.deepEqual(mismatches(forms), []);
});

Deno.test("TIMESTAMP_SHAPE_PATTERN with isCanonicalTimestampShape() on mutated strings", () => {
  const chars = "0123456789-T:.Z";
  let seed = 1;
  const rand = (n: number) => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
  const base = [
    "2024-02-29T23:59:60.123456789Z",
    "2023-12-31T00:00:00Z",
    "2000-02-29T12:00:00.500Z",
  ];
  const mutated = function* (): Generator<string> {
    for (let i = 0; i < 50000; i++) {
      const b = base[i % base.length]!;
      let s = "";
      for (const c of b) s += rand(8) === 0 ? chars[rand(chars.length)] : c;
      yield s;
    }
  };
  assert.deepEqual(mismatches(mutated()), []);
});
