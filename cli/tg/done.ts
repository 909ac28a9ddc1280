/** `tg done <ID>`: finish an item and move it to the archive. */

import type { Parsed } from "../_args.ts";
import { completeItem } from "../../lib/store/ops/status.ts";
import { printResult, type TgContext, type TgResult } from "./_context.ts";
import { outcomeResult } from "./_outcome.ts";

/**
 * Finishes an item (`tg done`).
 *
 * @param ctx Command context.
 * @param id The item's ID as typed.
 * @returns The done item, or the no-op note.
 */
export async function doneResult(ctx: TgContext, id: string): Promise<TgResult> {
  const outcome = await completeItem(await ctx.store(), id);
  return outcomeResult(outcome, (it) => `Done: ${it.id} - ${it.title} [archived]`);
}

/** Runs `tg done`. */
export async function done(p: Parsed, ctx: TgContext): Promise<void> {
  await printResult(ctx, await doneResult(ctx, p.args.id!));
}
