/** `tg events <ID> [--json]`: a task's event log from both event files. */

import type { Parsed } from "../_args.ts";
import { serializeEvent } from "../../lib/store/events.ts";
import type { TgContext } from "./_context.ts";
import { eventsTable } from "./_format.ts";

/** Runs `tg events`. */
export async function events(p: Parsed, ctx: TgContext): Promise<void> {
  const store = await ctx.store();
  const active = await store.loadActive();
  const archive = await store.loadArchive();
  const id = await ctx.resolve(p.args.id!, [...active, ...archive].map((it) => it.id));
  const list = await store.eventsFor(id);
  if (ctx.json) {
    await ctx.out(list.map((e) => serializeEvent(e) + "\n").join(""));
  } else {
    await ctx.out(eventsTable(list, ctx.io.stdoutIsTerminal()));
  }
}
