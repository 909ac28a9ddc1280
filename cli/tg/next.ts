/** `tg next`: the first item of the ready queue. */

import type { Parsed } from "../_args.ts";
import type { TgContext } from "./_context.ts";
import { itemJson } from "./_format.ts";
import { readyQueue } from "./ready.ts";

/** Runs `tg next`. */
export async function next(_p: Parsed, ctx: TgContext): Promise<void> {
  const { active, ready } = await readyQueue(ctx);
  const row = ready[0];
  const first = row === undefined ? undefined : active.item(row.index);
  if (ctx.json) await ctx.out(first ? itemJson(first) : "null\n");
  else {
    await ctx.out(
      first
        ? `${first.id} [${first.status}] (p:${first.priority}) ${first.title}\n`
        : "No items ready\n",
    );
  }
}
