/**
 * Views of the active items of `tasks.jsonl` for a process that reads the
 * file again and again (pg's run loop): the file is read on every call, but
 * only lines that changed since the previous read are parsed. A line's view
 * is a pure function of its text, so reusing it for an identical line gives
 * exactly what parsing again would; the file stays the only truth. This
 * keeps each read of a large store from building (and leaving to the
 * garbage collector) every item.
 *
 * @module
 */

import type { WarningSink } from "../io/warning.ts";
import { ioError } from "./errors.ts";
import type { Item } from "./item.ts";
import { sameBytes } from "../io/bytes.ts";
import { activeLines, parseActiveLine } from "./jsonl.ts";
import type { TaskStore } from "./store.ts";
import { internalsOf } from "./_internals.ts";

/** Builds the view of one item (warnings go to `warn`). */
export type ItemView<T> = (item: Item, warn: WarningSink) => T;

/**
 * Reads the active items as views, reusing the views of lines that are
 * byte-for-byte the same as in the previous read. Lines are compared as
 * bytes, in order, so an edit, an insertion or a removal costs parsing only
 * the lines it touched; nothing else is decoded.
 *
 * @example
 * ```ts
 * import { ActiveViewCache, addItem, MemoryFileSystem, TaskStore } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const store = new TaskStore("/repo/.task-golem", { fs: new MemoryFileSystem() });
 * await store.init();
 * await addItem(store, { title: "One" });
 * const titles = new ActiveViewCache((item) => item.title);
 * assert.deepEqual(await titles.read(store, () => {}), ["One"]);
 * ```
 */
export class ActiveViewCache<T> {
  readonly #view: ItemView<T>;
  /** The previous read's bytes (a copy kept in a reused buffer). */
  #prev = new Uint8Array(0);
  #prevLen = 0;
  /** Start offsets of the previous read's lines (line 0 = header), plus the end. */
  #prevStarts = new Int32Array(0);
  /** How many lines the previous read had. */
  #prevLines = 0;
  /** The previous read's view per physical line (`null` for blank lines and the header). */
  #prevEntries: (T | null)[] = [];
  /** The previous read's result (`null` before the first read). */
  #prevOut: T[] | null = null;
  /** The line tables of the read before the previous one, reused by the next read. */
  #spareStarts = new Int32Array(0);
  #spareEntries: (T | null)[] = [];

  /**
   * Creates an empty cache.
   *
   * @param view Builds the view of an item (a pure function of the item).
   */
  constructor(view: ItemView<T>) {
    this.#view = view;
  }

  /**
   * Reads `tasks.jsonl` of a store (without the lock: the file is replaced
   * atomically) and returns {@linkcode ActiveViewCache.viewsOf} its bytes.
   *
   * @param store The store.
   * @param warn Receives warnings.
   * @returns The views, in file order.
   * @throws {TaskStoreError} Like `parseActiveFile`; `Io`.
   */
  read(store: TaskStore, warn: WarningSink): Promise<T[]> {
    return internalsOf(store).withScratch(async (scratch) => {
      let bytes: Uint8Array | null;
      try {
        bytes = await scratch.read(store.tasksPath);
      } catch (e) {
        throw ioError(e);
      }
      return this.viewsOf(bytes, warn);
    });
  }

