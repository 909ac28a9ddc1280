/**
 * Three-way merges of store files, for `tg merge-driver` (a git merge
 * driver). Pure: bytes in, bytes out.
 *
 * - `tasks.jsonl`, by item ID: an item changed on one side takes that side
 *   (deletions included); new items of both sides are kept; an item changed
 *   differently on both sides keeps the version with the later `updated_at`
 *   (ours on a tie) and the other is reported as a {@linkcode MergeConflict};
 *   an item deleted on one side and changed on the other keeps the changed
 *   version (nothing is lost) and is reported too. Output: canonical lines
 *   sorted by ID.
 * - `archive.jsonl` / `archive-pruned.jsonl`, by line: every line of either
 *   side is kept once (identical items deduplicated), except lines of the
 *   base that one side removed (a prune); items sorted by ID (as upstream's
 *   archive rewrite does), unreadable lines kept verbatim at the end.
 * - `events.jsonl` / `events.archive.jsonl`, by line: the same set merge,
 *   sorted by timestamp (stable), unreadable lines kept at the end.
 *
 * @module
 */

import { storageCorruption, TaskStoreError } from "./errors.ts";
import { compareTimestamps } from "./graph.ts";
import { compareCodePoints, type JsonObject, stringifyCompact } from "./json.ts";
import { type Item, itemToJsonObject, parseItemLine, serializeItem } from "./item.ts";
import { parseActiveFile, SCHEMA_HEADER } from "./jsonl.ts";
import { parseEventLine } from "./events.ts";

/** Which version of a file. */
export type MergeSide = "ours" | "theirs";

/**
 * An item both sides changed, or one side removed while the other changed it.
 *
 * - both changed: `keptItem` is the later version, `discarded` the other;
 * - removed with `rm` on one side: the change is kept, `discarded` is `null`;
 * - completed on one side (its ID is in that side's archive): the item stays
 *   completed, `keptItem` is `null`, `discarded` is the other side's change
 *   and `base` the version both started from.
 */
export interface MergeConflict {
  /** The item's ID. */
  id: string;
  /** The side whose outcome was kept. */
  kept: MergeSide;
  /** The kept version, or `null` when the kept outcome is the item's completion. */
  keptItem: Item | null;
  /** The discarded version, or `null` when the other side had removed the item. */
  discarded: Item | null;
  /** The common ancestor's version, when there was one. */
  base: Item | null;
  /** Whether the kept outcome is the completion (the item is archived). */
  completed: boolean;
}

/** Options for {@linkcode mergeTaskFiles}. */
export interface MergeTasksOptions {
  /** IDs in our `archive.jsonl` (an item we removed and archived was completed). */
  archivedOurs?: ReadonlySet<string>;
  /** IDs in their `archive.jsonl`. */
  archivedTheirs?: ReadonlySet<string>;
}

/** The result of merging `tasks.jsonl`. */
export interface TasksMerge {
  /** The merged file. */
  bytes: Uint8Array;
  /** Items changed on both sides, in ID order. */
  conflicts: MergeConflict[];
}

const ENCODER = new TextEncoder();
const DECODER = new TextDecoder();

/** Items by ID, each ID with its lines (canonical) and items in file order. */
function byId(items: readonly Item[]): Map<string, { key: string; items: Item[] }> {
  const map = new Map<string, { key: string; items: Item[] }>();
  for (const it of items) {
    const line = serializeItem(it);
    const entry = map.get(it.id);
    if (entry) {
      entry.key += "\n" + line;
      entry.items.push(it);
    } else {
      map.set(it.id, { key: line, items: [it] });
    }
  }
  return map;
}

function parseSide(bytes: Uint8Array, side: string): Item[] {
  try {
    return parseActiveFile(bytes);
  } catch (e) {
    const detail = e instanceof TaskStoreError && e.detail !== undefined
      ? e.detail
      : (e as Error).message;
    throw storageCorruption(`${side} version: ${detail}`, e);
  }
}

