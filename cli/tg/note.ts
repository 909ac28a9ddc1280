/** `tg note <ID> <TEXT>`: append a free-text note to an active task's event log. */

import type { Parsed } from "../_args.ts";
import { eventToPrettyJson } from "../../lib/store/events.ts";
import { addNote } from "../../lib/store/ops/note.ts";
import type { TgContext } from "./_context.ts";

/** Runs `tg note`. */
export async function note(p: Parsed, ctx: TgContext): Promise<void> {
  const text = p.args.text!;
  const ev = await addNote(await ctx.store(), p.args.id!, text);
  await ctx.out(ctx.json ? eventToPrettyJson(ev) + "\n" : `Noted: ${ev.task_id} - ${text}\n`);
}
