/**
 * The coordinator (pg.md §6): the one place where a run changes the store,
 * the git index and the worklog. Commands run strictly one at a time in
 * arrival order (a promise queue); every store change is one store
 * operation (`updateItem`, `addItems`, `mergeItem`), with lock timeouts
 * retried (§6.2), so pg follows the same rules as `tg` and its status
 * changes reach the event log. Nothing is cached: the store file is the
 * truth.
 *
 * Phase completion follows the storage design's order (§6.4 [Target]):
 * stage the phase's artifacts → update the item (and archive it when Done)
 * → stage the store files and worklog → commit now (destructive) or queue
 * for the batch commit (non-destructive). Paths that were staged before the
 * coordinator started belong to someone else and are never staged or
 * committed. A failed commit is reported and the run goes on; the store
 * stays the truth.
 *
 * With a {@linkcode RemoteSync} (`pg run --sync`), the coordinator is also
 * the one place that talks to the remote: it pulls before the run decides,
 * claims items and promotes them as compare-and-swap pushes, commits every
 * phase at once (no batches), releases this worker's claims, and pushes
 * every phase and the halt state.
 *
 * @module
 */

import { applyUpdate, type ItemUpdate } from "../../adapter/item_update.ts";
import { PgError, toPgError } from "../../adapter/pg_error.ts";
import { PgItem } from "../../adapter/pg_item.ts";
import { claimLease } from "../../store/claims.ts";
import {
  readItem,
  readSnapshot,
  type StoreRetryOptions,
  withStoreRetry,
} from "../../adapter/store_access.ts";
import type { Clock } from "../../io/clock.ts";
import type { FileSystem } from "../../io/fs.ts";
import type { Logger } from "../../io/logger.ts";
import { ioError, TaskStoreError } from "../../store/errors.ts";
import type { Item } from "../../store/item.ts";
import { DEFAULT_ID_LENGTH } from "../../store/id.ts";
import { addItems } from "../../store/ops/add.ts";
import { claimItem, releaseClaim } from "../../store/ops/claim.ts";
import { mergeItem } from "../../store/ops/merge.ts";
import { updateItem, type UpdateOutcome } from "../../store/ops/update.ts";
import type { TaskStore } from "../../store/store.ts";
import type { FollowUp } from "../execution/phase_result.ts";
import { followUpRequest, followUpTitleProblem } from "../rules/follow_up.ts";
import { combineDuplicate } from "../rules/item_merge.ts";
import { unblockItem } from "../rules/unblock.ts";
import { type SnapshotEntry, SnapshotReader } from "../scheduling/snapshot_reader.ts";
import type { SchedulerItem } from "../scheduling/scheduler_item.ts";
import {
  batchCommitMessage,
  type BatchEntry,
  haltCommitMessage,
  phaseCommitMessage,
} from "./commit_message.ts";
import { type GitRepo, STORE_FILES, WORKLOG_DIR } from "./git.ts";
import { type PullOutcome, type RemoteSync, SyncError } from "./remote_sync.ts";
import { appendWorklog, type WorklogEntry } from "./worklog.ts";

/**
 * What kind of commit was made (`backlog`: store changes made by others,
 * `pg run --watch`; `claim`, `promote`, `state`: `pg run --sync`'s claims,
 * promotions, and a phase's state when it failed, was blocked or cancelled).
 */
export type CommitKind = "phase" | "batch" | "halt" | "backlog" | "claim" | "promote" | "state";

/** A commit the coordinator made. */
export interface CommitRecord {
  /** The new commit. */
  sha: string;
  /** Its message. */
  message: string;
  /** Which step made it. */
  kind: CommitKind;
}

/** Options for {@linkcode Coordinator.start}. */
export interface CoordinatorOptions {
  /** The task store. */
  store: TaskStore;
  /** Git in the project root. */
  git: GitRepo;
  /** File system (worklog). */
  fs: FileSystem;
  /** Clock (timestamps, worklog). */
  clock: Clock;
  /** Project root, absolute. */
  root: string;
  /** Prefix of the IDs of follow-up items. */
  prefix: string;
  /** Where log lines go. */
  log: Logger;
  /** Waits between store retries (default 1 s, 1 s). */
  retryDelaysMs?: readonly number[];
  /** How to wait between retries (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Paths staged by someone else before the run; default: whatever is
   * staged when the coordinator starts.
   */
  foreignStaged?: ReadonlySet<string>;
  /** Told about every commit made. */
  onCommit?: (commit: CommitRecord) => void;
  /**
   * The line cache of {@linkcode Coordinator.views} (pass the one the
   * caller already read the store with, so unchanged lines are not parsed
   * again).
   */
  reader?: SnapshotReader;
  /**
   * The remote this run syncs with (`pg run --sync`): every phase is
   * committed at once and pushed; claims and promotions are pushed as
   * compare-and-swaps.
   */
  sync?: RemoteSync;
}

