/** `tg todo <ID>`: return a doing item to todo. */

import type { Parsed } from "../_args.ts";
import { invalidTransition } from "../../lib/store/errors.ts";
import { applyTodo } from "../../lib/store/transitions.ts";
import type { TgContext } from "./_context.ts";
import { printOutcome, runTransition } from "./_transition.ts";

/** Runs `tg todo`. */
export async function todo(p: Parsed, ctx: TgContext): Promise<void> {
  const outcome = await runTransition(ctx, p.args.id!, (item, now) => {
    if (item.status === "todo") return { idempotent: "todo" };
    if (item.status !== "doing") throw invalidTransition(item.status, "todo");
    return { change: applyTodo(item, now()) };
  });
  await printOutcome(ctx, outcome, (it) => `Returned to todo: ${it.id} - ${it.title}`);
}
