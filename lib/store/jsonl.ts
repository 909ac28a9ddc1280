/**
 * Item files (`tasks.jsonl`, `archive.jsonl`, `archive-pruned.jsonl`): the
 * schema header, strict reading of the active file, lenient reading of
 * archives, and encoding.
 *
 * @module
 */

import { ioError, schemaVersionUnsupported, storageCorruption } from "./errors.ts";
import { compareCodePoints, type JsonValue, parseJson, parseJsonMembers } from "./json.ts";
import { type Item, itemLineId, parseItemLine, serializeItem, validateExtensions } from "./item.ts";
import type { WarningSink } from "../io/warning.ts";

// The store's readers take a WarningSink; its siblings and mod.ts import it from here.
export type { WarningSink } from "../io/warning.ts";

/** The header line every item file starts with (with its newline). */
export const SCHEMA_HEADER = '{"schema_version":1}\n';
/** The schema version this library reads and writes. */
export const SCHEMA_VERSION = 1;

const FATAL_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const LENIENT_UTF8 = new TextDecoder();
const ENCODER = new TextEncoder();

/**
 * Decodes UTF-8 strictly (a BOM is kept as U+FEFF). Deno's lenient decoder
 * is several times faster than its strict one; its text is the same unless
 * the bytes start with a BOM (which it drops) or are not UTF-8 (then it holds
 * U+FFFD), and only then does the strict decoder run.
 *
 * @throws {TypeError} When the bytes are not UTF-8.
 */