/** Inputs of {@linkcode Coordinator.claim}. */
export interface ClaimRequest {
  /** The item. */
  itemId: string;
  /** The phase the claim is for (`triage` for triage), for the commit message. */
  phase: string;
  /** How long the claim holds, in nanoseconds. */
  ttlNs: bigint;
  /**
   * Whether the action still applies to the item as the remote has it now
   * (looked at again after every lost race); `false` claims nothing.
   */
  stillWanted: (item: Item) => boolean;
  /** Updates made with the claim, in the same commit (a promotion to the claimed phase). */
  updates?: readonly ItemUpdate[];
  /** Items whose claim by this worker is released in the same commit (it moves on). */
  release?: readonly string[];
}

/** What {@linkcode Coordinator.claim} found. */
export type ClaimResult =
  /** Claimed (or renewed, or taken over), and the claim is on the remote. */
  | { kind: "claimed"; expiresAt: string; takeoverFrom: string | null; commit: CommitRecord }
  /** Another worker's claim holds. */
  | { kind: "held"; holder: string; expiresAt: string | null }
  /** The item is gone or no longer wants the action. */
  | { kind: "moved" };

/** Inputs of {@linkcode Coordinator.publish}. */
export interface PublishRequest {
  /** The item whose phase ended (its claim guards the merge), if any. */
  itemId?: string;
  /**
   * The commit's message when no phase is waiting for its commit (a phase
   * that failed, was blocked or cancelled; a released claim).
   */
  message: string;
  /** A line added to the commit message's body (the claim kept for the next phase). */
  note?: string;
  /**
   * The next work, decided on the state the work is pushed on: its claim
   * is pushed with the work (and decided again after each merge). `null`:
   * nothing to claim.
   */
  next?: (items: SchedulerItem[]) => ClaimRequest | null;
}

/** What {@linkcode Coordinator.publish} did. */
export interface PublishOutcome {
  /** The commit of the work, or `null` when there was nothing to commit. */
  commit: CommitRecord | null;
  /** The claim of the next work that reached the remote with it, or `null`. */
  claimed: { itemId: string; phase: string; expiresAt: string } | null;
}

/** Inputs of {@linkcode Coordinator.completePhase}. */
export interface CompletePhaseRequest {
  /** Item ID. */
  itemId: string;
  /** Phase name (`triage` for triage). */
  phase: string;
  /** The result's `commit_summary`. */
  commitSummary: string | null;
  /** Commit now (destructive phases, sub-phases, triage) or join the batch. */
  destructive: boolean;
  /**
   * Item updates that result from the phase, applied before the store is
   * staged. When they make the item Done, the store moves it to the archive
   * (unless it still has active children).
   */
  updates: readonly ItemUpdate[];
  /** A note for the item's event log (the phase, its outcome and summary). */
  note?: string;
  /**
   * The item may be gone (merged away by its own triage): then there is
   * nothing to update, but the artifacts are still staged and committed.
   */
  allowMissing?: boolean;
}

/** What {@linkcode Coordinator.completePhase} did. */
export interface CompletePhaseOutcome {
  /** The commit made (destructive only), or `null`. */
  commit: CommitRecord | null;
  /** Why the destructive commit failed, if it did (the store change stands). */
  commitError: string | null;
  /** Whether the item was archived. */
  archived: boolean;
}

/** Options for {@linkcode Coordinator.updateItem}. */
export interface UpdateItemRequestOptions {
  /** A note for the item's event log, written with the change. */
  note?: string;
}

/** Follow-ups created and the ones skipped. */
export interface IngestOutcome {
  /** New IDs, in input order of the accepted follow-ups. */
  ids: string[];
  /** One warning per follow-up skipped. */
  skipped: string[];
}

const SHUT_DOWN = "coordinator shut down";

/**
 * The serialized store/git/worklog actor of a run.
 *
 * @example Complete a destructive phase: one commit holds the work and the item's update
 * ```ts
 * import {
 *   DenoFileSystem,
 *   DenoProcessRunner,
 *   FixedClock,
 *   importItems,
 *   newPgItem,
 *   PgItem,
 *   TaskStore,
 * } from "@golem/golem";
 * import { MemoryLogger } from "../../io/logger.ts";
 * import { Coordinator } from "./coordinator.ts";
 * import { GitRepo } from "./git.ts";
 * import assert from "node:assert/strict";
 *
 * // The coordinator drives git, so this runs in a temporary repository.
 * const root = await Deno.makeTempDir();
 * try {
 *   const runner = new DenoProcessRunner();
 *   const sh = (...args: string[]) => runner.run("git", args, { cwd: root });
 *   await sh("init", "-q");
 *   await sh("config", "user.name", "pg");
 *   await sh("config", "user.email", "pg@example.com");
 *   await sh("config", "commit.gpgsign", "false");
 *   await sh("config", "core.hooksPath", ".no-hooks");
 *   const fs = new DenoFileSystem();
 *   const clock = new FixedClock({ secs: 1767225600, nanos: 0 });
 *   const store = new TaskStore(`${root}/.task-golem`, {
 *     fs,
 *     clock,
 *     author: () => Promise.resolve("pg"),
 *   });
 *   await store.init();
 *   const now = "2026-01-01T00:00:00Z";
 *   await importItems(store, {
 *     active: [newPgItem("WRK-001", "Parser", { now, status: "InProgress" })],
 *   });
 *   await sh("add", "-A");
 *   await sh("commit", "-q", "-m", "Initial");
 *
 *   const git = new GitRepo({ runner, root, fs });
 *   const log = new MemoryLogger();
 *   const coord = await Coordinator.start({ store, git, fs, clock, root, prefix: "WRK", log });
 *   await Deno.writeTextFile(`${root}/parser.ts`, "export {};\n"); // the agent's work
 *   const out = await coord.completePhase({
 *     itemId: "WRK-001",
 *     phase: "build",
 *     commitSummary: "Add parser",
 *     destructive: true,
 *     updates: [{ kind: "SetPhase", phase: "review" }],
 *   });
 *
 *   assert.equal(out.commit?.message, "[WRK-001][build] Add parser");
 *   assert.equal(out.commit?.sha, await git.headSha());
 *   const head = (await sh("show", "--name-only", "--format=", "HEAD")).stdout;
 *   assert.deepEqual(head.trim().split("\n").sort(), [".task-golem/tasks.jsonl", "parser.ts"]);
 *   const [item] = await store.loadActive();
 *   assert.equal(new PgItem(item!).phase(), "review");
 *   assert.ok(await git.isClean());
 *   assert.deepEqual(log.lines, []);
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
 * ```
 */
