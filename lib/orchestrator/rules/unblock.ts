/**
 * Unblocking an item (pg.md §2.8, §8.6), shared by `pg unblock` and the
 * coordinator's `UnblockItem`.
 *
 * @module
 */

import { applyUpdate } from "../../adapter/item_update.ts";
import type { PgItem } from "../../adapter/pg_item.ts";
import type { PgStatus } from "../../adapter/pg_status.ts";
import { GUARDRAIL_REASON, HUMAN_REVIEW_REASON } from "./phase_transition.ts";

/** Block reasons that mean "a human must approve"; unblocking is that approval. */
export const APPROVAL_REASONS: readonly string[] = [HUMAN_REVIEW_REASON, GUARDRAIL_REASON];

/** What unblocking did: the restored status, or why it could not. */
export type UnblockOutcome = { ok: true; status: PgStatus } | { ok: false; error: string };

/**
 * Unblocks an item in place: restores its saved status (New when none),
 * records the notes, clears the last phase commit. **[Fix]** An item held by
 * a guardrail or human-review block becomes Ready with its phase cleared and
 * the review flag removed (the human's decision is the approval).
 *
 * @param pg The item.
 * @param notes Notes for the next prompt, if any.
 * @returns The restored status, or why the item cannot be unblocked.
 */
export function unblockItem(pg: PgItem, notes: string | undefined): UnblockOutcome {
  const status = pg.status();
  if (status !== "Blocked") {
    return { ok: false, error: `Cannot unblock ${pg.id}: status is ${status}, expected Blocked` };
  }
  const approval = APPROVAL_REASONS.includes(pg.blockedReason ?? "");
  applyUpdate(pg, { kind: "Unblock" });
  if (approval) {
    pg.setStatus("Ready");
    applyUpdate(pg, { kind: "ClearPhase" });
    pg.setRequiresHumanReview(false);
  }
  if (notes !== undefined) pg.setUnblockContext(notes);
  pg.setLastPhaseCommit(null);
  return { ok: true, status: pg.status() };
}
