/**
 * `pg status [--json]`: the backlog by status (pg.md §2.5), and who holds
 * which claim until when (`pg run --sync`).
 */

import type { Parsed } from "../_args.ts";
import { CliError } from "../_main.ts";
import { levelRank } from "../../lib/adapter/assessments.ts";
import { type PhaseRun, totalPhaseRuns } from "../../lib/adapter/phase_history.ts";
import { DEFAULT_PIPELINE, PgItem } from "../../lib/adapter/pg_item.ts";
import { type PgStatus, pgStatusLabel, pgStatusToSnake } from "../../lib/adapter/pg_status.ts";
import { readSnapshot } from "../../lib/adapter/store_access.ts";
import { SystemClock } from "../../lib/io/clock.ts";
import { claimLease } from "../../lib/store/claims.ts";
import { compareTimestamps } from "../../lib/store/graph.ts";
import { formatTimestamp } from "../../lib/store/timestamp.ts";
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
  /** Who holds the item's claim, when someone does. */
  claim?: ClaimRow;
}

/** An item's claim as `pg status` shows it. */
export interface ClaimRow {
  /** The worker (or agent) holding it. */
  worker: string;
  /** When it was claimed. */
  claimedAt: string;
  /** When its lease expires, or `null` without one (it holds until released). */
  expiresAt: string | null;
}

/**
 * Reads the rows and sorts them: status group (InProgress, Blocked, Ready,
 * Scoping, New, Done), then impact (high first), stable over file order.
 *
 * @param items The items, as views.
 * @returns The sorted rows.
 */
export function statusRows(items: readonly PgItem[]): StatusRow[] {
  const rows = items.map((pg): StatusRow => {
    const row: StatusRow = {
      id: pg.id,
      title: pg.title,
      status: pg.status(),
      phase: pg.phase(),
      pipeline: pg.pipelineType(),
      impact: pg.impact(),
      size: pg.size(),
      risk: pg.risk(),
    };
    const raw = pg.item;
    if (raw.claimed_by !== null) {
      row.claim = {
        worker: raw.claimed_by,
        claimedAt: raw.claimed_at ?? "",
        expiresAt: claimLease(raw)?.expiresAt ?? null,
      };
    }
    return row;
  });
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
 * With `now`, the items' claims (who holds which, until when) are listed
 * between the rows and the total, when any item is claimed.
 *
 * @param rows Sorted rows.
 * @param now Canonical timestamp, to show claims.
 * @returns The text, ending in a newline.
 */
export function formatStatusTable(rows: readonly StatusRow[], now?: string): string {
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
  return out + (now === undefined ? "" : formatClaims(rows, now)) +
    `\n${rows.length} item(s) total\n`;
}

/**
 * How a claim stands at `now`: `until T (in 25m)`, `expired at T (may be
 * taken over)` or `no expiry`.
 *
 * @param claim The claim.
 * @param now Canonical timestamp.
 * @returns The text.
 */
export function claimStanding(claim: ClaimRow, now: string): string {
  if (claim.expiresAt === null) return "no expiry (holds until released)";
  if (compareTimestamps(claim.expiresAt, now) <= 0) {
    return `expired at ${claim.expiresAt} (another worker may take it over)`;
  }
  const ms = Date.parse(claim.expiresAt) - Date.parse(now);
  return `until ${claim.expiresAt}` + (Number.isFinite(ms) ? ` (in ${formatDuration(ms)})` : "");
}

/**
 * The claims under the table (`pg run --sync` workers, `tg do --claim`):
 * one line per claimed item, or nothing when no item is claimed.
 *
 * @param rows The rows.
 * @param now Canonical timestamp.
 * @returns The text (with a leading blank line), or `""`.
 */
export function formatClaims(rows: readonly StatusRow[], now: string): string {
  const claimed = rows.filter((r) => r.claim !== undefined);
  if (claimed.length === 0) return "";
  const idWidth = Math.max(...claimed.map((r) => [...r.id].length));
  const width = Math.max(...claimed.map((r) => [...r.claim!.worker].length));
  const lines = claimed.map((r) =>
    `  ${pad(r.id, idWidth)}  ${pad(r.claim!.worker, width)}  ${claimStanding(r.claim!, now)}`
  );
  return `\nClaims:\n${lines.join("\n")}\n`;
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
export function formatItemDetails(pg: PgItem, now?: string): string {
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
  const claim = statusRows([pg])[0]!.claim;
  if (claim !== undefined && now !== undefined) {
    lines.push(`Claimed:  by ${claim.worker}, ${claimStanding(claim, now)}`);
  }
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
  const now = formatTimestamp((ctx.io.clock ?? new SystemClock()).now());
  const items = await readSnapshot(ctx.store());
  const views = items.map((it) => new PgItem(it, { warn: ctx.warn }));
  const id = p.args.item_id;
  if (id !== undefined) {
    const pg = views.find((v) => v.id === id);
    if (pg === undefined) throw new CliError(`Item not found: ${id}`);
    if (p.flag("json")) {
      await ctx.out(
        JSON.stringify(
          { ...statusJson(statusRows([pg])[0]!, now), history: historyJson(pg.history()) },
          null,
          2,
        ) +
          "\n",
      );
    } else {
      await ctx.out(formatItemDetails(pg, now));
    }
    return;
  }
  const rows = statusRows(views);
  const histories = new Map(views.map((v) => [v.id, v.history()]));
  if (p.flag("json")) {
    const json = rows.map((r) => {
      const o = statusJson(r, now);
      const h = histories.get(r.id) ?? [];
      if (h.length > 0) o.history = historyJson(h);
      return o;
    });
    await ctx.out(JSON.stringify(json, null, 2) + "\n");
    return;
  }
  await ctx.out(formatStatusTable(rows, now) + formatHistoryFooter([...histories.values()]));
}

function statusJson(r: StatusRow, now: string): Record<string, unknown> {
  const o: Record<string, unknown> = {
    id: r.id,
    title: r.title,
    status: pgStatusToSnake(r.status),
    phase: r.phase,
    "pipeline_type": r.pipeline,
    impact: r.impact,
    size: r.size,
    risk: r.risk,
  };
  if (r.claim !== undefined) {
    o.claim = {
      worker: r.claim.worker,
      "claimed_at": r.claim.claimedAt,
      "expires_at": r.claim.expiresAt,
      expired: r.claim.expiresAt !== null && compareTimestamps(r.claim.expiresAt, now) <= 0,
    };
  }
  return o;
}
