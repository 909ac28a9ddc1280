/** `tg unblock <ID>`: restore a blocked item's previous status. */

import type { Parsed } from "../_args.ts";
import { invalidInput } from "../../lib/store/errors.ts";
import { applyUnblock } from "../../lib/store/transitions.ts";
import type { TgContext } from "./_context.ts";
import { printOutcome, runTransition } from "./_transition.ts";

/** Runs `tg unblock`. */
export async function unblock(p: Parsed, ctx: TgContext): Promise<void> {
  const outcome = await runTransition(ctx, p.args.id!, (item, now) => {
    if (item.status !== "blocked") {
      throw invalidInput(`Cannot unblock: item status is '${item.status}', expected 'blocked'`);
    }
    return { change: applyUnblock(item, now()) };
  });
  await printOutcome(ctx, outcome, (it) => `Unblocked: ${it.id} - ${it.title} [${it.status}]`);
}
