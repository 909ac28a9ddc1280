/**
 * The sync protocol of `pg run --sync REMOTE`: several workers, each in its
 * own clone, share one branch of a remote. A push is a compare-and-swap on
 * the branch (git refuses a push that is not a fast-forward), and the
 * protocol builds on that:
 *
 * - {@linkcode RemoteSync.pull}: fetch the branch and merge it into HEAD
 *   (the store files merge by item with `tg merge-driver`; append-only
 *   files such as the worklog by putting the remote's text first, then
 *   ours), then push what HEAD has that the remote has not.
 * - {@linkcode RemoteSync.transact}: a decision made on the remote's state
 *   (a claim, a promotion): look, write, commit, push; when the push is
 *   rejected, the local commit is dropped, the new remote state fetched and
 *   merged, and the decision made again on it. A decision is never merged:
 *   that would let the later of two claims win.
 * - {@linkcode RemoteSync.publish}: work that cannot be made again for free
 *   (a phase's commit): push, and when rejected fetch, merge and push
 *   again. A merge that conflicts outside the store is aborted and HEAD
 *   reset to the remote's commit (the other workers' commits are kept,
 *   this worker's unpushed ones dropped) and reported as `SyncConflict`, so
 *   the phase can run again on the new state; conflict markers are never
 *   committed.
 *
 * A remote that cannot be reached is tried again with exponential backoff
 * and jitter; when it stays unreachable, `SyncFailed` is thrown. Pauses,
 * randomness and the number of tries are injected ({@linkcode SyncPolicy}).
 *
 * @module
 */

import type { FileSystem } from "../../io/fs.ts";
import type { Logger } from "../../io/logger.ts";
import { dirname } from "../../io/path.ts";
import { MERGE_DRIVER_NAME } from "../../store/gitattributes.ts";
import { parseItemLine } from "../../store/item.ts";
import { parseActiveFile } from "../../store/item_files.ts";
import { MERGE_NOTES_QUEUES, mergeStoreFileQuietly, storeFileKind } from "../../store/merge.ts";
import type { GitRemote, PushOutcome } from "./git_remote.ts";
import { APPEND_DRIVER_NAME } from "./merge_driver_setup.ts";

/** How hard to try, and how to wait. */
export interface SyncPolicy {
  /** Tries of a fetch or push before the remote counts as unreachable (default 6). */
  attempts: number;
  /** The pause after the first failed try, doubled after each (default 1000 ms). */
  baseDelayMs: number;
  /** The longest pause (default 30 000 ms). */
  maxDelayMs: number;
  /** Rounds of a push rejected because the remote moved, before giving up (default 100). */
  maxRaces: number;
  /** After a lost race, a random pause up to this long, so workers fall out of step (default 100 ms). */
  raceJitterMs: number;
  /** Waits; resolves early when the signal is aborted (default: a timer). */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A number in [0, 1) (default `Math.random`). */
  random: () => number;
}

/** The policy used when none is given: about 30 s of tries before `SyncFailed`. */
export const DEFAULT_SYNC_POLICY: Readonly<SyncPolicy> = {
  attempts: 6,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRaces: 100,
  raceJitterMs: 100,
  sleep: abortableSleep,
  random: Math.random,
};

/**
 * Sleeps `ms`, or less when `signal` is aborted.
 *
 * @param ms Milliseconds.
 * @param signal Ends the sleep early.
 */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * The pause after the `failures`-th failed try: `baseDelayMs · 2^(failures-1)`,
 * at most `maxDelayMs`, scaled by a random factor in [0.5, 1.5) ("jitter",
 * so that workers that failed together do not try again together).
 *
 * @param failures Failed tries so far (from 1).
 * @param policy Delays and randomness.
 * @returns Milliseconds.
 *
 * @example
 * ```ts
 * import { backoffDelay, DEFAULT_SYNC_POLICY } from "./remote_sync.ts";
 * import assert from "node:assert/strict";
 * const policy = { ...DEFAULT_SYNC_POLICY, random: () => 0.5 }; // no jitter
 * assert.deepEqual([1, 2, 3, 9].map((n) => backoffDelay(n, policy)), [1000, 2000, 4000, 30000]);
 * ```
 */
