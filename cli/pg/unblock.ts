/** `pg unblock ID [--notes TEXT]`: restore a blocked item (pg.md §2.8, §8.6). */

import type { Parsed } from "../_args.ts";
import { CliError } from "../_main.ts";
import { PgItem } from "../../lib/adapter/pg_item.ts";
import { withStoreRetry } from "../../lib/adapter/store_access.ts";
import { updateItem } from "../../lib/store/ops/update.ts";
import { notFound } from "./_store_outcome.ts";
import { unblockItem, type UnblockOutcome } from "../../lib/orchestrator/rules/unblock.ts";
import type { PgContext } from "./_context.ts";

/** Runs `pg unblock`. */
export async function unblock(p: Parsed, ctx: PgContext): Promise<void> {
  await ctx.config();
  const id = p.args.item_id!;
  const notes = p.value("notes");
  const wasClean = await ctx.treeClean();
  const store = ctx.store();
  const outcome = await withStoreRetry(
    store,
    (): Promise<UnblockOutcome> =>
      updateItem(store, id, (item) => unblockItem(new PgItem(item, { warn: ctx.warn }), notes))
        .then((r) => r.value, notFound(id)),
    { warn: ctx.warn, delaysMs: ctx.storeRetryDelaysMs() },
  );
  if (!outcome.ok) throw new CliError(outcome.error);
  await ctx.out(`Unblocked ${id} -- restored to ${outcome.status}\n`);
  await ctx.commitStore(wasClean, `[${id}][unblock] Unblocked`);
}
