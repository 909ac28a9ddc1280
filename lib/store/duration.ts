/**
 * Human durations (`30m`, `1h 30m`, `2days`, `1w`) as `tg ready
 * --include-stale` accepts them.
 *
 * @module
 */

const UNITS: [string[], bigint][] = [
  [["nanos", "nsec", "ns"], 1n],
  [["usec", "us", "µs"], 1_000n],
  [["millis", "msec", "ms"], 1_000_000n],
  [["seconds", "second", "secs", "sec", "s"], 1_000_000_000n],
  [["minutes", "minute", "mins", "min", "m"], 60n * 1_000_000_000n],
  [["hours", "hour", "hrs", "hr", "h"], 3600n * 1_000_000_000n],
  [["days", "day", "d"], 86400n * 1_000_000_000n],
  [["weeks", "week", "wks", "wk", "w"], 7n * 86400n * 1_000_000_000n],
  [["months", "month", "M"], 2_630_016n * 1_000_000_000n],
  [["years", "year", "yrs", "yr", "y"], 31_557_600n * 1_000_000_000n],
];

const UNIT_SCALE = new Map<string, bigint>(
  UNITS.flatMap(([names, scale]) => names.map((n) => [n, scale] as [string, bigint])),
);

/**
 * Parses a human duration into nanoseconds.
 *
 * @param text e.g. `1h 30m`.
 * @returns Nanoseconds.
 * @throws {SyntaxError} With a short reason (`expected number at 0`, `time unit needed, …`).
 *
 * @example
 * ```ts
 * import { parseDuration } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.equal(parseDuration("1h 30m"), 5_400_000_000_000n);
 * assert.throws(() => parseDuration("10"), /time unit needed/);
 * ```
 */
export function parseDuration(text: string): bigint {
  const s = text.trim();
  if (s === "") throw new SyntaxError("value was empty");
  let total = 0n;
  let i = 0;
  const offset = text.length - text.trimStart().length;
  while (i < s.length) {
    const numStart = i;
    while (i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39) i++;
    if (i === numStart) throw new SyntaxError(`expected number at ${numStart + offset}`);
    const n = BigInt(s.slice(numStart, i));
    while (i < s.length && s[i] === " ") i++;
    const unitStart = i;
    while (i < s.length && /[A-Za-zµ]/.test(s[i]!)) i++;
    const unit = s.slice(unitStart, i);
    if (unit === "") throw new SyntaxError("time unit needed, for example 10sec or 10ms");
    const scale = UNIT_SCALE.get(unit);
    if (scale === undefined) {
      throw new SyntaxError(
        `unknown time unit ${
          JSON.stringify(unit)
        }, supported units: ns, us, ms, sec, min, hours, days, weeks, months, years (and few variations)`,
      );
    }
    total += n * scale;
    while (i < s.length && s[i] === " ") i++;
  }
  return total;
}
