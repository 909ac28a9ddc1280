/**
 * The run summary (pg.md §2.4 step 16, issue 6 §2): what ran, what
 * finished, what is blocked, commits, time per phase, cost (and the cost
 * limit: spent and limit), halt reason.
 *
 * @module
 */

import type { RunSummary } from "../../lib/orchestrator/run/run_loop.ts";

function seconds(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, "0")}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/**
 * Formats the summary lines.
 *
 * @param summary The run's summary.
 * @param commits Commits made by the run.
 * @returns The lines, ending in a newline.
 */
export function formatRunSummary(summary: RunSummary, commits: number): string {
  const s = summary.state;
  const lines = ["--- Run Summary ---", `Phases executed: ${s.phasesExecuted}`];
  if (s.itemsCompleted.length > 0) lines.push(`Items completed: ${s.itemsCompleted.join(", ")}`);
  if (s.itemsBlocked.size > 0) {
    lines.push(`Items blocked: ${[...s.itemsBlocked].sort().join(", ")}`);
  }
  lines.push(`Follow-ups created: ${s.followUpsCreated}`);
  lines.push(`Items merged: ${s.itemsMerged}`);
  if (summary.filterDisplay !== null) {
    if (summary.haltReason === "NoMatchingItems") {
      lines.push(`Filter: ${summary.filterDisplay} (no items match)`);
    } else if (summary.haltReason === "FilterExhausted") {
      lines.push(`Filter: ${summary.filterDisplay} (all matching items are done or blocked)`);
    }
  }
  lines.push(`Commits: ${commits}`);
  if (s.phaseTimes.size > 0) {
    const parts = [...s.phaseTimes.entries()].map(([phase, t]) =>
      `${phase} ${t.runs}× ${seconds(t.totalMs)}`
    );
    lines.push(`Time per phase: ${parts.join(", ")}`);
  }
  if (s.costUsd !== null || s.tokens !== null) {
    const parts: string[] = [];
    if (s.costUsd !== null) parts.push(`$${s.costUsd.toFixed(2)}`);
    if (s.tokens !== null) parts.push(`${s.tokens.toLocaleString("en-US")} tokens`);
    lines.push(`Agent usage: ${parts.join(", ")}`);
  }
  if (summary.maxCostUsd !== null) {
    lines.push(
      `Cost limit: $${(s.costUsd ?? 0).toFixed(2)} spent of $${summary.maxCostUsd.toFixed(2)}`,
    );
  }
  if (summary.syncError !== undefined) lines.push(`Sync failed: ${summary.syncError}`);
  lines.push(`Halt reason: ${summary.haltReason}`);
  return lines.join("\n") + "\n";
}
