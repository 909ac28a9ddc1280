/**
 * The scheduler's decisions (pg.md §7.1–§7.3), as pure functions of a
 * snapshot: which items to promote, which phases to run and which items to
 * triage next, in all-items, filter and target modes. No I/O, no clock, no
 * randomness: the same input always gives the same output.
 *
 * @module
 */

import type { PhasePool } from "../../adapter/assessments.ts";
import { levelRank } from "../../adapter/assessments.ts";
import type { PgStatus } from "../../adapter/pg_status.ts";
import { DEFAULT_PIPELINE } from "../../adapter/pg_item.ts";
import { compareTimestamps } from "../../store/graph.ts";
import { timestampSortKey } from "../../store/timestamp.ts";
import { type PgConfig, type PhaseConfig, resolvePipeline } from "../config/config.ts";
import { type FilterCriterion, matchesFilters } from "./filter.ts";
import type { ItemClaim, SchedulerItem } from "./scheduler_item.ts";

/** A task the run loop has in flight (triage is recorded as non-destructive, pool `pre`). */
export interface RunningTask {
  /** The phase being run (`triage` for triage tasks). */
  phase: string;
  /** Its pool. */
  phasePool: PhasePool;
  /** Whether the phase is destructive. */
  isDestructive: boolean;
}

/** What the scheduler decided. */
export type SchedulerAction =
  | { kind: "Promote"; itemId: string }
  | {
    kind: "RunPhase";
    itemId: string;
    phase: string;
    phasePool: PhasePool;
    isDestructive: boolean;
  }
  | { kind: "Triage"; itemId: string };

/**
 * Whose claims count (`pg run --sync`): items another worker holds are left
 * to it while its claim lasts.
 */
export interface ClaimContext {
  /** This worker's name: its own claims never hold it back. */
  worker: string;
  /** Now, as a canonical timestamp: a lease that expired at or before it no longer holds. */
  now: string;
}

/** The scheduler's input: a snapshot of the items and the tasks in flight. */
export interface SchedulerState {
  /** Every active item (the full snapshot, also in filter mode). */
  items: readonly SchedulerItem[];
  /** Tasks in flight, by item ID. */
  running: ReadonlyMap<string, RunningTask>;
  /**
   * Claims to respect (`pg run --sync`): an item another worker holds gets
   * no action, takes no slot, and still counts for WIP and dependencies.
   * Absent: claims are ignored, as a run without `--sync` does.
   */
  claims?: ClaimContext | undefined;
}

/**
 * The claim that keeps this worker off an item: another worker's claim
 * whose lease has not expired at `now` (a claim without a lease always
 * holds).
 *
 * @param item The item.
 * @param claims Whose claims count; `undefined` ignores claims.
 * @returns The claim, or `null` when the item is free for this worker.
 *
 * @example
 * ```ts
 * import { claimHeldElsewhere } from "./scheduler.ts";
 * import assert from "node:assert/strict";
 * const claim = { by: "w2", expiresAt: "2026-01-01T00:30:00Z" };
 * assert.deepEqual(claimHeldElsewhere({ claim }, { worker: "w1", now: "2026-01-01T00:10:00Z" }), claim);
 * assert.equal(claimHeldElsewhere({ claim }, { worker: "w1", now: "2026-01-01T00:30:00Z" }), null);
 * assert.equal(claimHeldElsewhere({ claim }, { worker: "w2", now: "2026-01-01T00:10:00Z" }), null);
 * assert.equal(claimHeldElsewhere({ claim }, undefined), null);
 * ```
 */
export function claimHeldElsewhere(
  item: Pick<SchedulerItem, "claim">,
  claims: ClaimContext | undefined,
): ItemClaim | null {
  const claim = item.claim;
  if (claims === undefined || claim === undefined || claim === null) return null;
  if (claim.by === claims.worker) return null;
  if (claim.expiresAt !== null && compareTimestamps(claim.expiresAt, claims.now) <= 0) return null;
  return claim;
}

/** Options for {@linkcode selectActions}. */
export interface SelectActionsOptions {
  /**
   * `--only` criteria: only matching items are candidates. **[Fix]** The WIP
   * count and dependency checks still use every item.
   */
  filter?: readonly FilterCriterion[];
}

/** Options for {@linkcode selectTargetedActions}. */
export interface SelectTargetedOptions {
  /** The target item's ID. */
  target: string;
}

/**
 * Index of the items by ID, with the dependency rule: a dependency is unmet
 * when it names an item of the snapshot that is not Done; IDs not in the
 * snapshot (archived, deleted) count as met.
 */
class ItemIndex {
  readonly #byId = new Map<string, SchedulerItem>();

