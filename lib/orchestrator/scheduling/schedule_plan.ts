/**
 * The scheduler's decisions with their reasons (`pg run --dry-run`): the
 * actions {@linkcode selectActions} and {@linkcode selectTargetedActions}
 * choose, each with why it was chosen (furthest phase first, impact, WIP,
 * concurrency, destructive exclusivity), and for every other item why it
 * got none. The actions are the scheduler's own (the same functions
 * decide), so a plan always matches what a run does with the same snapshot.
 * Pure, like the scheduler.
 *
 * @module
 */

import type { PgStatus } from "../../adapter/pg_status.ts";
import { DEFAULT_PIPELINE } from "../../adapter/pg_item.ts";
import { type PgConfig, resolvePipeline } from "../config/config.ts";
import { formatFilters, matchesFilters } from "./filter.ts";
import {
  claimHeldElsewhere,
  decideActions,
  type FillStop,
  phaseIndex,
  type SchedulerAction,
  type SchedulerState,
  type SelectActionsOptions,
  selectTargetedActions,
} from "./scheduler.ts";
import type { ItemClaim, SchedulerItem } from "./scheduler_item.ts";

/** `claimed by w2 until 2026-01-01T00:35:00Z`. */
function claimDetail(claim: ItemClaim): string {
  return claim.expiresAt === null
    ? `claimed by ${claim.by} (no expiry)`
    : `claimed by ${claim.by} until ${claim.expiresAt}`;
}

/**
 * Why an item gets no action now:
 *
 * - `done`, `blocked`: its status.
 * - `running`: a task for it is in flight.
 * - `claimed`: another worker holds its claim (`pg run --sync`).
 * - `dependency`: an item it depends on is not Done.
 * - `wip`: Ready, but `max_wip` items are InProgress.
 * - `filtered`: it does not match `--only`.
 * - `not_target`: not the current `--target` (a later one, or none).
 * - `no_phase`: Scoping or InProgress without a phase.
 * - `unknown_phase`: its pipeline or phase is not in the config.
 * - `concurrency`: no free slot (`max_concurrent`).
 * - `destructive`: a destructive phase runs alone (its own, or another's).
 * - `cap`: the phase cap would be reached first.
 */
export type SkipCode =
  | "done"
  | "blocked"
  | "running"
  | "claimed"
  | "dependency"
  | "wip"
  | "filtered"
  | "not_target"
  | "no_phase"
  | "unknown_phase"
  | "concurrency"
  | "destructive"
  | "cap";

/** An action the scheduler chose, and why. */
export interface PlannedAction {
  /** The action. */
  action: SchedulerAction;
  /** Why it was chosen, e.g. `in progress at build (phase 3 of 4 in feature; furthest first)`. */
  why: string;
}

/** An item that gets no action, and why. */
export interface SkippedItem {
  /** The item. */
  itemId: string;
  /** Its status. */
  status: PgStatus;
  /** Why, as a code. */
  code: SkipCode;
  /** Why, in words (`waits on WRK-002 (InProgress)`). */
  detail: string;
}

/** The scheduler's decision, explained. */
export interface SchedulePlan {
  /** The actions, in the order the scheduler returns them. */
  actions: PlannedAction[];
  /** Every other item of the snapshot, in snapshot order. */
  skipped: SkippedItem[];
}

/** Options for {@linkcode planTargetedActions}. */
export interface PlanTargetedOptions {
  /** The current target. */
  target: string;
  /** Every `--target`, in order (to tell queued targets from other items). */
  targets?: readonly string[];
}

function statusWord(status: PgStatus): string {
  return status === "InProgress" ? "in progress" : status.toLowerCase();
}

function unmetOf(item: SchedulerItem, byId: ReadonlyMap<string, SchedulerItem>): string | null {
  const parts: string[] = [];
  for (const d of item.dependencies) {
    const dep = byId.get(d);
    if (dep !== undefined && dep.status !== "Done") parts.push(`${dep.id} (${dep.status})`);
  }
  return parts.length === 0 ? null : `waits on ${parts.join(", ")}`;
}

function indexById(items: readonly SchedulerItem[]): Map<string, SchedulerItem> {
  const byId = new Map<string, SchedulerItem>();
  for (const it of items) if (!byId.has(it.id)) byId.set(it.id, it);
  return byId;
}