export function backoffDelay(
  failures: number,
  policy: Pick<SyncPolicy, "baseDelayMs" | "maxDelayMs" | "random">,
): number {
  const raw = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(raw * (0.5 + policy.random()));
}

/**
 * Why syncing stopped:
 *
 * - `SyncFailed`: the remote stayed unreachable (or kept refusing), or the
 *   store's merge driver failed; the local state is intact.
 * - `SyncConflict`: merging the remote conflicted outside the store; HEAD
 *   was reset to the remote's commit, dropping this worker's unpushed
 *   commits (`paths` lists the conflicting files).
 * - `ClaimLost`: another worker took over the claim this worker's work
 *   was done under (its lease had expired); the work was dropped the same way.
 */
export type SyncErrorCode = "SyncFailed" | "SyncConflict" | "ClaimLost";

/** Options for {@linkcode SyncError}. */
export interface SyncErrorOptions {
  /** The conflicting paths (`SyncConflict`). */
  paths?: readonly string[];
  /** The worker that holds the claim now (`ClaimLost`). */
  holder?: string;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * A sync that could not be completed.
 *
 * @example
 * ```ts
 * import { SyncError } from "./remote_sync.ts";
 * import assert from "node:assert/strict";
 * const e = new SyncError("SyncConflict", "Merging origin/main conflicts in src/a.ts", {
 *   paths: ["src/a.ts"],
 * });
 * assert.equal(e.code, "SyncConflict");
 * assert.deepEqual(e.paths, ["src/a.ts"]);
 * ```
 */
export class SyncError extends Error {
  /** What went wrong. */
  readonly code: SyncErrorCode;
  /** The conflicting paths (`SyncConflict`), else empty. */
  readonly paths: readonly string[];
  /** The claim's holder now (`ClaimLost`), else `null`. */
  readonly holder: string | null;

  /**
   * Builds the error.
   *
   * @param code What went wrong.
   * @param message What to tell the user.
   * @param options Paths, holder, cause.
   */
  constructor(code: SyncErrorCode, message: string, options: SyncErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SyncError";
    this.code = code;
    this.paths = options.paths ?? [];
    this.holder = options.holder ?? null;
  }
}

/** Options for {@linkcode RemoteSync}. */
export interface RemoteSyncOptions {
  /** Git in the clone. */
  git: GitRemote;
  /** File system (resolving append-only files). */
  fs: FileSystem;
  /** The clone's root, absolute. */
  root: string;
  /** The remote's name. */
  remote: string;
  /** The branch, the same on both sides. */
  branch: string;
  /** This worker's name (its claims). */
  worker: string;
  /** Where log lines go. */
  log: Logger;
  /** Tries and pauses (default {@linkcode DEFAULT_SYNC_POLICY}). */
  policy?: Partial<SyncPolicy>;
  /** Stops retrying early. */
  signal?: AbortSignal;
  /** The store files (merged by the driver): a conflict in one is a `SyncFailed`. */
  storePaths: ReadonlySet<string>;
  /** Files written only by appending (the worklog): conflicts there are resolved. */
  isAppendOnly: (path: string) => boolean;
  /** The store's items file, relative to the root (where claims are read). */
  tasksPath: string;
  /**
   * The merges this process makes itself instead of starting a driver
   * process for each file, when the driver's command is the one pg defines
   * (default: none): `store`, the `tg merge-driver` of the store files
   * (started still when it would write notes or fail); `appendOnly`, the
   * `pg-append` driver.
   */
  inProcessMerge?: { store: boolean; appendOnly: boolean };
}

/** A step of {@linkcode RemoteSync.transact}: the decision, and whether it made a commit. */
export interface TransactStep<T> {
  /** What the caller gets back. */
  value: T;
  /** Whether a commit was made that must reach the remote. */
  committed: boolean;
}

/** What {@linkcode RemoteSync.pull} did. */
export interface PullOutcome {
  /** The remote's commit, or `null` when the branch does not exist there yet. */
  tip: string | null;
  /** Whether HEAD changed. */
  merged: boolean;
  /** Whether local commits were pushed. */
  pushed: boolean;
  /** Git refused to merge because of local changes (nothing changed; try later). */
  refused: string | null;
}

/** The sync protocol of one clone and one remote branch. */
export class RemoteSync {
  readonly #o: RemoteSyncOptions;
  readonly #policy: SyncPolicy;
  /** The `git -c` settings that keep the drivers merged in this process from starting. */
  readonly #standIns: Record<string, string> | null;
  /** The last push lost a race, and the remote moved again before each push since. */
  #racing = false;
  /** A fetch started ahead of the next publish ({@linkcode prefetch}). */
  #prefetched: Promise<string | null> | null = null;
  /** The git directory (where the merge driver queues notes), once asked. */
  #gitDir: string | null = null;

