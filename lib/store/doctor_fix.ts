/**
 * `tg doctor --fix`: backups, then the repairs, each recomputed from the
 * files as they are under the store lock (never from the lock-free
 * detection pass, which a concurrent writer may have outdated).
 *
 * Unlike upstream, `tasks.jsonl` is rewritten only when a repair applies to
 * it, never when its header is unsupported, and every line a rewrite drops
 * is reported; event rewrites keep every other line verbatim; duplicates are
 * dropped before events move, so none is copied into the archive log twice.
 *
 * @module
 */

import { concat } from "./archive_maintenance.ts";
import { eventKey } from "./doctor.ts";
import { ioError } from "./errors.ts";
import { appendEvent, type ReadEventLine, readEventLines, sortEvents } from "./events.ts";
import { type Item, serializeItem } from "./item.ts";
import { compareCodePoints } from "./json.ts";
import { SCHEMA_HEADER, type WarningSink } from "./jsonl.ts";
import { scanItemFile, type ScannedItemFile, type ScannedLine } from "./scan.ts";
import type { TaskStore } from "./store.ts";

/** A line a repair removed from an item file. */
export interface DroppedLine {
  /** `tasks.jsonl` or `archive.jsonl`. */
  file: string;
  /** 1-based line number in the file before the repair. */
  line: number;
  /** The line (invalid UTF-8 replaced). */
  text: string;
}

/** What {@linkcode repairStore} did. */
export interface RepairReport {
  /** Number of problems fixed (items, dependencies, parents, lines, files, events). */
  fixed: number;
  /** Backup files written. */
  backups: string[];
  /** Unreadable lines removed from item files (their bytes are in the backups). */
  dropped: DroppedLine[];
  /** Repairs not attempted, with the reason. */
  refused: string[];
}

/** Options for {@linkcode repairStore}. */
export interface RepairOptions {
  /** Backup suffix, `YYYYMMDDTHHMMSSZ` (UTC). */
  stamp: string;
  /** Also back up `events.jsonl` (when an events repair is expected). */
  backupEvents?: boolean;
  /** Receives warnings (read warnings of the event logs). */
  warn?: WarningSink;
}

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();
const NEWLINE = new Uint8Array([0x0a]);

/**
 * Backs up the item files (and `events.jsonl` when asked), then under one
 * lock repairs `tasks.jsonl`, `archive.jsonl` and the event logs, and makes
 * sure `.gitignore` lists the cache files.
 *
 * @param store The store.
 * @param options Backup stamp and warning sink.
 * @returns What was done.
 */
export async function repairStore(store: TaskStore, options: RepairOptions): Promise<RepairReport> {
  const warn = options.warn ?? (() => {});
  const report: RepairReport = { fixed: 0, backups: [], dropped: [], refused: [] };
  const toBackUp = [store.tasksPath, store.archivePath];
  if (options.backupEvents) toBackUp.push(store.eventsPath);
  try {
    for (const path of toBackUp) {
      if ((await store.fs.stat(path)) === null) continue;
      // Never overwrite an earlier backup (upstream does, within the same second).
      let target = `${path}.bak.${options.stamp}`;
      for (let n = 2; (await store.fs.stat(target)) !== null; n++) {
        target = `${path}.bak.${options.stamp}-${n}`;
      }
      await store.fs.copyFile(path, target);
      report.backups.push(target);
    }
  } catch (e) {
    throw ioError(e);
  }
  await store.lock(async () => {
    const tasks = scanItemFile(await read(store, store.tasksPath), false);
    const archive = scanItemFile(await read(store, store.archivePath), true);
    const archiveIds = new Set(archive.lines.flatMap((l) => (l.item ? [l.item.id] : [])));
    const activeIds = new Set<string>();
    if (headerOk(tasks, "tasks.jsonl", report)) {
      const r = repairTasks(tasks, archiveIds, report);
      if (r.bytes) await write(store, store.tasksPath, r.bytes);
      for (const id of r.activeIds) activeIds.add(id);
    } else {
      for (const l of tasks.lines) if (l.item) activeIds.add(l.item.id);
    }
    if (headerOk(archive, "archive.jsonl", report)) {
      const bytes = repairArchive(archive, activeIds, archiveIds, report);
      if (bytes) await write(store, store.archivePath, bytes);
    }
    report.fixed += await repairEvents(store, archiveIds, activeIds, warn);
  });
  if (await store.ensureGitignore()) report.fixed += 1;
  return report;
}

async function read(store: TaskStore, path: string): Promise<Uint8Array | null> {
  try {
    return await store.fs.readFile(path);
  } catch (e) {
    throw ioError(e);
  }
}

async function write(store: TaskStore, path: string, bytes: Uint8Array): Promise<void> {
  try {
    await store.fs.writeFileAtomic(path, bytes);
  } catch (e) {
    throw ioError(e);
  }
}

function headerOk(file: ScannedItemFile, name: string, report: RepairReport): boolean {
  const h = file.header;
  if (h && (h.notJson || h.problem !== null)) {
    report.refused.push(
      `${name} was not repaired: its first line is not a supported header ({"schema_version":1}); fix that line by hand`,
    );
    return false;
  }
  return true;
}

/** A line that is itself a valid header (after a blank first line): not data, not reported. */
function isHeaderLine(l: ScannedLine): boolean {
  return l.text !== null && l.text.trim() === SCHEMA_HEADER.trim();
}

