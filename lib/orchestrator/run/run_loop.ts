/**
 * The run loop (pg.md §7.4–§7.10): snapshot, choose actions, spawn phase
 * and triage tasks, handle what finishes, commit batches — until a halt
 * reason. Targets (`--target`), filters (`--only`), the phase cap and the
 * circuit breaker decide when to stop.
 *
 * @module
 */

import { toPgError } from "../../adapter/pg_error.ts";
import { DEFAULT_PIPELINE, PgItem } from "../../adapter/pg_item.ts";
import type { FileSystem } from "../../io/fs.ts";
import type { AgentRunner } from "../execution/agents/agent_runner.ts";
import { CompletionHandler, type FinishedTask, newRunState, type RunState } from "./completion.ts";
import { type PgConfig, resolvePipeline } from "../config/config.ts";
import type { Coordinator } from "../repo/coordinator.ts";
import { executePhase, type ExecutionResult, type ExecutorContext } from "../execution/executor.ts";
import { executorContext } from "./executor_context.ts";
import { type FilterCriterion, formatFilters } from "../scheduling/filter.ts";
import type { Logger } from "../../io/logger.ts";
import { NULL_OBSERVER, type RunObserver } from "./run_events.ts";
import {
  promotionOf,
  type RunningTask,
  type SchedulerAction,
  unmetDependencies,
} from "../scheduling/scheduler.ts";
import { scheduleStep } from "./schedule_step.ts";
import { backlogLines, executeTriage, TRIAGE_PHASE } from "../execution/triage_task.ts";
import type { EarlierAttempts } from "../execution/agent_attempts.ts";
import { phaseCommitMessage } from "../repo/commit_message.ts";
import type { ItemUpdate } from "../../adapter/item_update.ts";
import { SyncRun, type SyncRunOptions, type SyncWork } from "./sync_run.ts";
import type { SchedulerItem } from "../scheduling/scheduler_item.ts";

/** Why a run stopped. */
export type HaltReason =
  | "AllDoneOrBlocked"
  | "CapReached"
  | "CircuitBreakerTripped"
  | "ShutdownRequested"
  | "TargetCompleted"
  | "TargetBlocked"
  | "FilterExhausted"
  | "NoMatchingItems"
  | "CostLimitReached"
  | "SyncFailed";

/** Consecutive failed executions that trip the circuit breaker. */
export const CIRCUIT_BREAKER_THRESHOLD = 2;

/** What the run loop (and the triage loop of `pg triage`) needs. */
export interface RunLoopContext {
  /** The coordinator. */
  coordinator: Coordinator;
  /** Runs agents. */
  runner: AgentRunner;
  /** The configuration. */
  config: PgConfig;
  /** Directory workflow paths are relative to. */
  configBase: string;
  /** Project root, absolute. */
  root: string;
  /** File system. */
  fs: FileSystem;
  /** Log sink. */
  log: Logger;
  /** Event sink (default: none). */
  observer?: RunObserver;
  /** Aborted on shutdown (SIGINT/SIGTERM). */
  signal: AbortSignal;
  /** Canonical timestamp of now. */
  now: () => string;
  /** Monotonic milliseconds. */
  elapsedMs?: () => number;
  /** How long the run loop waits when nothing is in flight (default 10 ms). */
  idleMs?: number;
  /**
   * Sync with a remote (`pg run --sync`; the coordinator must sync too):
   * pull before each decision, claim before each agent, push after each
   * phase, wait while other workers' claims hold work back.
   */
  sync?: SyncRunOptions;
}

/** What to run. */
export interface RunParams {
  /** Items to process one after another (target mode). */
  targets?: readonly string[];
  /** `--only` criteria (filter mode). */
  filter?: readonly FilterCriterion[];
  /** Most phase and triage executions. */
  cap: number;
  /** Skip a blocked target instead of halting. */
  autoAdvance?: boolean;
  /**
   * The cost limit in US dollars: once the cost the agents reported in this
   * run reaches it, no further phase starts (default: none).
   */
  maxCostUsd?: number | null;
  /**
   * Counters to go on from (default: fresh ones). `pg run --watch` passes
   * the same state to each loop, so its summary covers the whole session.
   */
  state?: RunState;
}