  /**
   * Binds the protocol to a clone, a remote branch and a worker.
   *
   * @param options Git, paths, names, policy.
   */
  constructor(options: RemoteSyncOptions) {
    this.#o = options;
    this.#policy = { ...DEFAULT_SYNC_POLICY, ...options.policy };
    // A driver that is `false` leaves its file conflicted at once, with the
    // three versions staged: this process merges them.
    const standIns: Record<string, string> = {};
    if (options.inProcessMerge?.store) standIns[`merge.${MERGE_DRIVER_NAME}.driver`] = "false";
    if (options.inProcessMerge?.appendOnly) {
      standIns[`merge.${APPEND_DRIVER_NAME}.driver`] = "false";
    }
    this.#standIns = Object.keys(standIns).length > 0 ? standIns : null;
  }

  /** `origin/main`. */
  get label(): string {
    return `${this.#o.remote}/${this.#o.branch}`;
  }

  /** The remote's name. */
  get remote(): string {
    return this.#o.remote;
  }

  /** The branch. */
  get branch(): string {
    return this.#o.branch;
  }

  /** This worker's name. */
  get worker(): string {
    return this.#o.worker;
  }

  /** The commit the remote branch had at the last fetch, or `null`. */
  async lastKnownTip(): Promise<string | null> {
    return await this.#o.git.revParse(`refs/remotes/${this.#o.remote}/${this.#o.branch}`);
  }

  /**
   * How many commits HEAD has that the remote branch (as last fetched) has not.
   *
   * @returns The count.
   */
  async unpushed(): Promise<number> {
    return await this.#o.git.countAhead(await this.lastKnownTip(), "HEAD");
  }

  /** Runs `op` until it does not fail, pausing with backoff; `SyncFailed` after the last try. */
  async #retry<T extends { kind: string }>(
    what: string,
    op: () => Promise<T | { kind: "failed"; detail: string }>,
  ): Promise<Exclude<T, { kind: "failed" }>> {
    const p = this.#policy;
    let last = "";
    for (let failures = 1;; failures++) {
      const r = await op();
      if (r.kind !== "failed") return r as Exclude<T, { kind: "failed" }>;
      last = (r as { detail: string }).detail;
      if (failures >= p.attempts || this.#o.signal?.aborted) break;
      const ms = backoffDelay(failures, p);
      this.#o.log.warn(
        `Warning: could not ${what} ${this.label} (try ${failures}/${p.attempts}): ${last}; ` +
          `trying again in ${(ms / 1000).toFixed(1)}s`,
      );
      await p.sleep(ms, this.#o.signal);
    }
    throw new SyncError(
      "SyncFailed",
      `Cannot ${what} ${this.label}: ${last}` +
        (this.#o.signal?.aborted ? " (stopped)" : ` (after ${p.attempts} tries)`),
    );
  }

  /**
   * Fetches the remote branch, trying again while the remote cannot be reached.
   *
   * @returns Its commit, or `null` when the remote has no such branch yet.
   * @throws {SyncError} `SyncFailed`.
   */
  async fetch(): Promise<string | null> {
    const r = await this.#retry(
      "fetch from",
      () => this.#o.git.fetch(this.#o.remote, this.#o.branch),
    );
    return r.tip;
  }

  /**
   * Starts fetching the remote branch for the next {@linkcode publish},
   * when it will merge the remote before pushing (the remote kept moving):
   * the fetch runs while the caller commits its work. Does nothing
   * otherwise.
   */
  prefetch(): void {
    if (!this.#racing || this.#prefetched !== null) return;
    const fetching = this.fetch();
    fetching.catch(() => {}); // reported when the publish takes it
    this.#prefetched = fetching;
  }

  /** The tip a prefetch found, or a fetch now. */
  #fetchForPublish(): Promise<string | null> {
    const fetching = this.#prefetched ?? this.fetch();
    this.#prefetched = null;
    return fetching;
  }

  #push(): Promise<Exclude<PushOutcome, { kind: "failed" }>> {
    return this.#retry("push to", () => this.#o.git.push(this.#o.remote, this.#o.branch));
  }

