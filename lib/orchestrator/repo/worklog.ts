/**
 * The worklog (pg.md §6.8): an append-only Markdown file per UTC month,
 * `_worklog/YYYY-MM.md` under the project root, one entry per phase outcome.
 *
 * @module
 */

import type { Clock } from "../../io/clock.ts";
import type { FileSystem } from "../../io/fs.ts";
import { formatTimestamp, type Instant } from "../../store/timestamp.ts";

/** The outcomes a worklog entry records. */
export type WorklogOutcome =
  | "Complete"
  | "Subphase Complete"
  | "Failed"
  | "Blocked"
  | "Cancelled"
  | "Merged"
  | "Archived";

/** One worklog entry. */
export interface WorklogEntry {
  /** Item ID. */
  id: string;
  /** Item title. */
  title: string;
  /** Phase (`triage`, `unknown`, …). */
  phase: string;
  /** Outcome. */
  outcome: WorklogOutcome;
  /** Summary text. */
  summary: string;
}

/** Replaces line breaks so a header field stays on its line. */
function oneLine(s: string): string {
  return s.replace(/\r\n|[\r\n\u2028\u2029]/g, " ");
}

/**
 * The entry's timestamp: RFC 3339 in UTC with a `+00:00` offset, keeping
 * the sub-second digits (0, 3, 6 or 9 of them).
 *
 * @param t The instant.
 * @returns E.g. `2026-11-25T17:28:17.203339127+00:00`.
 */
export function worklogTimestamp(t: Instant): string {
  return formatTimestamp(t).replace(/Z$/, "+00:00");
}

/**
 * Formats one entry. The ID, title and phase are kept on one line each
 * (line breaks become spaces) so a hostile title cannot forge entries;
 * the summary is written as given.
 *
 * @param entry The entry.
 * @param t When it is written.
 * @returns The Markdown text, ending in a blank line.
 */
export function formatWorklogEntry(entry: WorklogEntry, t: Instant): string {
  return `## ${worklogTimestamp(t)} — ${oneLine(entry.id)} (${oneLine(entry.title)})\n\n` +
    `- **Phase:** ${oneLine(entry.phase)}\n` +
    `- **Outcome:** ${entry.outcome}\n` +
    `- **Summary:** ${entry.summary}\n\n---\n\n`;
}

/**
 * The worklog file for an instant, relative to the root: `_worklog/YYYY-MM.md` (UTC month).
 *
 * @param t The instant.
 * @returns The relative path.
 */
export function worklogRelPath(t: Instant): string {
  return `_worklog/${formatTimestamp(t).slice(0, 7)}.md`;
}

/** Options for {@linkcode appendWorklog}. */
export interface AppendWorklogOptions {
  /** File system. */
  fs: FileSystem;
  /** Project root (absolute). */
  root: string;
  /** Time source. */
  clock: Clock;
}

/**
 * Appends an entry, creating `_worklog/` when needed.
 *
 * @param entry The entry.
 * @param options File system, root and clock.
 * @returns The path written, relative to the root.
 */
export async function appendWorklog(
  entry: WorklogEntry,
  options: AppendWorklogOptions,
): Promise<string> {
  const t = options.clock.now();
  const rel = worklogRelPath(t);
  await options.fs.mkdirp(`${options.root}/_worklog`);
  const bytes = new TextEncoder().encode(formatWorklogEntry(entry, t));
  const n = await options.fs.appendOnce(`${options.root}/${rel}`, bytes);
  if (n !== bytes.length) throw new Error(`Short write to ${rel}: ${n} of ${bytes.length} bytes`);
  return rel;
}
