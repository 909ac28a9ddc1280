/**
 * Finding item lines in the raw bytes of `tasks.jsonl` without decoding the
 * whole file: single-item reads and writes of a large store touch only the
 * lines they need.
 *
 * @module
 */

import { ioError } from "./errors.ts";
import { quoteJsonString } from "./json.ts";
import type { Item } from "./item.ts";
import { parseActiveLine } from "./jsonl.ts";

const DECODER = new TextDecoder("utf-8", { fatal: true });
const ENCODER = new TextEncoder();

/** Where one line is in the bytes of `tasks.jsonl`. */
export interface LineSpan {
  /** First byte of the line. */
  start: number;
  /** The newline after it (or the end of the bytes). */
  end: number;
  /** 1-based line number. */
  lineNo: number;
}

/** Counts the newlines in `bytes[from, to)`. */
function newlines(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a, from); i >= 0 && i < to; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

/**
 * Finds the line of an item by its canonical start (`{"id":"…",` right
 * after a newline), without decoding the file.
 *
 * @param bytes The file's bytes.
 * @param id The ID.
 * @returns The line's span, or `null` when no line starts that way.
 */
export function findLineSpan(bytes: Uint8Array, id: string): LineSpan | null {
  const needle = ENCODER.encode(`\n{"id":${quoteJsonString(id)},`);
  const at = indexOfBytes(bytes, needle, 0);
  if (at < 0) return null;
  const start = at + 1;
  const nl = bytes.indexOf(0x0a, start);
  return { start, end: nl < 0 ? bytes.length : nl, lineNo: newlines(bytes, 0, start) + 1 };
}

/**
 * The spans of every line after the header that contains `text`, in file order.
 *
 * @param bytes The file's bytes.
 * @param text What the lines contain (e.g. a quoted ID).
 * @returns The spans.
 */
export function linesContaining(bytes: Uint8Array, text: string): LineSpan[] {
  const needle = ENCODER.encode(text);
  const out: LineSpan[] = [];
  let lineNo = 1;
  let counted = 0;
  const headerEnd = bytes.indexOf(0x0a);
  if (headerEnd < 0) return out;
  for (let at = indexOfBytes(bytes, needle, headerEnd + 1); at >= 0;) {
    const start = bytes.lastIndexOf(0x0a, at) + 1;
    const nl = bytes.indexOf(0x0a, at);
    const end = nl < 0 ? bytes.length : nl;
    lineNo += newlines(bytes, counted, start);
    counted = start;
    out.push({ start, end, lineNo });
    if (nl < 0) break;
    at = indexOfBytes(bytes, needle, nl + 1);
  }
  return out;
}

/**
 * Parses the item on a line as strictly as a full load does.
 *
 * @param bytes The file's bytes.
 * @param span The line.
 * @returns The item.
 * @throws {TaskStoreError} `StorageCorruption` (with the line number) or `Io` for bad UTF-8.
 */
export function parseLineAt(bytes: Uint8Array, span: LineSpan): Item {
  let line: string;
  try {
    line = DECODER.decode(bytes.subarray(span.start, span.end));
  } catch (e) {
    throw ioError(new Error("stream did not contain valid UTF-8", { cause: e }));
  }
  return parseActiveLine(line, span.lineNo);
}

/** The first index of `needle` in `bytes` at or after `from`, or -1. */
function indexOfBytes(bytes: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  for (let at = bytes.indexOf(first, from); at >= 0; at = bytes.indexOf(first, at + 1)) {
    if (at + needle.length > bytes.length) return -1;
    let k = 1;
    while (k < needle.length && bytes[at + k] === needle[k]) k++;
    if (k === needle.length) return at;
  }
  return -1;
}
