/**
 * What the run loop does differently when it syncs with a remote
 * (`pg run --sync`): several workers, each in its own clone, share one
 * backlog. The loop asks this class, at its fixed points:
 *
 * - before each decision, to pull the remote branch ({@linkcode SyncRun.pull});
 * - which claims hold other workers off items ({@linkcode SyncRun.claims});
 * - before an agent starts, to claim the item on the remote
 *   ({@linkcode SyncRun.claim}); no agent starts without its claim there;
 * - to promote an item, as a compare-and-swap ({@linkcode SyncRun.promote});
 * - when a task finished, to release the claim, let the completion run,
 *   and push the phase ({@linkcode SyncRun.finish}). When the item goes on
 *   to another phase, the worker claims it again for that phase in the same
 *   push and runs it next (the scheduler puts the furthest phase first):
 *   no other worker can take the item in between, and the next phase needs
 *   no push of its own. A claim kept so and not used is released with the
 *   next claim, before waiting, or at the halt. A push whose merge
 *   conflicts outside the store drops the phase's work and runs the phase
 *   again on the new remote state, as its next attempt; after the last
 *   attempt the item is blocked with the reason;
 * - when nothing is left to do, whether to wait: while other workers'
 *   claims hold back work this worker could do (their item may come back
 *   for its next phase, or their lease may expire), or always with
 *   `--watch` ({@linkcode SyncRun.idle}).
 *
 * A remote that stays unreachable makes the run halt with `SyncFailed`.
 *
 * @module
 */

import type { ItemUpdate } from "../../adapter/item_update.ts";
import { toPgError } from "../../adapter/pg_error.ts";
import { PgItem } from "../../adapter/pg_item.ts";
import type { PgStatus } from "../../adapter/pg_status.ts";
import type { Logger } from "../../io/logger.ts";
import { claimLease } from "../../store/claims.ts";
import { parseTimestamp } from "../../store/timestamp.ts";
import type { EarlierAttempts } from "../execution/agent_attempts.ts";
import type { ExecutionResult } from "../execution/executor.ts";
import { TRIAGE_PHASE } from "../execution/triage_task.ts";
import { phaseCommitMessage } from "../repo/commit_message.ts";
import type { ClaimRequest, Coordinator } from "../repo/coordinator.ts";
import { abortableSleep, SyncError } from "../repo/remote_sync.ts";
import type { ClaimContext, SchedulerAction } from "../scheduling/scheduler.ts";
import type { SchedulerItem } from "../scheduling/scheduler_item.ts";
import { type FinishedTask, phaseNote, type RunState } from "./completion.ts";
import type { RunEvent, RunObserver } from "./run_events.ts";