/** How the run went. */
export interface RunSummary {
  /** Why it stopped. */
  haltReason: HaltReason;
  /** Counters. */
  state: RunState;
  /** The filter display (`impact=high AND size=small`), in filter mode. */
  filterDisplay: string | null;
  /** The cost limit in US dollars, or `null`. */
  maxCostUsd: number | null;
  /** Why syncing with the remote failed (`SyncFailed`). */
  syncError?: string;
}

interface InFlight {
  task: FinishedTask;
  promise: Promise<{ task: FinishedTask; result: ExecutionResult }>;
}

function abortPromise(signal: AbortSignal): Promise<"aborted"> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve("aborted");
    else signal.addEventListener("abort", () => resolve("aborted"), { once: true });
  });
}

/**
 * Runs the scheduler until a halt reason (pg.md §7.4). Each iteration:
 * shutdown → drain and halt; circuit breaker; cost limit (running tasks
 * finish, nothing new starts); snapshot; target or filter
 * bookkeeping; select actions; nothing to do → `AllDoneOrBlocked`; promote,
 * spawn tasks up to the cap; wait for one task and handle it; batch commit.
 *
 * On an error (a fatal store error) running agents are stopped and awaited
 * before the error is thrown, so the caller's cleanup can run.
 *
 * @param ctx Coordinator, runner, config and effects.
 * @param params Targets, filter, cap.
 * @returns The summary.
 */
export async function runScheduler(ctx: RunLoopContext, params: RunParams): Promise<RunSummary> {
  const loop = new RunLoop(ctx, params);
  return await loop.run();
}

class RunLoop {
  readonly #ctx: RunLoopContext;
  readonly #params: RunParams;
  readonly #log: Logger;
  readonly #observer: RunObserver;
  readonly #state: RunState;
  readonly #completion: CompletionHandler;
  readonly #running = new Map<string, RunningTask>();
  readonly #inFlight = new Map<string, InFlight>();
  readonly #abort = new AbortController();
  readonly #exec: ExecutorContext;
  /** Item titles from the latest snapshot, for `phase_started` events. */
  readonly #titles = new Map<string, string>();
  #targetIndex = 0;
  /** The sync steps (`pg run --sync`), or `null`. */
  readonly #sync: SyncRun | null;
  /** Where the completion handler's events go (held back while a sync decides). */
  #completionEvents: RunObserver;