/** Why a Scoping or InProgress item has no phase action, or `null` when it has one. */
function phaseProblem(item: SchedulerItem, config: PgConfig): [SkipCode, string] | null {
  if (item.phase === null) return ["no_phase", `${item.status} without a phase`];
  const resolved = resolvePipeline(config, item.pipelineType);
  if (resolved === null) {
    return [
      "unknown_phase",
      `pipeline '${item.pipelineType ?? DEFAULT_PIPELINE}' is not in the config`,
    ];
  }
  const p = resolved.pipeline;
  if (![...p.pre_phases, ...p.phases].some((ph) => ph.name === item.phase)) {
    return ["unknown_phase", `phase '${item.phase}' is not in pipeline '${resolved.name}'`];
  }
  return null;
}

/** `phase 3 of 4 in feature`. */
function phasePosition(item: SchedulerItem, config: PgConfig): string {
  const resolved = resolvePipeline(config, item.pipelineType);
  const total = resolved === null
    ? 0
    : resolved.pipeline.pre_phases.length + resolved.pipeline.phases.length;
  return `phase ${phaseIndex(item, config) + 1} of ${total} in ${resolved?.name ?? "?"}`;
}

/** A stop that names the destructive phase behind it. */
type DestructiveStop = Extract<FillStop, { itemId: string }>;

function destructiveDetail(stop: DestructiveStop, itemId: string): string {
  switch (stop.kind) {
    case "destructive_running":
      return `${stop.itemId} is running ${stop.phase}, a destructive phase, alone`;
    case "destructive_alone":
      return `${stop.itemId} runs ${stop.phase}, a destructive phase, alone`;
    case "destructive_waits":
      return stop.itemId === itemId
        ? `${stop.phase} is destructive: it waits until nothing else runs, then runs alone`
        : `waits behind ${stop.itemId} ${stop.phase}, a destructive phase that runs alone next`;
  }
}

/**
 * {@linkcode selectActions} with its reasons: the same actions, each with
 * why, and why every other item gets none.
 *
 * @param state Items and running tasks.
 * @param config Limits and pipelines.
 * @param options Filter criteria.
 * @returns The plan.
 *
 * @example Two items, one slot: the one further along goes first
 * ```ts
 * import { defaultConfig } from "../config/config.ts";
 * import { planActions } from "./schedule_plan.ts";
 * import assert from "node:assert/strict";
 *
 * const item = (id: string, phase: string) => ({
 *   id, status: "InProgress" as const, phase, phasePool: "main" as const, pipelineType: null,
 *   impact: null, size: null, risk: null, complexity: null, tags: [], dependencies: [],
 *   createdAt: "2026-01-01T00:00:00Z",
 * });
 * const config = defaultConfig(); // max_concurrent 1
 * const plan = planActions(
 *   { items: [item("WRK-001", "prd"), item("WRK-002", "design")], running: new Map() },
 *   config,
 * );
 * assert.deepEqual(plan.actions.map((a) => a.action.itemId), ["WRK-002"]);
 * assert.equal(plan.actions[0]!.why, "in progress at design (phase 4 of 7 in feature; furthest first); slot 1/1");
 * assert.deepEqual(plan.skipped.map((s) => [s.itemId, s.code]), [["WRK-001", "concurrency"]]);
 * ```
 */
