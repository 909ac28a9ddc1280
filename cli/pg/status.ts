/** `pg status [--json]`: the backlog by status (pg.md §2.5). */

import type { Parsed } from "../_args.ts";
import { levelRank } from "../../lib/adapter/assessments.ts";
import { PgItem } from "../../lib/adapter/pg_item.ts";
import { type PgStatus, pgStatusLabel, pgStatusToSnake } from "../../lib/adapter/pg_status.ts";
import { readSnapshot } from "../../lib/adapter/store_access.ts";
import type { PgContext } from "./_context.ts";

const GROUP: Readonly<Record<PgStatus, number>> = {
  InProgress: 0,
  Blocked: 1,
  Ready: 2,
  Scoping: 3,
  New: 4,
  Done: 5,
};

/** One line of the status table, read once from the item. */
export interface StatusRow {
  /** ID. */
  id: string;
  /** Title. */
  title: string;
  /** Status. */
  status: PgStatus;
  /** Phase. */
  phase: string | null;
  /** Pipeline type. */
  pipeline: string | null;
  /** Impact. */
  impact: string | null;
  /** Size. */
  size: string | null;
  /** Risk. */
  risk: string | null;
}

/**
 * Reads the rows and sorts them: status group (InProgress, Blocked, Ready,
 * Scoping, New, Done), then impact (high first), stable over file order.
 *
 * @param items The items, as views.
 * @returns The sorted rows.
 */
export function statusRows(items: readonly PgItem[]): StatusRow[] {
  const rows = items.map((pg): StatusRow => ({
    id: pg.id,
    title: pg.title,
    status: pg.status(),
    phase: pg.phase(),
    pipeline: pg.pipelineType(),
    impact: pg.impact(),
    size: pg.size(),
    risk: pg.risk(),
  }));
  return rows
    .map((row, i) => ({ row, i, rank: levelRank(row.impact as "low" | null) }))
    .sort((a, b) => GROUP[a.row.status] - GROUP[b.row.status] || b.rank - a.rank || a.i - b.i)
    .map((x) => x.row);
}

function pad(s: string, width: number): string {
  const n = [...s].length;
  return n >= width ? s : s + " ".repeat(width - n);
}

/**
 * Cuts a title longer than 36 characters to 33 plus `...` (**[Fix]** B29:
 * both the test and the cut count characters).
 *
 * @param title The title.
 * @returns The shown title.
 */
export function truncateTitle(title: string): string {
  const chars = [...title];
  return chars.length > 36 ? chars.slice(0, 33).join("") + "..." : title;
}

/**
 * The status table: header, a 94-character rule, one row per item, a blank
 * line and the total. Columns are padded, never cut (except the title).
 *
 * @param rows Sorted rows.
 * @returns The text, ending in a newline.
 */
export function formatStatusTable(rows: readonly StatusRow[]): string {
  if (rows.length === 0) return "No items in backlog.\n";
  const line = (cols: string[]) =>
    `${pad(cols[0]!, 12)} ${pad(cols[1]!, 12)} ${pad(cols[2]!, 12)} ${pad(cols[3]!, 10)} ${
      pad(cols[4]!, 8)
    } ${pad(cols[5]!, 8)} ${pad(cols[6]!, 8)} ${cols[7]}\n`;
  let out = line(["ID", "STATUS", "PHASE", "PIPELINE", "IMPACT", "SIZE", "RISK", "TITLE"]);
  out += "-".repeat(94) + "\n";
  for (const r of rows) {
    out += line([
      r.id,
      pgStatusLabel(r.status),
      r.phase ?? "-",
      r.pipeline ?? "-",
      r.impact ?? "-",
      r.size ?? "-",
      r.risk ?? "-",
      truncateTitle(r.title),
    ]);
  }
  return out + `\n${rows.length} item(s) total\n`;
}

/** Runs `pg status`. */
export async function status(p: Parsed, ctx: PgContext): Promise<void> {
  await ctx.config();
  const items = await readSnapshot(ctx.store());
  const rows = statusRows(items.map((it) => new PgItem(it, { warn: ctx.warn })));
  if (p.opts.json === true) {
    const json = rows.map((r) => ({
      id: r.id,
      title: r.title,
      status: pgStatusToSnake(r.status),
      phase: r.phase,
      "pipeline_type": r.pipeline,
      impact: r.impact,
      size: r.size,
      risk: r.risk,
    }));
    await ctx.out(JSON.stringify(json, null, 2) + "\n");
    return;
  }
  await ctx.out(formatStatusTable(rows));
}
