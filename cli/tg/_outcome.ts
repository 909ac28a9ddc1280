/**
 * Printing what a status command did.
 *
 * @module
 */

import type { Item } from "../../lib/store/item.ts";
import type { StatusOutcome } from "../../lib/store/ops/status.ts";
import type { TgContext } from "./_context.ts";
import { idempotentText, itemJson } from "./_format.ts";

/**
 * Prints an outcome: the "already" note, the item JSON, or `line(item)`.
 *
 * @param ctx Command context.
 * @param outcome What happened.
 * @param line Human line for an applied change.
 */
export async function printOutcome(
  ctx: TgContext,
  outcome: StatusOutcome,
  line: (item: Item) => string,
): Promise<void> {
  if (!outcome.changed) await ctx.out(idempotentText(outcome.status, ctx.json));
  else await ctx.out(ctx.json ? itemJson(outcome.item) : line(outcome.item) + "\n");
}
