/** `tg edit <ID> …`. */

import type { Parsed } from "../_args.ts";
import type { Item } from "../../lib/store/item.ts";
import { editItem } from "../../lib/store/ops/edit.ts";
import type { TgContext } from "./_context.ts";
import { itemJson } from "./_format.ts";

/** Prints the result of an edit. */
export async function printEdited(item: Item, ctx: TgContext): Promise<void> {
  await ctx.out(ctx.json ? itemJson(item) : `Updated item: ${item.id} - ${item.title}\n`);
}

/** Runs `tg edit`. */
export async function edit(p: Parsed, ctx: TgContext): Promise<void> {
  const priority = p.value("priority");
  const item = await editItem(await ctx.store(), {
    id: p.args.id!,
    title: p.value("title"),
    priority: priority === undefined ? undefined : BigInt(priority),
    description: p.value("description"),
    rmDeps: p.values("rm-dep"),
    addDeps: p.values("add-dep"),
    addTags: p.values("add-tag"),
    rmTags: p.values("rm-tag"),
    sets: p.values("set"),
    parent: p.value("parent"),
    parentClear: p.flag("parent-clear"),
  });
  await printEdited(item, ctx);
}