export class Coordinator {
  readonly #o: CoordinatorOptions;
  readonly #foreign: ReadonlySet<string>;
  readonly #artifactExclude: ReadonlySet<string>;
  readonly #storeExisted: boolean;
  #queue: Promise<unknown> = Promise.resolve();
  #dead = false;
  /** A commit of pg's failed, so pg's staged changes wait for the next one. */
  #commitFailed = false;
  readonly #pending: BatchEntry[] = [];
  readonly #reader: SnapshotReader;
  readonly #sync: RemoteSync | null;

  private constructor(
    options: CoordinatorOptions,
    foreign: ReadonlySet<string>,
    storeExisted: boolean,
  ) {
    this.#o = options;
    this.#reader = options.reader ?? new SnapshotReader();
    this.#foreign = foreign;
    this.#artifactExclude = new Set([...foreign, ...STORE_FILES]);
    this.#storeExisted = storeExisted;
    this.#sync = options.sync ?? null;
  }

  /**
   * Starts a coordinator after the startup probe (pg.md §6.10): reads the
   * store once — **[Target]** a corrupt store or unsupported schema aborts
   * with that error — warns when `tasks.jsonl` has uncommitted changes, and
   * records the paths already staged.
   *
   * @param options Store, git, effects and settings.
   * @returns The coordinator.
   * @throws {PgError} When the store cannot be read.
   */
  static async start(options: CoordinatorOptions): Promise<Coordinator> {
    options = { ...options, reader: options.reader ?? new SnapshotReader() };
    try {
      await options.reader!.read(options.store, () => {});
    } catch (e) {
      throw toPgError(e instanceof TaskStoreError ? e : ioError(e));
    }
    const storeExisted =
      (await options.fs.stat(options.store.tasksPath).catch(() => null)) !== null;
    try {
      const dirty = await options.git.status([STORE_FILES[0]!]);
      if (dirty.length > 0) {
        options.log.warn(
          "Warning: .task-golem/tasks.jsonl has uncommitted changes. Commit them, or run " +
            "`git checkout .task-golem/tasks.jsonl` to discard them.",
        );
      }
    } catch (e) {
      options.log.warn(`Could not check .task-golem/tasks.jsonl in git: ${(e as Error).message}`);
    }
    const foreign = options.foreignStaged ?? await options.git.stagedPaths();
    if (foreign.size > 0) {
      options.log.warn(
        `${foreign.size} path(s) were staged before the run; pg will not stage or commit them: ` +
          [...foreign].slice(0, 5).join(", ") + (foreign.size > 5 ? ", …" : ""),
      );
    }
    return new Coordinator(options, foreign, storeExisted);
  }

  /** Whether a fatal error stopped the coordinator. */
  get isShutDown(): boolean {
    return this.#dead;
  }

  /** The non-destructive phases waiting for the batch commit. */
  get pendingBatch(): readonly BatchEntry[] {
    return this.#pending;
  }

  /** Paths staged by someone else before the run (never staged or committed by pg). */
  get foreignStaged(): ReadonlySet<string> {
    return this.#foreign;
  }

