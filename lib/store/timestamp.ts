/**
 * Timestamps with nanosecond precision: RFC 3339 parsing, the canonical item
 * form (UTC, `Z`, 0/3/6/9 fraction digits by value), the event form (always 6
 * digits) and the human form used by `tg show`.
 *
 * @module
 */

import type { Instant } from "../io/clock.ts";

// The clock (lib/io) defines Instant; the store's siblings and mod.ts take it from here.
export type { Instant } from "../io/clock.ts";

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;
const MIN_SECS = -62167219200; // 0000-01-01T00:00:00Z
const MAX_SECS = 253402300799; // 9999-12-31T23:59:59Z

/**
 * Parses an RFC 3339 date-time (`T`, `t` or space separator, any number of
 * fraction digits, `Z` or a `±HH:MM` offset) into an instant.
 *
 * @param s The text.
 * @returns The instant.
 * @throws {SyntaxError} When `s` is not a valid RFC 3339 date-time.
 *
 * @example
 * ```ts
 * import { parseTimestamp } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseTimestamp("1970-01-01T01:00:00.5+01:00"), { secs: 0, nanos: 500000000 });
 * ```
 */
export function parseTimestamp(s: string): Instant {
  const m = RFC3339.exec(s);
  if (!m) throw new SyntaxError(`invalid RFC 3339 timestamp '${s}'`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (
    month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 ||
    minute > 59 || second > 60
  ) {
    throw new SyntaxError(`timestamp out of range '${s}'`);
  }
  const frac = m[7] ?? "";
  // A leap second (`:60`, accepted like upstream's reader does) is kept as
  // the second before it with a nanosecond count of one second or more.
  const leap = second === 60 ? 1_000_000_000 : 0;
  const nanos = (frac === "" ? 0 : Number((frac + "00000000").slice(0, 9))) + leap;
  let offset = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) throw new SyntaxError(`timestamp offset out of range '${s}'`);
    offset = (oh * 60 + om) * 60 * (m[9] === "-" ? -1 : 1);
  }
  const secs = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
    (second - (leap ? 1 : 0)) - offset;
  if (secs < MIN_SECS || secs > MAX_SECS) throw new SyntaxError(`timestamp out of range '${s}'`);
  return { secs, nanos };
}

/**
 * Returns the canonical item form of a timestamp string, reusing `s` when it
 * already is canonical.
 *
 * @param s An RFC 3339 date-time.
 * @returns `YYYY-MM-DDTHH:MM:SS[.fff|.ffffff|.fffffffff]Z`.
 * @throws {SyntaxError} When `s` is invalid.
 *
 * @example
 * ```ts
 * import { canonicalTimestamp } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.equal(canonicalTimestamp("2026-02-24T12:00:00.120000+00:00"), "2026-02-24T12:00:00.120Z");
 * ```
 */
export function canonicalTimestamp(s: string): string {
  return isCanonicalTimestamp(s) ? s : formatTimestamp(parseTimestamp(s));
}

/**
 * Whether `s` is already a timestamp in canonical item form: a real UTC date
 * and time with 0, 3, 6 or 9 fraction digits that cannot be shortened.
 *
 * @param s The text.
 * @returns `true` when {@linkcode canonicalTimestamp} would return `s` itself.
 */
export function isCanonicalTimestamp(s: string): boolean {
  const len = s.length;
  if (len !== 20 && len !== 24 && len !== 27 && len !== 30) return false;
  if (
    s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d || s.charCodeAt(10) !== 0x54 ||
    s.charCodeAt(13) !== 0x3a || s.charCodeAt(16) !== 0x3a || s.charCodeAt(len - 1) !== 0x5a
  ) return false;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  if (
    year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) ||
    hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60
  ) return false;
  if (len === 20) return true;
  if (s.charCodeAt(19) !== 0x2e || digits(s, 20, len - 21) < 0) return false;
  // A fraction ending in "000" would be written shorter.
  return !(s.charCodeAt(len - 2) === 0x30 && s.charCodeAt(len - 3) === 0x30 &&
    s.charCodeAt(len - 4) === 0x30);
}

/** Decimal value of `n` ASCII digits at `at`, or -1 when any is not a digit. */
function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 0x30;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Formats an instant in the canonical item form.
 *
 * @param t The instant.
 * @returns The RFC 3339 UTC text with auto-SI fraction digits.
 */
export function formatTimestamp(t: Instant): string {
  return civilLeap(t, "T") + fraction(t.nanos % 1_000_000_000) + "Z";
}

/**
 * Formats an instant for events: exactly six fraction digits (truncated).
 *
 * @param t The instant.
 * @returns e.g. `2026-04-15T14:30:22.123456Z`.
 */
export function formatEventTimestamp(t: Instant): string {
  return civilLeap(t, "T") + "." +
    String(Math.floor((t.nanos % 1_000_000_000) / 1000)).padStart(6, "0") + "Z";
}

/**
 * Formats an instant for people: `YYYY-MM-DD HH:MM:SS[.frac] UTC`.
 *
 * @param t The instant.
 * @returns The human text.
 */
export function formatHumanTimestamp(t: Instant): string {
  return civilLeap(t, " ") + fraction(t.nanos % 1_000_000_000) + " UTC";
}

/**
 * Compares two instants.
 *
 * @param a First.
 * @param b Second.
 * @returns Negative when `a` is earlier, 0 when equal, positive when later.
 */
export function compareInstants(a: Instant, b: Instant): number {
  return a.secs !== b.secs ? a.secs - b.secs : a.nanos - b.nanos;
}

/**
 * A key that sorts canonical timestamps chronologically as plain strings
 * (fraction padded to nine digits).
 *
 * @param canonical A canonical timestamp (`…Z`).
 * @returns A fixed-width sortable key.
 */
export function timestampSortKey(canonical: string): string {
  const dot = canonical.indexOf(".", 19);
  if (dot < 0) return canonical.slice(0, 19) + ".000000000";
  return canonical.slice(0, 20) + canonical.slice(20, canonical.length - 1).padEnd(9, "0");
}

function fraction(nanos: number): string {
  if (nanos === 0) return "";
  if (nanos % 1000000 === 0) return "." + String(nanos / 1000000).padStart(3, "0");
  if (nanos % 1000 === 0) return "." + String(nanos / 1000).padStart(6, "0");
  return "." + String(nanos).padStart(9, "0");
}

/** Date and time of an instant, writing a leap second as `:60`. */
function civilLeap(t: Instant, sep: string): string {
  const text = civil(t.secs, sep);
  return t.nanos >= 1_000_000_000 ? text.slice(0, -2) + "60" : text;
}

function civil(secs: number, sep: string): string {
  const days = Math.floor(secs / 86400);
  let rem = secs - days * 86400;
  const [y, mo, d] = civilFromDays(days);
  const h = Math.floor(rem / 3600);
  rem -= h * 3600;
  const mi = Math.floor(rem / 60);
  const s = rem - mi * 60;
  return `${p(y, 4)}-${p(mo, 2)}-${p(d, 2)}${sep}${p(h, 2)}:${p(mi, 2)}:${p(s, 2)}`;
}

function p(n: number, w: number): string {
  return String(n).padStart(w, "0");
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : DAYS_IN_MONTH[m - 1]!;
}

// Howard Hinnant's days_from_civil / civil_from_days.
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) -
      Math.floor(doe / 146096)) / 365,
  );
  const y = yoe + era * 400;
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [m <= 2 ? y + 1 : y, m, d];
}
