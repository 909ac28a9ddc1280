/**
 * `TG_LOCK_TIMEOUT`: how long `tg` and `pg` wait for the store lock before
 * failing with `Lock timeout after …` (default 5 s).
 *
 * @module
 */

import { parseDuration } from "../lib/store/duration.ts";
import type { Io } from "./_io.ts";
import { CliError } from "./_main.ts";

/** The environment variable that sets the lock timeout. */
export const LOCK_TIMEOUT_ENV = "TG_LOCK_TIMEOUT";

/**
 * Reads `TG_LOCK_TIMEOUT`: a duration such as `500ms`, `5s` or `2m` (the
 * grammar of `tg ready --include-stale`), rounded up to whole milliseconds.
 * `0s` means a single attempt. Unset or empty means the store's default.
 *
 * @param io The environment.
 * @returns The timeout in milliseconds, or `undefined` for the default.
 * @throws {CliError} (exit 1) for a value that is not a duration.
 */
export function lockTimeoutFromEnv(io: Pick<Io, "env">): number | undefined {
  const text = io.env(LOCK_TIMEOUT_ENV);
  if (text === undefined || text === "") return undefined;
  let ns: bigint;
  try {
    ns = parseDuration(text);
  } catch (e) {
    throw new CliError(`Invalid ${LOCK_TIMEOUT_ENV} '${text}': ${(e as Error).message}`);
  }
  return Number((ns + 999_999n) / 1_000_000n);
}
