/** `tg edit <ID> …`. */

import type { Parsed } from "../_args.ts";
import type { Item } from "../../lib/store/item.ts";
import { editItem, type EditItemRequest } from "../../lib/store/ops/edit.ts";
import { printResult, stringResult, type TgContext, type TgResult } from "./_context.ts";
import { itemJson } from "./_format.ts";

/**
 * An edited item as a result (`tg edit`, `tg dep add|rm`).
 *
 * @param item The item after the change.
 * @returns The result (JSON: the item; text: `Updated item: …`).
 */
export function editedResult(item: Item): TgResult {
  return stringResult(() => itemJson(item), () => `Updated item: ${item.id} - ${item.title}\n`);
}

/**
 * Changes an item (`tg edit`).
 *
 * @param ctx Command context.
 * @param request The changes.
 * @returns The item after the change.
 */
export async function editResult(ctx: TgContext, request: EditItemRequest): Promise<TgResult> {
  return editedResult(await editItem(await ctx.store(), request));
}

/** Runs `tg edit`. */
export async function edit(p: Parsed, ctx: TgContext): Promise<void> {
  const priority = p.value("priority");
  const result = await editResult(ctx, {
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
  await printResult(ctx, result);
}
