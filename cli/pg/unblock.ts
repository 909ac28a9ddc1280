/** `pg unblock ID [--notes TEXT]`: restore a blocked item (pg.md §2.8, §8.6). */

import type { Parsed } from "../_args.ts";
import { CliError } from "../_main.ts";
import { applyUpdate } from "../../lib/adapter/item_update.ts";
import { PgItem } from "../../lib/adapter/pg_item.ts";
import type { PgStatus } from "../../lib/adapter/pg_status.ts";
import { mutateStore } from "../../lib/adapter/store_access.ts";
import type { PgContext } from "./_context.ts";

/** Block reasons that mean "a human must approve"; unblocking is that approval. */
export const APPROVAL_REASONS: readonly string[] = [
  "Requires human review before entering pipeline",
  "Exceeds autonomous guardrail thresholds",
];

type Outcome = { ok: true; status: PgStatus } | { ok: false; error: string };

/**
 * Unblocks an item in place: restores its saved status (New when none),
 * records the notes, clears the last phase commit. **[Fix]** An item held by
 * a guardrail or human-review block becomes Ready with its phase cleared and
 * the review flag removed.
 *
 * @param pg The item.
 * @param notes The `--notes`, if given.
 * @returns The restored status, or why the item cannot be unblocked.
 */
export function unblockItem(pg: PgItem, notes: string | undefined): Outcome {
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

/** Runs `pg unblock`. */
export async function unblock(p: Parsed, ctx: PgContext): Promise<void> {
  await ctx.config();
  const id = p.args.item_id!;
  const notes = p.opts.notes as string | undefined;
  const wasClean = await ctx.treeClean();
  const outcome = await mutateStore(ctx.store(), (items): Outcome => {
    const item = items.find((it) => it.id === id);
    if (item === undefined) return { ok: false, error: `Item not found: ${id}` };
    return unblockItem(new PgItem(item, { warn: ctx.warn }), notes);
  }, { warn: ctx.warn });
  if (!outcome.ok) throw new CliError(outcome.error);
  await ctx.out(`Unblocked ${id} -- restored to ${outcome.status}\n`);
  await ctx.commitStore(wasClean, `[${id}][unblock] Unblocked`);
}
