/**
 * Human and JSON output shared by the `tg` commands: item tables, status
 * colours, pretty JSON arrays, event tables.
 *
 * @module
 */

import { isClaimExpired } from "../../lib/store/claims.ts";
import { type Item, itemToPrettyJson } from "../../lib/store/item.ts";
import { compareCodePoints, type JsonValue, sortedKeys } from "../../lib/store/json.ts";
import type { TaskEvent } from "../../lib/store/events.ts";
import type { ActiveIndex, ActiveRow } from "../../lib/store/active_index.ts";
import type { Status } from "../../lib/store/status.ts";

const COLORS: Record<Status, string> = {
  todo: "\x1b[37m",
  doing: "\x1b[33m",
  done: "\x1b[32m",
  blocked: "\x1b[31m",
};

/** Header of item tables. */
export const TABLE_HEADER = "ID          STATUS    PRI  TITLE";

/** Number of Unicode scalar values in `s`. */
export function charCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

/** Pads `s` with spaces to `width` Unicode scalar values. */
export function padEnd(s: string, width: number): string {
  const n = charCount(s);
  return n >= width ? s : s + " ".repeat(width - n);
}

/** Pads on the left. */
export function padStart(s: string, width: number): string {
  const n = charCount(s);
  return n >= width ? s : " ".repeat(width - n) + s;
}

const ENCODER = new TextEncoder();
// deno-lint-ignore no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

/**
 * Titles over 50 UTF-8 bytes are cut at the last character boundary within
 * 47 bytes and get `...`.
 *
 * @param title The title.
 * @returns The shown title.
 */
export function truncateTitle(title: string): string {
  if (title.length <= 16) return title; // at most 48 bytes
  if (ASCII.test(title)) return title.length <= 50 ? title : title.slice(0, 47) + "..."; // a byte a character
  const bytes = ENCODER.encode(title);
  if (bytes.length <= 50) return title;
  let cut = 47;
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
  return new TextDecoder().decode(bytes.subarray(0, cut)) + "...";
}

/** A status word, coloured when `color` is on, padded by its visible width. */
export function statusCell(status: Status, width: number, color: boolean): string {
  const pad = width > status.length ? " ".repeat(width - status.length) : "";
  return color ? COLORS[status] + status + "\x1b[39m" + pad : status + pad;
}

/** A coloured status word without padding. */
export function statusWord(status: Status, color: boolean): string {
  return color ? COLORS[status] + status + "\x1b[39m" : status;
}

/**
 * One table row (no newline). With `now`, a `doing` item whose claim has
 * expired (`tg do --ttl`) gets `[claim of <agent> expired]` after its title.
 */
export function tableRow(item: Item, color: boolean, now?: string): string {
  let row = tableCells(item, color);
  if (now !== undefined && item.status === "doing" && hasExtensions(item)) {
    if (isClaimExpired(item, now)) row += `  [claim of ${item.claimed_by} expired]`;
  }
  return row;
}

/** ID, status, priority and title of a table row. */
function tableCells(
  row: Pick<Item, "id" | "status" | "priority" | "title">,
  color: boolean,
): string {
  return padEnd(row.id, 10) + "  " + statusCell(row.status, 7, color) + "  " +
    padStart(row.priority.toString(), 4) + "  " + truncateTitle(row.title);
}

function hasExtensions(item: Item): boolean {
  for (const _ in item.extensions) return true;
  return false;
}

/**
 * Writes the table of rows of an {@linkcode ActiveIndex} (see
 * {@linkcode table}) a few thousand rows at a time, building (without
 * keeping) only the items of `doing` rows.
 *
 * @param index The index.
 * @param rows Its rows to write (at least one), in order.
 * @param color Colour status words.
 * @param now Marks expired claims.
 * @param write Writes one piece.
 */
export async function writeRowsTable(
  index: ActiveIndex,
  rows: readonly ActiveRow[],
  color: boolean,
  now: string,
  write: (text: string) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += JSON_PIECE) {
    const end = Math.min(i + JSON_PIECE, rows.length);
    const parts = i === 0 ? [TABLE_HEADER] : [];
    for (let k = i; k < end; k++) {
      const row = rows[k]!;
      // Only a doing item can show an expired claim, which needs the item.
      parts.push(
        row.status === "doing"
          ? tableRow(index.itemOnce(row.index), color, now)
          : tableCells(row, color),
      );
    }
    await write(parts.join("\n") + "\n");
  }
}

