/**
 * What a phase result does to an item (pg.md §8.4–§8.5): guardrails and
 * `resolveTransition`, both pure.
 *
 * @module
 */

import { type Assessments, levelRank } from "../../adapter/assessments.ts";
import type { ItemUpdate } from "../../adapter/item_update.ts";
import type { GuardrailsConfig, PipelineConfig } from "../config/config.ts";
import type { PhaseResult } from "../execution/phase_result.ts";

/** Block reason when a human must review an item before it enters its pipeline. */
export const HUMAN_REVIEW_REASON = "Requires human review before entering pipeline";
/** Block reason when an item exceeds the guardrails. */
export const GUARDRAIL_REASON = "Exceeds autonomous guardrail thresholds";

/**
 * Whether the assessments pass the guardrails: each known dimension is at
 * most its maximum (small < medium < large, low < medium < high); an unknown
 * dimension passes.
 *
 * @param a The item's assessments.
 * @param g The guardrails.
 * @returns Whether the item may continue without a human.
 */
export function passesGuardrails(a: Assessments, g: GuardrailsConfig): boolean {
  if (a.size !== undefined && levelRank(a.size) > levelRank(g.max_size)) return false;
  if (a.complexity !== undefined && levelRank(a.complexity) > levelRank(g.max_complexity)) {
    return false;
  }
  if (a.risk !== undefined && levelRank(a.risk) > levelRank(g.max_risk)) return false;
  return true;
}

/** The item state `resolveTransition` looks at. */
export interface TransitionItem {
  /** Current phase. */
  phase: string | null;
  /** Its pool (`main` when absent). */
  phasePool: "pre" | "main" | null;
  /** Assessments (after the result's updates were applied). */
  assessments: Assessments;
  /** The human-review flag. */
  requiresHumanReview: boolean;
}

/**
 * The updates a result leads to (pg.md §8.5):
 *
 * - `phase_complete` in `pre`: at the last pre-phase, a human-review flag
 *   or a guardrail failure blocks the item, else it becomes Ready with no
 *   phase; otherwise it moves to the next pre-phase.
 * - `phase_complete` in `main`: the last main phase makes it Done; otherwise
 *   it moves to the next main phase.
 * - Moving on records the result's `based_on_commit`, when given.
 * - `failed` and `blocked` block it; `subphase_complete` changes nothing.
 *
 * @param item The item.
 * @param result The result.
 * @param pipeline The item's pipeline.
 * @param guardrails The guardrails.
 * @returns The updates, in order.
 */
export function resolveTransition(
  item: TransitionItem,
  result: PhaseResult,
  pipeline: PipelineConfig,
  guardrails: GuardrailsConfig,
): ItemUpdate[] {
  switch (result.result) {
    case "subphase_complete":
      return [];
    case "failed":
      return [{
        kind: "SetBlocked",
        reason:
          `Phase ${result.phase} failed after retries exhausted. Last failure: ${result.summary}`,
      }];
    case "blocked":
      return [{ kind: "SetBlocked", reason: result.context || result.summary }];
    case "phase_complete":
      break;
  }
  const phase = item.phase ?? result.phase;
  const pre = item.phasePool === "pre";
  const list = pre ? pipeline.pre_phases : pipeline.phases;
  const i = list.findIndex((p) => p.name === phase);
  if (i < 0) {
    return [{
      kind: "SetBlocked",
      reason: pre
        ? `Phase ${phase} not found in pre_phases`
        : `Phase ${phase} not found in pipeline phases`,
    }];
  }
  if (i === list.length - 1) {
    if (!pre) return [{ kind: "TransitionStatus", to: "Done" }];
    if (item.requiresHumanReview) return [{ kind: "SetBlocked", reason: HUMAN_REVIEW_REASON }];
    if (!passesGuardrails(item.assessments, guardrails)) {
      return [{ kind: "SetBlocked", reason: GUARDRAIL_REASON }];
    }
    return [{ kind: "ClearPhase" }, { kind: "TransitionStatus", to: "Ready" }];
  }
  const updates: ItemUpdate[] = [{ kind: "SetPhase", phase: list[i + 1]!.name }];
  if (result.basedOnCommit) updates.push({ kind: "SetLastPhaseCommit", sha: result.basedOnCommit });
  return updates;
}