  /** Runs `fn` after every earlier command; a fatal error shuts the coordinator down. */
  #enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      if (this.#dead) throw new PgError("InternalPanic", SHUT_DOWN);
      try {
        return await fn();
      } catch (caught) {
        // A sync that could not be completed is the caller's to handle, not a store failure.
        if (caught instanceof SyncError) throw caught;
        const e = toPgError(caught);
        if (e.isFatal()) {
          this.#dead = true;
          this.#o.log.error("Fatal coordinator error — shutting down handler loop");
        }
        throw e;
      }
    };
    const p = this.#queue.then(run, run);
    this.#queue = p.catch(() => {});
    return p;
  }

  /**
   * A store file that existed at the start and is gone now was deleted
   * behind pg's back (e.g. by an agent): stop before anything is written
   * or committed, so the deletion never reaches git.
   */
  async #checkStore(): Promise<void> {
    if (!this.#storeExisted) return;
    const info = await this.#o.fs.stat(this.#o.store.tasksPath).catch(() => null);
    if (info === null) {
      throw new PgError(
        "NotInitialized",
        ".task-golem/tasks.jsonl disappeared during the run; restore it with " +
          "`git checkout .task-golem/tasks.jsonl`",
      );
    }
  }

  /** Runs a store operation with the §6.2 retries, after checking the store is still there. */
  async #write<T>(op: () => Promise<T>): Promise<T> {
    await this.#checkStore();
    const options: StoreRetryOptions = { warn: (m) => this.#o.log.warn(m) };
    if (this.#o.retryDelaysMs !== undefined) options.delaysMs = this.#o.retryDelaysMs;
    if (this.#o.sleep !== undefined) options.sleep = this.#o.sleep;
    return await withStoreRetry(this.#o.store, op, options);
  }

  /** Applies pg's updates to one item through the store (only its line is rewritten). */
  #update(
    id: string,
    updates: readonly ItemUpdate[],
    note: string | undefined,
  ): Promise<UpdateOutcome<void>> {
    return this.#write(() =>
      updateItem(this.#o.store, id, (item) => {
        const pg = this.#view(item);
        for (const u of updates) applyUpdate(pg, u);
      }, note === undefined ? {} : { note })
    );
  }

  #view(item: Item): PgItem {
    return new PgItem(item, { clock: this.#o.clock, warn: (m) => this.#o.log.warn(m) });
  }

  async #commit(
    message: string,
    kind: CommitKind,
    options: { report?: boolean } = {},
  ): Promise<CommitRecord | null> {
    let r;
    try {
      r = await this.#o.git.commit(message, { exclude: this.#foreign });
    } catch (e) {
      this.#commitFailed = true;
      throw e;
    }
    this.#commitFailed = false;
    if (!r.committed) return null;
    const record = { sha: r.sha, message, kind };
    if (options.report !== false) this.#o.onCommit?.(record);
    return record;
  }

  #stageStore(): Promise<string[]> {
    return this.#o.git.stageIfDirty([...STORE_FILES, WORKLOG_DIR], { exclude: this.#foreign });
  }

  async #worklog(entry: WorklogEntry): Promise<void> {
    await appendWorklog(entry, { fs: this.#o.fs, root: this.#o.root, clock: this.#o.clock });
  }

  // -------------------------------------------------------------------------
  // Commands

  /**
   * The active items, read without the lock (not retried).
   *
   * @returns Items in file order.
   */
  snapshot(): Promise<Item[]> {
    return this.#enqueue(async () => {
      await this.#checkStore();
      return await readSnapshot(this.#o.store);
    });
  }

  /**
   * The scheduler's view of every active item, read from the file without
   * the lock; only lines that changed since the last call are parsed again.
   *
   * @returns Views in file order.
   */
  views(): Promise<SnapshotEntry[]> {
    return this.#enqueue(async () => {
      await this.#checkStore();
      try {
        return await this.#reader.read(this.#o.store, (m) => this.#o.log.warn(m));
      } catch (e) {
        throw toPgError(e);
      }
    });
  }

  /**
   * One active item, read without the lock (only that item is built).
   *
   * @param id Item ID.
   * @returns The item, or `null` when it is not active.
   */
  item(id: string): Promise<Item | null> {
    return this.#enqueue(async () => {
      await this.#checkStore();
      return await readItem(this.#o.store, id);
    });
  }

  /**
   * Applies updates to one item under the lock. Status changes get their
   * events in the store's log (author: pg).
   *
   * @param id Item ID.
   * @param updates The updates, in order (skipped ones are warnings).
   * @param options A note for the item's log.
   * @throws {PgError} `ItemNotFound`.
   */
  updateItem(
    id: string,
    updates: readonly ItemUpdate[],
    options: UpdateItemRequestOptions = {},
  ): Promise<void> {
    return this.#enqueue(async () => {
      await this.#update(id, updates, options.note);
    });
  }

  /**
   * Records the commit a phase starts from (`x-pg-last-phase-commit`).
   *
   * @param id Item ID.
   * @param sha HEAD.
   */
  recordPhaseStart(id: string, sha: string): Promise<void> {
    return this.updateItem(id, [{ kind: "SetLastPhaseCommit", sha }]);
  }

  /**
   * `git rev-parse HEAD`.
   *
   * @returns The SHA.
   */
  headSha(): Promise<string> {
    return this.#enqueue(() => this.#o.git.headSha());
  }

  /**
   * Whether a commit is in HEAD's history (pg.md §8.2).
   *
   * @param sha The commit.
   * @returns Whether it is an ancestor of HEAD.
   */
  isAncestor(sha: string): Promise<boolean> {
    return this.#enqueue(() => this.#o.git.isAncestor(sha));
  }

  /**
   * Appends a worklog entry.
   *
   * @param entry The entry.
   * @throws {PgError} `Git` (`Worklog write failed: …`).
   */
  writeWorklog(entry: WorklogEntry): Promise<void> {
    return this.#enqueue(async () => {
      try {
        await this.#worklog(entry);
      } catch (e) {
        throw new PgError("Git", `Worklog write failed: ${(e as Error).message}`, { cause: e });
      }
    });
  }

  /**
   * Completes a phase (pg.md §6.4 [Target]): stage every dirty path (except
   * foreign ones) → apply `updates` under the lock (and archive the item
   * when asked) → stage the store files and worklog → commit now when
   * `destructive`, else queue for {@linkcode batchCommit}.
   *
   * @param req The phase and its updates.
   * @returns The commit made and whether the item was archived.
   * @throws {PgError} `Git` when staging the artifacts fails (nothing was
   *   changed); `ItemNotFound` when the item is gone.
   */
  completePhase(req: CompletePhaseRequest): Promise<CompletePhaseOutcome> {
    return this.#enqueue(async () => {
      await this.#checkStore();
      // Store files are staged after the update (step 3), never before.
      await this.#o.git.stageDirty({ exclude: this.#artifactExclude });
      let updated: UpdateOutcome<void> | null = null;
      try {
        updated = await this.#update(req.itemId, req.updates, req.note);
      } catch (e) {
        if (!(req.allowMissing && toPgError(e).code === "ItemNotFound")) throw e;
      }
      const archived = updated?.archived ?? false;
      if (archived) {
        const pg = this.#view(updated!.item);
        await this.#worklog({
          id: req.itemId,
          title: pg.title,
          phase: pg.phase() ?? "unknown",
          outcome: "Archived",
          summary: "Item archived",
        }).catch((e) => this.#o.log.warn(`Worklog write failed: ${(e as Error).message}`));
      } else if (updated !== null && updated.activeChildren.length > 0) {
        this.#o.log.info(
          `${req.itemId} is done; it stays in tasks.jsonl until its children are done ` +
            `(${updated.activeChildren.join(", ")}), then \`tg archive\` moves it`,
        );
      }
      const outcome: CompletePhaseOutcome = { commit: null, commitError: null, archived };
      // With a remote, the phase's commit is made by publish(), with the claim it keeps.
      if (!req.destructive || this.#sync !== null) {
        try {
          await this.#stageStore();
        } catch (e) {
          this.#o.log.warn(`Warning: staging task state failed: ${(e as Error).message}`);
        }
        this.#pending.push({
          itemId: req.itemId,
          phase: req.phase,
          commitSummary: req.commitSummary,
        });
        return outcome;
      }
      try {
        await this.#stageStore();
        outcome.commit = await this.#commit(
          phaseCommitMessage(req.itemId, req.phase, req.commitSummary),
          "phase",
        );
      } catch (e) {
        outcome.commitError = (e as Error).message;
        this.#o.log.warn(
          `CompletePhase commit failed (JSONL state preserved): ${outcome.commitError}`,
        );
      }
      return outcome;
    });
  }

  /**
   * Commits the queued non-destructive phases (pg.md §6.5). No-op when none
   * is queued; with nothing staged the queue is cleared without a commit;
   * on failure the queue is kept for the next try.
   *
   * @returns The commit, or `null`.
   * @throws {PgError} `Git` when staging or committing fails.
   */
  batchCommit(): Promise<CommitRecord | null> {
    return this.#enqueue(async () => {
      if (this.#pending.length === 0) return null;
      await this.#checkStore();
      await this.#stageStore();
      const record = await this.#commit(batchCommitMessage(this.#pending), "batch");
      this.#pending.length = 0;
      return record;
    });
  }

  /**
   * Creates New items for follow-ups (pg.md §6.6) in one locked operation:
   * IDs `{prefix}-{random}` unique over active and archived items, origin
   * `origin`, suggested size and risk, context as description. **[Fix]**
   * Titles are trimmed; empty or multi-line titles are skipped.
   *
   * @param followUps The follow-ups.
   * @param origin `{item_id}/{phase}`.
   * @returns The new IDs and the skip warnings.
   */
  ingestFollowUps(followUps: readonly FollowUp[], origin: string): Promise<IngestOutcome> {
    if (followUps.length === 0) return Promise.resolve({ ids: [], skipped: [] });
    return this.#enqueue(async () => {
      const skipped: string[] = [];
      const accepted = followUps.filter((f) => {
        const problem = followUpTitleProblem(f.title);
        if (problem !== null) {
          skipped.push(
            `Skipping follow-up from ${origin}: ${problem} (${JSON.stringify(f.title)})`,
          );
        }
        return problem === null;
      });
      for (const s of skipped) this.#o.log.warn(s);
      if (accepted.length === 0) return { ids: [], skipped };
      const warn = (m: string) => this.#o.log.warn(m);
      const added = await this.#write(() =>
        addItems(
          this.#o.store,
          accepted.map((f) => followUpRequest(f, origin, { warn })),
          { prefix: this.#o.prefix, length: DEFAULT_ID_LENGTH },
        )
      );
      const ids = added.map((it) => it.id);
      return { ids, skipped };
    });
  }

  /**
   * Unblocks an item (same effect as `pg unblock`).
   *
   * @param id Item ID.
   * @param notes Notes for the next prompt.
   * @throws {PgError} `ItemNotFound`; `InvalidTransition` when it is not Blocked.
   */
  unblockItem(id: string, notes?: string): Promise<void> {
    return this.#enqueue(async () => {
      await this.#write(() =>
        updateItem(this.#o.store, id, (item) => {
          const r = unblockItem(this.#view(item), notes);
          if (!r.ok) throw new PgError("InvalidTransition", r.error);
        })
      );
    });
  }

  /**
   * Merges `source` into `target` (pg.md §6.7) and archives the source.
   *
   * @param source The item merged away.
   * @param target The item that stays.
   * @throws {PgError} `CycleDetected` for a self-merge; `ItemNotFound`.
   */
  mergeItem(source: string, target: string): Promise<void> {
    if (source === target) {
      return Promise.reject(
        new PgError("CycleDetected", `Cannot merge item ${source} into itself`),
      );
    }
    return this.#enqueue(async () => {
      const options = { clock: this.#o.clock, warn: (m: string) => this.#o.log.warn(m) };
      await this.#write(() =>
        mergeItem(this.#o.store, source, target, {
          combine: (from, into) => combineDuplicate(from, into, options),
        })
      );
    });
  }

  // -------------------------------------------------------------------------
  // Sync (`pg run --sync`)

  /** The remote sync, or a `TypeError` without one. */
  #remote(): RemoteSync {
    if (this.#sync === null) throw new TypeError("This coordinator does not sync with a remote");
    return this.#sync;
  }

  /** Whether this run syncs with a remote. */
  get syncs(): boolean {
    return this.#sync !== null;
  }

  /**
   * Pulls before the run decides: store changes others made in this clone
   * (`tg add`) are committed first (`[phase-golem] Backlog changes`), then
   * the remote branch is fetched and merged, and unpushed commits pushed.
   *
   * @returns What happened (`refused` when other local changes keep git from merging).
   * @throws {SyncError} `SyncFailed`, `SyncConflict`.
   */
  pull(): Promise<PullOutcome> {
    const sync = this.#remote();
    return this.#enqueue(async () => {
      await this.#checkStore();
      const dirty = await this.#o.git.status(STORE_FILES);
      const paths = dirty.map((e) => e.path).filter((p) => !this.#foreign.has(p));
      if (paths.length > 0) {
        await this.#o.git.stagePaths(paths);
        await this.#commit("[phase-golem] Backlog changes", "backlog");
      }
      return await sync.pull();
    });
  }

  /**
   * Claims an item for this worker for one phase, as a compare-and-swap on
   * the remote: on the remote's latest state, the item must still want the
   * action and be free (or claimed by this worker, or under an expired
   * claim, which is taken over with a note); the claim is committed
   * (`[ID][phase] Claimed by W until T`) and pushed. When another worker
   * pushed first, the claim is made again on the new state. No agent may
   * start before this returns `claimed`.
   *
   * @param req The item, phase, lease and the check that the action still applies.
   * @returns The claim, who holds the item, or `moved`.
   * @throws {SyncError} `SyncFailed`, `SyncConflict`.
   */
  claim(req: ClaimRequest): Promise<ClaimResult> {
    const sync = this.#remote();
    return this.#enqueue(async () => {
      await this.#checkStore();
      const result = await sync.transact<ClaimResult>(async () => {
        let released = false;
        for (const id of req.release ?? []) {
          if (id === req.itemId) continue;
          const r = await this.#write(() => releaseClaim(this.#o.store, id, { agent: sync.worker }))
            .catch((e) => {
              if (toPgError(e).code === "ItemNotFound") return { released: false };
              throw e;
            });
          released ||= r.released;
        }
        const nothing = async (value: ClaimResult) => {
          if (!released) return { value, committed: false };
          await this.#stageStore();
          const c = await this.#commit(
            `[phase-golem] ${sync.worker} releases ${req.release!.join(", ")}`,
            "claim",
          );
          return { value, committed: c !== null };
        };
        const r = await this.#claimAndCommit(sync, req);
        return r.kind === "claimed" ? { value: r, committed: true } : await nothing(r);
      });
      if (result.kind === "claimed") this.#o.onCommit?.(result.commit);
      return result;
    });
  }

  /**
   * The claim of {@linkcode claim} on the local store, committed (not
   * reported: its commit counts once it is on the remote).
   */
  async #claimAndCommit(sync: RemoteSync, req: ClaimRequest): Promise<ClaimResult> {
    const item = await readItem(this.#o.store, req.itemId);
    if (item === null || !req.stillWanted(item)) return { kind: "moved" };
    const r = await this.#write(() =>
      claimItem(this.#o.store, req.itemId, { agent: sync.worker, ttl: req.ttlNs })
    );
    if (!r.claimed) return { kind: "held", holder: r.holder, expiresAt: r.expiresAt };
    const expiresAt = claimLeaseExpiry(r.item);
    const promoted = req.updates !== undefined && req.updates.length > 0;
    if (promoted) await this.#update(req.itemId, req.updates!, undefined);
    await this.#stageStore();
    const commit = await this.#commit(
      `[${req.itemId}][${req.phase}] ${promoted ? "Promoted and claimed" : "Claimed"} by ` +
        `${sync.worker} until ${expiresAt}`,
      "claim",
      { report: false },
    );
    if (commit === null) throw new PgError("Git", "the claim changed nothing to commit");
    return { kind: "claimed", expiresAt, takeoverFrom: r.takeover?.from ?? null, commit };
  }

  /**
   * Applies updates to an item as a compare-and-swap on the remote (a
   * promotion): on the remote's latest state the item must still want them;
   * they are committed with `message` and pushed, and made again on the new
   * state when another worker pushed first.
   *
   * @param id The item.
   * @param updates The updates.
   * @param options The commit message and the check that the change still applies.
   * @returns Whether the change reached the remote (`false`: it no longer applied).
   * @throws {SyncError} `SyncFailed`, `SyncConflict`.
   */
  decide(
    id: string,
    updates: readonly ItemUpdate[],
    options: { message: string; stillWanted: (item: Item) => boolean },
  ): Promise<boolean> {
    const sync = this.#remote();
    return this.#enqueue(async () => {
      await this.#checkStore();
      const commit = await sync.transact<CommitRecord | null>(async () => {
        const item = await readItem(this.#o.store, id);
        if (item === null || !options.stillWanted(item)) return { value: null, committed: false };
        await this.#update(id, updates, undefined);
        await this.#stageStore();
        const c = await this.#commit(options.message, "promote", { report: false });
        return { value: c, committed: c !== null };
      });
      if (commit !== null) this.#o.onCommit?.(commit);
      return commit !== null;
    });
  }

  /**
   * Claims an item again for its next phase (a local store change): it
   * reaches the remote in the commit of the phase that just ended
   * ({@linkcode publish}), so the worker goes on with the item and no other
   * worker can take it in between.
   *
   * @param id The item.
   * @param ttlNs How long the claim holds, in nanoseconds.
   * @returns When the claim expires, or `null` when the item could not be claimed.
   */
  keepClaim(id: string, ttlNs: bigint): Promise<string | null> {
    const sync = this.#remote();
    return this.#enqueue(async () => {
      await this.#checkStore();
      const r = await this.#write(() =>
        claimItem(this.#o.store, id, { agent: sync.worker, ttl: ttlNs })
      );
      return r.claimed ? claimLeaseExpiry(r.item) : null;
    });
  }

  /**
   * Releases this worker's claim on an item (a local store change, pushed
   * with the phase it ends). Nothing happens when the item is gone or
   * claimed by someone else.
   *
   * @param id The item.
   * @returns Whether a claim was released.
   */
  releaseClaim(id: string): Promise<boolean> {
    const sync = this.#remote();
    return this.#enqueue(async () => {
      await this.#checkStore();
      try {
        const r = await this.#write(() => releaseClaim(this.#o.store, id, { agent: sync.worker }));
        return r.released;
      } catch (e) {
        if (toPgError(e).code === "ItemNotFound") return false;
        throw e;
      }
    });
  }

  /**
   * Starts fetching the remote for the {@linkcode publish} that ends the
   * phase, while the phase's work is committed, when that publish will
   * merge the remote first (other workers keep pushing). Outside the
   * queue: the fetch touches only the remote-tracking branch.
   */
  prefetch(): void {
    this.#remote().prefetch();
  }

  /**
   * Ends a phase on the remote: commits what is not committed yet (the
   * phase's files and the item's state) — with the phase's message when it
   * completed, else with `message` — then pushes, merging the remote when it
   * moved on. When the merge conflicts outside the store, or another worker
   * took the item over, HEAD is reset to the remote's commit: this worker's
   * unpushed work is dropped, the other workers' kept.
   *
   * @param req The item (its claim guards the merge) and the commit message.
   * @returns The commit made, or `null`.
   * @throws {SyncError} `SyncConflict`, `ClaimLost` (the work was dropped),
   *   `SyncFailed` (it is committed locally).
   */
  publish(req: PublishRequest): Promise<PublishOutcome> {
    const sync = this.#remote();
    return this.#enqueue(async () => {
      await this.#checkStore();
      await this.#o.git.stageDirty({ exclude: this.#foreign });
      const phase = this.#pending.length > 0;
      const message = (phase ? batchCommitMessage(this.#pending) : req.message) +
        (req.note === undefined ? "" : `\n\n${req.note}`);
      const record = await this.#commit(message, phase ? "phase" : "state");
      this.#pending.length = 0;
      const next = req.next;
      let claim: { want: ClaimRequest; result: ClaimResult } | null = null;
      const then = next === undefined ? undefined : async () => {
        claim = null;
        const entries = await this.#reader.read(this.#o.store, (m) => this.#o.log.warn(m));
        const want = next(entries.map((e) => e.view));
        if (want === null) return false;
        const result = await this.#claimAndCommit(sync, want);
        if (result.kind !== "claimed") return false;
        claim = { want, result };
        return true;
      };
      const decided = await sync.publish(
        req.itemId === undefined ? null : { itemId: req.itemId },
        then,
      );
      const made = claim as { want: ClaimRequest; result: ClaimResult } | null;
      if (!decided || made === null || made.result.kind !== "claimed") {
        return { commit: record, claimed: null };
      }
      this.#o.onCommit?.(made.result.commit);
      return {
        commit: record,
        claimed: {
          itemId: made.want.itemId,
          phase: made.want.phase,
          expiresAt: made.result.expiresAt,
        },
      };
    });
  }

  /**
   * Releases every claim this worker holds (at the end of a run), as local
   * store changes for the halt commit.
   *
   * @returns The items released.
   */
  async #releaseAllClaims(): Promise<string[]> {
    const sync = this.#sync!;
    const released: string[] = [];
    for (const item of await readSnapshot(this.#o.store)) {
      if (item.claimed_by !== sync.worker) continue;
      const r = await this.#write(() =>
        releaseClaim(this.#o.store, item.id, { agent: sync.worker })
      );
      if (r.released) released.push(item.id);
    }
    return released;
  }

  /**
   * The halt commit (pg.md §6.9, **[Fix]** B1): when `tasks.jsonl`,
   * `archive.jsonl` or the worklog has changes, stage them and commit
   * `[phase-golem] Save task state on halt ({reason})`. Failures are
   * warnings. Skipped with a warning when the coordinator has shut down.
   *
   * @param reason The halt reason.
   * @returns The commit, or `null`.
   */
  async haltCommit(reason: string): Promise<CommitRecord | null> {
    if (this.#dead) {
      this.#o.log.warn("Shutdown commit skipped: coordinator shut down");
      return null;
    }
    let record: CommitRecord | null;
    try {
      record = await this.#enqueue(async () => {
        await this.#checkStore();
        if (this.#sync !== null) await this.#releaseAllClaims();
        const staged = await this.#stageStore();
        // Changes pg staged for a commit that failed go in too.
        if (staged.length === 0 && this.#pending.length === 0 && !this.#commitFailed) return null;
        const record = await this.#commit(haltCommitMessage(reason), "halt");
        this.#pending.length = 0;
        if (record !== null) this.#o.log.info(`Committed task state on halt: ${record.sha}`);
        return record;
      });
    } catch (e) {
      this.#o.log.warn(`Shutdown commit skipped: ${(e as Error).message}`);
      return null;
    }
    if (this.#sync !== null) await this.#pushHalt(this.#sync, reason);
    return record;
  }

  /**
   * Pushes the halt state (`pg run --sync`); when that is impossible, says
   * what is committed locally and how to resume.
   */
  async #pushHalt(sync: RemoteSync, reason: string): Promise<void> {
    const log = this.#o.log;
    try {
      await this.#enqueue(async () => {
        if (reason !== "SyncFailed") await sync.publish();
      });
    } catch (e) {
      log.warn(`Warning: could not push the final task state: ${(e as Error).message}`);
    }
    const ahead = await this.#enqueue(() => sync.unpushed()).catch(() => null);
    if (ahead === null || ahead === 0) {
      if (reason !== "SyncFailed") log.info(`Pushed the task state to ${sync.label}`);
      return;
    }
    log.warn(
      `The task state is committed locally: ${ahead} commit(s) are not on ${sync.label} yet. ` +
        `Once ${sync.remote} can be reached, run \`pg run --sync ${sync.remote}\` again (it ` +
        `pushes them first), or \`git push ${sync.remote} ${sync.branch}\`.`,
    );
  }

  /**
   * Commits changes others made to the store while pg waited for work
   * (`pg run --watch`: items added with `tg add`): stages the given paths
   * under `.task-golem/` and commits them with `message`. Paths staged
   * before the run are left out.
   *
   * @param paths Changed paths under `.task-golem/` (from `git status`).
   * @param message The commit message.
   * @returns The commit, or `null` when nothing was left to commit.
   * @throws {PgError} `Git` when staging or committing fails; `TypeError`
   *   for a path outside the store.
   */
  commitStoreChanges(paths: readonly string[], message: string): Promise<CommitRecord | null> {
    const outside = paths.find((p) => !p.startsWith(".task-golem/"));
    if (outside !== undefined) {
      return Promise.reject(new TypeError(`Not a store path: ${JSON.stringify(outside)}`));
    }
    return this.#enqueue(async () => {
      await this.#o.git.stagePaths(paths.filter((p) => !this.#foreign.has(p)));
      return await this.#commit(message, "backlog");
    });
  }

  /**
   * Waits until every queued command has finished.
   */
  async drain(): Promise<void> {
    await this.#queue;
  }
}

/** When the item's claim expires (it was just claimed with a lease). */
function claimLeaseExpiry(item: Item): string {
  const lease = claimLease(item);
  if (lease === null) throw new TypeError(`${item.id} has no claim lease`);
  return lease.expiresAt;
}
