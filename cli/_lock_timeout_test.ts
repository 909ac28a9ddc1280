import assert from "node:assert/strict";
import { BufferIo } from "./_io.ts";
import { lockTimeoutFromEnv } from "./_lock_timeout.ts";
import { CliError, EXIT_USER } from "./_main.ts";

function read(value: string | undefined): number | undefined {
  return lockTimeoutFromEnv(
    new BufferIo(value === undefined ? {} : { env: { TG_LOCK_TIMEOUT: value } }),
  );
}

Deno.test("lockTimeoutFromEnv() reads TG_LOCK_TIMEOUT as a duration in milliseconds", () => {
  assert.equal(read(undefined), undefined);
  assert.equal(read(""), undefined);
  assert.equal(read("500ms"), 500);
  assert.equal(read("5s"), 5000);
  assert.equal(read("2m"), 120_000);
  assert.equal(read("1.5s"), 1500);
  assert.equal(read("1s 250ms"), 1250);
  assert.equal(read("0s"), 0);
  // Sub-millisecond parts round up: the wait is never shorter than asked.
  assert.equal(read("1us"), 1);
  assert.equal(read("1500us"), 2);
});

Deno.test("lockTimeoutFromEnv() refuses a value that is not a duration (exit 1)", () => {
  const cases: [string, string][] = [
    ["5", "Invalid TG_LOCK_TIMEOUT '5': time unit needed, for example 5sec or 5ms"],
    ["soon", "Invalid TG_LOCK_TIMEOUT 'soon': expected number at 0"],
    ["-1s", "Invalid TG_LOCK_TIMEOUT '-1s': expected number at 0"],
    [" ", "Invalid TG_LOCK_TIMEOUT ' ': value was empty"],
  ];
  for (const [value, message] of cases) {
    assert.throws(() => read(value), (e: unknown) => {
      assert.ok(e instanceof CliError, value);
      assert.equal(e.message, message);
      assert.equal(e.exitCode, EXIT_USER);
      return true;
    });
  }
});