/**
 * Merges three versions of `tasks.jsonl` by item ID.
 *
 * @param base The common ancestor (empty when there is none).
 * @param ours The current branch's version.
 * @param theirs The other branch's version.
 * @param options Each side's archived IDs: an item one side completed while
 *   the other changed it stays completed (removed from `tasks.jsonl`).
 * @returns The merged file and the items both sides changed.
 * @throws {TaskStoreError} `StorageCorruption` when a version cannot be read strictly.
 *
 * @example
 * ```ts
 * import { mergeTaskFiles, newItem } from "@golem/golem";
 * import { encodeItemsFile } from "./jsonl.ts";
 * import assert from "node:assert/strict";
 * const a = newItem("tg-a", "A", "2026-01-01T00:00:00Z");
 * const b = newItem("tg-b", "B", "2026-01-01T00:00:00Z");
 * const c = newItem("tg-c", "C", "2026-01-01T00:00:00Z");
 * const { bytes, conflicts } = mergeTaskFiles(
 *   encodeItemsFile([a]), encodeItemsFile([a, b]), encodeItemsFile([a, c]),
 * );
 * assert.equal(new TextDecoder().decode(bytes).split("\n").length, 5); // header, 3 items, ""
 * assert.deepEqual(conflicts, []);
 * ```
 */
export function mergeTaskFiles(
  base: Uint8Array,
  ours: Uint8Array,
  theirs: Uint8Array,
  options: MergeTasksOptions = {},
): TasksMerge {
  const o = byId(parseSide(base, "base"));
  const a = byId(parseSide(ours, "our"));
  const b = byId(parseSide(theirs, "their"));
  const ids = new Set([...o.keys(), ...a.keys(), ...b.keys()]);
  const sorted = [...ids].sort(compareCodePoints);
  const lines: string[] = [];
  const conflicts: MergeConflict[] = [];
  for (const id of sorted) {
    const vo = o.get(id);
    const va = a.get(id);
    const vb = b.get(id);
    let pick = va;
    if (va?.key === vb?.key || vb?.key === vo?.key) {
      pick = va;
    } else if (va?.key === vo?.key) {
      pick = vb;
    } else if (va && vb) {
      const later = compareTimestamps(vb.items[0]!.updated_at, va.items[0]!.updated_at) > 0;
      pick = later ? vb : va;
      const lost = later ? va : vb;
      conflicts.push({
        id,
        kept: later ? "theirs" : "ours",
        keptItem: pick.items[0]!,
        discarded: lost.items[0]!,
        base: vo?.items[0] ?? null,
        completed: false,
      });
    } else {
      // Removed on one side, changed on the other.
      const removedBy: MergeSide = va ? "theirs" : "ours";
      const archived = removedBy === "ours" ? options.archivedOurs : options.archivedTheirs;
      const changed = (va ?? vb)!;
      if (archived?.has(id)) {
        // completed there: it stays completed, the change is reported
        pick = undefined;
        conflicts.push({
          id,
          kept: removedBy,
          keptItem: null,
          discarded: changed.items[0]!,
          base: vo?.items[0] ?? null,
          completed: true,
        });
      } else {
        pick = changed;
        conflicts.push({
          id,
          kept: removedBy === "ours" ? "theirs" : "ours",
          keptItem: changed.items[0]!,
          discarded: null,
          base: vo?.items[0] ?? null,
          completed: false,
        });
      }
    }
    if (pick) lines.push(pick.key);
  }
  const text = SCHEMA_HEADER + lines.map((l) => l + "\n").join("");
  return { bytes: ENCODER.encode(text), conflicts };
}

/** The lines of a file after its header (when it has one), without empty lines. */
function bodyLines(bytes: Uint8Array, header: boolean): string[] {
  const text = DECODER.decode(bytes);
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const start = header && lines.length > 0 && lines[0]!.trim().startsWith('{"schema_version"')
    ? 1
    : 0;
  return lines.slice(start).filter((l) => l.trim() !== "");
}

interface Keyed {
  /** Identity of the line (canonical form when readable). */
  key: string;
  /** Sort key, or `null` for an unreadable line. */
  sort: string | null;
}

/**
 * Set merge of lines: everything in either side, once, except base lines
 * that one side dropped. Readable lines are sorted by `sort` (stable:
 * ours first); unreadable lines follow in file order.
 */
