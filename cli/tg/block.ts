/** `tg block <ID> [--reason R]`. */

import type { Parsed } from "../_args.ts";
import { invalidTransition } from "../../lib/store/errors.ts";
import { applyBlock } from "../../lib/store/transitions.ts";
import type { TgContext } from "./_context.ts";
import { str } from "./_opts.ts";
import { printOutcome, runTransition } from "./_transition.ts";

/** Runs `tg block`. */
export async function block(p: Parsed, ctx: TgContext): Promise<void> {
  const reason = str(p.opts.reason) ?? null;
  const outcome = await runTransition(ctx, p.args.id!, (item, now) => {
    if (item.status === "blocked") return { idempotent: "blocked" };
    if (item.status === "done") throw invalidTransition("done", "blocked");
    return { change: applyBlock(item, reason, now()) };
  });
  await printOutcome(ctx, outcome, (it) => `Blocked: ${it.id} - ${it.title}`);
}
