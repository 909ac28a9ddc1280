/** `tg edit <ID> …`. */

import type { Parsed } from "../_args.ts";
import type { Item } from "../../lib/store/item.ts";
import { editItem } from "../../lib/store/ops/edit.ts";
import type { TgContext } from "./_context.ts";
import { itemJson } from "./_format.ts";
import { str, strings } from "./_opts.ts";

/** Prints the result of an edit. */
export async function printEdited(item: Item, ctx: TgContext): Promise<void> {
  await ctx.out(ctx.json ? itemJson(item) : `Updated item: ${item.id} - ${item.title}\n`);
}

/** Runs `tg edit`. */
export async function edit(p: Parsed, ctx: TgContext): Promise<void> {
  const priority = str(p.opts.priority);
  const item = await editItem(await ctx.store(), {
    id: p.args.id!,
    title: str(p.opts.title),
    priority: priority === undefined ? undefined : BigInt(priority),
    description: str(p.opts.description),
    rmDeps: strings(p.opts["rm-dep"]),
    addDeps: strings(p.opts["add-dep"]),
    addTags: strings(p.opts["add-tag"]),
    rmTags: strings(p.opts["rm-tag"]),
    sets: strings(p.opts.set),
    parent: str(p.opts.parent),
    parentClear: p.opts["parent-clear"] === true,
  });
  await printEdited(item, ctx);
}
