/** `tg block <ID> [--reason R]`. */

import type { Parsed } from "../_args.ts";
import { blockItem } from "../../lib/store/ops/status.ts";
import type { TgContext } from "./_context.ts";
import { printOutcome } from "./_outcome.ts";

/** Runs `tg block`. */
export async function block(p: Parsed, ctx: TgContext): Promise<void> {
  const outcome = await blockItem(await ctx.store(), p.args.id!, { reason: p.value("reason") });
  await printOutcome(ctx, outcome, (it) => `Blocked: ${it.id} - ${it.title}`);
}
