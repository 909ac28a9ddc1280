import assert from "node:assert/strict";
import { FixedClock, SystemClock } from "./clock.ts";

Deno.test("FixedClock.now() starts at the given instant and advances by its step", () => {
  const clock = new FixedClock({ secs: 10, nanos: 999_999_000 }, 600);
  assert.deepEqual(clock.now(), { secs: 10, nanos: 999_999_000 });
  assert.deepEqual(clock.now(), { secs: 10, nanos: 999_999_600 });
  assert.deepEqual(clock.now(), { secs: 11, nanos: 200 });
});

Deno.test("FixedClock.now() stays put without a step", () => {
  const clock = new FixedClock({ secs: 5, nanos: 1 });
  assert.deepEqual(clock.now(), clock.now());
});

Deno.test("SystemClock.now() is close to Date.now() with whole microseconds", () => {
  const clock = new SystemClock();
  for (let i = 0; i < 100; i++) {
    const t = clock.now();
    assert.ok(Number.isInteger(t.secs));
    assert.ok(t.nanos >= 0 && t.nanos < 1e9, `nanos ${t.nanos}`);
    assert.equal(t.nanos % 1000, 0);
    assert.ok(Math.abs(t.secs * 1000 + t.nanos / 1e6 - Date.now()) < 1000);
  }
});

Deno.test("SystemClock.now() never goes backwards", () => {
  const clock = new SystemClock();
  let prev = clock.now();
  for (let i = 0; i < 1000; i++) {
    const t = clock.now();
    assert.ok(t.secs > prev.secs || (t.secs === prev.secs && t.nanos >= prev.nanos));
    prev = t;
  }
});
