/**
 * `ItemUpdate`: the changes the orchestrator makes to an item, and
 * {@linkcode applyUpdate}, which applies one through the adapter (pg.md §5.6).
 *
 * @module
 */

import type { Assessments, PhasePool } from "./assessments.ts";
import type { StructuredDescription } from "./description.ts";
import type { PgItem } from "./pg_item.ts";
import { isBlockedFromStatus, isValidTransition, type PgStatus } from "./pg_status.ts";

/**
 * One change to an item. Variants are told apart by `kind`.
 *
 * @example
 * ```ts
 * import type { ItemUpdate } from "@golem/golem";
 * const updates: ItemUpdate[] = [
 *   { kind: "TransitionStatus", to: "InProgress" },
 *   { kind: "SetPhase", phase: "prd" },
 *   { kind: "SetPhasePool", pool: "main" },
 * ];
 * ```
 */
export type ItemUpdate =
  | { kind: "TransitionStatus"; to: PgStatus }
  | { kind: "SetPhase"; phase: string }
  | { kind: "SetPhasePool"; pool: PhasePool }
  | { kind: "ClearPhase" }
  | { kind: "SetBlocked"; reason: string }
  | { kind: "Unblock" }
  | { kind: "UpdateAssessments"; assessments: Assessments }
  | { kind: "SetPipelineType"; pipelineType: string }
  | { kind: "SetLastPhaseCommit"; sha: string }
  | { kind: "SetDescription"; description: StructuredDescription };

/**
 * Applies one update to an item. An update that the status rules forbid is
 * skipped with a warning (through the item's warning sink) and changes
 * nothing; skipping is not an error.
 *
 * - `TransitionStatus`: checks {@linkcode isValidTransition}; moving to
 *   Blocked records the current status to restore; leaving Blocked clears
 *   the restore status, `blocked_reason`, blocker type and unblock notes.
 * - `SetBlocked`: records the current status, sets Blocked and the reason.
 * - `Unblock`: restores the recorded status (New when none) and clears the
 *   block data.
 * - `UpdateAssessments`: overwrites only the assessments given.
 * - `SetDescription`: also mirrors the context into the native description.
 *
 * @param pg The item.
 * @param update The change.
 * @returns `true` when applied, `false` when skipped.
 *
 * @example Blocking and unblocking restore the previous status
 * ```ts
 * import { applyUpdate, FixedClock, newPgItem, PgItem } from "@golem/golem";
 * import assert from "node:assert/strict";
 *
 * const item = newPgItem("WRK-001", "T", { now: "2026-01-01T00:00:00Z", status: "Scoping" });
 * const pg = new PgItem(item, { clock: new FixedClock({ secs: 1767225600, nanos: 0 }) });
 * assert.ok(applyUpdate(pg, { kind: "SetBlocked", reason: "Need a decision" }));
 * assert.equal(pg.status(), "Blocked");
 * assert.equal(item.blocked_reason, "Need a decision");
 * assert.ok(applyUpdate(pg, { kind: "Unblock" }));
 * assert.equal(pg.status(), "Scoping");
 * assert.equal(item.blocked_reason, null);
 * ```
 *
 * @example A forbidden transition is skipped with a warning
 * ```ts
 * import { applyUpdate, newPgItem, PgItem } from "@golem/golem";
 * import assert from "node:assert/strict";
 *
 * const warnings: string[] = [];
 * const pg = new PgItem(newPgItem("WRK-001", "T", { now: "2026-01-01T00:00:00Z" }), {
 *   warn: (m) => warnings.push(m),
 * });
 * assert.equal(applyUpdate(pg, { kind: "TransitionStatus", to: "Ready" }), false);
 * assert.deepEqual(warnings, ["Item WRK-001: invalid transition New -> Ready, skipping"]);
 * ```
 */
export function applyUpdate(pg: PgItem, update: ItemUpdate): boolean {
  switch (update.kind) {
    case "TransitionStatus": {
      const from = pg.status();
      const to = update.to;
      if (!isValidTransition(from, to)) {
        pg.warn(`Item ${pg.id}: invalid transition ${from} -> ${to}, skipping`);
        return false;
      }
      if (to === "Blocked" && isBlockedFromStatus(from)) pg.setBlockedFromStatus(from);
      if (from === "Blocked") clearBlockData(pg);
      pg.setStatus(to);
      return true;
    }
    case "SetPhase":
      pg.setPhase(update.phase);
      return true;
    case "SetPhasePool":
      pg.setPhasePool(update.pool);
      return true;
    case "ClearPhase":
      pg.setPhase(null);
      pg.setPhasePool(null);
      return true;
    case "SetBlocked": {
      const from = pg.status();
      if (!isBlockedFromStatus(from)) {
        pg.warn(`Item ${pg.id}: cannot block from ${from}, skipping`);
        return false;
      }
      pg.setBlockedFromStatus(from);
      pg.setStatus("Blocked");
      pg.setBlockedReason(update.reason);
      return true;
    }
    case "Unblock": {
      const from = pg.status();
      if (from !== "Blocked") {
        pg.warn(`Item ${pg.id}: cannot unblock from ${from}, skipping`);
        return false;
      }
      const target = pg.blockedFromStatus() ?? "New";
      clearBlockData(pg);
      pg.setStatus(target);
      return true;
    }
    case "UpdateAssessments": {
      const a = update.assessments;
      if (a.size !== undefined) pg.setSize(a.size);
      if (a.complexity !== undefined) pg.setComplexity(a.complexity);
      if (a.risk !== undefined) pg.setRisk(a.risk);
      if (a.impact !== undefined) pg.setImpact(a.impact);
      return true;
    }
    case "SetPipelineType":
      pg.setPipelineType(update.pipelineType);
      return true;
    case "SetLastPhaseCommit":
      pg.setLastPhaseCommit(update.sha);
      return true;
    case "SetDescription":
      pg.setDescription(update.description);
      return true;
  }
}

function clearBlockData(pg: PgItem): void {
  pg.setBlockedFromStatus(null);
  pg.setBlockedReason(null);
  pg.setBlockedType(null);
  pg.setUnblockContext(null);
}
