/** `tg add <TITLE> …`: create an item. */

import type { Parsed } from "../_args.ts";
import { validateTitle } from "../../lib/store/item.ts";
import { addItem } from "../../lib/store/ops/add.ts";
import type { TgContext } from "./_context.ts";
import { itemJson } from "./_format.ts";

/** Runs `tg add`. */
export async function add(p: Parsed, ctx: TgContext): Promise<void> {
  validateTitle(p.args.title!); // before looking for the store, as upstream does
  const priority = p.value("priority");
  const item = await addItem(await ctx.store(), {
    title: p.args.title!,
    description: p.value("description") ?? null,
    priority: priority === undefined ? 0n : BigInt(priority),
    tags: p.values("tag"),
    deps: p.values("dep"),
    parent: p.value("parent") ?? null,
    sets: p.values("set"),
  });
  await ctx.out(ctx.json ? itemJson(item) : `Created item: ${item.id} - ${item.title}\n`);
}