/** A whole table (header and rows), newline-terminated; `now` marks expired claims. */
export function table(items: readonly Item[], color: boolean, now?: string): string {
  const parts = [TABLE_HEADER];
  for (const it of items) parts.push(tableRow(it, color, now));
  return parts.join("\n") + "\n";
}

/** A list to write as a JSON array, entry by entry. */
interface JsonEntries {
  /** Number of entries. */
  length: number;
  /** Entry `i` as an object `JSON.stringify` writes in the pretty item form, or `null`. */
  plain(i: number): Record<string, unknown> | null;
  /** Entry `i` as an item. */
  item(i: number): Item;
}

/**
 * Pretty JSON array of items, newline-terminated. Uses the native
 * `JSON.stringify` when every item is plain enough to come out identical.
 */
export function itemsJson(items: readonly Item[]): string {
  return entriesJson(itemEntries(items), 0, items.length) + "\n";
}

function itemEntries(items: readonly Item[]): JsonEntries {
  return { length: items.length, plain: (i) => plainItem(items[i]!), item: (i) => items[i]! };
}

/** The JSON array of entries `from` to `to` (no newline after it). */
function entriesJson(entries: JsonEntries, from: number, to: number): string {
  if (from === to) return "[]";
  const plain = new Array<Record<string, unknown>>(to - from);
  for (let i = from; i < to; i++) {
    const p = entries.plain(i);
    if (p === null) {
      const parts = new Array<string>(to - from);
      for (let k = from; k < to; k++) {
        parts[k - from] = "  " + itemToPrettyJson(entries.item(k), "  ");
      }
      return "[\n" + parts.join(",\n") + "\n]";
    }
    plain[i - from] = p;
  }
  return JSON.stringify(plain, null, 2);
}

/** Items per piece in {@linkcode writeItemsJson}. */
const JSON_PIECE = 2048;

/**
 * Writes what {@linkcode itemsJson} returns, in pieces of a few thousand
 * items, so that a large list never exists as one string.
 *
 * @param items The items.
 * @param write Writes one piece.
 */
export function writeItemsJson(
  items: readonly Item[],
  write: (text: string) => Promise<void>,
): Promise<void> {
  return writeEntriesJson(itemEntries(items), write);
}

/**
 * Writes rows of an {@linkcode ActiveIndex} like {@linkcode writeItemsJson}
 * writes their items, building only the items whose lines cannot be written
 * from what `JSON.parse` returns for them.
 *
 * @param index The index.
 * @param rows Its rows to write, in order.
 * @param write Writes one piece.
 */
export function writeRowsJson(
  index: ActiveIndex,
  rows: readonly ActiveRow[],
  write: (text: string) => Promise<void>,
): Promise<void> {
  return writeEntriesJson({
    length: rows.length,
    plain: (i) => plainRow(index, rows[i]!.index),
    item: (i) => index.itemOnce(rows[i]!.index),
  }, write);
}

async function writeEntriesJson(
  entries: JsonEntries,
  write: (text: string) => Promise<void>,
): Promise<void> {
  const n = entries.length;
  if (n <= JSON_PIECE) return await write(entriesJson(entries, 0, n) + "\n");
  for (let i = 0; i < n; i += JSON_PIECE) {
    // Each piece is "[\n" + items + "\n]"; the pieces' items are joined with ",\n".
    // Written apart, the items are a slice of the piece, never copied into a new string.
    await write(i === 0 ? "[\n" : ",\n");
    await write(entriesJson(entries, i, Math.min(i + JSON_PIECE, n)).slice(2, -2));
  }
  await write("\n]\n");
}

/** {@linkcode plainItem} of an indexed item, from its parsed line when that serves. */
function plainRow(index: ActiveIndex, i: number): Record<string, unknown> | null {
  const line = index.line(i);
  if (line !== null) {
    const o = JSON.parse(line);
    if (!index.mayHaveExtensions(i)) {
      o.parent ??= null; // older lines lack it; it is the last key
      return o;
    }
    if (plainLineObject(o)) return o;
  }
  return plainItem(index.itemOnce(i));
}

/**
 * Whether a parsed canonical line with extension members is already in the
 * form of {@linkcode plainItem}: `parent` present, the extension keys after
 * it in code-point order, their values plain.
 */