/** How a run syncs (`pg run --sync`). */
export interface SyncRunOptions {
  /** This worker's name (its claims and commit messages). */
  worker: string;
  /** How long a claim holds, in milliseconds. */
  leaseMs: number;
  /** How long a worker with nothing to do waits before looking at the remote again. */
  pollMs: number;
  /** Wait for work instead of halting when nothing is left (`pg run --watch`). */
  watch?: boolean;
  /** Waits; ends early on shutdown (default: a timer). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** A triage or phase to claim and run (with the updates that promote its item, for a Ready one). */
export interface SyncWork {
  /** The task. */
  action: Exclude<SchedulerAction, { kind: "Promote" }>;
  /** The updates that promote a Ready item to the action's phase. */
  promotion?: readonly ItemUpdate[];
}

/** What {@linkcode SyncRun.claim} decided. */
export type ClaimDecision =
  /** The claim is on the remote: run, going on from these earlier attempts (if any). */
  | { kind: "run"; earlier?: EarlierAttempts }
  /** Someone else has it, or it moved on: choose other work. */
  | { kind: "skip" }
  /** The remote cannot be reached: halt with `SyncFailed`. */
  | { kind: "halt" };

/** What the loop hands {@linkcode SyncRun}. */
export interface SyncRunContext {
  /** The coordinator (it syncs). */
  coordinator: Coordinator;
  /** Log sink. */
  log: Logger;
  /** Event sink. */
  observer: RunObserver;
  /** Shutdown. */
  signal: AbortSignal;
  /** Canonical timestamp of now. */
  now: () => string;
  /** Attempts a phase may take (`max_retries + 1`). */
  maxAttempts: number;
}

/** The counters a dropped completion must not have changed. */
interface SavedState {
  itemsCompleted: string[];
  itemsBlocked: Set<string>;
  followUpsCreated: number;
  itemsMerged: number;
  consecutiveExhaustions: number;
  previousSummaries: Map<string, string>;
}

function save(s: RunState): SavedState {
  return {
    itemsCompleted: [...s.itemsCompleted],
    itemsBlocked: new Set(s.itemsBlocked),
    followUpsCreated: s.followUpsCreated,
    itemsMerged: s.itemsMerged,
    consecutiveExhaustions: s.consecutiveExhaustions,
    previousSummaries: new Map(s.previousSummaries),
  };
}

function restore(s: RunState, saved: SavedState): void {
  s.itemsCompleted.splice(0, s.itemsCompleted.length, ...saved.itemsCompleted);
  s.itemsBlocked.clear();
  for (const id of saved.itemsBlocked) s.itemsBlocked.add(id);
  s.followUpsCreated = saved.followUpsCreated;
  s.itemsMerged = saved.itemsMerged;
  s.consecutiveExhaustions = saved.consecutiveExhaustions;
  s.previousSummaries.clear();
  for (const [k, v] of saved.previousSummaries) s.previousSummaries.set(k, v);
}

/** The first line of a reason, at most 100 characters, for a commit subject. */
function subjectOf(text: string): string {
  const line = text.split("\n")[0]!.trim();
  return [...line].length > 100 ? [...line].slice(0, 99).join("") + "…" : line;
}

/** The commit message of a phase's state when the completion committed nothing itself. */
function stateMessage(task: FinishedTask, result: ExecutionResult): string {
  switch (result.kind) {
    case "Failed":
      return phaseCommitMessage(task.itemId, task.phase, `Failed: ${subjectOf(result.reason)}`);
    case "Blocked":
      return phaseCommitMessage(task.itemId, task.phase, `Blocked: ${subjectOf(result.reason)}`);
    case "Cancelled":
      return phaseCommitMessage(task.itemId, task.phase, "Cancelled (shutdown)");
    default:
      return phaseCommitMessage(task.itemId, task.phase, "Task state");
  }
}

/** The status an item must have for the action (and the phase, for a phase). */
function wants(action: Exclude<SchedulerAction, { kind: "Promote" }>, pg: PgItem): boolean {
  const status: PgStatus = pg.status();
  if (action.kind === "Triage") return status === "New";
  return (status === "Scoping" || status === "InProgress") && pg.phase() === action.phase;
}

/** The sync side of one run loop. */
export class SyncRun {
  readonly #c: SyncRunContext;
  readonly #o: SyncRunOptions;
  readonly #sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Phases to run again after a conflict: item → phase and the attempts so far. */
  readonly #reruns = new Map<string, { phase: string; earlier: EarlierAttempts }>();
  #failure: string | null = null;
  /** The last finished task was just pushed: HEAD is what the remote had a moment ago. */
  #fresh = false;
  /** The claim kept from the last phase for the item's next phase (on the remote). */
  #kept: { itemId: string; phase: string; expiresAt: string } | null = null;
  #refusedShown = false;
  #waitingShown: string | null = null;
  /** Waits for the same claims of other workers, since this worker last had work. */
  #heldWaits = 0;
  /** The claims of the last wait for claims. */
  #heldKey = "";

  /**
   * Binds the sync steps to a loop.
   *
   * @param ctx Coordinator, log, events, shutdown, clock, attempts.
   * @param options Worker, lease, polling.
   */
  constructor(ctx: SyncRunContext, options: SyncRunOptions) {
    this.#c = ctx;
    this.#o = options;
    this.#sleep = options.sleep ?? abortableSleep;
  }