function drop(l: ScannedLine, file: string, report: RepairReport): void {
  if (isHeaderLine(l)) return;
  report.dropped.push({ file, line: l.line, text: l.text ?? DECODER.decode(l.bytes) });
  report.fixed += 1;
}

/** Writes items sorted by ID; lines whose extension keys are invalid stay verbatim. */
function encode(rows: { item: Item; raw: Uint8Array | null }[]): Uint8Array {
  rows.sort((a, b) => compareCodePoints(a.item.id, b.item.id));
  const parts: Uint8Array[] = [ENCODER.encode(SCHEMA_HEADER)];
  for (const r of rows) parts.push(r.raw ?? ENCODER.encode(serializeItem(r.item)), NEWLINE);
  return concat(parts);
}

function repairTasks(
  tasks: ScannedItemFile,
  archiveIds: ReadonlySet<string>,
  report: RepairReport,
): { bytes: Uint8Array | null; activeIds: Set<string> } {
  let changed = false;
  const kept: ScannedLine[] = [];
  for (const l of tasks.lines) {
    if (l.item === null) {
      drop(l, "tasks.jsonl", report);
      changed = true;
    } else if (archiveIds.has(l.item.id)) {
      report.fixed += 1; // items_in_both: the archived copy wins
      changed = true;
    } else kept.push(l);
  }
  const activeIds = new Set(kept.map((l) => l.item!.id));
  const rows = kept.map((l) => {
    const item = l.item!;
    if (l.extensionProblem !== null) return { item, raw: l.bytes };
    const deps = item.dependencies.filter((d) => activeIds.has(d) || archiveIds.has(d));
    if (deps.length !== item.dependencies.length) {
      report.fixed += item.dependencies.length - deps.length;
      item.dependencies = deps;
      changed = true;
    }
    return { item, raw: null };
  });
  return { bytes: changed ? encode(rows) : null, activeIds };
}

function repairArchive(
  archive: ScannedItemFile,
  activeIds: ReadonlySet<string>,
  archiveIds: ReadonlySet<string>,
  report: RepairReport,
): Uint8Array | null {
  let changed = false;
  const rows: { item: Item; raw: Uint8Array | null }[] = [];
  for (const l of archive.lines) {
    if (l.item === null) {
      drop(l, "archive.jsonl", report);
      changed = true;
      continue;
    }
    if (l.extensionProblem !== null) {
      rows.push({ item: l.item, raw: l.bytes });
      continue;
    }
    const p = l.item.parent;
    if (p !== null && !activeIds.has(p) && !archiveIds.has(p)) {
      l.item.parent = null;
      report.fixed += 1;
      changed = true;
    }
    rows.push({ item: l.item, raw: null });
  }
  return changed ? encode(rows) : null;
}

/**
 * Drops events of `events.jsonl` that `events.archive.jsonl` already holds,
 * then moves the events of archived tasks there; one rewrite of
 * `events.jsonl`, other lines verbatim.
 */
async function repairEvents(
  store: TaskStore,
  archiveIds: ReadonlySet<string>,
  activeIds: ReadonlySet<string>,
  warn: WarningSink,
): Promise<number> {
  let lines: ReadEventLine[];
  let archived: ReadEventLine[];
  let rawLines: Uint8Array[];
  try {
    rawLines = splitLines(await store.fs.readFile(store.eventsPath));
    lines = await readEventLines(store.fs, store.eventsPath, warn);
    archived = await readEventLines(store.fs, store.eventsArchivePath, () => {});
  } catch (e) {
    throw ioError(e);
  }
  const archivedKeys = new Set(archived.flatMap((l) => (l.event ? [keyOf(l)] : [])));
  const keep: ReadEventLine[] = [];
  const moving: ReadEventLine[] = [];
  let dropped = 0;
  for (const l of lines) {
    const ev = l.event;
    if (ev === null) keep.push(l);
    else if (archivedKeys.has(keyOf(l))) dropped++;
    else if (archiveIds.has(ev.task_id) && !activeIds.has(ev.task_id)) moving.push(l);
    else keep.push(l);
  }
  if (dropped === 0 && moving.length === 0) return 0;
  try {
    for (const ev of sortEvents(moving.map((l) => l.event!))) {
      await appendEvent(store.fs, store.eventsArchivePath, ev);
    }
    // kept lines byte for byte (even those that are not UTF-8)
    const parts: Uint8Array[] = [];
    for (const l of keep) parts.push(rawLines[l.line - 1] ?? ENCODER.encode(l.raw), NEWLINE);
    await store.fs.writeFileAtomic(store.eventsPath, concat(parts));
  } catch (e) {
    throw ioError(e);
  }
  return dropped + moving.length;
}

/** The lines of a file as bytes (without newlines); index = line number − 1. */
function splitLines(bytes: Uint8Array | null): Uint8Array[] {
  if (bytes === null) return [];
  const out: Uint8Array[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end < 0) end = bytes.length;
    out.push(bytes.subarray(start, end));
    start = end + 1;
  }
  return out;
}

function keyOf(l: ReadEventLine): string {
  const e = l.event!;
  return eventKey({
    line: l.line,
    taskId: e.task_id,
    ts: e.ts,
    type: e.type,
    text: e.text,
    status: e.status ?? null,
  });
}