  /**
   * Views of the active items in the bytes of `tasks.jsonl`, in file order,
   * validated as strictly as a full load (a bad line is `StorageCorruption`
   * with its line number). Warnings about a line are given when the line is
   * first seen.
   *
   * @param bytes The file's bytes (`null` when missing).
   * @param warn Receives warnings.
   * @returns The views.
   * @throws {TaskStoreError} Like `parseActiveFile`.
   */
  viewsOf(bytes: Uint8Array | null, warn: WarningSink): T[] {
    const data = bytes ?? new Uint8Array(0);
    if (this.#prevOut !== null && sameBytes(this.#prev.subarray(0, this.#prevLen), data)) {
      return this.#prevOut.slice(); // unchanged since the last read (the usual case)
    }
    // The two line tables take turns: the previous read's stays readable
    // while this read fills the other, so no read allocates new ones.
    const starts = lineStarts(data, this.#spareStarts);
    const lines = starts.count - 1;
    const s = starts.at;
    if (lines > 0 && !this.#sameLine(data, s, 0, 0)) {
      // A new or changed header: check it (and only it) the strict way.
      activeLines(data.subarray(0, s[1]!));
    }
    const entries = this.#spareEntries;
    entries.length = lines;
    const out: T[] = [];
    const prevLines = this.#prevLines;
    let j = 1;
    for (let i = 1; i < lines; i++) {
      let entry: T | null | undefined;
      if (j < prevLines && this.#sameLine(data, s, i, j)) {
        entry = this.#prevEntries[j];
        j++;
      } else if (j + 1 < prevLines && this.#sameLine(data, s, i, j + 1)) {
        entry = this.#prevEntries[j + 1]; // the previous line j is gone
        j += 2;
      } else {
        const item = parseLine(data, s, i);
        entry = item === null ? null : this.#view(item, warn);
        // An edited line replaces line j; an inserted one does not.
        if (!(j < prevLines && i + 1 < lines && this.#sameLine(data, s, i + 1, j))) j++;
      }
      entries[i] = entry ?? null;
      if (entry !== null && entry !== undefined) out.push(entry);
    }
    if (lines > 0) entries[0] = null;
    if (this.#prev.length < data.length) this.#prev = new Uint8Array(Math.ceil(data.length * 1.25));
    this.#prev.set(data);
    this.#prevLen = data.length;
    this.#spareStarts = this.#prevStarts;
    this.#prevStarts = s;
    this.#prevLines = lines;
    this.#spareEntries = this.#prevEntries;
    this.#prevEntries = entries;
    this.#prevOut = out;
    return out.slice();
  }

  /** Whether line `i` of `data` equals line `j` of the previous read. */
  #sameLine(data: Uint8Array, starts: Int32Array, i: number, j: number): boolean {
    if (j >= this.#prevLines) return false;
    const a = starts[i]!;
    const len = lineEnd(data, data.length, starts, i) - a;
    const b = this.#prevStarts[j]!;
    if (lineEnd(this.#prev, this.#prevLen, this.#prevStarts, j) - b !== len) return false;
    const prev = this.#prev;
    for (let k = 0; k < len; k++) if (data[a + k] !== prev[b + k]) return false;
    return true;
  }
}

/**
 * Offsets where each line starts, plus a final entry for the end (no
 * trailing empty line), in `buf` when it is large enough.
 */
function lineStarts(
  data: Uint8Array,
  buf: Int32Array<ArrayBuffer>,
): { at: Int32Array<ArrayBuffer>; count: number } {
  let at = buf;
  let count = 0;
  const put = (v: number) => {
    if (count === at.length) {
      const bigger = new Int32Array(Math.max(16, at.length * 2));
      bigger.set(at);
      at = bigger;
    }
    at[count++] = v;
  };
  let pos = 0;
  while (pos < data.length) {
    put(pos);
    const nl = data.indexOf(0x0a, pos);
    pos = nl < 0 ? data.length : nl + 1;
  }
  put(data.length);
  return { at, count };
}

/** The end of line `i` without its newline (`size`: the bytes in use). */
function lineEnd(data: Uint8Array, size: number, starts: Int32Array, i: number): number {
  const next = starts[i + 1]!;
  return next > starts[i]! && next <= size && data[next - 1] === 0x0a ? next - 1 : next;
}

const LINE_DECODER = new TextDecoder("utf-8", { fatal: true });

function parseLine(data: Uint8Array, starts: Int32Array, i: number): Item | null {
  let line: string;
  try {
    line = LINE_DECODER.decode(data.subarray(starts[i]!, lineEnd(data, data.length, starts, i)));
  } catch (e) {
    throw ioError(new Error("stream did not contain valid UTF-8", { cause: e }));
  }
  if (line.trim() === "") return null;
  return parseActiveLine(line, i + 1);
}
