/** `tg note <ID> <TEXT>`: append a free-text note to an active task's event log. */

import type { Parsed } from "../_args.ts";
import { invalidInput } from "../../lib/store/errors.ts";
import { eventToPrettyJson } from "../../lib/store/events.ts";
import type { TgContext } from "./_context.ts";

/** Runs `tg note`. */
export async function note(p: Parsed, ctx: TgContext): Promise<void> {
  const text = p.args.text!;
  if (text === "") throw invalidInput("note text cannot be empty");
  const store = await ctx.store();
  const active = await store.loadActive();
  const archive = await store.loadArchive();
  const id = await ctx.resolve(p.args.id!, [...active, ...archive].map((it) => it.id));
  if (!active.some((it) => it.id === id)) {
    throw invalidInput(
      `Cannot add note to archived task ${id}: notes are only permitted on active tasks`,
    );
  }
  // The store re-checks under the lock that the task is still active.
  const ev = await store.appendNote(id, text);
  await ctx.out(ctx.json ? eventToPrettyJson(ev) + "\n" : `Noted: ${id} - ${text}\n`);
}
