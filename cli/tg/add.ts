/** `tg add <TITLE> …`: create an item. */

import type { Parsed } from "../_args.ts";
import { validateTitle } from "../../lib/store/item.ts";
import { addItem } from "../../lib/store/ops/add.ts";
import type { TgContext } from "./_context.ts";
import { itemJson } from "./_format.ts";
import { str, strings } from "./_opts.ts";

/** Runs `tg add`. */
export async function add(p: Parsed, ctx: TgContext): Promise<void> {
  validateTitle(p.args.title!); // before looking for the store, as upstream does
  const priority = str(p.opts.priority);
  const item = await addItem(await ctx.store(), {
    title: p.args.title!,
    description: str(p.opts.description) ?? null,
    priority: priority === undefined ? 0n : BigInt(priority),
    tags: strings(p.opts.tag),
    deps: strings(p.opts.dep),
    parent: str(p.opts.parent) ?? null,
    sets: strings(p.opts.set),
  });
  await ctx.out(ctx.json ? itemJson(item) : `Created item: ${item.id} - ${item.title}\n`);
}
