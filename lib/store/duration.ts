/**
 * Human durations (`30m`, `1h 30m`, `2days`, `1.5h`, `1w`) as `tg ready
 * --include-stale` accepts them: the grammar, units and error texts of the
 * `humantime` 2.3 parser that upstream `tg` uses.
 *
 * A duration is a sequence of `<number><unit>` spans, optionally separated
 * by whitespace (whitespace may also sit between a number and its unit, and
 * inside a number). A number may have a fractional part; the fraction must
 * come out as a whole number of nanoseconds (seconds for units of an hour
 * and up). Offsets in messages are UTF-8 byte offsets.
 *
 * @module
 */

const U64_MAX = 18446744073709551615n;
const NS_PER_SEC = 1_000_000_000n;

type Unit = "ns" | "us" | "ms" | "s" | "m" | "h" | "d" | "w" | "M" | "y";

const UNIT_NAMES: Record<string, Unit> = {
  nanos: "ns",
  nsec: "ns",
  ns: "ns",
  usec: "us",
  us: "us",
  "µs": "us",
  millis: "ms",
  msec: "ms",
  ms: "ms",
  seconds: "s",
  second: "s",
  secs: "s",
  sec: "s",
  s: "s",
  minutes: "m",
  minute: "m",
  min: "m",
  mins: "m",
  m: "m",
  hours: "h",
  hour: "h",
  hr: "h",
  hrs: "h",
  h: "h",
  days: "d",
  day: "d",
  d: "d",
  weeks: "w",
  week: "w",
  wk: "w",
  wks: "w",
  w: "w",
  months: "M",
  month: "M",
  M: "M",
  years: "y",
  year: "y",
  yr: "y",
  yrs: "y",
  y: "y",
};

/** Seconds per unit for whole units (sub-second units are handled apart). */
const UNIT_SECONDS: Record<Unit, bigint> = {
  ns: 0n,
  us: 0n,
  ms: 0n,
  s: 1n,
  m: 60n,
  h: 3600n,
  d: 86400n,
  w: 604800n,
  M: 2_630_016n, // 30.44 days
  y: 31_557_600n, // 365.25 days
};

const SUBSECOND_NANOS: Partial<Record<Unit, bigint>> = { ns: 1n, us: 1_000n, ms: 1_000_000n };

/**
 * Why a duration was rejected; `message` is the text shown to users.
 *
 * @example
 * ```ts
 * import { DurationSyntaxError, parseDuration } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.throws(() => parseDuration("4 parsecs"), DurationSyntaxError);
 * ```
 */
export class DurationSyntaxError extends SyntaxError {
  /**
   * Creates the error.
   *
   * @param message What is wrong.
   */
  constructor(message: string) {
    super(message);
    this.name = "DurationSyntaxError";
  }
}

const OVERFLOW =
  "number is too large or cannot be represented without a lack of precision (values below 1ns are not supported)";

function overflow(): never {
  throw new DurationSyntaxError(OVERFLOW);
}

function checked(n: bigint): bigint {
  return n > U64_MAX ? overflow() : n;
}

/** Exact division; a remainder means a precision below what can be represented. */
function exactDiv(n: bigint, d: bigint): bigint {
  return n % d === 0n ? n / d : overflow();
}

/** Unicode White_Space (what Rust's `char::is_whitespace` accepts). */
function isWhitespace(c: string): boolean {
  const cp = c.codePointAt(0)!;
  return (cp >= 0x09 && cp <= 0x0d) || cp === 0x20 || cp === 0x85 || cp === 0xa0 ||
    cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x2028 || cp === 0x2029 ||
    cp === 0x202f || cp === 0x205f || cp === 0x3000;
}

function isDigit(c: string): boolean {
  return c >= "0" && c <= "9";
}

