/**
 * Triage routing (pg.md §7.9), used by `pg run` and `pg triage`: the item
 * updates a triage result leads to. Pure: the caller applies them.
 *
 * @module
 */

import type { Assessments } from "../../adapter/assessments.ts";
import { isDescriptionEmpty } from "../../adapter/description.ts";
import type { ItemUpdate } from "../../adapter/item_update.ts";
import { type PgConfig, resolvePipeline } from "../config/config.ts";
import type { PhaseResult } from "../execution/phase_result.ts";

/** What routing needs to know about the item. */
export interface RoutingItem {
  /** Assessments before the result. */
  assessments: Assessments;
  /** `x-pg-pipeline-type` before the result. */
  pipelineType: string | null;
}

/** The updates, and whether they block the item (and why). */
export interface Routing {
  /** Updates, in order. */
  updates: ItemUpdate[];
  /** The block reason when the updates block the item. */
  blockedReason: string | null;
}

/**
 * Routes a triage result:
 *
 * 1. `updated_assessments`, when present;
 * 2. `description`, when present and not all empty;
 * 3. `pipeline_type`: a known one is set; an unknown one blocks the item
 *    (`Triage assigned invalid pipeline type '{p}'. Available: {names}`);
 * 4. `phase_complete`: small size and low (or no) risk, or a pipeline without
 *    pre-phases → Scoping then Ready; otherwise Scoping at the first
 *    pre-phase (pool `pre`);
 * 5. `blocked`: blocked with the context (or summary); `failed` and
 *    `subphase_complete` leave the item New.
 *
 * **[Fix]** B10: `requires_human_review: true` sets the flag, and a
 * `blocked_type` is recorded when the item is blocked.
 *
 * @param item The item before the result.
 * @param result The triage result.
 * @param config Pipelines.
 * @returns The updates.
 */
export function triageRouting(item: RoutingItem, result: PhaseResult, config: PgConfig): Routing {
  const updates: ItemUpdate[] = [];
  const block = (reason: string): Routing => {
    updates.push({ kind: "SetBlocked", reason });
    if (result.blockedType !== undefined) {
      updates.push({ kind: "SetBlockedType", blockedType: result.blockedType });
    }
    return { updates, blockedReason: reason };
  };
  const a = result.updatedAssessments;
  if (a !== undefined && Object.keys(a).length > 0) {
    updates.push({ kind: "UpdateAssessments", assessments: a });
  }
  if (result.description !== undefined && !isDescriptionEmpty(result.description)) {
    updates.push({ kind: "SetDescription", description: result.description });
  }
  if (result.requiresHumanReview === true) {
    updates.push({ kind: "SetRequiresHumanReview", required: true });
  }
  let pipelineType = item.pipelineType;
  if (result.pipelineType !== undefined) {
    if (!Object.hasOwn(config.pipelines, result.pipelineType)) {
      const names = Object.keys(config.pipelines).sort().join(", ");
      return block(
        `Triage assigned invalid pipeline type '${result.pipelineType}'. Available: ${names}`,
      );
    }
    updates.push({ kind: "SetPipelineType", pipelineType: result.pipelineType });
    pipelineType = result.pipelineType;
  }
  switch (result.result) {
    case "phase_complete": {
      const size = a?.size ?? item.assessments.size;
      const risk = a?.risk ?? item.assessments.risk;
      const pipeline = resolvePipeline(config, pipelineType)?.pipeline;
      const first = pipeline?.pre_phases[0];
      updates.push({ kind: "TransitionStatus", to: "Scoping" });
      if ((size === "small" && (risk === undefined || risk === "low")) || first === undefined) {
        updates.push({ kind: "TransitionStatus", to: "Ready" });
      } else {
        updates.push({ kind: "SetPhase", phase: first.name });
        updates.push({ kind: "SetPhasePool", pool: "pre" });
      }
      return { updates, blockedReason: null };
    }
    case "blocked":
      return block(result.context || result.summary);
    default:
      return { updates, blockedReason: null };
  }
}