  constructor(items: readonly SchedulerItem[]) {
    for (const it of items) if (!this.#byId.has(it.id)) this.#byId.set(it.id, it);
  }

  get(id: string): SchedulerItem | undefined {
    return this.#byId.get(id);
  }

  hasUnmet(item: SchedulerItem): boolean {
    for (const d of item.dependencies) {
      const dep = this.#byId.get(d);
      if (dep !== undefined && dep.status !== "Done") return true;
    }
    return false;
  }

  unmet(item: SchedulerItem): SchedulerItem[] {
    const out: SchedulerItem[] = [];
    for (const d of item.dependencies) {
      const dep = this.#byId.get(d);
      if (dep !== undefined && dep.status !== "Done") out.push(dep);
    }
    return out;
  }
}

/** Sort entries: the item, its created-at key, and its phase index. */
interface Entry {
  item: SchedulerItem;
  created: string;
  rank: number;
}

function byRankDescThenCreated(a: Entry, b: Entry): number {
  if (a.rank !== b.rank) return b.rank - a.rank;
  return a.created < b.created ? -1 : a.created > b.created ? 1 : 0;
}

function entry(item: SchedulerItem, rank: number): Entry {
  return { item, created: timestampSortKey(item.createdAt), rank };
}

/**
 * Position of an item's phase in its pipeline: `pre` phases count from 0,
 * main phases from the number of pre-phases; 0 when the pipeline, the phase
 * or its position is unknown.
 *
 * @param item The item.
 * @param config The configuration.
 * @returns The phase index.
 */
export function phaseIndex(item: SchedulerItem, config: PgConfig): number {
  if (item.phase === null) return 0;
  const resolved = resolvePipeline(config, item.pipelineType);
  if (resolved === null) return 0;
  const p = resolved.pipeline;
  if (item.phasePool === "pre") {
    return Math.max(0, p.pre_phases.findIndex((ph) => ph.name === item.phase));
  }
  return p.pre_phases.length + Math.max(0, p.phases.findIndex((ph) => ph.name === item.phase));
}

/** The RunPhase action for an item with a phase, or `null` when its pipeline or phase is unknown. */
function runPhaseAction(item: SchedulerItem, config: PgConfig): SchedulerAction | null {
  if (item.phase === null) return null;
  const resolved = resolvePipeline(config, item.pipelineType);
  if (resolved === null) return null;
  const p = resolved.pipeline;
  const phase: PhaseConfig | undefined = p.pre_phases.find((ph) => ph.name === item.phase) ??
    p.phases.find((ph) => ph.name === item.phase);
  if (phase === undefined) return null;
  return {
    kind: "RunPhase",
    itemId: item.id,
    phase: phase.name,
    phasePool: item.phasePool ?? "main",
    isDestructive: phase.is_destructive,
  };
}

/**
 * Where slot filling stopped (pg.md §7.1 rules 1, 2 and 5), so that a plan
 * can say why the candidates after that point got no action:
 *
 * - `destructive_running`: a destructive task runs; nothing is chosen (rule 1).
 * - `no_slots`: every slot is taken by running tasks; nothing is chosen (rule 2).
 * - `slots_filled`: the chosen tasks took the last free slot.
 * - `destructive_alone`: a destructive phase was chosen; it runs alone.
 * - `destructive_waits`: a destructive candidate was not chosen because
 *   something runs or was chosen; filling stops so that it is not starved.
 */
export type FillStop =
  | { kind: "destructive_running"; itemId: string; phase: string }
  | { kind: "no_slots" }
  | { kind: "slots_filled" }
  | { kind: "destructive_alone"; itemId: string; phase: string }
  | { kind: "destructive_waits"; itemId: string; phase: string };

/** What {@linkcode decideActions} chose, and where it stopped. */
export interface ActionDecision {
  /** The actions, in order. */
  actions: SchedulerAction[];
  /** Why filling stopped early, or `null` when every candidate was considered. */
  stop: FillStop | null;
}

/**
 * Chooses the next actions (pg.md §7.1):
 *
 * 1. Nothing while a destructive task runs.
 * 2. `slots = max_concurrent − running tasks`; nothing when no slot is free.
 * 3. Promotions (outside the slots): Ready items by impact (high first),
 *    then age, until `max_wip` items are InProgress; items with unmet
 *    dependencies or in flight are passed over.
 * 4. Candidates, skipping items in flight or with unmet dependencies:
 *    InProgress items with a phase, then Scoping items with a phase (each
 *    furthest phase first, then oldest first), then New items (oldest
 *    first) to triage. Items whose pipeline or phase is unknown are skipped.
 * 5. Slot filling: a destructive phase is chosen only when nothing runs and
 *    nothing but promotions was chosen; filling always stops at the first
 *    destructive candidate, so it runs alone or waits for running tasks to
 *    drain.
 *
 * With `state.claims` (`pg run --sync`), items another worker holds are
 * passed over in steps 3 and 4, as items in flight are, but take no slot.
 *
 * @param state Items and running tasks.
 * @param config Limits and pipelines.
 * @param options Filter criteria.
 * @returns The actions, in order.
 */
export function selectActions(
  state: SchedulerState,
  config: PgConfig,
  options: SelectActionsOptions = {},
): SchedulerAction[] {
  return decideActions(state, config, options).actions;
}

/**
 * {@linkcode selectActions}, also telling where slot filling stopped (the
 * same decision: `selectActions` returns this function's actions).
 *
 * @param state Items and running tasks.
 * @param config Limits and pipelines.
 * @param options Filter criteria.
 * @returns The actions and the stop.
 */
export function decideActions(
  state: SchedulerState,
  config: PgConfig,
  options: SelectActionsOptions = {},
): ActionDecision {
  const running = state.running;
  let runningCount = 0;
  for (const [id, task] of running) {
    if (task.isDestructive) {
      return { actions: [], stop: { kind: "destructive_running", itemId: id, phase: task.phase } };
    }
    runningCount++;
  }
  let slots = Math.max(0, config.execution.max_concurrent - runningCount);
  if (slots === 0) return { actions: [], stop: { kind: "no_slots" } };

  const index = new ItemIndex(state.items);
  const filter = options.filter;
  const filtering = filter !== undefined && filter.length > 0;

  const ready: Entry[] = [];
  const inProgress: Entry[] = [];
  const scoping: Entry[] = [];
  const fresh: Entry[] = [];
  let wip = 0;
  for (const item of state.items) {
    if (item.status === "InProgress") wip++;
    if (running.has(item.id)) continue;
    if (filtering && !matchesFilters(item, filter)) continue;
    if (claimHeldElsewhere(item, state.claims) !== null) continue;
    switch (item.status) {
      case "Ready":
        ready.push(entry(item, levelRank(item.impact)));
        break;
      case "InProgress":
        if (item.phase !== null) inProgress.push(entry(item, phaseIndex(item, config)));
        break;
      case "Scoping":
        if (item.phase !== null) scoping.push(entry(item, phaseIndex(item, config)));
        break;
      case "New":
        fresh.push(entry(item, 0));
        break;
    }
  }

  const actions: SchedulerAction[] = [];
  let needed = Math.max(0, config.execution.max_wip - wip);
  if (needed > 0) {
    ready.sort(byRankDescThenCreated);
    for (const e of ready) {
      if (needed === 0) break;
      if (index.hasUnmet(e.item)) continue;
      actions.push({ kind: "Promote", itemId: e.item.id });
      needed--;
    }
  }

  const nothingRunning = runningCount === 0;
  let spawned = 0;
  inProgress.sort(byRankDescThenCreated);
  scoping.sort(byRankDescThenCreated);
  fresh.sort(byRankDescThenCreated);
  for (const group of [inProgress, scoping, fresh]) {
    for (const e of group) {
      if (slots === 0) return { actions, stop: { kind: "slots_filled" } };
      if (index.hasUnmet(e.item)) continue;
      const action: SchedulerAction | null = e.item.status === "New"
        ? { kind: "Triage", itemId: e.item.id }
        : runPhaseAction(e.item, config);
      if (action === null) continue;
      if (action.kind === "RunPhase" && action.isDestructive) {
        const chosen = nothingRunning && spawned === 0;
        if (chosen) actions.push(action);
        const kind = chosen ? "destructive_alone" : "destructive_waits";
        return { actions, stop: { kind, itemId: action.itemId, phase: action.phase } };
      }
      actions.push(action);
      spawned++;
      slots--;
    }
  }
  return { actions, stop: null };
}

/**
 * Chooses the actions for one target item (pg.md §7.2): nothing when the
 * target is not in the snapshot, has unmet dependencies, is Done or Blocked
 * and not running, held by another worker (`state.claims`), or a destructive
 * task runs; otherwise New → Triage, Ready
 * → Promote (whatever `max_wip` says), Scoping and InProgress → its phase,
 * unless it is already running. `max_concurrent` is not consulted.
 *
 * @param state Items and running tasks.
 * @param config Pipelines.
 * @param options The target.
 * @returns At most one action.
 */
export function selectTargetedActions(
  state: SchedulerState,
  config: PgConfig,
  options: SelectTargetedOptions,
): SchedulerAction[] {
  const index = new ItemIndex(state.items);
  const item = index.get(options.target);
  if (item === undefined) return [];
  if (index.hasUnmet(item)) return [];
  const isRunning = state.running.has(item.id);
  if ((item.status === "Done" || item.status === "Blocked") && !isRunning) return [];
  if (!isRunning && claimHeldElsewhere(item, state.claims) !== null) return [];
  for (const task of state.running.values()) if (task.isDestructive) return [];
  switch (item.status) {
    case "New":
      return isRunning ? [] : [{ kind: "Triage", itemId: item.id }];
    case "Ready":
      return [{ kind: "Promote", itemId: item.id }];
    case "Scoping":
    case "InProgress": {
      if (isRunning) return [];
      const action = runPhaseAction(item, config);
      return action === null ? [] : [action];
    }
    default:
      return [];
  }
}

/** Where a promotion takes an item, or why it cannot (pg.md §7.10). */
export type Promotion =
  | { ok: true; phase: string }
  | { ok: false; reason: string };

/**
 * The promotion of a Ready item (pg.md §7.10): InProgress at the first main
 * phase of its pipeline; an unknown pipeline, or one without main phases,
 * blocks the item with the reason instead.
 *
 * @param pipelineType The item's `x-pg-pipeline-type` (`null`: `feature`).
 * @param config The pipelines.
 * @returns The first main phase, or the reason.
 */
export function promotionOf(pipelineType: string | null, config: PgConfig): Promotion {
  const resolved = resolvePipeline(config, pipelineType);
  if (resolved === null) {
    return {
      ok: false,
      reason: `Pipeline '${pipelineType ?? DEFAULT_PIPELINE}' not found for promotion`,
    };
  }
  const first = resolved.pipeline.phases[0];
  if (first === undefined) {
    return { ok: false, reason: `Pipeline '${resolved.name}' has no main phases` };
  }
  return { ok: true, phase: first.name };
}

/** Options for {@linkcode advanceToNextActiveTarget}. */
export interface AdvanceTargetOptions {
  /** The targets, in order. */
  targets: readonly string[];
  /** Where to start looking. */
  index: number;
  /** Targets completed in this run. */
  completed: ReadonlySet<string>;
}

/** Where target processing goes next, and the log lines for the targets skipped. */
export interface AdvanceTargetResult {
  /** The next active target's index (`>= targets.length` when none is left). */
  index: number;
  /** One `[target] …` line per skipped target. */
  skipped: string[];
}

/**
 * Skips targets that are no longer active (pg.md §7.3): absent from the
 * snapshot (archived), completed in this run or Done, or Blocked.
 *
 * @param items The snapshot.
 * @param options Targets, start index and completed set.
 * @returns The next index and the log lines.
 */
export function advanceToNextActiveTarget(
  items: readonly SchedulerItem[],
  options: AdvanceTargetOptions,
): AdvanceTargetResult {
  const index = new ItemIndex(items);
  const { targets, completed } = options;
  const skipped: string[] = [];
  let i = options.index;
  for (; i < targets.length; i++) {
    const t = targets[i]!;
    const pos = `(${i + 1}/${targets.length})`;
    const item = index.get(t);
    if (item === undefined) {
      skipped.push(`[target] ${t} not found (archived?). Skipping ${pos}.`);
    } else if (completed.has(t) || item.status === "Done") {
      skipped.push(`[target] ${t} already done. Skipping ${pos}.`);
    } else if (item.status === "Blocked") {
      skipped.push(`[target] ${t} already blocked. Skipping ${pos}.`);
    } else {
      break;
    }
  }
  return { index: i, skipped };
}

/** An item that waits on dependencies, with the summary the run loop logs. */
export interface UnmetDependencies {
  /** The waiting item. */
  id: string;
  /** `{dep} ({Status})` for each unmet dependency, joined by `, `. */
  summary: string;
}

/**
 * The non-terminal items that wait on unmet dependencies (for the
 * `Items blocked by unmet dependencies` log line).
 *
 * @param items The snapshot.
 * @returns One entry per waiting item, in snapshot order.
 */
export function unmetDependencies(items: readonly SchedulerItem[]): UnmetDependencies[] {
  const index = new ItemIndex(items);
  const out: UnmetDependencies[] = [];
  const terminal: ReadonlySet<PgStatus> = new Set<PgStatus>(["Done", "Blocked"]);
  for (const item of items) {
    if (terminal.has(item.status)) continue;
    const unmet = index.unmet(item);
    if (unmet.length > 0) {
      out.push({ id: item.id, summary: unmet.map((d) => `${d.id} (${d.status})`).join(", ") });
    }
  }
  return out;
}
