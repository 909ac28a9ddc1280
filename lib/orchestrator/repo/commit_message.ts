/**
 * Commit messages pg writes (pg.md §6.4, §6.5, §6.9). Pure.
 *
 * @module
 */

/** One non-destructive phase waiting for the batch commit. */
export interface BatchEntry {
  /** Item ID. */
  itemId: string;
  /** Phase name. */
  phase: string;
  /** The result's `commit_summary`, if any. */
  commitSummary: string | null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function cleanSummary(itemId: string, phase: string, summary: string | null): string | null {
  if (summary === null) return null;
  const stripped = summary.replace(
    new RegExp(`^\\[${escapeRegExp(itemId)}\\]\\[${escapeRegExp(phase)}\\]\\s*`),
    "",
  ).trim();
  return stripped === "" ? null : stripped;
}

/**
 * The message of one phase's commit: `[{id}][{phase}] {summary}`, where a
 * leading copy of the `[{id}][{phase}]` prefix in the summary is dropped;
 * `[{id}][{phase}] Phase output` without a summary.
 *
 * @param itemId Item ID.
 * @param phase Phase name.
 * @param commitSummary The result's `commit_summary`.
 * @returns The message.
 *
 * @example
 * ```ts
 * import { phaseCommitMessage } from "./commit_message.ts";
 * import assert from "node:assert/strict";
 *
 * const message = phaseCommitMessage("WRK-001", "build", "Add parser");
 * assert.equal(message, "[WRK-001][build] Add parser");
 * // A summary that already carries the prefix does not get it twice.
 * assert.equal(
 *   phaseCommitMessage("WRK-001", "build", "[WRK-001][build] Add parser"),
 *   "[WRK-001][build] Add parser",
 * );
 * assert.equal(phaseCommitMessage("WRK-001", "build", null), "[WRK-001][build] Phase output");
 * ```
 */
export function phaseCommitMessage(
  itemId: string,
  phase: string,
  commitSummary: string | null,
): string {
  const s = cleanSummary(itemId, phase, commitSummary);
  return `[${itemId}][${phase}] ${s ?? "Phase output"}`;
}

/**
 * The batch commit message (pg.md §6.5): one entry gives its phase message;
 * several give the summaries of those that have one, joined by ` | `, a
 * blank line, and the label line `[id1][p1][id2][p2] Phase outputs` (just
 * the label line when none has a summary).
 *
 * @param entries The phases in the batch (at least one).
 * @returns The message.
 */
export function batchCommitMessage(entries: readonly BatchEntry[]): string {
  if (entries.length === 1) {
    const e = entries[0]!;
    return phaseCommitMessage(e.itemId, e.phase, e.commitSummary);
  }
  const label = entries.map((e) => `[${e.itemId}][${e.phase}]`).join("") + " Phase outputs";
  const summaries = entries
    .filter((e) => cleanSummary(e.itemId, e.phase, e.commitSummary) !== null)
    .map((e) => phaseCommitMessage(e.itemId, e.phase, e.commitSummary));
  return summaries.length === 0 ? label : `${summaries.join(" | ")}\n\n${label}`;
}

/**
 * The halt commit message.
 *
 * @param reason The halt reason (e.g. `AllDoneOrBlocked`, `TriageCompleted`).
 * @returns `[phase-golem] Save task state on halt ({reason})`.
 */
export function haltCommitMessage(reason: string): string {
  return `[phase-golem] Save task state on halt (${reason})`;
}