function decodeStrict(bytes: Uint8Array): string {
  if (!(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) {
    const text = LENIENT_UTF8.decode(bytes);
    if (!text.includes("\uFFFD")) return text;
  }
  return FATAL_UTF8.decode(bytes);
}

/** Bytes of the active file decoded at a time by {@linkcode forEachActiveLine}. */
const DECODE_PIECE = 1 << 20;

/**
 * Decodes UTF-8 strictly, as the whole-file reads of the active file need.
 *
 * @throws {TaskStoreError} `Io` when the bytes are not UTF-8.
 */
function decodeUtf8(bytes: Uint8Array): string {
  try {
    return decodeStrict(bytes);
  } catch (e) {
    throw ioError(new Error("stream did not contain valid UTF-8", { cause: e }));
  }
}

/**
 * Checks line 1 of an item file.
 *
 * @param line The header line.
 * @param archive Whether this is an archive file (changes the message).
 * @throws {TaskStoreError} `StorageCorruption` or `SchemaVersionUnsupported`.
 */
export function checkHeader(line: string, archive: boolean): void {
  if (line === '{"schema_version":1}') return;
  const label = archive ? "Invalid archive schema header" : "Invalid schema header";
  let v: JsonValue;
  try {
    v = parseJson(line);
  } catch (e) {
    throw storageCorruption(`${label}: ${(e as Error).message}`);
  }
  let version: JsonValue | undefined;
  if (Array.isArray(v)) {
    if (v.length === 0) throw storageCorruption(`${label}: invalid length 0, expected a header`);
    if (v.length > 1) throw storageCorruption(`${label}: trailing characters in the header array`);
    version = v[0];
  } else if (typeof v === "object" && v !== null) {
    version = v.schema_version;
    if (version === undefined) {
      throw storageCorruption(`${label}: missing field \`schema_version\``);
    }
    if (parseJsonMembers(line).filter(([k]) => k === "schema_version").length > 1) {
      throw storageCorruption(`${label}: duplicate field \`schema_version\``);
    }
  } else {
    throw storageCorruption(`${label}: invalid type, expected struct SchemaHeader`);
  }
  if (typeof version !== "bigint" || version < 0n || version > 0xffffffffn) {
    throw storageCorruption(`${label}: invalid type or value for \`schema_version\`, expected u32`);
  }
  if (version !== 1n) throw schemaVersionUnsupported(Number(version));
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

function isBlank(line: string): boolean {
  return line.trim() === "";
}

/**
 * Decodes `tasks.jsonl` (strict UTF-8), splits it into lines and checks the
 * header. Line `i` of the result is physical line `i + 1`; line 0 is the
 * header. Missing or empty file → no lines.
 *
 * @param bytes The file's bytes, or `null` when it does not exist.
 * @returns The lines, without a trailing empty one.
 * @throws {TaskStoreError} `Io` for bytes that are not UTF-8; header errors.
 */
export function activeLines(bytes: Uint8Array | null): string[] {
  if (bytes === null || bytes.length === 0) return [];
  const lines = decodeUtf8(bytes).split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  if (lines.length > 0) checkHeader(lines[0]!, false);
  return lines;
}

/**
 * Parses `tasks.jsonl` strictly: any bad line is fatal.
 *
 * @param bytes The file's bytes, or `null` when it does not exist.
 * @returns Items in file order.
 * @throws {TaskStoreError} `StorageCorruption` with the line number, `SchemaVersionUnsupported`,
 *   or `Io` for bytes that are not UTF-8.
 *
 * @example
 * ```ts
 * import { parseActiveFile } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const bytes = new TextEncoder().encode('{"schema_version":1}\n{"id":1}\n');
 * assert.throws(() => parseActiveFile(bytes), /Malformed item on line 2/);
 * ```
 */
export function parseActiveFile(bytes: Uint8Array | null): Item[] {
  const items: Item[] = [];
  forEachActiveLine(bytes, (line, lineNo) => {
    const item = parseStrictLine(line, lineNo);
    if (item !== null) items.push(item);
  });
  return items;
}

/**
 * Reads `tasks.jsonl` a piece at a time, so that the text of a large file
 * never exists whole: checks the header, then calls `each` with every other
 * line and its 1-based number. An error `each` throws is thrown, except that
 * bytes that are not UTF-8 anywhere fail the read as an `Io` error first, as
 * when the file is decoded whole.
 *
 * @param bytes The file's bytes, or `null` when it does not exist.
 * @param each Receives the lines after the header.
 * @throws {TaskStoreError} `Io` for bytes that are not UTF-8; header errors; what `each` throws.
 */
export function forEachActiveLine(
  bytes: Uint8Array | null,
  each: (line: string, lineNo: number) => void,
): void {
  if (bytes === null || bytes.length === 0) return;
  let lineNo = 0;
  let end = 0;
  try {
    for (let start = 0; start < bytes.length; start = end) {
      end = start + DECODE_PIECE >= bytes.length
        ? bytes.length
        : bytes.indexOf(0x0a, start + DECODE_PIECE) + 1 || bytes.length;
      const lines = decodeUtf8(bytes.subarray(start, end)).split("\n");
      // A piece ends after a newline, which leaves an empty string; so may the file.
      if (end < bytes.length || lines[lines.length - 1] === "") lines.pop();
      for (const line of lines) {
        if (++lineNo === 1) checkHeader(line, false);
        else each(line, lineNo);
      }
    }
  } catch (e) {
    if (end < bytes.length) decodeUtf8(bytes.subarray(end));
    throw e;
  }
}

/** A line of the active file as an item; `null` for a blank line. */
function parseStrictLine(line: string, lineNo: number): Item | null {
  let item: Item;
  try {
    item = parseItemLine(line);
  } catch (e) {
    if (isBlank(line)) return null;
    throw storageCorruption(`Malformed item on line ${lineNo}: ${(e as Error).message}`, e);
  }
  if (hasKeys(item.extensions)) {
    const problem = validateExtensions(item);
    if (problem !== null) {
      throw storageCorruption(`Invalid extensions on line ${lineNo}: ${problem}`);
    }
  }
  return item;
}

/**
 * Parses one non-blank line of `tasks.jsonl` strictly, with the errors
 * {@linkcode parseActiveFile} gives.
 *
 * @param line The line.
 * @param lineNo Its 1-based physical line number.
 * @returns The item.
 * @throws {TaskStoreError} `StorageCorruption` (malformed item or invalid extension key).
 */
export function parseActiveLine(line: string, lineNo: number): Item {
  let item: Item;
  try {
    item = parseItemLine(line);
  } catch (e) {
    throw storageCorruption(`Malformed item on line ${lineNo}: ${(e as Error).message}`, e);
  }
  const problem = validateExtensions(item);
  if (problem !== null) throw storageCorruption(`Invalid extensions on line ${lineNo}: ${problem}`);
  return item;
}

/**
 * Parses an archive file leniently: bad lines are skipped with a warning.
 * The header is still checked strictly.
 *
 * @param bytes The file's bytes, or `null` when it does not exist.
 * @param warn Receives one message per skipped line.
 * @returns Readable items in file order.
 * @throws {TaskStoreError} For a bad header.
 */
export function parseArchiveFile(bytes: Uint8Array | null, warn: WarningSink): Item[] {
  const lines = archiveLines(bytes);
  const items: Item[] = [];
  for (let i = 1; i < lines.length; i++) {
    const item = readArchiveLine(lines[i], i + 1, warn);
    if (item !== null) items.push(item);
  }
  return items;
}

/** An archive file read for its IDs, with items built on demand. */
export interface ArchiveIndex {
  /** IDs of the readable items, in file order. */
  ids: string[];
  /**
   * The readable item at an index of `ids`.
   *
   * @param index Position in `ids`.
   * @returns The item.
   */
  item(index: number): Item;
}

/**
 * Reads an archive file like {@linkcode parseArchiveFile} (same items, same
 * warnings), but builds only the items asked for: lines in canonical layout
 * are checked without building them.
 *
 * @param bytes The file's bytes, or `null` when it does not exist.
 * @param warn Receives one message per skipped line.
 * @returns The IDs and access to the items.
 * @throws {TaskStoreError} For a bad header.
 *
 * @example
 * ```ts
 * import { indexArchiveFile } from "./jsonl.ts";
 * import { newItem, serializeItem } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const line = serializeItem(newItem("tg-abcde", "Old", "2026-01-01T00:00:00Z"));
 * const bytes = new TextEncoder().encode(`{"schema_version":1}\n${line}\n{"id":1}\n`);
 * const warnings: string[] = [];
 * const archive = indexArchiveFile(bytes, (w) => warnings.push(w));
 * assert.deepEqual(archive.ids, ["tg-abcde"]);
 * assert.equal(archive.item(0).title, "Old");
 * assert.match(warnings[0]!, /skipping malformed archive line 3/);
 * ```
 */
export function indexArchiveFile(bytes: Uint8Array | null, warn: WarningSink): ArchiveIndex {
  const lines = archiveLines(bytes);
  const ids: string[] = [];
  const found: (string | Item)[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const id = typeof line === "string" ? itemLineId(line) : null;
    if (id !== null) {
      ids.push(id);
      found.push(line!);
      continue;
    }
    const item = readArchiveLine(line, i + 1, warn);
    if (item === null) continue;
    ids.push(item.id);
    found.push(item);
  }
  return {
    ids,
    item(index: number): Item {
      const f = found[index];
      if (f === undefined) throw new RangeError(`No archive item at index ${index}`);
      return typeof f === "string" ? parseItemLine(f) : f;
    },
  };
}

/** Decodes an archive file (lossily, line by line, when it is not UTF-8) and checks its header. */
function archiveLines(bytes: Uint8Array | null): (string | null)[] {
  if (bytes === null || bytes.length === 0) return [];
  let lines: (string | null)[];
  try {
    lines = decodeStrict(bytes).split("\n");
  } catch {
    lines = splitLinesLossy(bytes);
  }
  if (lines[lines.length - 1] === "") lines.pop();
  if (lines.length === 0) return [];
  const header = lines[0];
  if (header === null || header === undefined) {
    throw storageCorruption("Invalid archive schema header: stream did not contain valid UTF-8");
  }
  checkHeader(header, true);
  return lines;
}

/** One archive line's item, or `null` (with a warning unless blank) when it cannot be read. */
function readArchiveLine(
  line: string | null | undefined,
  lineNo: number,
  warn: WarningSink,
): Item | null {
  if (line === null || line === undefined) {
    warn(`Warning: could not read archive line ${lineNo}: stream did not contain valid UTF-8`);
    return null;
  }
  let item: Item;
  try {
    item = parseItemLine(line);
  } catch (e) {
    if (!isBlank(line)) {
      warn(`Warning: skipping malformed archive line ${lineNo}: ${(e as Error).message}`);
    }
    return null;
  }
  const problem = hasKeys(item.extensions) ? validateExtensions(item) : null;
  if (problem !== null) {
    warn(`Warning: skipping archive item with invalid extensions on line ${lineNo}: ${problem}`);
    return null;
  }
  return item;
}

/** Splits bytes on `\n` and decodes each line; `null` for a line that is not UTF-8. */
function splitLinesLossy(bytes: Uint8Array): (string | null)[] {
  const out: (string | null)[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        out.push(FATAL_UTF8.decode(bytes.subarray(start, i)));
      } catch {
        out.push(null);
      }
      start = i + 1;
    }
  }
  return out;
}

/**
 * Sorts items by ID in code-point order (stable).
 *
 * @param items Items to sort in place.
 * @returns The same array.
 */
export function sortById(items: Item[]): Item[] {
  return items.sort((a, b) => compareCodePoints(a.id, b.id));
}

/**
 * Encodes an item file: header, then one canonical line per item, in the order given.
 *
 * @param items The items.
 * @returns The file's bytes.
 */
export function encodeItemsFile(items: readonly Item[]): Uint8Array {
  const parts = new Array<string>(items.length + 1);
  parts[0] = SCHEMA_HEADER;
  for (let i = 0; i < items.length; i++) parts[i + 1] = serializeItem(items[i]!) + "\n";
  return ENCODER.encode(parts.join(""));
}