  /** Why syncing failed (the run halts with `SyncFailed`), or `null`. */
  get failure(): string | null {
    return this.#failure;
  }

  /** The lease of a claim, in nanoseconds. */
  get #ttlNs(): bigint {
    return BigInt(this.#o.leaseMs) * 1_000_000n;
  }

  /** Records a sync failure (the loop then halts), or rethrows what is not one. */
  #failed(e: unknown): void {
    if (!(e instanceof SyncError)) throw e;
    this.#failure = e.message;
    this.#c.log.error(`Sync failed: ${e.message}`);
  }

  /**
   * Pulls the remote before a decision.
   *
   * @returns `false` when the run must halt (`SyncFailed`).
   */
  async pull(): Promise<boolean> {
    if (this.#failure !== null) return false;
    if (this.#fresh) {
      // The phase's push fetched and merged the remote (or found it unchanged) just now.
      this.#fresh = false;
      return true;
    }
    try {
      const r = await this.#c.coordinator.pull();
      if (r.refused !== null && !this.#refusedShown) {
        this.#refusedShown = true;
        this.#c.log.warn(
          `Warning: cannot merge the remote now (${r.refused}); deciding on this clone's state. ` +
            "Commit or discard the local changes.",
        );
      } else if (r.refused === null) this.#refusedShown = false;
      return true;
    } catch (e) {
      this.#failed(e);
      return false;
    }
  }

