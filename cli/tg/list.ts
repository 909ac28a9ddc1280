/** `tg list [--status S | --blocked] [--tag T] [--parent ID]`. */

import type { Parsed } from "../_args.ts";
import { invalidInput } from "../../lib/store/errors.ts";
import { sortByPriority } from "../../lib/store/graph.ts";
import type { Item } from "../../lib/store/item.ts";
import type { ActiveIndex } from "../../lib/store/active_index.ts";
import { parseStatus, type Status } from "../../lib/store/status.ts";
import { printResult, type TgContext, type TgResult } from "./_context.ts";
import { table, writeItemsJson, writeRowsJson, writeRowsTable } from "./_format.ts";

/** The filters of `tg list`. */
export interface ListRequest {
  /** Only this status (`done` lists the archive); default: every status but done. */
  status?: string | undefined;
  /** Sugar for status `blocked` (conflicts with `status`). */
  blocked?: boolean | undefined;
  /** Only items with this tag. */
  tag?: string | undefined;
  /** Only the direct children of this item (ID as typed). */
  parent?: string | undefined;
}

/**
 * The items `tg list` shows, sorted by priority.
 *
 * @param ctx Command context.
 * @param request The filters.
 * @returns The list (JSON: an array of items; text: a table or `No items found.`).
 */
export async function listResult(ctx: TgContext, request: ListRequest): Promise<TgResult> {
  // Upstream's order: find the store, then check the filters.
  const store = await ctx.store();
  ctx.log(`Project root: ${store.dir}`);
  const statusText = request.status;
  if (request.blocked && statusText !== undefined) {
    throw invalidInput(
      "--blocked cannot be combined with --status; --blocked is sugar for --status blocked",
    );
  }
  const status: Status | undefined = request.blocked
    ? "blocked"
    : statusText === undefined
    ? undefined
    : parseStatus(statusText);
  const parentInput = request.parent;
  let active: ActiveIndex | undefined;
  let archive: Item[] | undefined;
  let parent: string | undefined;
  if (parentInput !== undefined) {
    active = await store.loadActiveIndex();
    archive = await store.loadArchive();
    parent = await ctx.resolve(parentInput, active.ids, archive.map((it) => it.id));
  }
  const tag = request.tag;
  const wanted = (it: Item) =>
    (tag === undefined || it.tags.includes(tag)) && (parent === undefined || it.parent === parent);
  if (status === "done") {
    const source = archive ?? await store.loadArchive();
    ctx.log(`Loaded ${source.length} items from archive`);
    const sorted = sortByPriority(source.filter((it) => it.status === "done" && wanted(it)));
    ctx.log(`Returning ${sorted.length} items after filtering`);
    return {
      writeJson: (write) => writeItemsJson(sorted, write),
      writeText: (write, o) =>
        write(sorted.length === 0 ? "No items found.\n" : table(sorted, o.color, store.now())),
    };
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
  return {
    writeJson: (write) => writeRowsJson(index, sorted, write),
    writeText: (write, o) =>
      sorted.length === 0
        ? write("No items found.\n")
        : writeRowsTable(index, sorted, o.color, store.now(), write),
  };
}

/** Runs `tg list`. */
export async function list(p: Parsed, ctx: TgContext): Promise<void> {
  await printResult(
    ctx,
    await listResult(ctx, {
      status: p.value("status"),
      blocked: p.flag("blocked"),
      tag: p.value("tag"),
      parent: p.value("parent"),
    }),
  );
}
