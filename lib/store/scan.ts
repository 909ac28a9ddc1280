/**
 * A forgiving, line-by-line scan of an item file (`tasks.jsonl`,
 * `archive.jsonl`) that keeps every line's raw bytes next to what could be
 * parsed from it. `tg doctor` reports from it, and rewrites that must not
 * lose unreadable lines (archive pruning, repairs) write from it.
 *
 * @module
 */

import { type Item, parseItemLine, validateExtensions } from "./item.ts";
import { checkHeader } from "./jsonl.ts";
import { parseJson, parseJsonMembers } from "./json.ts";
import { isStatus } from "./status.ts";

/** One non-blank line of an item file. */
export interface ScannedLine {
  /** 1-based physical line number. */
  line: number;
  /** The raw bytes, without the newline. */
  bytes: Uint8Array;
  /** The text, or `null` when the bytes are not UTF-8. */
  text: string | null;
  /** The item, when the line parses (extension keys are not validated here). */
  item: Item | null;
  /** Why the line does not parse, when it does not. */
  error: string | null;
  /** The raw `status` value when it is a string that is not a valid status. */
  badStatus: string | null;
  /** The first extension-key problem of a parsed item. */
  extensionProblem: string | null;
}

/** Line 1 of an item file. */
export interface ScannedHeader {
  /** The text, or `null` when not UTF-8. */
  text: string | null;
  /** The raw bytes. */
  bytes: Uint8Array;
  /** Line 1 is not JSON at all (or not UTF-8). */
  notJson: boolean;
  /** Line 1 is JSON but not a supported header: the reader's message. */
  problem: string | null;
}

/** The scan of one item file. */
export interface ScannedItemFile {
  /** Whether the file exists. */
  exists: boolean;
  /** Line 1, unless the file is empty or line 1 is blank. */
  header: ScannedHeader | null;
  /** Every other non-blank line, in file order. */
  lines: ScannedLine[];
}

const FATAL_UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decode(bytes: Uint8Array): string | null {
  try {
    return FATAL_UTF8.decode(bytes);
  } catch {
    return null;
  }
}

function splitLines(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      out.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < bytes.length) out.push(bytes.subarray(start));
  return out;
}

/** The top-level `status` string of a JSON object line when it is not a valid status. */
function rawStatus(text: string): string | null {
  let members: [string, unknown][];
  try {
    members = parseJsonMembers(text);
  } catch {
    return null;
  }
  const status = members.find(([k]) => k === "status")?.[1];
  return typeof status === "string" && !isStatus(status) ? status : null;
}

/** Options for {@linkcode scanItemFile}. */
export interface ScanItemFileOptions {
  /**
   * Line 1 may be an item instead of the header (a hand-written or older
   * `archive-pruned.jsonl`): when it parses as an item it is scanned as one,
   * and the file has no header.
   */
  headerOptional?: boolean;
}

/**
 * Scans an item file without failing on any line.
 *
 * @param bytes The file's bytes, or `null` when it does not exist.
 * @param archive Whether this is an archive file (header messages name it).
 * @param options Whether the header may be missing.
 * @returns The header and every non-blank line.
 *
 * @example Every line is kept, readable or not
 * ```ts
 * import { newItem, SCHEMA_HEADER, serializeItem } from "@golem/golem";
 * import { scanItemFile } from "./scan.ts";
 * import assert from "node:assert/strict";
 *
 * const good = serializeItem(newItem("tg-a1b2c", "First", "2025-01-01T00:00:00Z"));
 * const text = SCHEMA_HEADER + good + "\nnot json\n\n" + good.replace('"todo"', '"wip"') + "\n";
 * const scan = scanItemFile(new TextEncoder().encode(text));
 *
 * assert.equal(scan.header?.problem, null);
 * assert.deepEqual(scan.lines.map((l) => l.line), [2, 3, 5]); // blank line 4 is skipped
 * const [first, notJson, badStatus] = scan.lines;
 * assert.equal(first?.item?.id, "tg-a1b2c");
 * assert.equal(notJson?.item, null);
 * assert.equal(notJson?.text, "not json");
 * assert.match(notJson?.error ?? "", /expected a JSON object/);
 * assert.equal(badStatus?.badStatus, "wip");
 *
 * assert.deepEqual(scanItemFile(null), { exists: false, header: null, lines: [] });
 * ```
 */
export function scanItemFile(
  bytes: Uint8Array | null,
  archive = false,
  options: ScanItemFileOptions = {},
): ScannedItemFile {
  if (bytes === null) return { exists: false, header: null, lines: [] };
  const raw = splitLines(bytes);
  let header: ScannedHeader | null = null;
  const lines: ScannedLine[] = [];
  raw.forEach((b, i) => {
    const text = decode(b);
    if (text !== null && text.trim() === "") return;
    if (i === 0) {
      const first = options.headerOptional ? scanLine(1, b, text) : null;
      if (first?.item) lines.push(first);
      else header = scanHeader(b, text, archive);
      return;
    }
    lines.push(scanLine(i + 1, b, text));
  });
  return { exists: true, header, lines };
}

function scanHeader(bytes: Uint8Array, text: string | null, archive: boolean): ScannedHeader {
  if (text === null) return { text, bytes, notJson: true, problem: null };
  try {
    parseJson(text);
  } catch {
    return { text, bytes, notJson: true, problem: null };
  }
  let problem: string | null = null;
  try {
    checkHeader(text.trimEnd(), archive);
  } catch (e) {
    problem = (e as Error).message;
  }
  return { text, bytes, notJson: false, problem };
}

function scanLine(line: number, bytes: Uint8Array, text: string | null): ScannedLine {
  const out: ScannedLine = {
    line,
    bytes,
    text,
    item: null,
    error: null,
    badStatus: null,
    extensionProblem: null,
  };
  if (text === null) {
    out.error = "stream did not contain valid UTF-8";
    return out;
  }
  try {
    out.item = parseItemLine(text);
    out.extensionProblem = validateExtensions(out.item);
  } catch (e) {
    out.error = (e as Error).message;
    out.badStatus = rawStatus(text);
  }
  return out;
}