  constructor(ctx: RunLoopContext, params: RunParams) {
    this.#ctx = ctx;
    this.#params = params;
    this.#state = params.state ?? newRunState();
    this.#log = ctx.log;
    this.#observer = ctx.observer ?? NULL_OBSERVER;
    this.#completionEvents = this.#observer;
    this.#completion = new CompletionHandler({
      coordinator: ctx.coordinator,
      config: ctx.config,
      log: ctx.log,
      observer: { event: (e) => this.#completionEvents.event(e) },
    }, this.#state);
    this.#sync = ctx.sync === undefined ? null : new SyncRun({
      coordinator: ctx.coordinator,
      log: ctx.log,
      observer: this.#observer,
      signal: ctx.signal,
      now: ctx.now,
      maxAttempts: ctx.config.execution.max_retries + 1,
    }, ctx.sync);
    this.#exec = executorContext({
      store: ctx.coordinator,
      runner: ctx.runner,
      config: ctx.config,
      configBase: ctx.configBase,
      root: ctx.root,
      fs: ctx.fs,
      log: ctx.log,
      observer: this.#observer,
      signal: AbortSignal.any([ctx.signal, this.#abort.signal]),
      now: ctx.now,
      ...(ctx.elapsedMs === undefined ? {} : { elapsedMs: ctx.elapsedMs }),
      title: (itemId) => this.#titles.get(itemId),
    });
  }

  async run(): Promise<RunSummary> {
    try {
      return await this.#loop();
    } catch (e) {
      // Stop the agents and wait for their tasks before the caller cleans up.
      this.#abort.abort();
      await Promise.allSettled([...this.#inFlight.values()].map((f) => f.promise));
      throw e;
    }
  }

  #halt(reason: HaltReason): RunSummary {
    const filter = this.#params.filter ?? [];
    const summary: RunSummary = {
      haltReason: reason,
      state: this.#state,
      filterDisplay: filter.length > 0 ? formatFilters(filter) : null,
      maxCostUsd: this.#params.maxCostUsd ?? null,
    };
    const failure = this.#sync?.failure ?? null;
    if (failure !== null) summary.syncError = failure;
    return summary;
  }

  /** Awaits every task in flight and handles its result. */
  async #drain(): Promise<void> {
    while (this.#inFlight.size > 0) {
      const done = await Promise.race([...this.#inFlight.values()].map((f) => f.promise));
      await this.#finish(done.task, done.result);
    }
  }

  async #batchCommit(): Promise<void> {
    try {
      await this.#ctx.coordinator.batchCommit();
    } catch (e) {
      const err = toPgError(e);
      if (err.isFatal()) throw err;
      this.#log.warn(`Warning: batch commit failed: ${err.message}`);
    }
  }

  async #stop(reason: HaltReason): Promise<RunSummary> {
    await this.#drain();
    await this.#batchCommit();
    return this.#halt(reason);
  }

  async #finish(task: FinishedTask, result: ExecutionResult): Promise<void> {
    this.#inFlight.delete(task.itemId);
    this.#running.delete(task.itemId);
    if (this.#sync === null) {
      await this.#completion.handle(task, result);
      return;
    }
    await this.#sync.finish(task, result, this.#state, async (events) => {
      this.#completionEvents = events;
      try {
        await this.#completion.handle(task, result);
      } finally {
        this.#completionEvents = this.#observer;
      }
    }, (items) => this.#nextWork(items));
  }

  async #loop(): Promise<RunSummary> {
    const targets = this.#params.targets ?? [];
    const filter = this.#params.filter ?? [];
    const cap = this.#params.cap;
    const maxCost = this.#params.maxCostUsd ?? null;
    const config = this.#ctx.config;
    const state = this.#state;
    const cancelled = abortPromise(this.#ctx.signal);
    for (;;) {
      if (this.#ctx.signal.aborted) return await this.#stop("ShutdownRequested");
      if (state.consecutiveExhaustions >= CIRCUIT_BREAKER_THRESHOLD) {
        this.#log.warn(
          `Circuit breaker tripped: ${state.consecutiveExhaustions} consecutive failed executions`,
        );
        return await this.#stop("CircuitBreakerTripped");
      }
      if (maxCost !== null && (state.costUsd ?? 0) >= maxCost) {
        this.#log.info(
          `Cost limit reached: the agents reported $${(state.costUsd ?? 0).toFixed(2)} of ` +
            `$${maxCost.toFixed(2)}; starting no further phase`,
        );
        return await this.#stop("CostLimitReached");
      }
      const sync = this.#sync;
      if (sync !== null && this.#inFlight.size === 0 && !(await sync.pull())) {
        return await this.#stop("SyncFailed");
      }
      const entries = await this.#ctx.coordinator.views();
      for (const e of entries) this.#titles.set(e.view.id, e.title);
      const views = entries.map((e) => e.view);

      if (targets.length > 0) {
        const current = targets[this.#targetIndex];
        if (current !== undefined && state.itemsBlocked.has(current)) {
          const pos = `(${this.#targetIndex + 1}/${targets.length})`;
          if (this.#params.autoAdvance) {
            this.#log.info(`[target] ${current} blocked. Auto-advancing ${pos}.`);
            await this.#drain();
            await this.#batchCommit();
            state.consecutiveExhaustions = 0;
            this.#targetIndex++;
            continue;
          }
          this.#log.info(`[target] ${current} blocked ${pos}. Halting.`);
          return await this.#stop("TargetBlocked");
        }
      }
      const input = {
        config,
        targets,
        targetIndex: this.#targetIndex,
        filter,
        completed: state.itemsCompleted,
        nothingDoneYet: state.itemsCompleted.length === 0 && state.itemsBlocked.size === 0,
        running: this.#running,
      };
      const step = scheduleStep(views, sync === null ? input : { ...input, claims: sync.claims() });
      for (const line of step.skippedTargets) this.#log.info(line);
      this.#targetIndex = step.targetIndex;
      if (step.kind === "halt") {
        if (sync !== null && this.#inFlight.size === 0 && await sync.idle(views, false)) continue;
        return await this.#stop(step.reason);
      }
      const actions = step.actions;

      if (actions.length === 0 && this.#inFlight.size === 0 && sync !== null) {
        // Would other workers' claims, once they end, leave work? Then wait for them.
        const heldBack = sync.heldBack(views, (freed) => {
          const s = scheduleStep(freed, { ...input, claims: sync.claims() });
          return s.kind === "act" && s.actions.length > 0;
        });
        if (await sync.idle(views, heldBack)) continue;
      }
      if (actions.length === 0 && this.#inFlight.size === 0) {
        const waiting = unmetDependencies(views);
        if (waiting.length > 0) {
          this.#log.info(
            "Items blocked by unmet dependencies: " +
              waiting.map((w) => `${w.id} waits on ${w.summary}`).join("; "),
          );
        }
        this.#log.info("No actionable items — all done or blocked.");
        await this.#batchCommit();
        return this.#halt("AllDoneOrBlocked");
      }

      if (actions.length > 0) this.#log.info(`Scheduling: [${describeActions(actions)}]`);
      if (sync !== null) {
        // One task at a time; a Ready item is promoted only to be run at once.
        if (await this.#syncActions(sync, actions) === "halt") {
          return await this.#stop("SyncFailed");
        }
      } else {
        for (const action of actions) {
          if (action.kind === "Promote") {
            await this.#promote(action.itemId);
            continue;
          }
          if (state.phasesExecuted >= cap) break;
          state.phasesExecuted++;
          this.#spawn(action);
        }
      }

      if (state.phasesExecuted >= cap && this.#inFlight.size === 0) {
        this.#log.info(`Phase cap reached (${cap})`);
        await this.#batchCommit();
        return this.#halt("CapReached");
      }

      if (this.#inFlight.size > 0) {
        const first = await Promise.race([
          cancelled,
          ...[...this.#inFlight.values()].map((f) => f.promise),
        ]);
        if (first === "aborted") return await this.#stop("ShutdownRequested");
        await this.#finish(first.task, first.result);
      } else {
        await new Promise((r) => setTimeout(r, this.#ctx.idleMs ?? 10));
      }
      await this.#batchCommit();
    }
  }

  /**
   * The actions of a step with `--sync`: the first triage or phase whose
   * item this worker can claim on the remote; only when the step has none,
   * the first Ready item that can be promoted and claimed at its first
   * phase in one commit. Other promotions wait until a worker runs them.
   *
   * @returns `halt` when syncing failed.
   */
  async #syncActions(sync: SyncRun, actions: readonly SchedulerAction[]): Promise<"halt" | void> {
    const state = this.#state;
    const work = actions.filter((a) => a.kind !== "Promote");
    for (const action of work.length > 0 ? work : actions) {
      if (state.phasesExecuted >= this.#params.cap) return;
      let task: Exclude<SchedulerAction, { kind: "Promote" }>;
      let promotion: readonly ItemUpdate[] | undefined;
      if (action.kind === "Promote") {
        const first = await this.#promotable(action.itemId);
        if (first === null) continue;
        task = first.action;
        promotion = first.promotion;
      } else {
        task = action;
      }
      const claimed = await sync.claim(task, promotion);
      if (claimed.kind === "halt") return "halt";
      if (claimed.kind === "skip") continue;
      if (promotion !== undefined && task.kind === "RunPhase") {
        this.#log.info(`${task.itemId} → in_progress (starting at ${task.phase})`);
      }
      // A phase run again after a conflict is an attempt of the same execution.
      if (claimed.earlier === undefined) state.phasesExecuted++;
      this.#spawn(task, claimed.earlier);
      return;
    }
  }

  /**
   * What promoting a Ready item leads to (`--sync`): its first phase and the
   * updates; an item that cannot be promoted is blocked (on the remote) and
   * `null` returned.
   */
  async #promotable(itemId: string): Promise<SyncWork | null> {
    const raw = await this.#ctx.coordinator.item(itemId);
    if (raw === null) return null;
    const pg = new PgItem(raw, { warn: (m) => this.#log.warn(m) });
    const work = promotionWork(itemId, pg.pipelineType(), this.#ctx.config);
    if (work === null) await this.#promote(itemId); // blocks it with the reason
    return work;
  }

  /**
   * The work this worker would claim next on a snapshot (`--sync`), for a
   * claim pushed with the phase that just ended: `null` when the loop
   * would not start anything now (targets, cap, cost limit, circuit
   * breaker, shutdown).
   */
  #nextWork(items: readonly SchedulerItem[]): SyncWork | null {
    const state = this.#state;
    const maxCost = this.#params.maxCostUsd ?? null;
    if (
      (this.#params.targets ?? []).length > 0 || this.#ctx.signal.aborted ||
      state.phasesExecuted >= this.#params.cap ||
      state.consecutiveExhaustions >= CIRCUIT_BREAKER_THRESHOLD ||
      (maxCost !== null && (state.costUsd ?? 0) >= maxCost) || this.#sync === null
    ) return null;
    const step = scheduleStep(items, {
      config: this.#ctx.config,
      targets: [],
      targetIndex: 0,
      filter: this.#params.filter ?? [],
      completed: state.itemsCompleted,
      nothingDoneYet: state.itemsCompleted.length === 0 && state.itemsBlocked.size === 0,
      running: new Map(),
      claims: this.#sync.claims(),
    });
    if (step.kind !== "act") return null;
    const action = step.actions.find((a) => a.kind !== "Promote") ?? step.actions[0];
    if (action === undefined) return null;
    if (action.kind !== "Promote") return { action };
    const view = items.find((it) => it.id === action.itemId);
    return view === undefined
      ? null
      : promotionWork(action.itemId, view.pipelineType, this.#ctx.config);
  }

  #spawn(
    action: Exclude<SchedulerAction, { kind: "Promote" }>,
    earlier?: EarlierAttempts,
  ): void {
    const itemId = action.itemId;
    const task: FinishedTask = action.kind === "Triage"
      ? { kind: "triage", itemId, phase: TRIAGE_PHASE }
      : { kind: "phase", itemId, phase: action.phase };
    this.#running.set(
      itemId,
      action.kind === "Triage"
        ? { phase: TRIAGE_PHASE, phasePool: "pre", isDestructive: false }
        : { phase: action.phase, phasePool: action.phasePool, isDestructive: action.isDestructive },
    );
    const work = action.kind === "Triage"
      ? this.#triageTask(itemId, earlier)
      : this.#phaseTask(action, earlier);
    const promise = work.then(
      (result) => ({ task, result }),
      (e) => ({ task, result: this.#taskError(e) }),
    );
    this.#inFlight.set(itemId, { task, promise });
  }

  #taskError(e: unknown): ExecutionResult {
    const err = toPgError(e);
    if (this.#exec.signal.aborted) return { kind: "Cancelled", stats: null };
    return { kind: "Failed", reason: err.message, stats: null };
  }

  async #triageTask(itemId: string, earlier?: EarlierAttempts): Promise<ExecutionResult> {
    const entries = await this.#ctx.coordinator.views();
    const item = await this.#ctx.coordinator.item(itemId);
    return await executeTriage(
      {
        itemId,
        item,
        backlog: backlogLines(entries, itemId),
        pipelines: Object.keys(this.#ctx.config.pipelines),
        earlier,
      },
      this.#exec,
    );
  }

  async #phaseTask(
    action: Extract<SchedulerAction, { kind: "RunPhase" }>,
    earlier?: EarlierAttempts,
  ): Promise<ExecutionResult> {
    const raw = await this.#ctx.coordinator.item(action.itemId);
    if (raw === null) {
      return { kind: "Failed", reason: "Item not found in snapshot", stats: null };
    }
    const item = new PgItem(raw, { warn: (m) => this.#log.warn(m) });
    const resolved = resolvePipeline(this.#ctx.config, item.pipelineType());
    if (resolved === null) {
      return {
        kind: "Failed",
        reason: `Pipeline '${item.pipelineType() ?? DEFAULT_PIPELINE}' not found`,
        stats: null,
      };
    }
    const phase = [...resolved.pipeline.pre_phases, ...resolved.pipeline.phases]
      .find((p) => p.name === action.phase);
    if (phase === undefined) {
      return {
        kind: "Failed",
        reason: `Phase '${action.phase}' not found in pipeline`,
        stats: null,
      };
    }
    return await executePhase(
      {
        item,
        phase,
        previousSummary: this.#state.previousSummaries.get(action.itemId) ?? null,
        earlier,
      },
      this.#exec,
    );
  }

  /**
   * Promotes a Ready item (pg.md §7.10): InProgress at the first main phase.
   * An item that cannot be promoted (gone, unknown pipeline) is blocked
   * with the reason, so the loop does not retry it forever.
   */
  async #promote(itemId: string): Promise<void> {
    const raw = await this.#ctx.coordinator.item(itemId);
    if (raw === null) {
      this.#log.warn(`Item ${itemId} not found for promotion`);
      return;
    }
    const pg = new PgItem(raw, { warn: (m) => this.#log.warn(m) });
    const promotion = promotionOf(pg.pipelineType(), this.#ctx.config);
    try {
      if (!promotion.ok) {
        const reason = promotion.reason;
        this.#log.warn(`${itemId}: ${reason}`);
        if (
          !(await this.#change(itemId, [{ kind: "SetBlocked", reason }], `[${itemId}] Blocked`))
        ) {
          return;
        }
        this.#state.itemsBlocked.add(itemId);
        this.#observer.event({ type: "item_blocked", "item_id": itemId, reason });
        return;
      }
      const first = promotion.phase;
      const promoted = await this.#change(itemId, [
        { kind: "TransitionStatus", to: "InProgress" },
        { kind: "SetPhase", phase: first },
        { kind: "SetPhasePool", pool: "main" },
      ], phaseCommitMessage(itemId, first, `Promoted to in progress by ${this.#ctx.sync?.worker}`));
      if (!promoted) return;
      this.#log.info(`${itemId} → in_progress (starting at ${first})`);
    } catch (e) {
      const err = toPgError(e);
      if (err.isFatal()) throw err;
      this.#log.warn(`Promotion of ${itemId} skipped: ${err.message}`);
    }
  }

  /**
   * Applies a decision's updates: in the store, or (`--sync`) as a
   * compare-and-swap on the remote with this commit message.
   *
   * @returns Whether it was applied (`--sync`: `false` when the item moved on or syncing failed).
   */
  async #change(itemId: string, updates: ItemUpdate[], message: string): Promise<boolean> {
    if (this.#sync === null) {
      await this.#ctx.coordinator.updateItem(itemId, updates);
      return true;
    }
    return await this.#sync.promote(itemId, updates, message);
  }
}

/**
 * The `Scheduling: [...]` description of actions: `promote X`,
 * `triage Y`, `Z → phase`.
 *
 * @param actions The actions.
 * @returns The text inside the brackets.
 */
export function describeActions(actions: readonly SchedulerAction[]): string {
  return actions.map((a) =>
    a.kind === "Promote"
      ? `promote ${a.itemId}`
      : a.kind === "Triage"
      ? `triage ${a.itemId}`
      : `${a.itemId} → ${a.phase}`
  ).join(", ");
}

/**
 * The work of promoting a Ready item (`--sync`): its pipeline's first main
 * phase, and the updates that promote it there; `null` when it cannot be
 * promoted (unknown pipeline, no main phase).
 *
 * @param itemId The item.
 * @param pipelineType Its pipeline type.
 * @param config The pipelines.
 * @returns The work, or `null`.
 */
function promotionWork(
  itemId: string,
  pipelineType: string | null,
  config: PgConfig,
): SyncWork | null {
  if (!promotionOf(pipelineType, config).ok) return null;
  const phase = resolvePipeline(config, pipelineType)!.pipeline.phases[0]!;
  return {
    action: {
      kind: "RunPhase",
      itemId,
      phase: phase.name,
      phasePool: "main",
      isDestructive: phase.is_destructive,
    },
    promotion: [
      { kind: "TransitionStatus", to: "InProgress" },
      { kind: "SetPhase", phase: phase.name },
      { kind: "SetPhasePool", pool: "main" },
    ],
  };
}