export function planActions(
  state: SchedulerState,
  config: PgConfig,
  options: SelectActionsOptions = {},
): SchedulePlan {
  const { actions, stop } = decideActions(state, config, options);
  const byId = indexById(state.items);
  const e = config.execution;
  let wip = 0;
  for (const it of state.items) if (it.status === "InProgress") wip++;
  let slot = state.running.size;
  const chosen = new Set<string>();
  const planned: PlannedAction[] = actions.map((action) => {
    chosen.add(action.itemId);
    const item = byId.get(action.itemId)!;
    if (action.kind === "Promote") {
      wip++;
      return {
        action,
        why: `ready, impact ${item.impact ?? "none"} (highest impact first, then oldest); ` +
          `WIP ${wip}/${e.max_wip}`,
      };
    }
    slot++;
    const parts = action.kind === "Triage" ? ["new (oldest first)"] : [
      `${statusWord(item.status)} at ${action.phase} (${
        phasePosition(item, config)
      }; furthest first)`,
    ];
    if (action.kind === "RunPhase" && action.isDestructive) parts.push("destructive: runs alone");
    parts.push(`slot ${slot}/${e.max_concurrent}`);
    return { action, why: parts.join("; ") };
  });

  const filter = options.filter ?? [];
  const skipped: SkippedItem[] = [];
  for (const item of state.items) {
    if (chosen.has(item.id)) continue;
    const skip = (code: SkipCode, detail: string) =>
      skipped.push({ itemId: item.id, status: item.status, code, detail });
    const task = state.running.get(item.id);
    if (task !== undefined) {
      skip("running", `already running ${task.phase}`);
      continue;
    }
    if (item.status === "Done") {
      skip("done", "done");
      continue;
    }
    if (item.status === "Blocked") {
      skip("blocked", "blocked");
      continue;
    }
    if (filter.length > 0 && !matchesFilters(item, filter)) {
      skip("filtered", `does not match --only ${formatFilters(filter)}`);
      continue;
    }
    const claim = claimHeldElsewhere(item, state.claims);
    if (claim !== null) {
      skip("claimed", claimDetail(claim));
      continue;
    }
    if (stop?.kind === "destructive_running") {
      skip("destructive", destructiveDetail(stop, item.id));
      continue;
    }
    if (stop?.kind === "no_slots") {
      skip("concurrency", `no free slot: ${state.running.size} of ${e.max_concurrent} running`);
      continue;
    }
    const unmet = unmetOf(item, byId);
    if (unmet !== null) {
      skip("dependency", unmet);
      continue;
    }
    if (item.status === "Ready") {
      skip("wip", `WIP limit reached (${wip}/${e.max_wip} in progress)`);
      continue;
    }
    if (item.status === "InProgress" || item.status === "Scoping") {
      const problem = phaseProblem(item, config);
      if (problem !== null) {
        skip(...problem);
        continue;
      }
    }
    // A candidate that slot filling did not reach.
    if (stop === null || stop.kind === "slots_filled") {
      skip("concurrency", `no free slot (max_concurrent ${e.max_concurrent})`);
    } else {
      skip("destructive", destructiveDetail(stop, item.id));
    }
  }
  return { actions: planned, skipped };
}

/**
 * {@linkcode selectTargetedActions} with its reasons: the target's action,
 * if any, with why, and why every other item gets none.
 *
 * @param state Items and running tasks.
 * @param config Pipelines.
 * @param options The current target and the whole target list.
 * @returns The plan.
 */
export function planTargetedActions(
  state: SchedulerState,
  config: PgConfig,
  options: PlanTargetedOptions,
): SchedulePlan {
  const { target } = options;
  const targets = options.targets ?? [target];
  const actions = selectTargetedActions(state, config, { target });
  const byId = indexById(state.items);
  const pos = (id: string) => `target ${targets.indexOf(id) + 1}/${targets.length}`;
  const planned: PlannedAction[] = actions.map((action) => {
    const item = byId.get(action.itemId)!;
    let why: string;
    if (action.kind === "Promote") why = `${pos(target)}: ready (promoted whatever max_wip says)`;
    else if (action.kind === "Triage") why = `${pos(target)}: new`;
    else {
      why = `${pos(target)}: ${statusWord(item.status)} at ${action.phase} (${
        phasePosition(item, config)
      })`;
      if (action.isDestructive) why += "; destructive: runs alone";
    }
    return { action, why };
  });
  const chosen = new Set(actions.map((a) => a.itemId));
  let destructive: [string, string] | null = null;
  for (const [id, task] of state.running) if (task.isDestructive) destructive = [id, task.phase];
  const skipped: SkippedItem[] = [];
  for (const item of state.items) {
    if (chosen.has(item.id)) continue;
    const skip = (code: SkipCode, detail: string) =>
      skipped.push({ itemId: item.id, status: item.status, code, detail });
    const task = state.running.get(item.id);
    if (task !== undefined) skip("running", `already running ${task.phase}`);
    else if (item.status === "Done") skip("done", "done");
    else if (item.status === "Blocked") skip("blocked", "blocked");
    else if (item.id !== target) {
      const k = targets.indexOf(item.id);
      skip(
        "not_target",
        k > targets.indexOf(target) ? `${pos(item.id)}: waits for ${target}` : "not a --target",
      );
    } else if (claimHeldElsewhere(item, state.claims) !== null) {
      skip("claimed", claimDetail(claimHeldElsewhere(item, state.claims)!));
    } else if (unmetOf(item, byId) !== null) skip("dependency", unmetOf(item, byId)!);
    else if (destructive !== null) {
      skip(
        "destructive",
        `${destructive[0]} is running ${destructive[1]}, a destructive phase, alone`,
      );
    } else {
      skip(...(phaseProblem(item, config) ?? ["concurrency", "not chosen"]));
    }
  }
  return { actions: planned, skipped };
}
