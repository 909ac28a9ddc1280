/**
 * `pg run --watch` (issue 10 §5): instead of halting when nothing is left
 * to do, pg commits its state and waits for work. Changes under
 * `.task-golem/` (debounced) wake it: when the backlog then has something
 * to do, the store's uncommitted changes (items added with `tg add`) are
 * committed as `[phase-golem] Backlog changes` and the run loop starts
 * again. Any other uncommitted change keeps it waiting, with a message
 * that names the files, and git is polled until they are gone. Shutdown
 * ends the wait; the run state, and so the summary, spans the session.
 *
 * @module
 */

import type { DirWatch, WatchDir } from "../../io/dir_watch.ts";
import type { GitRepo, StatusEntry } from "../repo/git.ts";
import type { SchedulerItem } from "../scheduling/scheduler_item.ts";
import { newRunState, type RunState } from "./completion.ts";
import {
  type HaltReason,
  type RunLoopContext,
  type RunParams,
  runScheduler,
  type RunSummary,
} from "./run_loop.ts";
import { scheduleStep } from "./schedule_step.ts";

/** The store directory, relative to the root. */
const STORE_DIR = ".task-golem";

/** The commit message of store changes committed while waiting. */
export const BACKLOG_COMMIT_MESSAGE = "[phase-golem] Backlog changes";

/** Halt reasons that mean "nothing left to do now": `--watch` waits instead. */
export const IDLE_HALT_REASONS: ReadonlySet<HaltReason> = new Set<HaltReason>([
  "AllDoneOrBlocked",
  "FilterExhausted",
  "NoMatchingItems",
]);

/** How to wait. */
export interface WatchOptions {
  /** Git in the root (status). */
  git: GitRepo;
  /** Watches the store directory. */
  watchDir: WatchDir;
  /** Quiet time after a store change before looking (the writer may not be done). */
  debounceMs: number;
  /** How often to look again while other uncommitted changes keep pg waiting. */
  pollMs: number;
}

/**
 * Runs the loop, and after each idle halt waits for work and runs it again,
 * until another halt reason (cap, cost limit, circuit breaker) or shutdown.
 *
 * @param ctx Coordinator, runner, config and effects.
 * @param params Filter, cap, cost limit (not targets).
 * @param watch Git, the watcher, debounce and poll intervals.
 * @returns The summary of the whole session (`ShutdownRequested` when stopped while waiting).
 */
export async function runWatching(
  ctx: RunLoopContext,
  params: RunParams,
  watch: WatchOptions,
): Promise<RunSummary> {
  const state = params.state ?? newRunState();
  for (;;) {
    const summary = await runScheduler(ctx, { ...params, state });
    if (!IDLE_HALT_REASONS.has(summary.haltReason) || ctx.signal.aborted) return summary;
    // Idle with a clean tree: pg's own state is committed before waiting.
    await ctx.coordinator.haltCommit(summary.haltReason);
    if (!(await waitForWork(ctx, params, state, watch))) {
      return { ...summary, haltReason: "ShutdownRequested" };
    }
    ctx.log.info("New work in the backlog; going on");
  }
}

function isStorePath(e: StatusEntry): boolean {
  return e.path.startsWith(`${STORE_DIR}/`) &&
    (e.origPath === undefined || e.origPath.startsWith(`${STORE_DIR}/`));
}

function hasWork(
  items: readonly SchedulerItem[],
  ctx: RunLoopContext,
  params: RunParams,
  state: RunState,
): boolean {
  const step = scheduleStep(items, {
    config: ctx.config,
    targets: [],
    targetIndex: 0,
    filter: params.filter ?? [],
    completed: state.itemsCompleted,
    nothingDoneYet: state.itemsCompleted.length === 0 && state.itemsBlocked.size === 0,
    running: new Map(),
  });
  return step.kind === "act" && step.actions.length > 0;
}

/**
 * Waits until the backlog has work and the only uncommitted changes are
 * the store's (then commits them).
 *
 * @returns `true` to run again, `false` on shutdown.
 */
