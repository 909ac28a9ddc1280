/**
 * What `pg run` would do first (`pg run --dry-run`): the run loop's first
 * steps played on the snapshot, without an agent, a store write or a
 * commit. Promotions need no agent, so they are applied in memory and the
 * loop's next step is played too, until a step would start an agent task
 * (or the run would halt). Each step is decided by {@linkcode scheduleStep},
 * as in the loop, so the plan is what the run that follows does with the
 * same backlog.
 *
 * @module
 */

import type { PgConfig } from "../config/config.ts";
import type { FilterCriterion } from "../scheduling/filter.ts";
import type { PlannedAction, SkippedItem } from "../scheduling/schedule_plan.ts";
import { type ClaimContext, promotionOf } from "../scheduling/scheduler.ts";
import type { SchedulerItem } from "../scheduling/scheduler_item.ts";
import type { HaltReason } from "./run_loop.ts";
import { scheduleStep } from "./schedule_step.ts";

/** What the run would do. */
export interface RunPlan {
  /**
   * The actions the run starts with, in order: promotions, then the agent
   * tasks of the first step that starts any (within the cap).
   */
  actions: PlannedAction[];
  /** Every item without an action in that step, and why. */
  skipped: SkippedItem[];
  /** Why the run would halt before starting an agent task, or `null`. */
  halt: HaltReason | null;
  /** `[target] …` lines for targets that would be skipped. */
  notes: string[];
}

/** Options for {@linkcode planRun}. */
export interface PlanRunOptions {
  /** Limits and pipelines. */
  config: PgConfig;
  /** `--target` items, in order. */
  targets?: readonly string[];
  /** `--only` criteria. */
  filter?: readonly FilterCriterion[];
  /** Most phase executions. */
  cap: number;
  /** Skip a blocked target instead of halting. */
  autoAdvance?: boolean;
  /** Claims to respect (`pg run --sync`): items other workers hold are `claimed`. */
  claims?: ClaimContext | undefined;
}

/**
 * Plays the run loop's first steps on a snapshot (see the module doc).
 *
 * @param items The active items, as the run would read them.
 * @param options Config, targets or filter, cap.
 * @returns The plan.
 */
export function planRun(items: readonly SchedulerItem[], options: PlanRunOptions): RunPlan {
  const { config, cap } = options;
  const targets = options.targets ?? [];
  const filter = options.filter ?? [];
  const views = [...items];
  const actions: PlannedAction[] = [];
  const notes: string[] = [];
  const blocked = new Set<string>();
  let targetIndex = 0;
  for (;;) {
    const current = targets[targetIndex];
    if (current !== undefined && blocked.has(current)) {
      const pos = `(${targetIndex + 1}/${targets.length})`;
      if (!options.autoAdvance) {
        notes.push(`[target] ${current} blocked ${pos}. Halting.`);
        return { actions, skipped: [], halt: "TargetBlocked", notes };
      }
      notes.push(`[target] ${current} blocked. Auto-advancing ${pos}.`);
      targetIndex++;
      continue;
    }
    const step = scheduleStep(views, {
      config,
      targets,
      targetIndex,
      filter,
      completed: [],
      nothingDoneYet: blocked.size === 0,
      running: new Map(),
      claims: options.claims,
      explain: true,
    });
    notes.push(...step.skippedTargets);
    targetIndex = step.targetIndex;
    if (step.kind === "halt") {
      return { actions, skipped: [], halt: step.reason, notes };
    }
    const plan = step.plan!;
    if (plan.actions.length === 0) {
      return { actions, skipped: plan.skipped, halt: "AllDoneOrBlocked", notes };
    }
    const spawns: PlannedAction[] = [];
    for (const a of plan.actions) {
      if (a.action.kind !== "Promote") {
        spawns.push(a);
        continue;
      }
      actions.push(a);
      const i = views.findIndex((v) => v.id === a.action.itemId);
      const promotion = promotionOf(views[i]!.pipelineType, config);
      if (promotion.ok) {
        views[i] = {
          ...views[i]!,
          status: "InProgress",
          phase: promotion.phase,
          phasePool: "main",
        };
      } else {
        views[i] = { ...views[i]!, status: "Blocked" };
        blocked.add(a.action.itemId);
      }
    }
    const starts = spawns.slice(0, cap);
    const skipped = [
      ...plan.skipped,
      ...spawns.slice(cap).map((a): SkippedItem => ({
        itemId: a.action.itemId,
        status: views.find((v) => v.id === a.action.itemId)!.status,
        code: "cap",
        detail: `the phase cap (${cap}) is reached first`,
      })),
    ];
    actions.push(...starts);
    if (starts.length > 0) return { actions, skipped, halt: null, notes };
    if (cap === 0) return { actions, skipped, halt: "CapReached", notes };
    // Only promotions: the loop's next step sees them at once.
  }
}
