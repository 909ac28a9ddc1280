/**
 * `tg ready [--include-stale DURATION] [--include-expired] [--limit N]` and
 * the queue `tg next` uses.
 */

import type { Parsed } from "../_args.ts";
import { invalidInput } from "../../lib/store/errors.ts";
import { computeReadyQueue, sortByPriority } from "../../lib/store/graph.ts";
import type { Item } from "../../lib/store/item.ts";
import type { ActiveIndex } from "../../lib/store/active_index.ts";
import { parseDuration } from "../../lib/store/duration.ts";
import { isClaimExpired } from "../../lib/store/claims.ts";
import { formatTimestamp, parseTimestamp, timestampSortKey } from "../../lib/store/timestamp.ts";
import type { TgContext } from "./_context.ts";
import { table, writeItemsJson } from "./_format.ts";
import { str } from "./_opts.ts";

/** Largest duration the clock arithmetic accepts (upstream: i64 milliseconds). */
const MAX_DURATION_NS = 9223372036854775807n * 1_000_000n;

/**
 * Loads the store and computes the ready queue, printing warnings and the
 * first verbose lines. Only the `todo` and `done` items are built.
 *
 * @param ctx Command context.
 * @returns The active items (as an index) and the ready items.
 */
export async function readyQueue(
  ctx: TgContext,
): Promise<{ active: ActiveIndex; ready: Item[] }> {
  const store = await ctx.store();
  ctx.log(`Project root: ${store.dir}`);
  const active = await store.loadActiveIndex();
  const archiveIds = await store.loadArchiveIds();
  ctx.log(`Loaded ${active.rows.length} active items, ${new Set(archiveIds).size} archive IDs`);
  const needed = active.rows.filter((r) => r.status === "todo" || r.status === "done");
  const { ready, warnings } = computeReadyQueue(
    needed.map((r) => active.item(r.index)),
    new Set(archiveIds),
    new Set(active.ids),
  );
  for (const w of warnings) ctx.warn(w);
  return { active, ready };
}

/** The active `doing` items. */
function doingItems(active: ActiveIndex): Item[] {
  return active.rows.filter((r) => r.status === "doing").map((r) => active.item(r.index));
}

/** Active `doing` items last updated before `now − duration`, sorted like the queue. */
function staleItems(active: readonly Item[], text: string, now: string): Item[] {
  let ns: bigint;
  try {
    ns = parseDuration(text);
  } catch (e) {
    throw invalidInput(`Invalid duration '${text}': ${(e as Error).message}`);
  }
  if (ns > MAX_DURATION_NS) {
    // Upstream's wording (chrono's OutOfRangeError).
    throw invalidInput(
      "Duration too large: Source duration value is out of range for the target type",
    );
  }
  const t = parseTimestamp(now);
  const secs = BigInt(t.secs) - ns / 1_000_000_000n;
  let nanos = t.nanos - Number(ns % 1_000_000_000n);
  let s = secs;
  if (nanos < 0) {
    nanos += 1_000_000_000;
    s -= 1n;
  }
  // Before year 0 nothing can be stale (upstream crashed here).
  if (s < -62167219200n) return [];
  const threshold = timestampSortKey(formatTimestamp({ secs: Number(s), nanos }));
  return sortByPriority(
    active.filter((it) => it.status === "doing" && timestampSortKey(it.updated_at) < threshold),
  );
}

/** Runs `tg ready`. */
export async function ready(p: Parsed, ctx: TgContext): Promise<void> {
  const { active, ready } = await readyQueue(ctx);
  let list = ready;
  const stale = str(p.opts["include-stale"]);
  if (stale !== undefined) {
    const extra = staleItems(doingItems(active), stale, (await ctx.store()).now());
    ctx.log(`Including ${extra.length} stale doing items`);
    list = [...ready, ...extra];
  }
  if (p.opts["include-expired"] === true) {
    const now = (await ctx.store()).now();
    const seen = new Set(list);
    const expired = sortByPriority(
      doingItems(active).filter((it) => !seen.has(it) && isClaimExpired(it, now)),
    );
    ctx.log(`Including ${expired.length} expired-claim doing items`);
    list = [...list, ...expired];
  }
  const limit = str(p.opts.limit);
  if (limit !== undefined && BigInt(limit) < BigInt(list.length)) {
    list = list.slice(0, Number(limit));
  }
  ctx.log(`Ready queue: ${list.length} items`);
  if (ctx.json) await writeItemsJson(list, (text) => ctx.out(text));
  else {
    await ctx.out(
      list.length === 0 ? "No items ready\n" : table(list, ctx.color, (await ctx.store()).now()),
    );
  }
}
