/**
 * The scheduler's view of `tasks.jsonl`, read from the file on every call
 * but parsed line by line only where a line changed since the previous
 * read. A line's view is a pure function of its text, so reusing it for an
 * identical line gives exactly what parsing again would; the file is still
 * read every time and stays the only truth. This keeps each loop iteration
 * from building (and leaving to the garbage collector) every item of a
 * large store.
 *
 * @module
 */

import { PgItem } from "../../adapter/pg_item.ts";
import { ioError } from "../../store/errors.ts";
import type { Item } from "../../store/item.ts";
import { activeLines, parseActiveLine } from "../../store/jsonl.ts";
import { quoteJsonString } from "../../store/json.ts";
import type { WarningSink } from "../../io/warning.ts";
import { type SchedulerItem, schedulerItemOf } from "./scheduler_item.ts";

/** One active item as the run loop sees it. */
export interface SnapshotEntry {
  /** What scheduling needs. */
  view: SchedulerItem;
  /** The title (log lines, status block, triage backlog). */
  title: string;
}

/**
 * Parses `tasks.jsonl` bytes into scheduler views, reusing the views of
 * lines that are byte-for-byte the same as in the previous read. Lines are
 * compared as bytes, in order, so an edit, an insertion or a removal costs
 * parsing only the lines it touched; nothing else is decoded.
 */
export class SnapshotReader {
  /** The previous read's bytes (a copy kept in a reused buffer). */
  #prev = new Uint8Array(0);
  #prevLen = 0;
  /** Start offsets of the previous read's lines (line 0 = header), plus the end. */
  #prevStarts: number[] = [];
  /** The previous read's entry per physical line (`null` for blank lines and the header). */
  #prevEntries: (SnapshotEntry | null)[] = [];

