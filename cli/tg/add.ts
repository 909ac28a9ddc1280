/** `tg add <TITLE> …`: create an item. */

import type { Parsed } from "../_args.ts";
import { validateTitle } from "../../lib/store/item.ts";
import { addItem, type AddItemRequest } from "../../lib/store/ops/add.ts";
import { printResult, stringResult, type TgContext, type TgResult } from "./_context.ts";
import { itemJson } from "./_format.ts";

/**
 * Adds an item (`tg add`). The title is checked before the store is looked
 * for, as upstream does.
 *
 * @param ctx Command context.
 * @param request The new item.
 * @returns The item (JSON: the item; text: `Created item: …`).
 */
export async function addResult(ctx: TgContext, request: AddItemRequest): Promise<TgResult> {
  validateTitle(request.title);
  const item = await addItem(await ctx.store(), request);
  return stringResult(() => itemJson(item), () => `Created item: ${item.id} - ${item.title}\n`);
}

/** Runs `tg add`. */
export async function add(p: Parsed, ctx: TgContext): Promise<void> {
  const priority = p.value("priority");
  const result = await addResult(ctx, {
    title: p.args.title!,
    description: p.value("description") ?? null,
    priority: priority === undefined ? 0n : BigInt(priority),
    tags: p.values("tag"),
    deps: p.values("dep"),
    parent: p.value("parent") ?? null,
    sets: p.values("set"),
  });
  await printResult(ctx, result);
}
