/**
 * One scheduling decision of the run loop (pg.md §7.4 steps 4–6), as a
 * pure function of a snapshot: skip the targets that are no longer active,
 * halt when the targets or the filter are exhausted, otherwise choose the
 * actions. The run loop and the dry run (`run_plan.ts`) both decide
 * through it, so a plan is what the run would do.
 *
 * @module
 */

import type { PgConfig } from "../config/config.ts";
import { type FilterCriterion, matchesFilters } from "../scheduling/filter.ts";
import {
  planActions,
  planTargetedActions,
  type SchedulePlan,
} from "../scheduling/schedule_plan.ts";
import {
  advanceToNextActiveTarget,
  type ClaimContext,
  type RunningTask,
  type SchedulerAction,
  selectActions,
  selectTargetedActions,
} from "../scheduling/scheduler.ts";
import type { SchedulerItem } from "../scheduling/scheduler_item.ts";
import type { HaltReason } from "./run_loop.ts";

/** What a step needs besides the snapshot. */
export interface StepInput {
  /** Limits and pipelines. */
  config: PgConfig;
  /** `--target` items, in order (target mode). */
  targets: readonly string[];
  /** The current target's index. */
  targetIndex: number;
  /** `--only` criteria (filter mode). */
  filter: readonly FilterCriterion[];
  /** Items completed in this run. */
  completed: readonly string[];
  /** Whether the run has completed or blocked anything yet. */
  nothingDoneYet: boolean;
  /** Tasks in flight. */
  running: ReadonlyMap<string, RunningTask>;
  /** Claims to respect (`pg run --sync`); absent: claims are ignored. */
  claims?: ClaimContext | undefined;
  /** Also explain the decision (a {@linkcode SchedulePlan}). */
  explain?: boolean;
}

/** What the step decided. */
export type ScheduleStep =
  | {
    /** Stop: the targets are done, or nothing matches the filter any more. */
    kind: "halt";
    /** Why. */
    reason: HaltReason;
    /** The target index after skipping inactive targets. */
    targetIndex: number;
    /** One `[target] …` line per target skipped. */
    skippedTargets: string[];
  }
  | {
    /** Act: the scheduler's actions (possibly none). */
    kind: "act";
    /** The actions, in order. */
    actions: SchedulerAction[];
    /** The actions explained, when asked for. */
    plan: SchedulePlan | null;
    /** The current target (target mode), or `null`. */
    target: string | null;
    /** The target index after skipping inactive targets. */
    targetIndex: number;
    /** One `[target] …` line per target skipped. */
    skippedTargets: string[];
  };

/**
 * Decides one step: in target mode, skip absent, done and blocked targets
 * (halt `TargetCompleted` when none is left) and choose the current
 * target's action; in filter mode, halt `NoMatchingItems` or
 * `FilterExhausted` when no matching item is left to work on, else choose
 * among the matching items; otherwise choose among all items.
 *
 * @param items The snapshot.
 * @param input Mode, progress and running tasks.
 * @returns A halt or the actions.
 */
export function scheduleStep(items: readonly SchedulerItem[], input: StepInput): ScheduleStep {
  const { config, targets, filter, running } = input;
  const state = input.claims === undefined
    ? { items, running }
    : { items, running, claims: input.claims };
  if (targets.length > 0) {
    const adv = advanceToNextActiveTarget(items, {
      targets,
      index: input.targetIndex,
      completed: new Set(input.completed),
    });
    const common = { targetIndex: adv.index, skippedTargets: adv.skipped };
    if (adv.index >= targets.length) return { kind: "halt", reason: "TargetCompleted", ...common };
    const target = targets[adv.index]!;
    return {
      kind: "act",
      actions: selectTargetedActions(state, config, { target }),
      plan: input.explain ? planTargetedActions(state, config, { target, targets }) : null,
      target,
      ...common,
    };
  }
  const common = { targetIndex: input.targetIndex, skippedTargets: [] };
  if (filter.length > 0) {
    const matching = items.filter((v) => matchesFilters(v, filter));
    if (matching.length === 0) {
      const reason = input.nothingDoneYet ? "NoMatchingItems" : "FilterExhausted";
      return { kind: "halt", reason, ...common };
    }
    if (matching.every((v) => v.status === "Done" || v.status === "Blocked")) {
      return { kind: "halt", reason: "FilterExhausted", ...common };
    }
  }
  const options = filter.length > 0 ? { filter } : {};
  if (input.explain) {
    const plan = planActions(state, config, options);
    return {
      kind: "act",
      actions: plan.actions.map((a) => a.action),
      plan,
      target: null,
      ...common,
    };
  }
  return {
    kind: "act",
    actions: selectActions(state, config, options),
    plan: null,
    target: null,
    ...common,
  };
}