function mergeLines(
  base: readonly Keyed[],
  ours: readonly Keyed[],
  theirs: readonly Keyed[],
  compare: (a: string, b: string) => number,
): string[] {
  const inOurs = new Set(ours.map((l) => l.key));
  const inTheirs = new Set(theirs.map((l) => l.key));
  const dropped = new Set<string>();
  for (const l of base) if (!inOurs.has(l.key) || !inTheirs.has(l.key)) dropped.add(l.key);
  const seen = new Set<string>();
  const readable: Keyed[] = [];
  const unreadable: string[] = [];
  for (const l of [...ours, ...theirs]) {
    if (seen.has(l.key) || dropped.has(l.key)) continue;
    seen.add(l.key);
    if (l.sort === null) unreadable.push(l.key);
    else readable.push(l);
  }
  readable.sort((x, y) => compare(x.sort!, y.sort!));
  return [...readable.map((l) => l.key), ...unreadable];
}

function keyArchiveLine(line: string): Keyed {
  try {
    const item = parseItemLine(line);
    return { key: serializeItem(item), sort: item.id };
  } catch {
    return { key: line, sort: null };
  }
}

/**
 * Merges three versions of `archive.jsonl` (or `archive-pruned.jsonl`).
 *
 * @param base The common ancestor (empty when there is none).
 * @param ours The current branch's version.
 * @param theirs The other branch's version.
 * @returns The merged file: header, items sorted by ID, unreadable lines last.
 */
export function mergeArchiveFiles(
  base: Uint8Array,
  ours: Uint8Array,
  theirs: Uint8Array,
): Uint8Array {
  const [o, a, b] = [base, ours, theirs].map((x) => bodyLines(x, true).map(keyArchiveLine));
  const lines = mergeLines(o!, a!, b!, compareCodePoints);
  return ENCODER.encode(SCHEMA_HEADER + lines.map((l) => l + "\n").join(""));
}

function keyEventLine(line: string): Keyed {
  const parsed = parseEventLine(line);
  return { key: line, sort: parsed.kind === "event" ? parsed.event.ts : null };
}

/**
 * Merges three versions of an events file, then appends `extra` lines that
 * are not in the result yet.
 *
 * @param base The common ancestor (empty when there is none).
 * @param ours The current branch's version.
 * @param theirs The other branch's version.
 * @param extra Lines to add (e.g. notes about merge conflicts).
 * @returns The merged file, sorted by timestamp.
 */
export function mergeEventFiles(
  base: Uint8Array,
  ours: Uint8Array,
  theirs: Uint8Array,
  extra: readonly string[] = [],
): Uint8Array {
  const [o, a, b] = [base, ours, theirs].map((x) => bodyLines(x, false).map(keyEventLine));
  const more = extra.map(keyEventLine);
  const lines = mergeLines(o!, a!, [...b!, ...more], (x, y) => compareTimestamps(x, y));
  return ENCODER.encode(lines.map((l) => l + "\n").join(""));
}

/**
 * The text of the note recording a conflict: which version was kept and,
 * as compact JSON, the fields of the discarded version that differ from it.
 *
 * @param c The conflict.
 * @returns One line of text.
 */
export function conflictNoteText(c: MergeConflict): string {
  const other = c.kept === "ours" ? "theirs" : "ours";
  if (c.completed) {
    const from = c.base === null
      ? ""
      : `: ${stringifyCompact(changedFields(c.base, c.discarded!))}`;
    return `merge: ${c.kept} completed this task while ${other} changed it; ` +
      `kept it completed, discarded ${other}${from}`;
  }
  if (c.discarded === null) {
    return `merge: ${other} removed this task while ${c.kept} changed it; kept ${c.kept} ` +
      `(updated_at ${c.keptItem!.updated_at})`;
  }
  return `merge: both branches changed this task; kept ${c.kept} ` +
    `(updated_at ${c.keptItem!.updated_at}), discarded ${other}: ${
      stringifyCompact(changedFields(c.keptItem!, c.discarded))
    }`;
}

/** The fields of `to` whose values differ from `from`, as a JSON object. */
function changedFields(from: Item, to: Item): JsonObject {
  const a = itemToJsonObject(from);
  const b = itemToJsonObject(to);
  const diff: JsonObject = Object.create(null);
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[k] === undefined ? undefined : stringifyCompact(a[k]!);
    const y = b[k] === undefined ? undefined : stringifyCompact(b[k]!);
    if (x !== y) diff[k] = b[k] ?? null;
  }
  return diff;
}

