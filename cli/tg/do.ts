/**
 * `tg do <ID> [--claim AGENT [--ttl DURATION]]`: start working on an item.
 * A claim with a time-to-live (`--ttl`, or `claim_ttl` in `config.yaml`)
 * stops blocking other agents once it expires; another agent's claim then
 * takes it over, recorded as a note event.
 */

import type { Parsed } from "../_args.ts";
import { startItem } from "../../lib/store/ops/status.ts";
import { formatHumanTimestamp, parseTimestamp } from "../../lib/store/timestamp.ts";
import type { TgContext } from "./_context.ts";
import { printOutcome } from "./_outcome.ts";

/** Runs `tg do`. */
export async function doCommand(p: Parsed, ctx: TgContext): Promise<void> {
  const claim = p.value("claim");
  const outcome = await startItem(await ctx.store(), p.args.id!, { claim, ttl: p.value("ttl") });
  if (outcome.changed && outcome.takeover !== undefined) {
    const t = outcome.takeover;
    const expired = formatHumanTimestamp(parseTimestamp(t.expiredAt));
    ctx.warn(`Note: the claim of ${t.from} expired at ${expired}; ${claim} took it over`);
  }
  await printOutcome(ctx, outcome, (it) => `Started: ${it.id} - ${it.title} [doing]`);
}
