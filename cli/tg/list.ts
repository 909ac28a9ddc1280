/** `tg list [--status S | --blocked] [--tag T] [--parent ID]`. */

import type { Parsed } from "../_args.ts";
import { invalidInput } from "../../lib/store/errors.ts";
import { sortByPriority } from "../../lib/store/graph.ts";
import type { Item } from "../../lib/store/item.ts";
import type { ActiveIndex } from "../../lib/store/active_index.ts";
import { parseStatus, type Status } from "../../lib/store/status.ts";
import type { TgContext } from "./_context.ts";
import { table, writeItemsJson, writeRowsJson, writeRowsTable } from "./_format.ts";

/** Runs `tg list`. */
export async function list(p: Parsed, ctx: TgContext): Promise<void> {
  // Upstream's order: find the store, then check the filters.
  const store = await ctx.store();
  ctx.log(`Project root: ${store.dir}`);
  const statusText = p.value("status");
  if (p.flag("blocked") && statusText !== undefined) {
    throw invalidInput(
      "--blocked cannot be combined with --status; --blocked is sugar for --status blocked",
    );
  }
  const status: Status | undefined = p.flag("blocked")
    ? "blocked"
    : statusText === undefined
    ? undefined
    : parseStatus(statusText);
  const parentInput = p.value("parent");
  let active: ActiveIndex | undefined;
  let archive: Item[] | undefined;
  let parent: string | undefined;
  if (parentInput !== undefined) {
    active = await store.loadActiveIndex();
    archive = await store.loadArchive();
    parent = await ctx.resolve(parentInput, active.ids, archive.map((it) => it.id));
  }
  const tag = p.value("tag");
  const wanted = (it: Item) =>
    (tag === undefined || it.tags.includes(tag)) && (parent === undefined || it.parent === parent);
  if (status === "done") {
    const source = archive ?? await store.loadArchive();
    ctx.log(`Loaded ${source.length} items from archive`);
    const sorted = sortByPriority(source.filter((it) => it.status === "done" && wanted(it)));
    ctx.log(`Returning ${sorted.length} items after filtering`);
    if (ctx.json) await writeItemsJson(sorted, (text) => ctx.out(text));
    else await ctx.out(printTable(sorted, ctx, store.now()));
    return;
  }
  // Active items are built only when a filter or the table needs them.
  const index = active ?? await store.loadActiveIndex();
  ctx.log(`Loaded ${index.rows.length} active items`);
  const filtered = tag !== undefined || parent !== undefined;
  const sorted = sortByPriority(
    index.rows.filter((r) =>
      (status === undefined ? r.status !== "done" : r.status === status) &&
      (!filtered || wanted(index.itemOnce(r.index)))
    ),
  );
  ctx.log(`Returning ${sorted.length} items after filtering`);
  if (ctx.json) await writeRowsJson(index, sorted, (text) => ctx.out(text));
  else if (sorted.length === 0) await ctx.out("No items found.\n");
  else await writeRowsTable(index, sorted, ctx.color, store.now(), (text) => ctx.out(text));
}

function printTable(items: readonly Item[], ctx: TgContext, now: string): string {
  return items.length === 0 ? "No items found.\n" : table(items, ctx.color, now);
}
