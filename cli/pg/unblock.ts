/** `pg unblock ID [--notes TEXT]`: restore a blocked item (pg.md §2.8, §8.6). */

import type { Parsed } from "../_args.ts";
import { CliError } from "../_main.ts";
import { PgItem } from "../../lib/adapter/pg_item.ts";
import { mutateStore } from "../../lib/adapter/store_access.ts";
import { unblockItem, type UnblockOutcome } from "../../lib/orchestrator/unblock.ts";
import type { PgContext } from "./_context.ts";

/** Runs `pg unblock`. */
export async function unblock(p: Parsed, ctx: PgContext): Promise<void> {
  await ctx.config();
  const id = p.args.item_id!;
  const notes = p.opts.notes as string | undefined;
  const wasClean = await ctx.treeClean();
  const outcome = await mutateStore(ctx.store(), (items): UnblockOutcome => {
    const item = items.find((it) => it.id === id);
    if (item === undefined) return { ok: false, error: `Item not found: ${id}` };
    return unblockItem(new PgItem(item, { warn: ctx.warn }), notes);
  }, { warn: ctx.warn, delaysMs: ctx.storeRetryDelaysMs() });
  if (!outcome.ok) throw new CliError(outcome.error);
  await ctx.out(`Unblocked ${id} -- restored to ${outcome.status}\n`);
  await ctx.commitStore(wasClean, `[${id}][unblock] Unblocked`);
}
