/** `tg do <ID> [--claim AGENT]`: start working on an item. */

import type { Parsed } from "../_args.ts";
import { invalidTransition, TaskStoreError } from "../../lib/store/errors.ts";
import { applyDo } from "../../lib/store/transitions.ts";
import type { TgContext } from "./_context.ts";
import { str } from "./_opts.ts";
import { printOutcome, runTransition } from "./_transition.ts";

/** Runs `tg do`. */
export async function doCommand(p: Parsed, ctx: TgContext): Promise<void> {
  const claim = str(p.opts.claim) ?? null;
  const outcome = await runTransition(ctx, p.args.id!, (item, now) => {
    if (item.status === "todo") return { change: applyDo(item, claim, now()) };
    if (item.status !== "doing") throw invalidTransition(item.status, "doing");
    if (claim === null) return { idempotent: "doing" };
    if (item.claimed_by !== null && item.claimed_by !== claim) {
      throw new TaskStoreError("AlreadyClaimed", `Already claimed by ${item.claimed_by}`);
    }
    // Re-claim: refresh the claim without an event.
    item.claimed_by = claim;
    item.claimed_at = now();
    item.updated_at = now();
    return { saveOnly: true };
  });
  await printOutcome(ctx, outcome, (it) => `Started: ${it.id} - ${it.title} [doing]`);
}
