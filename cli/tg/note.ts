/** `tg note <ID> <TEXT>`: append a free-text note to an active task's event log. */

import type { Parsed } from "../_args.ts";
import { eventToPrettyJson } from "../../lib/store/events.ts";
import { addNote } from "../../lib/store/ops/note.ts";
import { printResult, stringResult, type TgContext, type TgResult } from "./_context.ts";

/**
 * Adds a note to an item's event log (`tg note`).
 *
 * @param ctx Command context.
 * @param id The item's ID as typed.
 * @param text The note (not empty).
 * @returns The event (JSON: the event; text: `Noted: …`).
 */
export async function noteResult(ctx: TgContext, id: string, text: string): Promise<TgResult> {
  const ev = await addNote(await ctx.store(), id, text);
  return stringResult(() => eventToPrettyJson(ev) + "\n", () => `Noted: ${ev.task_id} - ${text}\n`);
}

/** Runs `tg note`. */
export async function note(p: Parsed, ctx: TgContext): Promise<void> {
  await printResult(ctx, await noteResult(ctx, p.args.id!, p.args.text!));
}
