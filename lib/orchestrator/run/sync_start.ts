/**
 * The start of `pg run --sync REMOTE` (or `sync.remote` in the config):
 * which remote, which worker, the checks, the merge driver's set-up in the
 * clone, and the first pull, before the backlog is read. Its failures are
 * {@linkcode RunStartError}s: nothing has run yet.
 *
 * @module
 */

import type { FileSystem } from "../../io/fs.ts";
import type { Logger } from "../../io/logger.ts";
import type { ProcessRunner } from "../../io/process_runner.ts";
import type { PgConfig } from "../config/config.ts";
import { GitRemote } from "../repo/git_remote.ts";
import {
  APPEND_DRIVER_COMMAND,
  APPEND_DRIVER_NAME,
  DRIVER_PATHS,
  ensureAppendDriver,
  ensureMergeDriver,
} from "../repo/merge_driver_setup.ts";
import { RemoteSync, SyncError, type SyncPolicy } from "../repo/remote_sync.ts";
import { WORKLOG_DIR } from "../repo/git.ts";
import { RunStartError } from "./run_start_error.ts";
import type { SyncRunOptions } from "./sync_run.ts";

/** What `pg run` asks for about syncing. */
export interface SyncRequest {
  /** `--sync REMOTE` (default: `sync.remote` of the config). */
  remote?: string | undefined;
  /** `--worker NAME`: only with a remote to sync with. */
  worker?: string | undefined;
  /** The worker's name when `worker` is not given (default `pg-{pid}`; the CLI passes `{host}-{pid}`). */
  defaultWorker?: string | undefined;
  /** `--no-sync`: do not sync, whatever the config says. */
  off?: boolean | undefined;
}

