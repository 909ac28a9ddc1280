/**
 * `tg do <ID> [--claim AGENT [--ttl DURATION]]`: start working on an item.
 * A claim with a time-to-live (`--ttl`, or `claim_ttl` in `config.yaml`)
 * stops blocking other agents once it expires; another agent's claim then
 * takes it over, recorded as a note event.
 */

import type { Parsed } from "../_args.ts";
import { startItem } from "../../lib/store/ops/status.ts";
import { formatHumanTimestamp, parseTimestamp } from "../../lib/store/timestamp.ts";
import { printResult, type TgContext, type TgResult } from "./_context.ts";
import { outcomeResult } from "./_outcome.ts";

/** The options of `tg do`. */
export interface DoRequest {
  /** The item's ID as typed. */
  id: string;
  /** Claim the item for this agent or user. */
  claim?: string | undefined;
  /** Let the claim expire after this long (e.g. `30m`). */
  ttl?: string | undefined;
}

/**
 * Starts an item (`tg do`). A takeover of an expired claim is reported as a
 * warning.
 *
 * @param ctx Command context.
 * @param request The ID and the claim.
 * @returns The item, or the no-op note.
 */
export async function doResult(ctx: TgContext, request: DoRequest): Promise<TgResult> {
  const { claim, ttl } = request;
  const outcome = await startItem(await ctx.store(), request.id, { claim, ttl });
  if (outcome.changed && outcome.takeover !== undefined) {
    const t = outcome.takeover;
    const expired = formatHumanTimestamp(parseTimestamp(t.expiredAt));
    ctx.warn(`Note: the claim of ${t.from} expired at ${expired}; ${claim} took it over`);
  }
  return outcomeResult(outcome, (it) => `Started: ${it.id} - ${it.title} [doing]`);
}

/** Runs `tg do`. */
export async function doCommand(p: Parsed, ctx: TgContext): Promise<void> {
  const request = { id: p.args.id!, claim: p.value("claim"), ttl: p.value("ttl") };
  await printResult(ctx, await doResult(ctx, request));
}