/**
 * The files in the git directory where `tg merge-driver` queues the notes
 * it writes while merging `tasks.jsonl`, for the next merge of the events
 * file they belong to.
 */
export const MERGE_NOTES_QUEUES: Readonly<Record<"events" | "events-archive", string>> = {
  events: "tg-merge-notes.jsonl",
  "events-archive": "tg-merge-notes.archive.jsonl",
};

/** The merge a store file takes, by its name: by item ID, or by line. */
export type StoreFileKind = "tasks" | "archive" | "events";

/**
 * The merge a store file takes, from its name (the last part of `path`).
 *
 * @param path The file's path (relative or absolute).
 * @returns `tasks` (`tasks.jsonl`), `archive` (`archive.jsonl`,
 *   `archive-pruned.jsonl`), `events` (`events.jsonl`,
 *   `events.archive.jsonl`), or `null` for any other name.
 *
 * @example
 * ```ts
 * import { storeFileKind } from "./merge.ts";
 * import assert from "node:assert/strict";
 * assert.equal(storeFileKind(".task-golem/tasks.jsonl"), "tasks");
 * assert.equal(storeFileKind(".task-golem/events.archive.jsonl"), "events");
 * assert.equal(storeFileKind("notes.md"), null);
 * ```
 */
export function storeFileKind(path: string): StoreFileKind | null {
  const name = path.slice(path.lastIndexOf("/") + 1);
  if (name === "tasks.jsonl") return "tasks";
  if (name === "archive.jsonl" || name === "archive-pruned.jsonl") return "archive";
  if (name === "events.jsonl" || name === "events.archive.jsonl") return "events";
  return null;
}

/**
 * The merge `tg merge-driver` makes of a store file when it has nothing
 * to record: no item changed on both sides (or removed on one and changed
 * on the other), every version readable, no notes waiting for the events
 * file. A caller that merges in its own process (`pg run --sync`) uses it
 * and starts the driver only when it returns `null`.
 *
 * @param path The file's path (its name picks the merge, as `%P` does for the driver).
 * @param base The common ancestor's version (empty when there is none).
 * @param ours The current branch's version.
 * @param theirs The other branch's version.
 * @returns The merged file, or `null` when only the driver can merge it
 *   (it would write notes about conflicts, or fail).
 *
 * @example
 * ```ts
 * import { newItem } from "@golem/golem";
 * import { encodeItemsFile } from "./jsonl.ts";
 * import { mergeStoreFileQuietly } from "./merge.ts";
 * import assert from "node:assert/strict";
 * const a = newItem("tg-a", "A", "2026-01-01T00:00:00Z");
 * const b = newItem("tg-b", "B", "2026-01-01T00:00:00Z");
 * const merged = mergeStoreFileQuietly(
 *   ".task-golem/tasks.jsonl", encodeItemsFile([]), encodeItemsFile([a]), encodeItemsFile([b]),
 * );
 * assert.deepEqual(merged, encodeItemsFile([a, b]));
 * const later = { ...a, title: "A2", updated_at: "2026-01-02T00:00:00Z" };
 * const both = mergeStoreFileQuietly(
 *   ".task-golem/tasks.jsonl", encodeItemsFile([a]), encodeItemsFile([later]), encodeItemsFile([]),
 * );
 * assert.equal(both, null, "removed on one side, changed on the other: a note to write");
 * ```
 */
export function mergeStoreFileQuietly(
  path: string,
  base: Uint8Array,
  ours: Uint8Array,
  theirs: Uint8Array,
): Uint8Array | null {
  try {
    switch (storeFileKind(path)) {
      case "tasks": {
        // Each side's archive only decides conflicts, which return null here.
        const r = mergeTaskFiles(base, ours, theirs);
        return r.conflicts.length === 0 ? r.bytes : null;
      }
      case "archive":
        return mergeArchiveFiles(base, ours, theirs);
      case "events":
        return mergeEventFiles(base, ours, theirs);
      default:
        return null;
    }
  } catch {
    return null;
  }
}