function plainLineObject(o: Record<string, unknown>): boolean {
  let afterParent = false;
  let prev: string | null = null;
  for (const k in o) {
    if (!afterParent) {
      afterParent = k === "parent";
      continue;
    }
    if (prev !== null && compareCodePoints(prev, k) >= 0) return false;
    if (!plainSafe(o[k] as JsonValue)) return false;
    prev = k;
  }
  return afterParent;
}

/** Pretty JSON of one item, newline-terminated. */
export function itemJson(item: Item): string {
  return itemToPrettyJson(item) + "\n";
}

/** The idempotent no-op result, human or JSON. */
export function idempotentText(status: Status, json: boolean): string {
  return json
    ? `{\n  "idempotent": true,\n  "previous_state": "${status}"\n}\n`
    : `Already ${status} (no change)\n`;
}

/** Header of event tables. */
export const EVENTS_HEADER =
  "TIMESTAMP                    AUTHOR                    TYPE               STATUS   TEXT";

/** Removes C0 controls (except TAB), DEL and C1 controls, for terminal output. */
export function sanitizeForTerminal(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, "");
}

/** An events table, newline-terminated; empty string when there are no events. */
export function eventsTable(events: readonly TaskEvent[], terminal: boolean): string {
  if (events.length === 0) return "";
  const clean = terminal ? sanitizeForTerminal : (s: string) => s;
  const rows = [EVENTS_HEADER];
  for (const e of events) {
    rows.push(
      padEnd(e.ts, 27) + "  " + padEnd(clean(e.author), 24) + "  " + padEnd(e.type, 17) + "  " +
        padEnd(e.status ?? "-", 7) + "  " + clean(e.text),
    );
  }
  return rows.join("\n") + "\n";
}

const I53 = 9007199254740991n;

/**
 * The item as a plain object that `JSON.stringify` writes exactly like the
 * canonical pretty writer, or `null` when it cannot (a priority beyond 2^53,
 * numbers in extensions, or nested keys that JS would reorder). With
 * `alphabetical`, keys are in code-point order (the form of `tg dump`).
 */
export function plainItem(it: Item, alphabetical = false): Record<string, unknown> | null {
  if (it.priority > I53 || it.priority < -I53) return null;
  if (alphabetical) {
    const a: Record<string, unknown> = {
      "blocked_from_status": it.blocked_from_status,
      "blocked_reason": it.blocked_reason,
      "claimed_at": it.claimed_at,
      "claimed_by": it.claimed_by,
      "created_at": it.created_at,
      dependencies: it.dependencies,
      description: it.description,
      id: it.id,
      parent: it.parent,
      priority: Number(it.priority),
      status: it.status,
      tags: it.tags,
      title: it.title,
      "updated_at": it.updated_at,
    };
    // extension keys all start with "x-", after every known key
    for (const k of sortedKeys(it.extensions)) {
      const v = it.extensions[k]!;
      if (!plainSafe(v)) return null;
      a[k] = v;
    }
    return a;
  }
  const o: Record<string, unknown> = {
    id: it.id,
    title: it.title,
    status: it.status,
    priority: Number(it.priority),
    description: it.description,
    tags: it.tags,
    dependencies: it.dependencies,
    "created_at": it.created_at,
    "updated_at": it.updated_at,
    "blocked_reason": it.blocked_reason,
    "blocked_from_status": it.blocked_from_status,
    "claimed_by": it.claimed_by,
    "claimed_at": it.claimed_at,
    parent: it.parent,
  };
  if (!hasExtensions(it)) return o;
  for (const k of sortedKeys(it.extensions)) {
    const v = it.extensions[k]!;
    if (!plainSafe(v)) return null;
    o[k] = v;
  }
  return o;
}

const INDEX_LIKE = /^(?:0|[1-9][0-9]*)$/;

/** Strings, booleans, null, arrays and objects with sorted non-index keys. */
function plainSafe(v: JsonValue): boolean {
  if (v === null || typeof v === "string" || typeof v === "boolean") return true;
  if (typeof v !== "object") return false;
  if (Array.isArray(v)) return v.every(plainSafe);
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (INDEX_LIKE.test(k) || k === "__proto__") return false;
    if (i > 0 && compareCodePoints(keys[i - 1]!, k) > 0) return false;
    if (!plainSafe(v[k]!)) return false;
  }
  return true;
}
