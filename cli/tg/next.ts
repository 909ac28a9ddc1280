/** `tg next`: the first item of the ready queue. */

import type { Parsed } from "../_args.ts";
import { printResult, stringResult, type TgContext, type TgResult } from "./_context.ts";
import { itemJson } from "./_format.ts";
import { readyQueue } from "./ready.ts";

/**
 * The item `tg next` shows: the first of the ready queue.
 *
 * @param ctx Command context.
 * @returns The item (JSON: the item or `null`; text: one line or `No items ready`).
 */
export async function nextResult(ctx: TgContext): Promise<TgResult> {
  const { active, ready } = await readyQueue(ctx);
  const row = ready[0];
  const first = row === undefined ? undefined : active.item(row.index);
  return stringResult(
    () => first ? itemJson(first) : "null\n",
    () =>
      first
        ? `${first.id} [${first.status}] (p:${first.priority}) ${first.title}\n`
        : "No items ready\n",
  );
}

/** Runs `tg next`. */
export async function next(_p: Parsed, ctx: TgContext): Promise<void> {
  await printResult(ctx, await nextResult(ctx));
}
