/**
 * `tg ready [--include-stale DURATION] [--include-expired] [--limit N]` and
 * the queue `tg next` uses.
 */

import type { Parsed } from "../_args.ts";
import { invalidInput } from "../../lib/store/errors.ts";
import { computeReadyQueue, sortByPriority } from "../../lib/store/graph.ts";
import type { ActiveIndex, ActiveRow } from "../../lib/store/active_index.ts";
import { parseDuration } from "../../lib/store/duration.ts";
import { isClaimExpired } from "../../lib/store/claims.ts";
import { formatTimestamp, parseTimestamp, timestampSortKey } from "../../lib/store/timestamp.ts";
import { printResult, type TgContext, type TgResult } from "./_context.ts";
import { writeRowsJson, writeRowsTable } from "./_format.ts";

/** Largest duration the clock arithmetic accepts (upstream: i64 milliseconds). */
const MAX_DURATION_NS = 9223372036854775807n * 1_000_000n;

/**
 * Loads the store and computes the ready queue, printing warnings and the
 * first verbose lines. No item is built: the rows have what the queue needs.
 *
 * @param ctx Command context.
 * @returns The active items (as an index) and the rows of the ready ones.
 */
export async function readyQueue(
  ctx: TgContext,
): Promise<{ active: ActiveIndex; ready: ActiveRow[] }> {
  const store = await ctx.store();
  ctx.log(`Project root: ${store.dir}`);
  const active = await store.loadActiveIndex();
  const archiveIds = await store.loadArchiveIds();
  ctx.log(`Loaded ${active.rows.length} active items, ${new Set(archiveIds).size} archive IDs`);
  const { ready, warnings } = computeReadyQueue(
    active.rows.filter((r) => r.status === "todo" || r.status === "done"),
    new Set(archiveIds),
    new Set(active.ids),
  );
  for (const w of warnings) ctx.warn(w);
  return { active, ready };
}

/** Rows of active `doing` items last updated before `now − duration`, sorted like the queue. */
function staleRows(active: ActiveIndex, text: string, now: string): ActiveRow[] {
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
    active.rows.filter((r) =>
      r.status === "doing" && timestampSortKey(active.item(r.index).updated_at) < threshold
    ),
  );
}

/** The options of `tg ready`. */
export interface ReadyRequest {
  /** Also list `doing` items last updated longer ago than this duration (e.g. `4h`). */
  includeStale?: string | undefined;
  /** Also list `doing` items whose claim has expired. */
  includeExpired?: boolean | undefined;
  /** At most this many items (a non-negative integer, as text). */
  limit?: string | undefined;
}

/**
 * The items `tg ready` shows: the ready queue, then the stale and the
 * expired-claim `doing` items asked for, cut at the limit.
 *
 * @param ctx Command context.
 * @param request The options.
 * @returns The list (JSON: an array of items; text: a table or `No items ready`).
 */
export async function readyResult(ctx: TgContext, request: ReadyRequest): Promise<TgResult> {
  const { active, ready } = await readyQueue(ctx);
  let list = ready;
  const stale = request.includeStale;
  if (stale !== undefined) {
    const extra = staleRows(active, stale, (await ctx.store()).now());
    ctx.log(`Including ${extra.length} stale doing items`);
    list = [...ready, ...extra];
  }
  if (request.includeExpired) {
    const now = (await ctx.store()).now();
    const seen = new Set(list);
    const expired = sortByPriority(
      active.rows.filter((r) =>
        r.status === "doing" && !seen.has(r) && isClaimExpired(active.item(r.index), now)
      ),
    );
    ctx.log(`Including ${expired.length} expired-claim doing items`);
    list = [...list, ...expired];
  }
  const limit = request.limit;
  if (limit !== undefined && BigInt(limit) < BigInt(list.length)) {
    list = list.slice(0, Number(limit));
  }
  ctx.log(`Ready queue: ${list.length} items`);
  const store = await ctx.store();
  return {
    writeJson: (write) => writeRowsJson(active, list, write),
    writeText: (write, o) =>
      list.length === 0
        ? write("No items ready\n")
        : writeRowsTable(active, list, o.color, store.now(), write),
  };
}

/** Runs `tg ready`. */
export async function ready(p: Parsed, ctx: TgContext): Promise<void> {
  await printResult(
    ctx,
    await readyResult(ctx, {
      includeStale: p.value("include-stale"),
      includeExpired: p.flag("include-expired"),
      limit: p.value("limit"),
    }),
  );
}
