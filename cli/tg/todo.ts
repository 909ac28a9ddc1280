/** `tg todo <ID>`: return a doing item to todo. */

import type { Parsed } from "../_args.ts";
import { reopenItem } from "../../lib/store/ops/status.ts";
import type { TgContext } from "./_context.ts";
import { printOutcome } from "./_outcome.ts";

/** Runs `tg todo`. */
export async function todo(p: Parsed, ctx: TgContext): Promise<void> {
  const outcome = await reopenItem(await ctx.store(), p.args.id!);
  await printOutcome(ctx, outcome, (it) => `Returned to todo: ${it.id} - ${it.title}`);
}
