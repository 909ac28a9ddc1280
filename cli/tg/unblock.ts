/** `tg unblock <ID>`: restore a blocked item's previous status. */

import type { Parsed } from "../_args.ts";
import { unblockItem } from "../../lib/store/ops/status.ts";
import type { TgContext } from "./_context.ts";
import { printOutcome } from "./_outcome.ts";

/** Runs `tg unblock`. */
export async function unblock(p: Parsed, ctx: TgContext): Promise<void> {
  const outcome = await unblockItem(await ctx.store(), p.args.id!);
  await printOutcome(ctx, outcome, (it) => `Unblocked: ${it.id} - ${it.title} [${it.status}]`);
}