  /** The pause after losing a race, at random up to `raceJitterMs`. */
  async #raceLost(): Promise<void> {
    const p = this.#policy;
    const ms = Math.floor(p.random() * p.raceJitterMs);
    if (ms > 0) await p.sleep(ms, this.#o.signal);
  }

  /**
   * Merges a commit into HEAD. Conflicts in append-only files are
   * resolved (the remote's text, then what this side appended); any other
   * conflict aborts the merge.
   *
   * @param tip The commit.
   * @returns The merge, or the paths that conflict (the merge aborted), or git's refusal.
   * @throws {SyncError} `SyncFailed` when a store file conflicts (the merge driver failed).
   */
  async merge(
    tip: string,
  ): Promise<
    | { kind: "up_to_date" | "merged" }
    | { kind: "conflict"; paths: string[] }
    | { kind: "refused"; detail: string }
  > {
    const git = this.#o.git;
    const message = `[phase-golem] Merge ${this.label} (worker ${this.#o.worker})`;
    if (this.#standIns !== null) {
      const here = await this.#mergeHere(tip, message, this.#standIns);
      if (here !== null) return here;
    }
    const r = await git.merge(tip, message);
    if (r.kind === "up_to_date" || r.kind === "refused") return r;
    if (r.kind === "merged") return { kind: "merged" };
    const left: string[] = [];
    const resolved: string[] = [];
    for (const path of r.paths) {
      if (this.#o.isAppendOnly(path) && await this.#resolveAppended(path)) resolved.push(path);
      else left.push(path);
    }
    if (left.length === 0) {
      await git.add(resolved);
      await git.concludeMerge();
      return { kind: "merged" };
    }
    await git.abortMerge();
    const store = left.filter((p) => this.#o.storePaths.has(p));
    if (store.length > 0) {
      throw new SyncError(
        "SyncFailed",
        `Cannot merge ${this.label}: the store's merge driver failed on ${store.join(", ")} ` +
          "(check `git config merge.tg.driver` in this clone)",
        { paths: store },
      );
    }
    return { kind: "conflict", paths: left };
  }

  /**
   * An append-only file both sides appended to: the remote's text, then
   * what this side appended after the common base.
   *
   * @returns Whether the file was resolved (written, to be staged).
   */
  async #resolveAppended(path: string): Promise<boolean> {
    const git = this.#o.git;
    const base = await git.show(`:1:${path}`) ?? "";
    const ours = await git.show(`:2:${path}`);
    const theirs = await git.show(`:3:${path}`);
    if (ours === null || theirs === null) return false;
    const text = appended(base, ours, theirs);
    if (text === null) return false;
    await this.#o.fs.writeFile(`${this.#o.root}/${path}`, new TextEncoder().encode(text));
    return true;
  }

  /**
   * Merges a commit with the drivers pg stands in for kept from starting
   * (`standIns`), and merges their files in this process. A conflict it
   * cannot resolve as the driver would (another file, an item changed on
   * both sides, notes waiting) aborts the merge, for the drivers to make.
   *
   * @returns The merge, git's refusal, or `null` when the drivers must merge (nothing changed).
   */
  async #mergeHere(
    tip: string,
    message: string,
    standIns: Record<string, string>,
  ): Promise<{ kind: "up_to_date" | "merged" } | { kind: "refused"; detail: string } | null> {
    const git = this.#o.git;
    const r = await git.merge(tip, message, standIns);
    if (r.kind === "up_to_date" || r.kind === "refused") return r;
    if (r.kind === "merged") return { kind: "merged" };
    const files = await this.#mergedHere(r.paths);
    if (files === null) {
      await git.abortMerge();
      return null;
    }
    const enc = new TextEncoder();
    for (const [path, bytes] of files) {
      await this.#o.fs.writeFile(
        `${this.#o.root}/${path}`,
        typeof bytes === "string" ? enc.encode(bytes) : bytes,
      );
    }
    await git.add(r.paths);
    await git.concludeMerge();
    return { kind: "merged" };
  }

  /**
   * The merged contents of conflicted files whose driver pg stands in for,
   * read from the merge's stages in one git process.
   *
   * @returns Each path's merged contents, or `null` when a file needs its driver (or a person).
   */
  async #mergedHere(paths: readonly string[]): Promise<Map<string, Uint8Array | string> | null> {
    const store = this.#o.inProcessMerge?.store === true;
    const appendOnly = this.#o.inProcessMerge?.appendOnly === true;
    const isStore = (p: string) => store && this.#o.storePaths.has(p);
    if (paths.some((p) => !isStore(p) && !(appendOnly && this.#o.isAppendOnly(p)))) return null;
    if (
      paths.some((p) => isStore(p) && storeFileKind(p) === "events") && await this.#notesQueued()
    ) {
      return null;
    }
    const stages = await this.#o.git.readFiles(
      paths.flatMap((p) => [`:1:${p}`, `:2:${p}`, `:3:${p}`]),
    );
    if (stages === null) return null;
    const dec = new TextDecoder();
    const merged = new Map<string, Uint8Array | string>();
    for (const [i, path] of paths.entries()) {
      const base = stages[3 * i] ?? new Uint8Array();
      const ours = stages[3 * i + 1];
      const theirs = stages[3 * i + 2];
      if (ours == null || theirs == null) return null;
      const result = isStore(path)
        ? mergeStoreFileQuietly(path, base, ours, theirs)
        : appended(dec.decode(base), dec.decode(ours), dec.decode(theirs));
      if (result === null) return null;
      merged.set(path, result);
    }
    return merged;
  }

  /** Whether `tg merge-driver` queued notes for an events file's next merge (it must make it). */
  async #notesQueued(): Promise<boolean> {
    this.#gitDir ??= dirname(await this.#o.git.gitPath(MERGE_NOTES_QUEUES.events));
    for (const name of Object.values(MERGE_NOTES_QUEUES)) {
      if (await this.#o.fs.stat(`${this.#gitDir}/${name}`) !== null) return true;
    }
    return false;
  }

  /**
   * Fetches the remote branch and merges it into HEAD, then pushes what
   * HEAD has that the remote has not (commits left from an earlier run
   * that could not push them).
   *
   * @returns What happened (`refused` when local changes keep git from merging).
   * @throws {SyncError} `SyncFailed` (unreachable, or the driver failed);
   *   `SyncConflict` when local commits conflict with the remote's (the
   *   merge is aborted, nothing is reset).
   */
  async pull(): Promise<PullOutcome> {
    const tip = await this.fetch();
    let merged = false;
    if (tip !== null && !(await this.#o.git.isAncestor(tip, "HEAD"))) {
      const r = await this.merge(tip);
      if (r.kind === "refused") return { tip, merged: false, pushed: false, refused: r.detail };
      if (r.kind === "conflict") {
        throw new SyncError(
          "SyncConflict",
          `Merging ${this.label} conflicts with local commits in ${r.paths.join(", ")}`,
          { paths: r.paths },
        );
      }
      merged = r.kind === "merged";
    }
    const head = await this.#o.git.revParse("HEAD");
    if (tip === head) return { tip, merged, pushed: false, refused: null };
    this.#racing = false; // the remote was merged just now
    await this.publish();
    return { tip: await this.lastKnownTip(), merged, pushed: true, refused: null };
  }

  /**
   * Makes a decision on the remote's latest state and pushes it (a
   * compare-and-swap): `step` looks at the store, writes and commits (or
   * decides there is nothing to do); the commit is pushed. When the push
   * is rejected because another worker pushed first, the commit is dropped
   * (`git reset --keep`), the remote's new state merged, and `step` runs
   * again on it.
   *
   * @param step Looks, writes, commits; says whether it committed.
   * @returns The value of the step whose commit reached the remote (or that committed nothing).
   * @throws {SyncError} `SyncFailed` when the remote stays unreachable or
   *   keeps moving (the step's commit is dropped); `SyncConflict` when the
   *   remote cannot be merged.
   */
  async transact<T>(step: () => Promise<TransactStep<T>>): Promise<T> {
    const git = this.#o.git;
    for (let race = 0;; race++) {
      const base = (await git.revParse("HEAD"))!;
      const r = await step();
      if (!r.committed) return r.value;
      let pushed;
      try {
        pushed = await this.#push();
      } catch (e) {
        await git.resetKeep(base);
        throw e;
      }
      if (pushed.kind === "pushed") return r.value;
      await git.resetKeep(base);
      if (race + 1 >= this.#policy.maxRaces) break;
      this.#o.log.debug(`Push to ${this.label} lost a race (${pushed.detail}); looking again`);
      await this.#raceLost();
      const tip = await this.fetch();
      if (tip !== null) {
        const m = await this.merge(tip);
        if (m.kind === "conflict") {
          throw new SyncError(
            "SyncConflict",
            `Merging ${this.label} conflicts with local commits in ${m.paths.join(", ")}`,
            { paths: m.paths },
          );
        }
        if (m.kind === "refused") {
          throw new SyncError("SyncFailed", `Cannot merge ${this.label}: ${m.detail}`);
        }
      }
    }
    throw new SyncError(
      "SyncFailed",
      `Cannot push to ${this.label}: it kept moving (${this.#policy.maxRaces} tries)`,
    );
  }

  /**
   * Pushes HEAD; when the remote moved on, fetches, merges and pushes
   * again. With `guard`, the merge only happens while the remote still
   * shows this worker's claim on the item (or none): when another worker
   * has taken the item over, this worker's work on it is dropped.
   *
   * With `then`, a decision made on the state HEAD has before each push
   * (the next claim) is pushed with the work: `then` commits it (or says it
   * committed nothing), and when the push is rejected that commit is
   * dropped, the remote merged into the work alone, and `then` asked again
   * on the new state — a decision is never merged.
   *
   * @param guard The item this worker's unpushed work was done under a claim of.
   * @param then Commits a decision on top of the work; says whether it did.
   * @returns Whether the decision of `then` reached the remote with the work.
   * @throws {SyncError} `SyncFailed` (unreachable, kept moving, driver failed,
   *   local changes in the way); `SyncConflict` (HEAD reset to the remote's
   *   commit: this worker's unpushed commits dropped); `ClaimLost` (the same).
   */
  async publish(
    guard: { itemId: string } | null = null,
    then?: () => Promise<boolean>,
  ): Promise<boolean> {
    const git = this.#o.git;
    // Other workers pushed since this one's last push: they likely did again.
    // Merging first spares a push (and a decision) bound to be rejected.
    if (this.#racing) this.#racing = await this.#catchUp(guard, this.#fetchForPublish());
    else await this.#prefetched?.catch(() => null);
    this.#prefetched = null;
    for (let race = 0; race < this.#policy.maxRaces; race++) {
      const base = then === undefined ? null : await git.revParse("HEAD");
      const decided = then === undefined ? false : await then();
      const t0 = performance.now();
      let pushed;
      try {
        pushed = await this.#push();
      } catch (e) {
        if (decided) await git.resetKeep(base!);
        throw e;
      }
      if (pushed.kind === "pushed") {
        this.#o.log.debug(`Pushed to ${this.label} (${ms(t0)})`);
        return decided;
      }
      this.#racing = true;
      if (decided) await git.resetKeep(base!);
      this.#o.log.debug(`Push to ${this.label} rejected (${pushed.detail}; ${ms(t0)}); merging`);
      await this.#catchUp(guard, this.fetch());
      if (race > 0) await this.#raceLost();
    }
    throw new SyncError(
      "SyncFailed",
      `Cannot push to ${this.label}: it kept moving (${this.#policy.maxRaces} tries)`,
    );
  }

  /**
   * Fetches the remote branch and merges it into HEAD, before a push. With
   * `guard`, the merge only happens while the remote still shows this
   * worker's claim on the item (or none).
   *
   * @param guard The item this worker's unpushed work was done under a claim of.
   * @param fetching The fetch of the remote branch (started by the caller).
   * @returns Whether the remote had commits that HEAD had not.
   * @throws {SyncError} `SyncFailed`; `SyncConflict` and `ClaimLost` (HEAD
   *   reset to the remote's commit: this worker's unpushed commits dropped).
   */
  async #catchUp(
    guard: { itemId: string } | null,
    fetching: Promise<string | null>,
  ): Promise<boolean> {
    const git = this.#o.git;
    const t1 = performance.now();
    const tip = await fetching;
    const t2 = performance.now();
    if (tip === null) return false; // the branch was deleted: the push creates it again
    if (guard !== null) {
      const holder = await this.#holderAt(tip, guard.itemId);
      if (holder !== null && holder !== this.#o.worker) {
        await git.resetKeep(tip);
        throw new SyncError(
          "ClaimLost",
          `${guard.itemId} was taken over by ${holder} on ${this.label}; this worker's work ` +
            "on it was dropped",
          { holder },
        );
      }
    }
    const t3 = performance.now();
    const m = await this.merge(tip);
    this.#o.log.debug(
      `Fetched ${this.label} in ${ms(t1, t2)}, checked the claim in ${ms(t2, t3)}, ` +
        `merged in ${ms(t3)}`,
    );
    if (m.kind === "conflict") {
      await git.resetKeep(tip);
      throw new SyncError(
        "SyncConflict",
        `Merging ${this.label} conflicts in ${m.paths.join(", ")}`,
        { paths: m.paths },
      );
    }
    if (m.kind === "refused") {
      throw new SyncError("SyncFailed", `Cannot merge ${this.label}: ${m.detail}`);
    }
    return m.kind === "merged";
  }

  /** Who holds the item's claim in a commit's store (`null`: nobody, or unreadable). */
  async #holderAt(rev: string, itemId: string): Promise<string | null> {
    const text = await this.#o.git.show(`${rev}:${this.#o.tasksPath}`);
    if (text === null) return null;
    // Canonical lines start with the ID: parse only that item's line.
    const start = `{"id":${JSON.stringify(itemId)},`;
    const line = text.split("\n").find((l) => l.startsWith(start));
    try {
      if (line !== undefined) return parseItemLine(line).claimed_by;
      const items = parseActiveFile(new TextEncoder().encode(text));
      return items.find((it) => it.id === itemId)?.claimed_by ?? null;
    } catch {
      return null;
    }
  }
}

/**
 * The merge of a file both sides only appended to: the other side's text,
 * then what this side appended after the common base (`null` when a side
 * changed more than its end).
 */
function appended(base: string, ours: string, theirs: string): string | null {
  if (!ours.startsWith(base) || !theirs.startsWith(base)) return null;
  return theirs + ours.slice(base.length);
}

/** Milliseconds from `start` to `end` (default: now), for debug lines. */
function ms(start: number, end: number = performance.now()): string {
  return `${Math.round(end - start)} ms`;
}
