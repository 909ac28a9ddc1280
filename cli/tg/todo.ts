/** `tg todo <ID>`: return a doing item to todo. */

import type { Parsed } from "../_args.ts";
import { reopenItem } from "../../lib/store/ops/status.ts";
import { printResult, type TgContext, type TgResult } from "./_context.ts";
import { outcomeResult } from "./_outcome.ts";

/**
 * Returns an item to todo (`tg todo`), releasing its claim.
 *
 * @param ctx Command context.
 * @param id The item's ID as typed.
 * @returns The item, or the no-op note.
 */
export async function todoResult(ctx: TgContext, id: string): Promise<TgResult> {
  const outcome = await reopenItem(await ctx.store(), id);
  return outcomeResult(outcome, (it) => `Returned to todo: ${it.id} - ${it.title}`);
}

/** Runs `tg todo`. */
export async function todo(p: Parsed, ctx: TgContext): Promise<void> {
  await printResult(ctx, await todoResult(ctx, p.args.id!));
}
