/** `tg dep add|rm`: the dependency flags of `tg edit` as commands. */

import type { Parsed } from "../_args.ts";
import { addDependency, removeDependency } from "../../lib/store/ops/edit.ts";
import type { TgContext } from "./_context.ts";
import { printEdited } from "./edit.ts";

/** Runs `tg dep add <ID> <DEPENDS_ON>`. */
export async function depAdd(p: Parsed, ctx: TgContext): Promise<void> {
  await printEdited(await addDependency(await ctx.store(), p.args.id!, p.args.depends_on!), ctx);
}

/** Runs `tg dep rm <ID> <DEP_ID>`. */
export async function depRm(p: Parsed, ctx: TgContext): Promise<void> {
  await printEdited(await removeDependency(await ctx.store(), p.args.id!, p.args.dep_id!), ctx);
}