function isUnitChar(c: string): boolean {
  return (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "µ";
}

interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

/** Walks the input by code point, tracking UTF-8 byte offsets. */
class Cursor {
  readonly chars: string[];
  readonly offsets: number[];
  i = 0;

  constructor(text: string) {
    this.chars = [...text];
    this.offsets = [];
    let off = 0;
    for (const c of this.chars) {
      this.offsets.push(off);
      const cp = c.codePointAt(0)!;
      off += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }
    this.offsets.push(off);
  }

  /** Byte offset of the next unread character. */
  get off(): number {
    return this.offsets[this.i]!;
  }

  /** Next character, consumed; `undefined` at the end. */
  next(): string | undefined {
    return this.i < this.chars.length ? this.chars[this.i++] : undefined;
  }
}

/** Running total as (seconds, nanoseconds). */
class Total {
  secs = 0n;
  nanos = 0n;

  add(secs: bigint, nanos: bigint): void {
    let ns = checked(this.nanos + nanos);
    let s = secs;
    if (ns >= NS_PER_SEC) {
      s = checked(s + ns / NS_PER_SEC);
      ns %= NS_PER_SEC;
    }
    this.secs = checked(this.secs + s);
    this.nanos = ns;
  }

  get totalNanos(): bigint {
    return this.secs * NS_PER_SEC + this.nanos;
  }
}

/** Skips whitespace; returns the next digit's value, `null` at the end. */
function firstDigit(cur: Cursor): bigint | null {
  const start = cur.off;
  for (let c = cur.next(); c !== undefined; c = cur.next()) {
    if (isDigit(c)) return BigInt(c.charCodeAt(0) - 0x30);
    if (isWhitespace(c)) continue;
    throw new DurationSyntaxError(`expected number at ${start}`);
  }
  return null;
}

/** Reads fraction digits after a `.`; `off` tracks the error offset. */
function fraction(cur: Cursor, off: { at: number }): Fraction {
  let numerator = 0n;
  let denominator = 1n;
  let leadingZeros = true;
  for (let c = cur.next(); c !== undefined; c = cur.next()) {
    if (c === "0") {
      denominator = checked(denominator * 10n);
      if (!leadingZeros) numerator = checked(numerator * 10n);
    } else if (isDigit(c)) {
      leadingZeros = false;
      denominator = checked(denominator * 10n);
      numerator = checked(numerator * 10n + BigInt(c.charCodeAt(0) - 0x30));
    } else if (isWhitespace(c)) {
      // ignored
    } else if (isUnitChar(c)) {
      break;
    } else {
      throw new DurationSyntaxError(`invalid character at ${off.at}`);
    }
    off.at = cur.off;
  }
  if (denominator === 1n) throw new DurationSyntaxError(`invalid character at ${off.at}`);
  return { numerator, denominator };
}

function addSpan(
  total: Total,
  n: bigint,
  frac: Fraction | null,
  unitText: string,
): void {
  const unit = UNIT_NAMES[unitText];
  if (unit === undefined) {
    throw new DurationSyntaxError(
      unitText === ""
        ? `time unit needed, for example ${n}sec or ${n}ms`
        : `unknown time unit ${
          JSON.stringify(unitText)
        }, supported units: ns, us/µs, ms, sec, min, hours, days, weeks, months, years (and few variations)`,
    );
  }
  const sub = SUBSECOND_NANOS[unit];
  if (sub !== undefined) total.add(0n, checked(n * sub));
  else total.add(checked(n * UNIT_SECONDS[unit]), 0n);
  if (frac === null) return;
  const { numerator: f, denominator: d } = frac;
  switch (unit) {
    case "ns":
      overflow();
      break;
    case "us":
    case "ms":
      total.add(0n, exactDiv(checked(f * sub!), d));
      break;
    case "s":
      total.add(0n, exactDiv(checked(f * NS_PER_SEC), d));
      break;
    case "m":
      total.add(0n, exactDiv(checked(f * 60n * NS_PER_SEC), d));
      break;
    default:
      total.add(exactDiv(checked(f * UNIT_SECONDS[unit]), d), 0n);
  }
}

/**
 * Parses a human duration into nanoseconds.
 *
 * @param text e.g. `1h 30m`, `2days`, `1.5h`.
 * @returns Nanoseconds.
 * @throws {DurationSyntaxError} With the reason shown to users (`expected number at 0`,
 *   `time unit needed, for example 10sec or 10ms`, …).
 *
 * @example
 * ```ts
 * import { parseDuration } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.equal(parseDuration("1h 30m"), 5_400_000_000_000n);
 * assert.equal(parseDuration("1.5h"), 5_400_000_000_000n);
 * assert.throws(() => parseDuration("10"), /time unit needed/);
 * ```
 */
export function parseDuration(text: string): bigint {
  if (text === "0") return 0n;
  const cur = new Cursor(text);
  const total = new Total();
  let n = firstDigit(cur);
  if (n === null) throw new DurationSyntaxError("value was empty");
  for (;;) {
    let frac: Fraction | null = null;
    const off = { at: cur.off };
    // The number: digits and whitespace, up to a unit letter or a `.`.
    for (let c = cur.next(); c !== undefined; c = cur.next()) {
      if (isDigit(c)) {
        n = checked(n * 10n + BigInt(c.charCodeAt(0) - 0x30));
      } else if (isWhitespace(c)) {
        // ignored
      } else if (isUnitChar(c)) {
        break;
      } else if (c === ".") {
        frac = fraction(cur, off);
        break;
      } else {
        throw new DurationSyntaxError(`invalid character at ${off.at}`);
      }
      off.at = cur.off;
    }
    // The unit: letters, up to whitespace, a digit (next span) or the end.
    const start = off.at;
    let end = cur.off;
    let nextDigit: bigint | null = null;
    for (let c = cur.next(); c !== undefined; c = cur.next()) {
      if (isDigit(c)) {
        nextDigit = BigInt(c.charCodeAt(0) - 0x30);
        break;
      }
      if (isWhitespace(c)) break;
      if (!isUnitChar(c)) throw new DurationSyntaxError(`invalid character at ${end}`);
      end = cur.off;
    }
    addSpan(total, n, frac, utf8Slice(cur, start, end));
    if (nextDigit !== null) {
      n = nextDigit;
      continue;
    }
    const more = firstDigit(cur);
    if (more === null) return total.totalNanos;
    n = more;
  }
}

/** The input between two byte offsets (both on character boundaries). */
function utf8Slice(cur: Cursor, start: number, end: number): string {
  const from = cur.offsets.indexOf(start);
  const to = cur.offsets.indexOf(end, from);
  return cur.chars.slice(from, to).join("");
}
