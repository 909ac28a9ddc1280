/** `tg block <ID> [--reason R]`. */

import type { Parsed } from "../_args.ts";
import { blockItem } from "../../lib/store/ops/status.ts";
import { printResult, type TgContext, type TgResult } from "./_context.ts";
import { outcomeResult } from "./_outcome.ts";

/** The options of `tg block`. */
export interface BlockRequest {
  /** The item's ID as typed. */
  id: string;
  /** Why it is blocked. */
  reason?: string | undefined;
}

/**
 * Blocks an item (`tg block`).
 *
 * @param ctx Command context.
 * @param request The ID and the reason.
 * @returns The item, or the no-op note.
 */
export async function blockResult(ctx: TgContext, request: BlockRequest): Promise<TgResult> {
  const outcome = await blockItem(await ctx.store(), request.id, { reason: request.reason });
  return outcomeResult(outcome, (it) => `Blocked: ${it.id} - ${it.title}`);
}

/** Runs `tg block`. */
export async function block(p: Parsed, ctx: TgContext): Promise<void> {
  await printResult(ctx, await blockResult(ctx, { id: p.args.id!, reason: p.value("reason") }));
}