/** Effects of syncing that tests (and benchmarks) replace. */
export interface SyncSessionOptions {
  /** Tries and pauses when the remote cannot be reached (default: about 30 s of tries). */
  policy?: Partial<SyncPolicy>;
  /**
   * The merge driver command to define in a clone that has none (default
   * `tg merge-driver %O %A %B %P`; the CLI passes one that runs its own `tg`).
   */
  mergeDriverCommand?: string;
  /** How long an idle worker waits before looking again (default: `sync.poll_seconds`). */
  pollMs?: number;
  /** How the loop waits (default: a timer that ends on shutdown). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The store's merge driver as pg and `tg init` define it: `tg merge-driver` (or `…/tg.ts merge-driver`). */
const PG_STORE_DRIVER = /(^|[\s/'])tg(\.ts)?'? merge-driver %O %A %B %P$/;

/** Margin of a claim's lease beyond the longest a phase can take. */
const LEASE_MARGIN_MS = 5 * 60_000;

/**
 * The remote a run syncs with: `--sync`, else `sync.remote`, unless `--no-sync`.
 *
 * @param request What was asked.
 * @param config The config.
 * @returns The remote's name, or `null` for a run that does not sync.
 * @throws {RunStartError} `SyncSetup` for `--worker` without a remote.
 */
export function syncRemoteOf(request: SyncRequest | undefined, config: PgConfig): string | null {
  const remote = request?.off === true ? null : request?.remote ?? config.sync?.remote ?? null;
  if (remote === null && request?.worker !== undefined) {
    throw new RunStartError(
      "SyncSetup",
      "--worker names this worker for --sync: give --sync REMOTE too (or set sync.remote)",
    );
  }
  return remote;
}

/**
 * How long a claim holds: `sync.lease_seconds`, else the longest a phase
 * can take (`phase_timeout_minutes` for each of `max_retries + 1`
 * attempts) plus 5 minutes.
 *
 * @param config The config.
 * @returns Milliseconds.
 *
 * @example
 * ```ts
 * import { defaultConfig } from "../config/config.ts";
 * import { leaseMsOf } from "./sync_start.ts";
 * import assert from "node:assert/strict";
 * const config = defaultConfig(); // 30 minutes, 2 retries
 * assert.equal(leaseMsOf(config), 95 * 60_000);
 * config.sync = { poll_seconds: 10, lease_seconds: 120 };
 * assert.equal(leaseMsOf(config), 120_000);
 * ```
 */
export function leaseMsOf(config: PgConfig): number {
  const set = config.sync?.lease_seconds;
  if (set !== undefined) return set * 1000;
  const e = config.execution;
  return (e.max_retries + 1) * e.phase_timeout_minutes * 60_000 + LEASE_MARGIN_MS;
}

/** Whether a worker name can be a claim holder and part of a commit message. */
function workerProblem(worker: string): string | null {
  if (worker === "" || worker.length > 100) return "between 1 and 100 characters";
  for (const ch of worker) {
    const c = ch.codePointAt(0)!;
    if (c <= 0x20 || c === 0x7f || /\s/.test(ch)) return "no spaces or control characters";
  }
  return null;
}

/** Inputs of {@linkcode startSync}. */
export interface StartSyncParams {
  /** The clone's root. */
  root: string;
  /** File system. */
  fs: FileSystem;
  /** Runs git. */
  runner: ProcessRunner;
  /** The config. */
  config: PgConfig;
  /** The remote's name. */
  remote: string;
  /** This worker's name. */
  worker: string;
  /** Whether the run waits for work instead of halting (`--watch`). */
  watch: boolean;
  /** Where lines go. */
  log: Logger;
  /** Shutdown: stops the tries of an unreachable remote. */
  signal: AbortSignal;
  /** Injected effects. */
  options?: SyncSessionOptions | undefined;
}

/** A sync that has started: the protocol (for the coordinator) and the loop's options. */
export interface StartedSync {
  /** The protocol. */
  remote: RemoteSync;
  /** What the run loop needs. */
  loop: SyncRunOptions;
}

/**
 * Checks the remote and the worker's name, sets up the merge driver in the
 * clone when it is missing, and pulls: the remote's commits are merged and
 * this clone's unpushed ones (left by a run that could not push) pushed.
 *
 * @param p Where, with what, and as whom.
 * @returns The protocol and the loop's options.
 * @throws {RunStartError} `SyncSetup` (no such remote, a bad worker name,
 *   a detached HEAD), `SyncFailed` (the remote stays unreachable, the
 *   merge driver failed), `SyncConflict` (local commits conflict with the
 *   remote's: merge by hand).
 */
export async function startSync(p: StartSyncParams): Promise<StartedSync> {
  const git = new GitRemote({ runner: p.runner, root: p.root });
  const problem = workerProblem(p.worker);
  if (problem !== null) {
    throw new RunStartError(
      "SyncSetup",
      `Invalid worker name ${JSON.stringify(p.worker)}: ${problem} (--worker NAME)`,
    );
  }
  if (await git.remoteUrl(p.remote) === null) {
    throw new RunStartError(
      "SyncSetup",
      `Cannot sync: this clone has no git remote named '${p.remote}'. ` +
        `Add it with \`git remote add ${p.remote} URL\`, or name another with --sync REMOTE.`,
    );
  }
  const branch = await git.currentBranch();
  if (branch === null) {
    throw new RunStartError("SyncSetup", "Cannot sync a detached HEAD: check out a branch");
  }
  const setup = await ensureMergeDriver(git, p.fs, p.options?.mergeDriverCommand);
  if (setup.configured) {
    p.log.info(`Set up the tg merge driver in this clone: merge.tg.driver = ${setup.command}`);
  }
  if (setup.attributesPath !== null) {
    p.log.info(
      `Routed the store files to the merge driver in ${setup.attributesPath} (this clone only; ` +
        "`tg init` writes the lines to .gitattributes for every clone)",
    );
  }
  await ensureAppendDriver(git, p.fs, [`${WORKLOG_DIR}/*.md`]);
  // pg merges in its own process what these drivers would, when they are
  // the ones pg defines: a process per file and merge is what a sync costs most.
  const inProcessMerge = {
    store: PG_STORE_DRIVER.test(setup.command),
    appendOnly: await git.configGet(`merge.${APPEND_DRIVER_NAME}.driver`) === APPEND_DRIVER_COMMAND,
  };
  const leaseMs = leaseMsOf(p.config);
  const remote = new RemoteSync({
    git,
    fs: p.fs,
    root: p.root,
    remote: p.remote,
    branch,
    worker: p.worker,
    log: p.log,
    signal: p.signal,
    storePaths: new Set(DRIVER_PATHS),
    isAppendOnly: (path) => path.startsWith(`${WORKLOG_DIR}/`),
    tasksPath: ".task-golem/tasks.jsonl",
    inProcessMerge,
    ...(p.options?.policy === undefined ? {} : { policy: p.options.policy }),
  });
  p.log.info(
    `Sync: ${remote.label} as worker ${p.worker}; a claim holds ${formatMs(leaseMs)}`,
  );
  if (p.config.execution.max_concurrent > 1) {
    p.log.warn(
      `Warning: with --sync a worker runs one agent at a time (execution.max_concurrent = ` +
        `${p.config.execution.max_concurrent} is not used here); start more workers, each in ` +
        "its own clone, to run more at once",
    );
  }
  try {
    const r = await remote.pull();
    if (r.refused !== null) {
      throw new RunStartError("SyncSetup", `Cannot merge ${remote.label}: ${r.refused}`);
    }
    if (r.merged) p.log.info(`Merged ${remote.label}`);
    if (r.pushed) p.log.info(`Pushed this clone's unpushed commits to ${remote.label}`);
  } catch (e) {
    if (!(e instanceof SyncError)) throw e;
    if (e.code === "SyncConflict") {
      throw new RunStartError(
        "SyncConflict",
        `${e.message}. Merge by hand: \`git merge ${remote.label}\`, resolve the conflicts, ` +
          "commit, then run pg again",
        { cause: e },
      );
    }
    throw new RunStartError(
      "SyncFailed",
      `${e.message}. Check the remote (\`git fetch ${p.remote}\`) and run pg again`,
      { cause: e },
    );
  }
  const pollMs = p.options?.pollMs ?? (p.config.sync?.poll_seconds ?? 10) * 1000;
  const loop: SyncRunOptions = { worker: p.worker, leaseMs, pollMs, watch: p.watch };
  if (p.options?.sleep !== undefined) loop.sleep = p.options.sleep;
  return { remote, loop };
}

function formatMs(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  const m = Math.round(ms / 60_000);
  return m < 60 ? `${m}m` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
