/** `tg done <ID>`: finish an item and move it to the archive. */

import type { Parsed } from "../_args.ts";
import { invalidTransition, TaskStoreError } from "../../lib/store/errors.ts";
import type { Item } from "../../lib/store/item.ts";
import type { Status } from "../../lib/store/status.ts";
import { applyDone } from "../../lib/store/transitions.ts";
import type { TgContext } from "./_context.ts";
import { printOutcome } from "./_transition.ts";

/** Runs `tg done`. */
export async function done(p: Parsed, ctx: TgContext): Promise<void> {
  const store = await ctx.store();
  const outcome = await store.lock(async () => {
    const items = await store.loadActive();
    const archiveIds = await store.loadArchiveIds();
    const id = await ctx.resolve(p.args.id!, items.map((it) => it.id), archiveIds);
    const item = items.find((it) => it.id === id);
    if (!item) return { kind: "idempotent" as const, status: "done" as Status };
    if (item.status === "done") return { kind: "idempotent" as const, status: "done" as Status };
    if (item.status === "blocked") throw invalidTransition("blocked", "done");
    // Unlike upstream, refuse to orphan children (they must keep an active parent).
    const children = items.filter((it) => it.parent === id && it !== item).map((it) => it.id);
    if (children.length > 0) {
      throw new TaskStoreError(
        "ParentHasChildren",
        `Item ${id} has children and cannot be completed: ${children.join(", ")}`,
      );
    }
    const change = applyDone(item, store.now());
    const rest: Item[] = items.filter((it) => it !== item);
    await store.commitDone(rest, item, change);
    return { kind: "applied" as const, item };
  });
  await printOutcome(ctx, outcome, (it) => `Done: ${it.id} - ${it.title} [archived]`);
}
