/** `tg unblock <ID>`: restore a blocked item's previous status. */

import type { Parsed } from "../_args.ts";
import { unblockItem } from "../../lib/store/ops/status.ts";
import { printResult, type TgContext, type TgResult } from "./_context.ts";
import { outcomeResult } from "./_outcome.ts";

/**
 * Unblocks an item (`tg unblock`): it gets back the status it had.
 *
 * @param ctx Command context.
 * @param id The item's ID as typed.
 * @returns The item, or the no-op note.
 */
export async function unblockResult(ctx: TgContext, id: string): Promise<TgResult> {
  const outcome = await unblockItem(await ctx.store(), id);
  return outcomeResult(outcome, (it) => `Unblocked: ${it.id} - ${it.title} [${it.status}]`);
}

/** Runs `tg unblock`. */
export async function unblock(p: Parsed, ctx: TgContext): Promise<void> {
  await printResult(ctx, await unblockResult(ctx, p.args.id!));
}
