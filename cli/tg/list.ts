/** `tg list [--status S | --blocked] [--tag T] [--parent ID]`. */

import type { Parsed } from "../_args.ts";
import { invalidInput } from "../../lib/store/errors.ts";
import { sortByPriority } from "../../lib/store/graph.ts";
import type { Item } from "../../lib/store/item.ts";
import { parseStatus, type Status } from "../../lib/store/status.ts";
import type { TgContext } from "./_context.ts";
import { table, writeItemsJson } from "./_format.ts";
import { str } from "./_opts.ts";

/** Runs `tg list`. */
export async function list(p: Parsed, ctx: TgContext): Promise<void> {
  // Upstream's order: find the store, then check the filters.
  const store = await ctx.store();
  ctx.log(`Project root: ${store.dir}`);
  const statusText = str(p.opts.status);
  if (p.opts.blocked === true && statusText !== undefined) {
    throw invalidInput(
      "--blocked cannot be combined with --status; --blocked is sugar for --status blocked",
    );
  }
  const status: Status | undefined = p.opts.blocked === true
    ? "blocked"
    : statusText === undefined
    ? undefined
    : parseStatus(statusText);
  const parentInput = str(p.opts.parent);
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
  const tag = str(p.opts.tag);
  const selected = source.filter((it) =>
    (status === undefined ? it.status !== "done" : it.status === status) &&
    (tag === undefined || it.tags.includes(tag)) &&
    (parent === undefined || it.parent === parent)
  );
  const sorted = sortByPriority(selected);
  ctx.log(`Returning ${sorted.length} items after filtering`);
  if (ctx.json) await writeItemsJson(sorted, (text) => ctx.out(text));
  else {
    await ctx.out(
      sorted.length === 0 ? "No items found.\n" : table(sorted, ctx.color, store.now()),
    );
  }
}
