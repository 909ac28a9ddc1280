/** `tg done <ID>`: finish an item and move it to the archive. */

import type { Parsed } from "../_args.ts";
import { invalidTransition, TaskStoreError } from "../../lib/store/errors.ts";
import { quoteJsonString } from "../../lib/store/json.ts";
import type { Status } from "../../lib/store/status.ts";
import { applyDone } from "../../lib/store/transitions.ts";
import type { TgContext } from "./_context.ts";
import { printOutcome } from "./_transition.ts";

/** Runs `tg done`. */
export async function done(p: Parsed, ctx: TgContext): Promise<void> {
  const store = await ctx.store();
  const outcome = await store.lock(async () => {
    const doc = await store.loadActiveDoc();
    const archiveIds = await store.loadArchiveIds();
    const id = await ctx.resolve(p.args.id!, doc.ids, archiveIds);
    const item = doc.get(id);
    if (!item) return { kind: "idempotent" as const, status: "done" as Status };
    if (item.status === "done") return { kind: "idempotent" as const, status: "done" as Status };
    if (item.status === "blocked") throw invalidTransition("blocked", "done");
    // Unlike upstream, refuse to orphan children (they must keep an active parent).
    const children = doc.where(quoteJsonString(id), (it) => it.parent === id && it !== item)
      .map((it) => it.id);
    if (children.length > 0) {
      throw new TaskStoreError(
        "ParentHasChildren",
        `Item ${id} has children and cannot be completed: ${children.join(", ")}`,
      );
    }
    const change = applyDone(item, store.now());
    doc.remove(item);
    await store.commitDone(doc, item, change);
    return { kind: "applied" as const, item };
  });
  await printOutcome(ctx, outcome, (it) => `Done: ${it.id} - ${it.title} [archived]`);
}
