/** `tg done <ID>`: finish an item and move it to the archive. */

import type { Parsed } from "../_args.ts";
import { completeItem } from "../../lib/store/ops/status.ts";
import type { TgContext } from "./_context.ts";
import { printOutcome } from "./_outcome.ts";

/** Runs `tg done`. */
export async function done(p: Parsed, ctx: TgContext): Promise<void> {
  const outcome = await completeItem(await ctx.store(), p.args.id!);
  await printOutcome(ctx, outcome, (it) => `Done: ${it.id} - ${it.title} [archived]`);
}
