/** `tg list [--status S | --blocked] [--tag T] [--parent ID]`. */

import type { Parsed } from "../_args.ts";
import { invalidInput } from "../../lib/store/errors.ts";
import { sortByPriority } from "../../lib/store/graph.ts";
import type { Item } from "../../lib/store/item.ts";
import { parseStatus, type Status } from "../../lib/store/status.ts";
import type { TgContext } from "./_context.ts";
import { itemsJson, table } from "./_format.ts";

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
  let active: Item[] | undefined;
  let archive: Item[] | undefined;
  let parent: string | undefined;
  if (parentInput !== undefined) {
    active = await store.loadActive();
    archive = await store.loadArchive();
    parent = await ctx.resolve(
      parentInput,
      active.map((it) => it.id),
      archive.map((it) => it.id),
    );
  }
  let source: Item[];
  if (status === "done") {
    source = archive ?? await store.loadArchive();
    ctx.log(`Loaded ${source.length} items from archive`);
  } else {
    source = active ?? await store.loadActive();
    ctx.log(`Loaded ${source.length} active items`);
  }
  const tag = p.value("tag");
  const selected = source.filter((it) =>
    (status === undefined ? it.status !== "done" : it.status === status) &&
    (tag === undefined || it.tags.includes(tag)) &&
    (parent === undefined || it.parent === parent)
  );
  const sorted = sortByPriority(selected);
  ctx.log(`Returning ${sorted.length} items after filtering`);
  if (ctx.json) await ctx.out(itemsJson(sorted));
  else {
    await ctx.out(
      sorted.length === 0 ? "No items found.\n" : table(sorted, ctx.color, store.now()),
    );
  }
}
