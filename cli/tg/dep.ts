/** `tg dep add|rm`: the dependency flags of `tg edit` as commands. */

import type { Parsed } from "../_args.ts";
import { addDependency, removeDependency } from "../../lib/store/ops/edit.ts";
import { printResult, type TgContext, type TgResult } from "./_context.ts";
import { editedResult } from "./edit.ts";

/**
 * Makes an item wait for another (`tg dep add`).
 *
 * @param ctx Command context.
 * @param id The item's ID as typed.
 * @param dependsOn The ID of the item to wait for, as typed.
 * @returns The item after the change.
 */
export async function depAddResult(
  ctx: TgContext,
  id: string,
  dependsOn: string,
): Promise<TgResult> {
  return editedResult(await addDependency(await ctx.store(), id, dependsOn));
}

/**
 * Removes a dependency (`tg dep rm`).
 *
 * @param ctx Command context.
 * @param id The item's ID as typed.
 * @param depId The dependency to remove, as typed.
 * @returns The item after the change.
 */
export async function depRmResult(ctx: TgContext, id: string, depId: string): Promise<TgResult> {
  return editedResult(await removeDependency(await ctx.store(), id, depId));
}

/** Runs `tg dep add <ID> <DEPENDS_ON>`. */
export async function depAdd(p: Parsed, ctx: TgContext): Promise<void> {
  await printResult(ctx, await depAddResult(ctx, p.args.id!, p.args.depends_on!));
}

/** Runs `tg dep rm <ID> <DEP_ID>`. */
export async function depRm(p: Parsed, ctx: TgContext): Promise<void> {
  await printResult(ctx, await depRmResult(ctx, p.args.id!, p.args.dep_id!));
}
