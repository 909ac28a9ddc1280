/**
 * The store lock: an exclusive `flock` on `tasks.lock`, polled with a
 * jittered exponential backoff (10 ms doubling to 500 ms) and a 5 s timeout.
 *
 * @module
 */

import type { FileSystem, LockHandle } from "../io/fs.ts";
import { ioError, TaskStoreError } from "./errors.ts";

/** Options for {@linkcode acquireLock}. */
export interface AcquireLockOptions {
  /** Give up after this many milliseconds (default 5000). */
  timeoutMs?: number;
  /** Waits between attempts (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  /** Uniform random number in [0, 1) for the jitter (default `Math.random`). */
  random?: () => number;
}

function timerSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Takes the exclusive lock on `path`, retrying without blocking the event loop.
 *
 * @param fs File system.
 * @param path The lock file.
 * @param options Timeout and test seams.
 * @returns The held lock.
 * @throws {TaskStoreError} `LockTimeout` (`Lock timeout after 5s`) when the time runs out.
 */
export async function acquireLock(
  fs: FileSystem,
  path: string,
  options: AcquireLockOptions = {},
): Promise<LockHandle> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const sleep = options.sleep ?? timerSleep;
  const random = options.random ?? Math.random;
  const start = Date.now();
  let backoff = 10;
  for (;;) {
    let handle: LockHandle | null;
    try {
      handle = await fs.tryLock(path);
    } catch (e) {
      throw ioError(e);
    }
    if (handle) return handle;
    if (Date.now() - start >= timeoutMs) {
      const after = timeoutMs % 1000 === 0 ? `${timeoutMs / 1000}s` : `${timeoutMs}ms`;
      throw new TaskStoreError("LockTimeout", `Lock timeout after ${after}`);
    }
    await sleep(backoff * (1 + random() * 0.5));
    backoff = Math.min(backoff * 2, 500);
  }
}
