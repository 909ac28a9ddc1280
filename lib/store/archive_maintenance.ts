/**
 * `tg archive`: move done items still in `tasks.jsonl` to the archive
 * (recovery after an interrupted `tg done`), and prune old archive entries
 * to `archive-pruned.jsonl`.
 *
 * @module
 */

import { ioError } from "./errors.ts";
import { serializeItem } from "./item.ts";
import { compareCodePoints } from "./json.ts";
import { parseArchiveFile, SCHEMA_HEADER, type WarningSink } from "./jsonl.ts";
import { scanItemFile, type ScannedLine } from "./scan.ts";
import type { TaskStore } from "./store.ts";
import { parseTimestamp } from "./timestamp.ts";
import { appendItemLine } from "./_item_append.ts";
import { writeStore } from "./ops/_write.ts";

/** What {@linkcode archiveMaintenance} did. */
export interface ArchiveReport {
  /** Done items moved from `tasks.jsonl` to `archive.jsonl`, in file order. */
  recovered: string[];
  /** Done items left in place because active items still name them as parent. */
  skipped: string[];
  /** Archive entries moved to `archive-pruned.jsonl`, in archive file order. */
  pruned: string[];
}

/** Options for {@linkcode archiveMaintenance}. */
export interface ArchiveOptions {
  /** Prune archive entries last updated before this many seconds since the epoch. */
  pruneBeforeSecs?: number | null;
  /** Receives the `skipping … has active children` warnings. */
  warn?: WarningSink;
}

const ENCODER = new TextEncoder();

/**
 * Recovers done items (one store write), then prunes old archive entries
 * (under the store lock).
 *
 * Recovery moves each done item without non-done active children to
 * `archive.jsonl`, with its events, and rewrites `tasks.jsonl` once.
 * Pruning appends the archive entries updated before the cutoff to
 * `archive-pruned.jsonl`, then rewrites `archive.jsonl` (sorted by ID)
 * without them; unreadable archive lines are kept, after the items.
 *
 * @param store The store.
 * @param options Cutoff and warning sink.
 * @returns The IDs recovered, skipped and pruned.
 */
export async function archiveMaintenance(
  store: TaskStore,
  options: ArchiveOptions = {},
): Promise<ArchiveReport> {
  const warn = options.warn ?? (() => {});
  const report = await writeStore(store, { kind: "all" }, (w) => {
    const report: ArchiveReport = { recovered: [], skipped: [], pruned: [] };
    const items = w.doc.items();
    for (const it of items) {
      if (it.status !== "done") continue;
      const children = items
        .filter((c) => c !== it && c.parent === it.id && c.status !== "done")
        .map((c) => c.id);
      if (children.length > 0) {
        warn(`Warning: skipping ${it.id} — has active children: ${children.join(", ")}`);
        report.skipped.push(it.id);
        continue;
      }
      w.archive(it);
      report.recovered.push(it.id);
    }
    return report;
  });
  if (options.pruneBeforeSecs !== undefined && options.pruneBeforeSecs !== null) {
    const cutoff = options.pruneBeforeSecs;
    report.pruned = await store.lock(() => prune(store, cutoff, warn));
  }
  return report;
}

async function prune(store: TaskStore, cutoffSecs: number, warn: WarningSink): Promise<string[]> {
  let bytes: Uint8Array | null;
  try {
    bytes = await store.fs.readFile(store.archivePath);
  } catch (e) {
    throw ioError(e);
  }
  parseArchiveFile(bytes, warn); // header check and the usual warnings
  const scan = scanItemFile(bytes, true);
  const pruned: ScannedLine[] = [];
  const kept: ScannedLine[] = [];
  const unreadable: ScannedLine[] = [];
  for (const l of scan.lines) {
    if (l.item === null) unreadable.push(l);
    else if (l.extensionProblem === null && parseTimestamp(l.item.updated_at).secs < cutoffSecs) {
      pruned.push(l);
    } else kept.push(l);
  }
  if (pruned.length === 0) return [];
  for (const l of pruned) await appendItemLine(store.fs, store.prunedPath, l.item!);
  kept.sort((a, b) => compareCodePoints(a.item!.id, b.item!.id));
  const parts: Uint8Array[] = [ENCODER.encode(SCHEMA_HEADER)];
  for (const l of kept) {
    parts.push(
      l.extensionProblem === null ? ENCODER.encode(serializeItem(l.item!)) : l.bytes,
      NEWLINE,
    );
  }
  for (const l of unreadable) parts.push(l.bytes, NEWLINE);
  try {
    await store.fs.writeFileAtomic(store.archivePath, concat(parts));
  } catch (e) {
    throw ioError(e);
  }
  return pruned.map((l) => l.item!.id);
}

const NEWLINE = new Uint8Array([0x0a]);

/**
 * Joins byte arrays.
 *
 * @param parts The pieces.
 * @returns One array.
 */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