  /**
   * The claims the scheduler respects now.
   *
   * @returns This worker and now.
   */
  claims(): ClaimContext {
    return { worker: this.#o.worker, now: this.#c.now() };
  }

  /**
   * Claims the item of a triage or phase action on the remote. With
   * `promotion`, the action is the first phase of a Ready item: the item
   * is promoted (these updates) and claimed in one commit, while it is
   * still Ready on the remote.
   *
   * @param action The action.
   * @param promotion The updates that promote the item to the action's phase.
   * @returns Whether to run it (and from which attempt), skip it, or halt.
   */
  async claim(
    action: Exclude<SchedulerAction, { kind: "Promote" }>,
    promotion?: readonly ItemUpdate[],
  ): Promise<ClaimDecision> {
    const phase = action.kind === "Triage" ? TRIAGE_PHASE : action.phase;
    const id = action.itemId;
    this.#heldWaits = 0;
    const kept = this.#kept;
    this.#kept = null;
    if (kept !== null && kept.itemId === id && kept.phase === phase && promotion === undefined) {
      const item = await this.#c.coordinator.item(id);
      if (
        item !== null && item.claimed_by === this.#o.worker &&
        claimLease(item)?.expiresAt === kept.expiresAt && wants(action, new PgItem(item))
      ) {
        this.#c.log.info(
          `[${id}][${phase.toUpperCase()}] Claimed by ${this.#o.worker} until ${kept.expiresAt} ` +
            "(kept from its previous phase)",
        );
        this.#c.observer.event({
          type: "claimed",
          "item_id": id,
          phase,
          worker: this.#o.worker,
          "expires_at": kept.expiresAt,
        });
        return this.#run(id, phase);
      }
    }
    let r;
    try {
      r = await this.#c.coordinator.claim({
        ...this.#claimRequest(action, promotion),
        ...(kept === null ? {} : { release: [kept.itemId] }),
      });
    } catch (e) {
      this.#failed(e);
      return { kind: "halt" };
    }
    switch (r.kind) {
      case "held":
        this.#c.log.info(
          `${id} is claimed by ${r.holder}` +
            (r.expiresAt === null ? "" : ` until ${r.expiresAt}`) + "; choosing other work",
        );
        return { kind: "skip" };
      case "moved":
        this.#c.log.debug(`${id} no longer wants ${phase} on the remote; choosing other work`);
        this.#reruns.delete(id);
        return { kind: "skip" };
      case "claimed": {
        this.#c.log.info(
          `[${id}][${phase.toUpperCase()}] Claimed by ${this.#o.worker} until ${r.expiresAt}` +
            (r.takeoverFrom === null
              ? ""
              : ` (taken over from ${r.takeoverFrom}, whose claim had expired)`),
        );
        const e: RunEvent = {
          type: "claimed",
          "item_id": id,
          phase,
          worker: this.#o.worker,
          "expires_at": r.expiresAt,
        };
        if (r.takeoverFrom !== null) e.taken_over_from = r.takeoverFrom;
        this.#c.observer.event(e);
        return this.#run(id, phase);
      }
    }
  }

  /** Run the claimed phase, going on from the attempts of a dropped run of it, if any. */
  #run(id: string, phase: string): ClaimDecision {
    const rerun = this.#reruns.get(id);
    if (rerun === undefined || rerun.phase !== phase) {
      this.#reruns.delete(id);
      return { kind: "run" };
    }
    return { kind: "run", earlier: rerun.earlier };
  }

  /** Releases a claim kept for a next phase that is not run now (pushed at once). */
  async #dropKept(): Promise<void> {
    const kept = this.#kept;
    if (kept === null) return;
    this.#kept = null;
    const c = this.#c.coordinator;
    try {
      if (await c.releaseClaim(kept.itemId)) {
        await c.publish({
          message: `[phase-golem] ${this.#o.worker} releases ${kept.itemId}`,
        });
      }
    } catch (e) {
      this.#failed(e);
    }
  }

  /**
   * Promotes a Ready item (or blocks one that cannot be promoted) as a
   * compare-and-swap on the remote.
   *
   * @param itemId The item.
   * @param updates The promotion's updates.
   * @param message The commit message.
   * @returns Whether the change reached the remote (`false` also when it no longer applied).
   */
  async promote(itemId: string, updates: readonly ItemUpdate[], message: string): Promise<boolean> {
    try {
      return await this.#c.coordinator.decide(itemId, updates, {
        message,
        stillWanted: (item) => new PgItem(item).status() === "Ready",
      });
    } catch (e) {
      this.#failed(e);
      return false;
    }
  }

  /**
   * A task finished: releases this worker's claim, runs the completion
   * (`handle`, with its events held back), and pushes the phase. When the
   * push drops the phase's work (a conflict outside the store, or another
   * worker took the item over), the counters the completion changed are
   * restored and only `phase_finished` is reported; a conflicting phase is
   * run again on the new remote state while it has attempts left, and
   * blocked after the last.
   *
   * When the item does not go on, the work `next` chooses on the state
   * the phase is pushed on is claimed in the same push.
   *
   * @param task What finished.
   * @param result How it ended.
   * @param state The run's counters.
   * @param handle Runs the completion; gets the observer its events go to.
   * @param next Chooses the next work on a snapshot (or none).
   */
  async finish(
    task: FinishedTask,
    result: ExecutionResult,
    state: RunState,
    handle: (observer: RunObserver) => Promise<void>,
    next?: (items: readonly SchedulerItem[]) => SyncWork | null,
  ): Promise<void> {
    const c = this.#c.coordinator;
    c.prefetch();
    await c.releaseClaim(task.itemId);
    const saved = save(state);
    const held: RunEvent[] = [];
    await handle({ event: (e) => held.push(e) });
    const kept = result.kind === "Success" || result.kind === "SubphaseComplete"
      ? await this.#keep(task.itemId)
      : null;
    let published;
    let chosen: SyncWork | null = null;
    try {
      published = await c.publish({
        itemId: task.itemId,
        message: stateMessage(task, result),
        ...(kept === null
          ? {}
          : { note: `Claimed for ${kept.phase} by ${this.#o.worker} until ${kept.expiresAt}` }),
        ...(kept !== null || next === undefined ? {} : {
          next: (items) => {
            chosen = next(items);
            return chosen === null ? null : this.#claimRequest(chosen.action, chosen.promotion);
          },
        }),
      });
    } catch (e) {
      if (!(e instanceof SyncError) || e.code === "SyncFailed") {
        for (const ev of held) this.#c.observer.event(ev);
        this.#failed(e);
        return;
      }
      restore(state, saved);
      for (const ev of held) if (ev.type === "phase_finished") this.#c.observer.event(ev);
      if (e.code === "ClaimLost") {
        this.#c.log.warn(`${task.itemId}: ${e.message}`);
        this.#reruns.delete(task.itemId);
        return;
      }
      await this.#conflicted(task, result, state, e);
      return;
    }
    this.#reruns.delete(task.itemId);
    this.#fresh = true;
    this.#kept = kept ?? published.claimed;
    for (const ev of held) this.#c.observer.event(ev);
    const work = chosen as SyncWork | null;
    if (published.claimed !== null && work?.promotion !== undefined) {
      this.#c.log.info(
        `${published.claimed.itemId} → in_progress (starting at ${published.claimed.phase})`,
      );
    }
  }

  /** The claim of an action (and of the promotion that leads to it). */
  #claimRequest(
    action: Exclude<SchedulerAction, { kind: "Promote" }>,
    promotion?: readonly ItemUpdate[],
  ): ClaimRequest {
    return {
      itemId: action.itemId,
      phase: action.kind === "Triage" ? TRIAGE_PHASE : action.phase,
      ttlNs: this.#ttlNs,
      stillWanted: (item) =>
        promotion === undefined
          ? wants(action, new PgItem(item))
          : new PgItem(item).status() === "Ready",
      ...(promotion === undefined ? {} : { updates: promotion }),
    };
  }

  /** Claims the item again for its next phase, when it has one (pushed with the phase). */
  async #keep(id: string): Promise<{ itemId: string; phase: string; expiresAt: string } | null> {
    const c = this.#c.coordinator;
    try {
      const raw = await c.item(id);
      if (raw === null) return null;
      const pg = new PgItem(raw);
      const status = pg.status();
      const phase = pg.phase();
      if ((status !== "Scoping" && status !== "InProgress") || phase === null) return null;
      const expiresAt = await c.keepClaim(id, this.#ttlNs);
      return expiresAt === null ? null : { itemId: id, phase, expiresAt };
    } catch (e) {
      const pe = toPgError(e);
      if (pe.isFatal()) throw pe;
      this.#c.log.warn(`Warning: could not keep the claim on ${id}: ${pe.message}`);
      return null;
    }
  }

  async #conflicted(
    task: FinishedTask,
    result: ExecutionResult,
    state: RunState,
    e: SyncError,
  ): Promise<void> {
    const id = task.itemId;
    const label = `[${id}][${task.phase.toUpperCase()}]`;
    const used = result.stats?.attempts ?? this.#reruns.get(id)?.earlier.used ?? 1;
    const files = e.paths.join(", ");
    const failure = `The work of attempt ${used} was dropped: another worker pushed changes to ` +
      `the same files first (${files}), which conflict with it. The repository now has their ` +
      "changes; do the phase again on top of them.";
    const max = this.#c.maxAttempts;
    this.#c.observer.event({
      type: "sync_conflict",
      "item_id": id,
      phase: task.phase,
      paths: [...e.paths],
      attempt: used,
      "max_attempts": max,
    });
    if (used < max) {
      this.#c.log.warn(
        `${label} Conflicts with the remote in ${files}: the phase's work was dropped; it runs ` +
          `again on the remote's new state (attempt ${used + 1}/${max})`,
      );
      this.#reruns.set(id, { phase: task.phase, earlier: { used, failure } });
      return;
    }
    this.#reruns.delete(id);
    const reason = `Phase ${task.phase}: the agent's changes conflict with other workers' ` +
      `changes on the remote in ${files} after ${used} attempt(s)`;
    this.#c.log.error(`${label} ${reason}; blocking ${id}`);
    const c = this.#c.coordinator;
    try {
      await c.releaseClaim(id);
      await c.updateItem(id, [{ kind: "SetBlocked", reason }], {
        note: phaseNote(task.phase, "blocked", reason),
      });
      await c.publish({
        itemId: id,
        message: phaseCommitMessage(id, task.phase, `Blocked: ${subjectOf(reason)}`),
      });
    } catch (err) {
      if (err instanceof SyncError) {
        if (err.code === "SyncFailed") this.#failed(err);
        else this.#c.log.warn(`Warning: blocking ${id} failed: ${err.message}`);
        return;
      }
      const pe = toPgError(err);
      if (pe.isFatal()) throw pe;
      this.#c.log.warn(`Warning: blocking ${id} failed: ${pe.message}`);
      return;
    }
    state.itemsBlocked.add(id);
    state.consecutiveExhaustions++;
    state.previousSummaries.delete(id);
    this.#c.observer.event({ type: "item_blocked", "item_id": id, reason });
  }

  /**
   * Whether other workers' claims hold back work this worker could do:
   * whether `hasWork` finds some once the claims with a lease (pg workers'
   * claims, which end) are set aside. A claim without a lease (`tg do
   * --claim`, a person) is not waited for: it may never end.
   *
   * @param items The snapshot.
   * @param hasWork Decides on a snapshot, respecting the claims it carries.
   * @returns The answer.
   */
  heldBack(
    items: readonly SchedulerItem[],
    hasWork: (items: readonly SchedulerItem[]) => boolean,
  ): boolean {
    let leased = false;
    const freed = items.map((it) => {
      const c = it.claim;
      if (c == null || c.by === this.#o.worker || c.expiresAt === null) return it;
      leased = true;
      return { ...it, claim: null };
    });
    return leased && hasWork(freed);
  }

  /**
   * Nothing to do now: waits when other workers' claims hold back work this
   * worker could do, or always with `--watch`, then lets the loop look
   * again. Waits until the earliest lease among the claims expires, or the
   * poll interval, whichever comes first. The first waits for the same
   * claims are shorter (an eighth of the interval, a quarter, a half): a
   * claim that holds work back often ends with its worker's next push, and
   * when one ends, others often follow.
   *
   * @param items The snapshot.
   * @param heldBack Whether there would be work if nobody held claims.
   * @returns `true` after waiting (look again), `false` to halt.
   */
  async idle(items: readonly SchedulerItem[], heldBack: boolean): Promise<boolean> {
    await this.#dropKept();
    if (!heldBack && this.#o.watch !== true) {
      this.#waitingShown = null;
      const forever = items.filter((it) =>
        it.claim != null && it.claim.by !== this.#o.worker && it.claim.expiresAt === null &&
        it.status !== "Done" && it.status !== "Blocked"
      );
      if (forever.length > 0) {
        this.#c.log.info(
          "Not waiting for items claimed without an expiry: " +
            forever.map((it) => `${it.id} (claimed by ${it.claim!.by})`).join(", "),
        );
      }
      return false;
    }
    const now = this.#c.now();
    const nowMs = instantMs(now);
    const held = items.filter((it) =>
      it.claim != null && it.claim.by !== this.#o.worker && it.claim.expiresAt !== null &&
      instantMs(it.claim.expiresAt) > nowMs
    );
    let waitMs = this.#o.pollMs;
    if (heldBack && held.length > 0) {
      const key = held.map((it) => `${it.id} ${it.claim!.by} ${it.claim!.expiresAt}`).join("\n");
      if (key !== this.#heldKey) this.#heldWaits = 0;
      this.#heldKey = key;
      waitMs /= 2 ** Math.max(0, 3 - this.#heldWaits);
      this.#heldWaits++;
    }
    for (const it of held) {
      waitMs = Math.min(waitMs, instantMs(it.claim!.expiresAt!) - nowMs + 50);
    }
    waitMs = Math.max(50, waitMs);
    const shown = heldBack && held.length > 0
      ? "Waiting for other workers: " +
        held.map((it) => `${it.id} (claimed by ${it.claim!.by} until ${it.claim!.expiresAt})`)
          .join(", ")
      : "Waiting for work on the remote (Ctrl-C stops)";
    if (shown !== this.#waitingShown) {
      this.#c.log.info(shown);
      this.#waitingShown = shown;
    }
    await this.#sleep(waitMs, this.#c.signal);
    return true;
  }
}

function instantMs(canonical: string): number {
  const t = parseTimestamp(canonical);
  return t.secs * 1000 + Math.floor(t.nanos / 1_000_000);
}