async function waitForWork(
  ctx: RunLoopContext,
  params: RunParams,
  state: RunState,
  o: WatchOptions,
): Promise<boolean> {
  const { log, coordinator } = ctx;
  await using wake = new Wakeups(o.watchDir(`${ctx.root}/${STORE_DIR}`));
  log.info(
    `Waiting for work: watching ${STORE_DIR}/ for new or unblocked items ` +
      "(add them with `tg add`; Ctrl-C stops)",
  );
  let shown: string | null = null; // the "other changes" message, while it holds
  let first = true;
  for (;;) {
    if (!first) {
      const woke = await wake.next(o.debounceMs, shown === null ? null : o.pollMs, ctx.signal);
      if (woke === "aborted") return false;
    }
    first = false;
    // The backlog first, then git: work found is never newer than the
    // status that lets it run (a change made between the two is seen).
    const work = hasWork((await coordinator.views()).map((e) => e.view), ctx, params, state);
    const entries = await o.git.status();
    const store = entries.filter(isStorePath).map((e) => e.path);
    const others = entries.filter((e) => !isStorePath(e)).map((e) => e.path);
    if (others.length > 0) {
      if (!work) {
        shown = null;
        continue;
      }
      const listed = others.slice(0, 5).join(", ") +
        (others.length > 5 ? `, … (${others.length})` : "");
      const message = `Waiting: the backlog has work, but there are uncommitted changes outside ` +
        `${STORE_DIR}/: ${listed}. Commit or discard them; pg goes on once only ${STORE_DIR}/ ` +
        "has changes.";
      if (message !== shown) log.warn(message);
      shown = message;
      continue;
    }
    shown = null;
    if (store.length > 0) {
      const commit = await coordinator.commitStoreChanges(store, BACKLOG_COMMIT_MESSAGE);
      if (commit !== null) log.info(`Committed backlog changes: ${commit.sha}`);
    }
    if (work) return true;
  }
}

/** Wake-ups from a directory watch: debounced changes, a timeout, or shutdown. */
class Wakeups implements AsyncDisposable {
  readonly #watch: DirWatch;
  readonly #pumping: Promise<void>;
  #pending = false;
  #lastEvent = 0;
  #notify: (() => void) | null = null;

  constructor(watch: DirWatch) {
    this.#watch = watch;
    this.#pumping = this.#pump();
  }

  async #pump(): Promise<void> {
    try {
      for await (const _ of this.#watch) {
        this.#pending = true;
        this.#lastEvent = performance.now();
        this.#notify?.();
      }
    } catch {
      // The watch failed: waiting goes on by timeout or shutdown only.
    }
  }

  /**
   * Resolves `changed` once something changed and nothing more for
   * `debounceMs` (changes since the last call count), `timeout` after
   * `timeoutMs` without a change, or `aborted`.
   */
  async next(
    debounceMs: number,
    timeoutMs: number | null,
    signal: AbortSignal,
  ): Promise<"changed" | "timeout" | "aborted"> {
    const deadline = timeoutMs === null ? Infinity : performance.now() + timeoutMs;
    for (;;) {
      if (signal.aborted) return "aborted";
      if (this.#pending) {
        const quiet = performance.now() - this.#lastEvent;
        if (quiet >= debounceMs) {
          this.#pending = false;
          return "changed";
        }
        await this.#wait(debounceMs - quiet, signal, false);
        continue;
      }
      const left = deadline - performance.now();
      if (left <= 0) return "timeout";
      await this.#wait(left, signal, true);
    }
  }

  /** Sleeps `ms` (forever when infinite), or less on shutdown or (`onEvent`) a change. */
  #wait(ms: number, signal: AbortSignal, onEvent: boolean): Promise<void> {
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        if (this.#notify === done) this.#notify = null;
        resolve();
      };
      if (Number.isFinite(ms)) timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      if (onEvent) this.#notify = done;
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#watch.close();
    await this.#pumping;
  }
}
