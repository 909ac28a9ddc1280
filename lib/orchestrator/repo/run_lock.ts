/**
 * The run lock (pg.md §8.14): one `run`, `triage` or `migrate` per project
 * at a time, through an exclusive `flock` on `.phase-golem/phase-golem.lock`
 * and the holder's PID in `.phase-golem/phase-golem.pid`.
 *
 * @module
 */

import type { FileSystem, LockHandle } from "../../io/fs.ts";
import { join } from "../../io/path.ts";
import { DenoProcessRunner, type ProcessRunner } from "../../io/process_runner.ts";
import type { WarningSink } from "../../io/warning.ts";

/** The runtime directory under the project root. */
export const RUNTIME_DIR = ".phase-golem";

/** Why the run lock could not be taken. */
export class RunLockError extends Error {
  /**
   * Builds the error.
   *
   * @param message What to tell the user.
   */
  constructor(message: string) {
    super(message);
    this.name = "RunLockError";
  }
}

/** Options for {@linkcode acquireRunLock}. */
export interface RunLockOptions {
  /** File system. */
  fs: FileSystem;
  /** Project root (absolute). */
  root: string;
  /** This process's ID. */
  pid: number;
  /** Whether a process is alive (default: `/proc/{pid}` exists, or `kill -0` where there is no `/proc`). */
  isAlive?: (pid: number) => Promise<boolean>;
  /** Runs `kill -0` for the default liveness probe (default: real processes). */
  runner?: ProcessRunner;
  /** Receives warnings when cleaning up fails. */
  warn?: WarningSink;
  /**
   * Only look (a dry run): create nothing and write no PID file, so a
   * killed run's PID stays for the next real run. The lock is still taken
   * when its file exists, so a running instance is reported as usual; when
   * the file does not exist nobody holds it, and nothing is created.
   */
  readOnly?: boolean;
}

/** A held run lock. */
export interface RunLock {
  /**
   * The PID a previous holder left in the PID file: that run did not finish
   * (it was killed), since a finished run deletes the file. `null` normally.
   */
  readonly previousPid: number | null;
  /** Releases the lock and deletes the PID file (failures are warnings). */
  release(): Promise<void>;
}

async function readPid(fs: FileSystem, pidPath: string): Promise<number | null> {
  const bytes = await fs.readFile(pidPath).catch(() => null);
  const text = bytes === null ? "" : new TextDecoder().decode(bytes).trim();
  return /^\d+$/.test(text) ? Number(text) : null;
}

async function probeAlive(fs: FileSystem, runner: ProcessRunner, pid: number): Promise<boolean> {
  if ((await fs.stat("/proc/self").catch(() => null)) !== null) {
    return (await fs.stat(`/proc/${pid}`).catch(() => null)) !== null;
  }
  const r = await runner.run("kill", ["-0", String(pid)]).catch(() => null);
  return r !== null && r.code === 0;
}

/**
 * Takes the run lock without waiting.
 *
 * @param options File system, root, PID and liveness probe.
 * @returns The held lock.
 * @throws {RunLockError} When another process holds it: `Another phase-golem
 *   instance is running (PID {pid})`, or the stale/unknown-holder messages.
 */
export async function acquireRunLock(options: RunLockOptions): Promise<RunLock> {
  const { fs, root } = options;
  const dir = join(root, RUNTIME_DIR);
  const lockPath = join(dir, "phase-golem.lock");
  const pidPath = join(dir, "phase-golem.pid");
  const readOnly = options.readOnly ?? false;
  if (readOnly && (await fs.stat(lockPath)) === null) {
    return { previousPid: await readPid(fs, pidPath), release: () => Promise.resolve() };
  }
  if (!readOnly) await fs.mkdirp(dir);
  const handle: LockHandle | null = await fs.tryLock(lockPath);
  if (handle === null) {
    const pid = await readPid(fs, pidPath);
    if (pid === null) {
      throw new RunLockError(
        `Another phase-golem instance holds the lock. If this is stale, remove ${lockPath}`,
      );
    }
    const probe = options.isAlive ??
      ((p: number) => probeAlive(fs, options.runner ?? new DenoProcessRunner(), p));
    const alive = await probe(pid);
    throw new RunLockError(
      alive
        ? `Another phase-golem instance is running (PID ${pid})`
        : `Lock file is held but recorded PID ${pid} is not alive. Remove ${lockPath} and ${pidPath} to recover`,
    );
  }
  const previousPid = await readPid(fs, pidPath);
  if (!readOnly) {
    try {
      await fs.writeFile(pidPath, new TextEncoder().encode(`${options.pid}\n`));
    } catch (e) {
      await handle.release();
      throw e;
    }
  }
  let released = false;
  return {
    previousPid,
    async release() {
      if (released) return;
      released = true;
      if (!readOnly) {
        try {
          await fs.remove(pidPath);
        } catch (e) {
          options.warn?.(`Failed to remove ${pidPath}: ${(e as Error).message}`);
        }
      }
      try {
        await handle.release();
      } catch (e) {
        options.warn?.(`Failed to release ${lockPath}: ${(e as Error).message}`);
      }
    },
  };
}
