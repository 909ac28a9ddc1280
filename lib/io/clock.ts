/**
 * The clock effect: the current instant with sub-millisecond precision.
 *
 * @module
 */

/** A point in time: whole seconds since the Unix epoch and nanoseconds within the second. */
export interface Instant {
  /** Seconds since 1970-01-01T00:00:00Z (may be negative). */
  secs: number;
  /**
   * Nanoseconds, 0..999999999; 1000000000..1999999999 during a leap second
   * (`…:60`), which then carries the `secs` of the second before it.
   */
  nanos: number;
}

/** Source of the current time. */
export interface Clock {
  /** The current instant (UTC). */
  now(): Instant;
}

/**
 * The system clock, with microsecond resolution from the high-resolution
 * timer, never going backwards within one process.
 *
 * @example
 * ```ts
 * import { SystemClock } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const clock = new SystemClock();
 * const a = clock.now(), b = clock.now();
 * assert.ok(b.secs > a.secs || (b.secs === a.secs && b.nanos >= a.nanos));
 * ```
 */
export class SystemClock implements Clock {
  /** The current instant. */
  now(): Instant {
    const ms = performance.timeOrigin + performance.now();
    const whole = Math.floor(ms);
    const micros = Math.min(999, Math.round((ms - whole) * 1000));
    const secs = Math.floor(whole / 1000);
    return { secs, nanos: (whole - secs * 1000) * 1_000_000 + micros * 1000 };
  }
}

/**
 * A clock for tests: starts at a fixed instant and advances by a fixed step on
 * every reading.
 *
 * @example
 * ```ts
 * import { FixedClock } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const clock = new FixedClock({ secs: 0, nanos: 0 }, 1_000);
 * assert.deepEqual(clock.now(), { secs: 0, nanos: 0 });
 * assert.deepEqual(clock.now(), { secs: 0, nanos: 1_000 });
 * ```
 */
export class FixedClock implements Clock {
  #secs: number;
  #nanos: number;
  readonly #stepNanos: number;

  /**
   * Creates a clock that starts at `start`.
   *
   * @param start First instant returned.
   * @param stepNanos Advance after each reading (default 0).
   */
  constructor(start: Instant, stepNanos = 0) {
    this.#secs = start.secs;
    this.#nanos = start.nanos;
    this.#stepNanos = stepNanos;
  }

  /** The current instant, then advance. */
  now(): Instant {
    const t = { secs: this.#secs, nanos: this.#nanos };
    const n = this.#nanos + this.#stepNanos;
    this.#secs += Math.floor(n / 1e9);
    this.#nanos = n % 1e9;
    return t;
  }
}