  /**
   * Views of the active items, in file order, validated as strictly as a
   * full load (a bad line is `StorageCorruption` with its line number).
   * Warnings about invalid extension values are given when a line is first
   * seen.
   *
   * @param bytes The file's bytes (`null` when missing).
   * @param warn Receives warnings.
   * @returns The entries.
   * @throws {TaskStoreError} Like `parseActiveFile`.
   */
  read(bytes: Uint8Array | null, warn: WarningSink): SnapshotEntry[] {
    const data = bytes ?? new Uint8Array(0);
    const starts = lineStarts(data);
    const lines = starts.length - 1;
    if (lines > 0 && !this.#sameLine(data, starts, 0, 0)) {
      // A new or changed header: check it (and only it) the strict way.
      activeLines(data.subarray(0, starts[1]!));
    }
    const entries: (SnapshotEntry | null)[] = new Array(lines).fill(null);
    const out: SnapshotEntry[] = [];
    const prevLines = this.#prevStarts.length - 1;
    let j = 1;
    for (let i = 1; i < lines; i++) {
      let entry: SnapshotEntry | null | undefined;
      if (j < prevLines && this.#sameLine(data, starts, i, j)) {
        entry = this.#prevEntries[j];
        j++;
      } else if (j + 1 < prevLines && this.#sameLine(data, starts, i, j + 1)) {
        entry = this.#prevEntries[j + 1]; // the previous line j is gone
        j += 2;
      } else {
        entry = parseEntry(data, starts, i, warn);
        // An edited line replaces line j; an inserted one does not.
        if (!(j < prevLines && i + 1 < lines && this.#sameLine(data, starts, i + 1, j))) j++;
      }
      entries[i] = entry ?? null;
      if (entry) out.push(entry);
    }
    if (this.#prev.length < data.length) this.#prev = new Uint8Array(Math.ceil(data.length * 1.25));
    this.#prev.set(data);
    this.#prevLen = data.length;
    this.#prevStarts = starts;
    this.#prevEntries = entries;
    return out;
  }

  /** Whether line `i` of `data` equals line `j` of the previous read. */
  #sameLine(data: Uint8Array, starts: number[], i: number, j: number): boolean {
    if (j >= this.#prevStarts.length - 1) return false;
    const a = starts[i]!;
    const len = lineEnd(data, starts, i) - a;
    const b = this.#prevStarts[j]!;
    if (lineEnd(this.#prev.subarray(0, this.#prevLen), this.#prevStarts, j) - b !== len) {
      return false;
    }
    const prev = this.#prev;
    for (let k = 0; k < len; k++) if (data[a + k] !== prev[b + k]) return false;
    return true;
  }
}

/** Offsets where each line starts, plus a final entry for the end (no trailing empty line). */
function lineStarts(data: Uint8Array): number[] {
  const starts: number[] = [];
  let pos = 0;
  while (pos < data.length) {
    starts.push(pos);
    const nl = data.indexOf(0x0a, pos);
    pos = nl < 0 ? data.length : nl + 1;
  }
  starts.push(data.length);
  return starts;
}

/** The end of line `i` without its newline. */
function lineEnd(data: Uint8Array, starts: number[], i: number): number {
  const next = starts[i + 1]!;
  return next > starts[i]! && data[next - 1] === 0x0a ? next - 1 : next;
}

const LINE_DECODER = new TextDecoder("utf-8", { fatal: true });

function parseEntry(
  data: Uint8Array,
  starts: number[],
  i: number,
  warn: WarningSink,
): SnapshotEntry | null {
  let line: string;
  try {
    line = LINE_DECODER.decode(data.subarray(starts[i]!, lineEnd(data, starts, i)));
  } catch (e) {
    throw ioError(new Error("stream did not contain valid UTF-8", { cause: e }));
  }
  if (line.trim() === "") return null;
  const item = parseActiveLine(line, i + 1);
  return { view: schedulerItemOf(new PgItem(item, { warn })), title: item.title };
}

const DECODER = new TextDecoder("utf-8", { fatal: true });
const ENCODER = new TextEncoder();

/** Where one item's line is in the bytes of `tasks.jsonl`. */
export interface LineSpan {
  /** First byte of the line. */
  start: number;
  /** The newline after it (or the end of the bytes). */
  end: number;
  /** 1-based line number. */
  lineNo: number;
}

/**
 * Finds the line of an item by its canonical start (`{"id":"…",` right
 * after a newline) in the raw bytes, without decoding the file.
 *
 * @param bytes The file's bytes.
 * @param id The ID.
 * @returns The line's span, or `null` when no line starts that way.
 */
export function findLineSpan(bytes: Uint8Array, id: string): LineSpan | null {
  const needle = ENCODER.encode(`\n{"id":${quoteJsonString(id)},`);
  const first = needle[0]!;
  let at = bytes.indexOf(first);
  let lineNo = 1;
  while (at >= 0 && at + needle.length <= bytes.length) {
    lineNo++;
    let k = 1;
    while (k < needle.length && bytes[at + k] === needle[k]) k++;
    if (k === needle.length) {
      const start = at + 1;
      const nl = bytes.indexOf(0x0a, start);
      return { start, end: nl < 0 ? bytes.length : nl, lineNo };
    }
    at = bytes.indexOf(first, at + 1);
  }
  return null;
}

/**
 * One item of `tasks.jsonl`, found by {@linkcode findLineSpan} and parsed
 * on its own; `undefined` when no line starts that way (the caller then
 * reads the file the slow way).
 *
 * @param bytes The file's bytes.
 * @param id The ID.
 * @returns The item, or `undefined`.
 * @throws {TaskStoreError} `StorageCorruption` when the line is bad.
 */
export function findItemLine(bytes: Uint8Array | null, id: string): Item | undefined {
  if (bytes === null) return undefined;
  const span = findLineSpan(bytes, id);
  if (span === null) return undefined;
  let line: string;
  try {
    line = DECODER.decode(bytes.subarray(span.start, span.end));
  } catch {
    return undefined;
  }
  return parseActiveLine(line, span.lineNo);
}

/**
 * Parses one line of `tasks.jsonl` as strictly as a full load does.
 *
 * @param line The line.
 * @param lineNo Its 1-based number (for the error).
 * @returns The item.
 * @throws {TaskStoreError} `StorageCorruption`.
 */
export function parseStoreLine(line: string, lineNo: number): Item {
  return parseActiveLine(line, lineNo);
}
