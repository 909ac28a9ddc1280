/**
 * The plain, read-once view of an item the scheduler and filters work on,
 * so scheduling never touches raw extensions (and reports each invalid
 * value once per snapshot).
 *
 * @module
 */

import type { DimensionLevel, PhasePool, SizeLevel } from "../../adapter/assessments.ts";
import type { PgItem } from "../../adapter/pg_item.ts";
import type { PgStatus } from "../../adapter/pg_status.ts";
import { claimLease } from "../../store/claims.ts";

/** Who holds an item's claim (`claimed_by`), and until when. */
export interface ItemClaim {
  /** The worker or agent that claimed it. */
  by: string;
  /** When the lease expires (canonical timestamp), or `null` when the claim has none. */
  expiresAt: string | null;
}

/** What scheduling needs to know about an item. */
export interface SchedulerItem {
  /** The ID. */
  id: string;
  /** phase-golem status. */
  status: PgStatus;
  /** Current phase, if any. */
  phase: string | null;
  /** Pool of the current phase, if recorded. */
  phasePool: PhasePool | null;
  /** `x-pg-pipeline-type`, if set. */
  pipelineType: string | null;
  /** Impact (promotion priority). */
  impact: DimensionLevel | null;
  /** Size. */
  size: SizeLevel | null;
  /** Risk. */
  risk: DimensionLevel | null;
  /** Complexity. */
  complexity: DimensionLevel | null;
  /** Tags. */
  tags: readonly string[];
  /** IDs this item waits for. */
  dependencies: readonly string[];
  /** Canonical creation timestamp. */
  createdAt: string;
  /** The item's claim; absent when it has none (`pg run --sync` skips items others hold). */
  claim?: ItemClaim | null | undefined;
}

/**
 * Reads the scheduling view of an item (each getter once).
 *
 * @param pg The item.
 * @returns Its view.
 */
export function schedulerItemOf(pg: PgItem): SchedulerItem {
  const raw = pg.item;
  const view: SchedulerItem = {
    id: pg.id,
    status: pg.status(),
    phase: pg.phase(),
    phasePool: pg.phasePool(),
    pipelineType: pg.pipelineType(),
    impact: pg.impact(),
    size: pg.size(),
    risk: pg.risk(),
    complexity: pg.complexity(),
    tags: pg.tags,
    dependencies: pg.dependencies,
    createdAt: pg.createdAt,
  };
  if (raw.claimed_by !== null) {
    view.claim = { by: raw.claimed_by, expiresAt: claimLease(raw)?.expiresAt ?? null };
  }
  return view;
}
