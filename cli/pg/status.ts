/** `pg status [--json]`: the backlog by status (pg.md §2.5). */

import type { Parsed } from "../_args.ts";
import { CliError } from "../_main.ts";
import { levelRank } from "../../lib/adapter/assessments.ts";
import { type PhaseRun, totalPhaseRuns } from "../../lib/adapter/phase_history.ts";
import { DEFAULT_PIPELINE, PgItem } from "../../lib/adapter/pg_item.ts";
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

/**
 * A duration for people: `850ms`, `12.3s`, `4m05s`, `1h02m`.
 *
 * @param ms Milliseconds.
 * @returns The text.
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

function usageText(costUsd: number | null | undefined, tokens: number | null | undefined): string {
  const parts: string[] = [];
  if (costUsd !== null && costUsd !== undefined) parts.push(`$${costUsd.toFixed(2)}`);
  if (tokens !== null && tokens !== undefined) {
    parts.push(`${tokens.toLocaleString("en-US")} tokens`);
  }
  return parts.join(", ");
}

/**
 * The footer under the table when items have phase history: total agent
 * time and, when reported, cost and tokens.
 *
 * @param histories Each item's history.
 * @returns The line (with newline), or `""` when there is no history.
 */
export function formatHistoryFooter(histories: readonly PhaseRun[][]): string {
  const all = histories.flat();
  if (all.length === 0) return "";
  const t = totalPhaseRuns(all);
  const usage = usageText(t.costUsd, t.tokens);
  return `Agent time: ${formatDuration(t.durationMs)} over ${t.runs} phase run(s)` +
    (usage === "" ? "" : ` (${usage})`) + "\n";
}

/**
 * One item's details and phase history (`pg status ID`).
 *
 * @param pg The item.
 * @returns The text.
 */
export function formatItemDetails(pg: PgItem): string {
  const lines = [
    `${pg.id}  ${pg.title}`,
    `Status:   ${pgStatusLabel(pg.status())}${
      pg.phase() ? ` (phase ${pg.phase()}, ${pg.phasePool() ?? "main"})` : ""
    }`,
    `Pipeline: ${pg.pipelineType() ?? DEFAULT_PIPELINE}`,
  ];
  const a = pg.assessments();
  const assessed = [
    a.size && `size ${a.size}`,
    a.complexity && `complexity ${a.complexity}`,
    a.risk && `risk ${a.risk}`,
    a.impact && `impact ${a.impact}`,
  ].filter(Boolean);
  if (assessed.length > 0) lines.push(`Assessed: ${assessed.join(", ")}`);
  if (pg.blockedReason) lines.push(`Blocked:  ${pg.blockedReason}`);
  const history = pg.history();
  lines.push("");
  if (history.length === 0) {
    lines.push("No phase history.");
  } else {
    lines.push("PHASE        OUTCOME            STARTED               TIME      ATTEMPTS  USAGE");
    for (const h of history) {
      lines.push(
        `${h.phase.padEnd(12)} ${h.outcome.padEnd(18)} ${
          h.startedAt.slice(0, 19).replace("T", " ").padEnd(21)
        } ${formatDuration(h.durationMs).padEnd(9)} ${String(h.attempts).padEnd(9)} ${
          usageText(
            h.costUsd,
            h.inputTokens === undefined && h.outputTokens === undefined
              ? undefined
              : (h.inputTokens ?? 0) + (h.outputTokens ?? 0),
          ) || "-"
        }`.trimEnd(),
      );
    }
    const t = totalPhaseRuns(history);
    const usage = usageText(t.costUsd, t.tokens);
    lines.push(
      `Total: ${formatDuration(t.durationMs)} over ${t.runs} run(s)${usage ? ` (${usage})` : ""}`,
    );
  }
  return lines.join("\n") + "\n";
}

function historyJson(runs: readonly PhaseRun[]): Record<string, unknown>[] {
  return runs.map((h) => {
    const o: Record<string, unknown> = {
      phase: h.phase,
      outcome: h.outcome,
      "started_at": h.startedAt,
      "duration_ms": h.durationMs,
      attempts: h.attempts,
    };
    if (h.costUsd !== undefined) o["cost_usd"] = h.costUsd;
    if (h.inputTokens !== undefined) o["input_tokens"] = h.inputTokens;
    if (h.outputTokens !== undefined) o["output_tokens"] = h.outputTokens;
    return o;
  });
}

/** Runs `pg status`. */
export async function status(p: Parsed, ctx: PgContext): Promise<void> {
  await ctx.config();
  const items = await readSnapshot(ctx.store());
  const views = items.map((it) => new PgItem(it, { warn: ctx.warn }));
  const id = p.args.item_id;
  if (id !== undefined) {
    const pg = views.find((v) => v.id === id);
    if (pg === undefined) throw new CliError(`Item not found: ${id}`);
    if (p.flag("json")) {
      await ctx.out(
        JSON.stringify(
          { ...statusJson(statusRows([pg])[0]!), history: historyJson(pg.history()) },
          null,
          2,
        ) +
          "\n",
      );
    } else {
      await ctx.out(formatItemDetails(pg));
    }
    return;
  }
  const rows = statusRows(views);
  const histories = new Map(views.map((v) => [v.id, v.history()]));
  if (p.flag("json")) {
    const json = rows.map((r) => {
      const o = statusJson(r);
      const h = histories.get(r.id) ?? [];
      if (h.length > 0) o.history = historyJson(h);
      return o;
    });
    await ctx.out(JSON.stringify(json, null, 2) + "\n");
    return;
  }
  await ctx.out(formatStatusTable(rows) + formatHistoryFooter([...histories.values()]));
}

function statusJson(r: StatusRow): Record<string, unknown> {
  return {
    id: r.id,
    title: r.title,
    status: pgStatusToSnake(r.status),
    phase: r.phase,
    "pipeline_type": r.pipeline,
    impact: r.impact,
    size: r.size,
    risk: r.risk,
  };
}
