/** `tg dep add|rm`: the dependency flags of `tg edit` as commands. */

import type { Parsed } from "../_args.ts";
import type { TgContext } from "./_context.ts";
import { applyEdit, printEdited } from "./edit.ts";

/** Runs `tg dep add <ID> <DEPENDS_ON>`. */
export async function depAdd(p: Parsed, ctx: TgContext): Promise<void> {
  await printEdited(await applyEdit({ id: p.args.id!, addDeps: [p.args.depends_on!] }, ctx), ctx);
}

/** Runs `tg dep rm <ID> <DEP_ID>`. */
export async function depRm(p: Parsed, ctx: TgContext): Promise<void> {
  await printEdited(await applyEdit({ id: p.args.id!, rmDeps: [p.args.dep_id!] }, ctx), ctx);
}
