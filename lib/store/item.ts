/**
 * The item record, its canonical one-line serialization and its parser.
 *
 * A line written by the canonical writer parses back to an item that writes
 * the same bytes. Lines from other writers are normalized (numbers, escapes,
 * key order, timestamps), except that a nullable key absent on read (older
 * stores lack `parent`) stays absent while its value is still `null`.
 *
 * @module
 */

import {
  cloneJson,
  compareCodePoints,
  type JsonObject,
  type JsonValue,
  MAX_JSON_DEPTH,
  parseJsonMembers,
  quoteJsonString,
  sortedKeys,
  stringifyCompact,
  stringifyPretty,
} from "./json.ts";
import { invalidInput } from "./errors.ts";
import { isStatus, type Status } from "./status.ts";
import { canonicalTimestamp } from "./timestamp.ts";
import { isCanonicalTimestampShape, TIMESTAMP_SHAPE_PATTERN } from "./_timestamp_pattern.ts";

/**
 * One task. Field order here is the on-disk order; extension keys (`x-…`)
 * live in `extensions` and are written after the known fields, sorted.
 *
 * @example Building an item by hand
 * ```ts
 * import { type Item, serializeItem } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const item: Item = {
 *   id: "tg-abcde", title: "Write docs", status: "todo", priority: 0n,
 *   description: null, tags: [], dependencies: [],
 *   created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z",
 *   blocked_reason: null, blocked_from_status: null, claimed_by: null, claimed_at: null,
 *   parent: null, extensions: { "x-phase": "build" },
 * };
 * assert.ok(serializeItem(item).endsWith(',"parent":null,"x-phase":"build"}'));
 * ```
 */
export interface Item {
  /** `<prefix>-<random>`; any string is accepted on read. */
  id: string;
  /** Single line, non-blank (checked on CLI input only). */
  title: string;
  /** Native status. */
  status: Status;
  /** Signed 64-bit priority; higher is more important. */
  priority: bigint;
  /** Free text, may contain newlines. */
  description: string | null;
  /** Tags in order. */
  tags: string[];
  /** IDs this item waits for, in order. */
  dependencies: string[];
  /** Canonical RFC 3339 UTC timestamp. */
  "created_at": string;
  /** Canonical RFC 3339 UTC timestamp. */
  "updated_at": string;
  /** Why the item is blocked. */
  "blocked_reason": string | null;
  /** Status before `block`. */
  "blocked_from_status": Status | null;
  /** Agent that claimed the item. */
  "claimed_by": string | null;
  /** When it was claimed (canonical timestamp). */
  "claimed_at": string | null;
  /** Structural parent ID (an active item). */
  parent: string | null;
  /** Extension fields; every key starts with `x-`. */
  extensions: JsonObject;
}

/**
 * Checks an item title: one line, not blank (tg.md §3.3).
 *
 * @param title The title.
 * @throws {TaskStoreError} `InvalidInput`.
 *
 * @example
 * ```ts
 * import { validateTitle } from "@golem/golem";
 * import assert from "node:assert/strict";
 * validateTitle("Write the docs");
 * assert.throws(() => validateTitle("two\nlines"), /single line/);
 * ```
 */
export function validateTitle(title: string): void {
  if (title.includes("\n") || title.includes("\r")) {
    throw invalidInput("Title must be a single line (no newlines)");
  }
  if (title.trim() === "") throw invalidInput("Title cannot be empty");
}

/** Known item field names, in serialization order. */
export const ITEM_FIELDS: readonly string[] = [
  "id",
  "title",
  "status",
  "priority",
  "description",
  "tags",
  "dependencies",
  "created_at",
  "updated_at",
  "blocked_reason",
  "blocked_from_status",
  "claimed_by",
  "claimed_at",
  "parent",
];
const KNOWN: ReadonlySet<string> = new Set(ITEM_FIELDS);
const NULLABLE: ReadonlySet<string> = new Set([
  "description",
  "blocked_reason",
  "blocked_from_status",
  "claimed_by",
  "claimed_at",
  "parent",
]);

const I64_MIN = -9223372036854775808n;
const I64_MAX = 9223372036854775807n;

/** Nullable keys that were absent on read, per item (kept absent while null). */
const ABSENT_KEYS = new WeakMap<Item, ReadonlySet<string>>();

/**
 * Parses one item line. Canonical lines take a fast path (`JSON.parse` plus a
 * byte comparison with the re-serialized item); anything else goes through
 * the exact parser, which also produces upstream's errors.
 *
 * @param line The line, without its newline.
 * @returns The item.
 * @throws {SyntaxError} With a parser detail when the line is not a valid item.
 *
 * @example
 * ```ts
 * import { parseItemLine, serializeItem } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const line = '{"id":"tg-1","title":"T","status":"todo","priority":9223372036854775807,' +
 *   '"description":null,"tags":[],"dependencies":[],"created_at":"2026-01-01T00:00:00Z",' +
 *   '"updated_at":"2026-01-01T00:00:00.5Z","blocked_reason":null,"blocked_from_status":null,' +
 *   '"claimed_by":null,"claimed_at":null,"parent":null,"x-n":1.0}';
 * const item = parseItemLine(line);
 * assert.equal(item.priority, 9223372036854775807n);
 * assert.equal(serializeItem(item), line.replace(".5Z", ".500Z"));
 * ```
 */
export function parseItemLine(line: string): Item {
  const fast = tryFastParse(line);
  if (fast !== null) return fast;
  return itemFromMembers(parseJsonMembers(line));
}

/**
 * Serializes an item as its canonical line (no newline). Validates what it
 * writes, so an item that would be unreadable is never stored.
 *
 * @param item The item.
 * @returns Compact JSON with fields in on-disk order.
 * @throws {TypeError} When a field has an invalid value.
 */
export function serializeItem(item: Item): string {
  const absent = ABSENT_KEYS.get(item);
  if (!isStatus(item.status)) throw new TypeError(`Invalid status ${JSON.stringify(item.status)}`);
  const p = item.priority;
  if (typeof p !== "bigint" || p < I64_MIN || p > I64_MAX) {
    throw new TypeError(`Priority must be a 64-bit integer (bigint), got ${String(p)}`);
  }
  let s = '{"id":' + quoteJsonString(item.id) + ',"title":' + quoteJsonString(item.title) +
    ',"status":"' + item.status + '","priority":' + p.toString();
  if (!(absent?.has("description") && item.description === null)) {
    s += ',"description":' + nullableString(item.description);
  }
  s += ',"tags":' + stringArray(item.tags) + ',"dependencies":' + stringArray(item.dependencies) +
    ',"created_at":"' + canonicalTimestamp(item.created_at) + '","updated_at":"' +
    canonicalTimestamp(item.updated_at) + '"';
  if (!(absent?.has("blocked_reason") && item.blocked_reason === null)) {
    s += ',"blocked_reason":' + nullableString(item.blocked_reason);
  }
  if (!(absent?.has("blocked_from_status") && item.blocked_from_status === null)) {
    const b = item.blocked_from_status;
    if (b !== null && !isStatus(b)) throw new TypeError(`Invalid blocked_from_status ${String(b)}`);
    s += ',"blocked_from_status":' + (b === null ? "null" : '"' + b + '"');
  }
  if (!(absent?.has("claimed_by") && item.claimed_by === null)) {
    s += ',"claimed_by":' + nullableString(item.claimed_by);
  }
  if (!(absent?.has("claimed_at") && item.claimed_at === null)) {
    s += ',"claimed_at":' +
      (item.claimed_at === null ? "null" : '"' + canonicalTimestamp(item.claimed_at) + '"');
  }
  if (!(absent?.has("parent") && item.parent === null)) {
    s += ',"parent":' + nullableString(item.parent);
  }
  s += extensionsTail(item.extensions);
  return s + "}";
}

/**
 * Pretty JSON of an item, fields in on-disk order (the form of `--json` output).
 *
 * @param item The item.
 * @param indent Indentation of the item's own line.
 * @param alphabetical Write every key in code-point order (the form of `tg dump`).
 * @returns Pretty JSON without a trailing newline.
 */
export function itemToPrettyJson(item: Item, indent = "", alphabetical = false): string {
  const inner = indent + "  ";
  const entries: [string, string][] = [
    ["id", quoteJsonString(item.id)],
    ["title", quoteJsonString(item.title)],
    ["status", '"' + item.status + '"'],
    ["priority", item.priority.toString()],
    ["description", nullableString(item.description)],
    ["tags", prettyStringArray(item.tags, inner)],
    ["dependencies", prettyStringArray(item.dependencies, inner)],
    ["created_at", '"' + canonicalTimestamp(item.created_at) + '"'],
    ["updated_at", '"' + canonicalTimestamp(item.updated_at) + '"'],
    ["blocked_reason", nullableString(item.blocked_reason)],
    ["blocked_from_status", nullableString(item.blocked_from_status)],
    ["claimed_by", nullableString(item.claimed_by)],
    [
      "claimed_at",
      item.claimed_at === null ? "null" : '"' + canonicalTimestamp(item.claimed_at) + '"',
    ],
    ["parent", nullableString(item.parent)],
  ];
  for (const k of sortedKeys(item.extensions)) {
    entries.push([k, stringifyPretty(item.extensions[k] as JsonValue, inner)]);
  }
  if (alphabetical) entries.sort((a, b) => compareCodePoints(a[0], b[0]));
  let out = "{\n";
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    out += inner + quoteJsonString(k) + ": " + v + (i + 1 < entries.length ? ",\n" : "\n");
  }
  return out + indent + "}";
}

/**
 * The item as a plain JSON object (known fields then extensions), e.g. for YAML output.
 *
 * @param item The item.
 * @returns A JSON object.
 */
export function itemToJsonObject(item: Item): JsonObject {
  const o: JsonObject = Object.create(null);
  o.id = item.id;
  o.title = item.title;
  o.status = item.status;
  o.priority = item.priority;
  o.description = item.description;
  o.tags = [...item.tags];
  o.dependencies = [...item.dependencies];
  o.created_at = item.created_at;
  o.updated_at = item.updated_at;
  o.blocked_reason = item.blocked_reason;
  o.blocked_from_status = item.blocked_from_status;
  o.claimed_by = item.claimed_by;
  o.claimed_at = item.claimed_at;
  o.parent = item.parent;
  for (const k of Object.keys(item.extensions)) o[k] = item.extensions[k] as JsonValue;
  return o;
}

/**
 * Why an extension key is invalid, or `null` when it is fine.
 *
 * @param key The key.
 * @returns Upstream's validation message, or `null`.
 */
export function extensionKeyProblem(key: string): string | null {
  if (KNOWN.has(key)) return `Extension key '${key}' collides with a known Item field name.`;
  if (!key.startsWith("x-")) {
    return `Extension key '${key}' must start with 'x-' prefix. Rename to 'x-${key}' or remove it.`;
  }
  return null;
}

/**
 * Validates an item's extension keys in sorted order; the first problem wins.
 *
 * @param item The item.
 * @returns The validation message, or `null` when every key is valid.
 */
export function validateExtensions(item: Item): string | null {
  // No known field name starts with "x-", so such keys are all valid.
  let valid = true;
  for (const k in item.extensions) {
    if (!k.startsWith("x-")) {
      valid = false;
      break;
    }
  }
  if (valid) return null;
  for (const k of sortedKeys(item.extensions)) {
    const p = extensionKeyProblem(k);
    if (p !== null) return p;
  }
  return null;
}

/**
 * Deep copy of an item (extension values included); remembers which
 * nullable keys were absent on read.
 *
 * @param item The item.
 * @returns An independent copy.
 */
export function cloneItem(item: Item): Item {
  const copy: Item = {
    ...item,
    tags: [...item.tags],
    dependencies: [...item.dependencies],
    extensions: cloneJson(item.extensions) as JsonObject,
  };
  const absent = ABSENT_KEYS.get(item);
  if (absent) ABSENT_KEYS.set(copy, absent);
  return copy;
}

/** Options for {@linkcode newItem}. */
export interface NewItemOptions {
  /** Priority (default 0). */
  priority?: bigint;
  /** Description (default null). */
  description?: string | null;
  /** Tags (default none). */
  tags?: string[];
  /** Dependencies (default none). */
  dependencies?: string[];
  /** Extensions (default none). */
  extensions?: JsonObject;
}

/**
 * A fresh `todo` item stamped with `now` for both timestamps.
 *
 * @param id Its ID.
 * @param title Its title.
 * @param now Canonical timestamp.
 * @param options Optional fields.
 * @returns The item.
 */
export function newItem(
  id: string,
  title: string,
  now: string,
  options: NewItemOptions = {},
): Item {
  return {
    id,
    title,
    status: "todo",
    priority: options.priority ?? 0n,
    description: options.description ?? null,
    tags: options.tags ?? [],
    dependencies: options.dependencies ?? [],
    "created_at": now,
    "updated_at": now,
    "blocked_reason": null,
    "blocked_from_status": null,
    "claimed_by": null,
    "claimed_at": null,
    parent: null,
    extensions: options.extensions ?? Object.create(null),
  };
}

function nullableString(s: string | null): string {
  return s === null ? "null" : quoteJsonString(s);
}

function stringArray(a: string[]): string {
  if (a.length === 0) return "[]";
  let s = "[";
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v !== "string") throw new TypeError(`Expected a string, got ${String(v)}`);
    s += (i > 0 ? "," : "") + quoteJsonString(v);
  }
  return s + "]";
}

function prettyStringArray(a: string[], indent: string): string {
  if (a.length === 0) return "[]";
  const inner = indent + "  ";
  return "[\n" + a.map((v) => inner + quoteJsonString(v)).join(",\n") + "\n" + indent + "]";
}

function depthExceeds(v: JsonValue, limit: number): boolean {
  if (typeof v !== "object" || v === null) return false;
  if (limit <= 0) return true;
  const children = Array.isArray(v) ? v : Object.values(v);
  for (const c of children) if (depthExceeds(c, limit - 1)) return true;
  return false;
}

// ---------------------------------------------------------------------------
// Parsing

// A canonical JSON string: no raw quote, backslash or control character; only
// the escapes the canonical writer emits.
const CANON_STRING = String
  .raw`"[^"\\\x00-\x1f]*(?:\\(?:["\\bfnrt]|u00(?:0[0-7bef]|1[0-9a-f]))[^"\\\x00-\x1f]*)*"`;
const CANON_TS = `"(${TIMESTAMP_SHAPE_PATTERN})"`;
const CANON_STATUS = `"(?:todo|doing|done|blocked)"`;
const NULL_OR_STRING = `(?:null|${CANON_STRING})`;
const STRING_ARRAY = `\\[(?:${CANON_STRING}(?:,${CANON_STRING})*)?\\]`;
/**
 * The exact layout of a canonical line's known fields (`parent` optional, as
 * in older stores), from the `{` up to where the extension members or the
 * closing `}` start. Timestamps are matched by their canonical shape, the day
 * of month checked apart (`isCanonicalTimestampShape`). Groups: 1 title, 2
 * status, 3 priority, 4 dependencies, 5 created_at, 6 updated_at, 7
 * claimed_at. Sticky: set `lastIndex` to 0 first; after a match it is the
 * end of the known fields.
 */
const CANONICAL_HEAD = new RegExp(
  `\\{"id":${CANON_STRING},"title":(${CANON_STRING}),"status":"(todo|doing|done|blocked)",` +
    `"priority":(0|-?[1-9][0-9]{0,15}),"description":${NULL_OR_STRING},` +
    `"tags":${STRING_ARRAY},"dependencies":(${STRING_ARRAY}),` +
    `"created_at":${CANON_TS},"updated_at":${CANON_TS},"blocked_reason":${NULL_OR_STRING},` +
    `"blocked_from_status":(?:null|${CANON_STATUS}),"claimed_by":${NULL_OR_STRING},` +
    `"claimed_at":(?:null|${CANON_TS})(?:,"parent":${NULL_OR_STRING})?`,
  "y",
);
/** A known field name used as a key after the known fields (a duplicate, or a nested key). */
const KNOWN_KEY = new RegExp(`[{,]"(?:${ITEM_FIELDS.join("|")})":`);
const LONE_SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const ABSENT_PARENT: ReadonlySet<string> = new Set(["parent"]);
/** Shared bigints for common priorities (filled on use). */
const SMALL_BIGINTS: (bigint | undefined)[] = new Array(2001);

function priorityBigint(n: number): bigint {
  if (n < -1000 || n > 1000) return BigInt(n);
  return SMALL_BIGINTS[n + 1000] ??= BigInt(n);
}

/**
 * Where the extension members of a canonical line start (the `,` after the
 * known fields; the closing `}` when there are none), or -1 when the known
 * fields are not in canonical layout or the members could be misread by
 * `JSON.parse` (lone surrogate escapes, a known field name as key).
 */
function canonicalHeadEnd(line: string): number {
  CANONICAL_HEAD.lastIndex = 0;
  return CANONICAL_HEAD.test(line) ? tailStart(line, CANONICAL_HEAD.lastIndex) : -1;
}

/** {@linkcode canonicalHeadEnd}, the days of month of the timestamps checked too. */
function checkedHeadEnd(line: string): number {
  const m = checkedHead(line);
  return m === null ? -1 : tailStart(line, CANONICAL_HEAD.lastIndex);
}

/** The match of {@linkcode CANONICAL_HEAD}, its timestamps checked; `null` when it fails. */
function checkedHead(line: string): RegExpExecArray | null {
  CANONICAL_HEAD.lastIndex = 0;
  const m = CANONICAL_HEAD.exec(line);
  if (
    m === null || !isCanonicalTimestampShape(m[5]!) || !isCanonicalTimestampShape(m[6]!) ||
    (m[7] !== undefined && !isCanonicalTimestampShape(m[7]))
  ) return null;
  return m;
}

/** {@linkcode canonicalHeadEnd} once the known fields matched up to `end`. */
function tailStart(line: string, end: number): number {
  const last = line.length - 1;
  if (line.charCodeAt(last) !== 0x7d) return -1; // }
  if (end === last) return end;
  if (line.charCodeAt(end) !== 0x2c) return -1; // ,
  const tail = line.slice(end, last);
  return LONE_SURROGATE_ESCAPE.test(tail) || KNOWN_KEY.test(tail) ? -1 : end;
}

/**
 * Fast path for lines in canonical form. A regular expression checks the
 * exact layout of the known fields, so duplicated or reordered keys, other
 * escapes, whitespace and non-integer priorities fall through to the exact
 * parser; values then come from `JSON.parse`. Extension members go to the
 * exact parser when `JSON.parse` could misread them (numbers, lone
 * surrogate escapes, a known field name as key, deep nesting) or rejects
 * them (its messages are not upstream's).
 */
function tryFastParse(line: string): Item | null {
  const end = canonicalHeadEnd(line);
  if (end < 0) return null;
  let r: Record<string, JsonValue>;
  try {
    r = JSON.parse(line);
  } catch {
    return null;
  }
  return itemFromCanonical(r, end < line.length - 1);
}

/**
 * The item of a line whose known fields are in canonical layout, from what
 * `JSON.parse` returned for it; `null` when the exact parser must decide.
 * Without extension members the object becomes the item: its keys already
 * are the item's, in order.
 */
function itemFromCanonical(r: Record<string, JsonValue>, hasTail: boolean): Item | null {
  const pr = r.priority as number;
  const claimedAt = r.claimed_at as string | null;
  if (
    !Number.isSafeInteger(pr) || !isCanonicalTimestampShape(r.created_at as string) ||
    !isCanonicalTimestampShape(r.updated_at as string) ||
    (claimedAt !== null && !isCanonicalTimestampShape(claimedAt))
  ) return null;
  const parent = r.parent;
  if (!hasTail) {
    const item = r as unknown as Item;
    item.priority = priorityBigint(pr);
    if (parent === undefined) {
      item.parent = null;
      ABSENT_KEYS.set(item, ABSENT_PARENT);
    }
    item.extensions = Object.create(null);
    return item;
  }
  const extensions: JsonObject = Object.create(null);
  for (const k in r) {
    if (KNOWN.has(k)) continue;
    const v = fastExtensionValue(r[k], 1);
    if (v === undefined) return null;
    extensions[k] = v;
  }
  const item: Item = {
    id: r.id as string,
    title: r.title as string,
    status: r.status as Status,
    priority: priorityBigint(pr),
    description: r.description as string | null,
    tags: r.tags as string[],
    dependencies: r.dependencies as string[],
    "created_at": r.created_at as string,
    "updated_at": r.updated_at as string,
    "blocked_reason": r.blocked_reason as string | null,
    "blocked_from_status": r.blocked_from_status as Status | null,
    "claimed_by": r.claimed_by as string | null,
    "claimed_at": claimedAt,
    parent: parent === undefined ? null : parent as string | null,
    extensions,
  };
  if (parent === undefined) ABSENT_KEYS.set(item, ABSENT_PARENT);
  return item;
}

/** What {@linkcode scanItemLine} learns about a line without building the item. */
export interface LineScan {
  /** The item's ID. */
  id: string;
  /** Whether the line is byte-for-byte what the canonical writer would write for it. */
  canonical: boolean;
}

/**
 * Validates a line in canonical layout without building the item, and tells
 * whether it can be written back unchanged. Returns `null` when the line
 * needs the full parser (other layouts, numbers in extensions, …); such a
 * line may still be valid.
 *
 * @param line The line, without its newline.
 * @returns ID and canonical flag, or `null`.
 */
export function scanItemLine(line: string): LineScan | null {
  const end = checkedHeadEnd(line);
  if (end < 0) return null;
  let canonical = true;
  if (end < line.length - 1) {
    const tail = scanTail(line, end, true);
    if (tail === TAIL_INVALID) return null;
    canonical = tail === TAIL_CANONICAL;
  }
  return { id: lineId(line), canonical };
}

/**
 * The ID of a line that {@linkcode parseItemLine} accepts and whose
 * extension keys are valid, found without building the item; `null` when
 * only the full parser can tell (other layouts, numbers in extensions, …).
 *
 * @param line The line, without its newline.
 * @returns The ID, or `null`.
 */
export function itemLineId(line: string): string | null {
  const end = checkedHeadEnd(line);
  if (end < 0 || (end < line.length - 1 && !tailExtensionsOk(line, end))) return null;
  return lineId(line);
}

/** What {@linkcode itemLineFields} reads from a line without building the item. */
export interface LineFields {
  /** The line. */
  readonly line: string;
  /** The ID. */
  readonly id: string;
  /** The title. */
  readonly title: string;
  /** The status. */
  readonly status: Status;
  /** The priority. */
  readonly priority: bigint;
  /** The dependencies. */
  readonly dependencies: readonly string[];
  /** The creation time (canonical). */
  readonly createdAt: string;
  /** Whether the line has extension members. */
  readonly hasExtensions: boolean;
}

/** The dependencies of lines that have none. */
const NO_STRINGS: readonly string[] = Object.freeze([]);

/** Fields only {@linkcode itemLineFields} makes: {@linkcode lineFieldsItem} trusts their line. */
class CheckedLine implements LineFields {
  readonly #checked = true;
  readonly line: string;
  readonly id: string;
  readonly title: string;
  readonly status: Status;
  readonly priority: bigint;
  readonly dependencies: readonly string[];
  readonly createdAt: string;
  readonly hasExtensions: boolean;

  constructor(
    line: string,
    id: string,
    title: string,
    status: Status,
    priority: bigint,
    dependencies: readonly string[],
    createdAt: string,
    hasExtensions: boolean,
  ) {
    this.line = line;
    this.id = id;
    this.title = title;
    this.status = status;
    this.priority = priority;
    this.dependencies = dependencies;
    this.createdAt = createdAt;
    this.hasExtensions = hasExtensions;
  }

  /** Whether `f` was made by {@linkcode itemLineFields}. */
  static made(f: LineFields): boolean {
    return #checked in f && f.#checked;
  }
}

/**
 * Checks a line in canonical layout as {@linkcode itemLineId} does and reads
 * the fields lists and the ready queue filter, sort and show, without
 * building the item; `null` when only the full parser can tell (then use
 * {@linkcode parseItemLine}).
 *
 * @param line The line, without its newline.
 * @returns The fields, or `null`.
 *
 * @example
 * ```ts
 * import { itemLineFields, lineFieldsItem } from "./item.ts";
 * import { newItem, serializeItem } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const line = serializeItem(newItem("tg-abcde", "Docs", "2026-01-01T00:00:00Z", { priority: 2n }));
 * const f = itemLineFields(line)!;
 * assert.equal(f.status, "todo");
 * assert.equal(f.priority, 2n);
 * assert.equal(f.createdAt, "2026-01-01T00:00:00Z");
 * assert.equal(lineFieldsItem(f).title, "Docs");
 * ```
 */
export function itemLineFields(line: string): LineFields | null {
  const m = checkedHead(line);
  if (m === null) return null;
  const end = tailStart(line, CANONICAL_HEAD.lastIndex);
  if (end < 0) return null;
  const hasExtensions = end < line.length - 1;
  if (hasExtensions && !tailExtensionsOk(line, end)) return null;
  const priority = Number(m[3]);
  if (!Number.isSafeInteger(priority)) return null;
  const st = m[2]!;
  const status: Status = st === "todo"
    ? "todo"
    : st === "doing"
    ? "doing"
    : st === "done"
    ? "done"
    : "blocked";
  const title = m[1]!;
  const deps = m[4]!;
  return new CheckedLine(
    line,
    lineId(line),
    title.indexOf("\\") < 0 ? title.slice(1, -1) : JSON.parse(title),
    status,
    priorityBigint(priority),
    deps === "[]" ? NO_STRINGS : JSON.parse(deps),
    m[5]!,
    hasExtensions,
  );
}

/**
 * The item of a line that {@linkcode itemLineFields} accepted, the same as
 * {@linkcode parseItemLine} gives, without checking the line's layout again.
 *
 * @param fields What `itemLineFields` returned.
 * @returns A new item.
 * @throws {TypeError} For fields that `itemLineFields` did not return.
 */
export function lineFieldsItem(fields: LineFields): Item {
  if (!CheckedLine.made(fields)) throw new TypeError("Fields not made by itemLineFields()");
  return itemFromCanonical(JSON.parse(fields.line), fields.hasExtensions) ??
    parseItemLine(fields.line);
}

/** {@linkcode scanTail}: the extension members need the exact parser. */
const TAIL_INVALID = 0;
/** {@linkcode scanTail}: the members are readable, not as the canonical writer writes them. */
const TAIL_READABLE = 1;
/** {@linkcode scanTail}: the members are written as the canonical writer writes them. */
const TAIL_CANONICAL = 2;

/** Whether the extension members from `end` to the closing `}` are readable without the exact parser. */
function tailExtensionsOk(line: string, end: number): boolean {
  return scanTail(line, end, false) !== TAIL_INVALID;
}

/**
 * Checks the extension members from `end` to the closing `}` without
 * copying them: invalid (for the exact parser: not JSON, a key without
 * `x-`, a number, too deep), readable, or canonical — what the canonical
 * writer writes for them: the text `JSON.stringify` gives for what
 * `JSON.parse` read, every object's keys in code-point order (only told
 * apart from readable when `canonical` is asked for).
 */
function scanTail(line: string, end: number, canonical = true): number {
  const text = "{" + line.slice(end + 1, -1) + "}";
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(text);
  } catch {
    return TAIL_INVALID;
  }
  let sorted = true;
  let prev: string | null = null;
  for (const k in r) {
    if (!k.startsWith("x-")) return TAIL_INVALID;
    const v = scanExtensionValue(r[k], 1);
    if (v === TAIL_INVALID) return TAIL_INVALID;
    if (v !== TAIL_CANONICAL || (prev !== null && compareCodePoints(prev, k) >= 0)) sorted = false;
    prev = k;
  }
  return canonical && sorted && JSON.stringify(r) === text ? TAIL_CANONICAL : TAIL_READABLE;
}

/**
 * {@linkcode scanTail} for one value: invalid when {@linkcode fastExtensionValue}
 * would not convert it, canonical when every object in it has its keys in
 * code-point order, else readable.
 */
function scanExtensionValue(v: unknown, depth: number): number {
  if (typeof v !== "object") {
    return typeof v === "string" || typeof v === "boolean" ? TAIL_CANONICAL : TAIL_INVALID;
  }
  if (v === null) return TAIL_CANONICAL;
  if (depth + 1 > MAX_JSON_DEPTH) return TAIL_INVALID;
  let state = TAIL_CANONICAL;
  if (Array.isArray(v)) {
    for (const e of v) {
      const s = scanExtensionValue(e, depth + 1);
      if (s === TAIL_INVALID) return TAIL_INVALID;
      if (s === TAIL_READABLE) state = TAIL_READABLE;
    }
    return state;
  }
  const rec = v as Record<string, unknown>;
  let prev: string | null = null;
  for (const k in rec) {
    const s = scanExtensionValue(rec[k], depth + 1);
    if (s === TAIL_INVALID) return TAIL_INVALID;
    if (s === TAIL_READABLE || (prev !== null && compareCodePoints(prev, k) >= 0)) {
      state = TAIL_READABLE;
    }
    prev = k;
  }
  return state;
}

/** The ID of a line in canonical layout. */
function lineId(line: string): string {
  const idEnd = line.indexOf('"', 7);
  return line.lastIndexOf("\\", idEnd) > 6
    ? (JSON.parse(line) as { id: string }).id
    : line.slice(7, idEnd);
}

/** The canonical `,"x-…":value` members of an item's extensions. */
function extensionsTail(ext: JsonObject): string {
  let s = "";
  for (const k of sortedKeys(ext)) {
    const problem = extensionKeyProblem(k);
    if (problem !== null) throw new TypeError(problem);
    const v = ext[k] as JsonValue;
    if (typeof v === "object" && v !== null && depthExceeds(v, MAX_JSON_DEPTH - 1)) {
      throw new TypeError(`Extension '${k}' is nested too deeply to be stored`);
    }
    s += "," + quoteJsonString(k) + ":" + stringifyCompact(v);
  }
  return s;
}

/** Converts a `JSON.parse` value; `undefined` when it holds a number or nests too deep. */
function fastExtensionValue(v: unknown, depth: number): JsonValue | undefined {
  switch (typeof v) {
    case "string":
    case "boolean":
      return v;
    case "object": {
      if (v === null) return null;
      if (depth + 1 > MAX_JSON_DEPTH) return undefined;
      if (Array.isArray(v)) {
        const out: JsonValue[] = [];
        for (const e of v) {
          const c = fastExtensionValue(e, depth + 1);
          if (c === undefined) return undefined;
          out.push(c);
        }
        return out;
      }
      const out: JsonObject = Object.create(null);
      const rec = v as Record<string, unknown>;
      for (const k of Object.keys(rec)) {
        const c = fastExtensionValue(rec[k], depth + 1);
        if (c === undefined) return undefined;
        out[k] = c;
      }
      return out;
    }
    default:
      return undefined; // numbers need the exact parser
  }
}

/**
 * Builds an item from parsed members, enforcing upstream's field rules.
 *
 * @param members Top-level `[key, value]` pairs in input order.
 * @returns The item.
 * @throws {SyntaxError} Describing the first problem.
 */
export function itemFromMembers(members: [string, JsonValue][]): Item {
  const known = new Map<string, JsonValue>();
  const extensions: JsonObject = Object.create(null);
  for (const [k, v] of members) {
    if (KNOWN.has(k)) {
      if (known.has(k)) throw new SyntaxError(`duplicate field \`${k}\``);
      known.set(k, v);
    } else {
      extensions[k] = v;
    }
  }
  const pr = known.get("priority");
  if (pr === undefined) throw new SyntaxError("missing field `priority`");
  if (typeof pr !== "bigint") throw new SyntaxError(`invalid type: ${describe(pr)}, expected i64`);
  if (pr < I64_MIN || pr > I64_MAX) {
    throw new SyntaxError(`invalid value: integer \`${pr}\`, expected i64`);
  }
  const item = buildItem((k) => known.get(k), pr, extensions);
  const absent = [...NULLABLE].filter((k) => !known.has(k));
  if (absent.length > 0) ABSENT_KEYS.set(item, new Set(absent));
  return item;
}

function buildItem(
  get: (k: string) => JsonValue | undefined,
  priority: bigint,
  extensions: JsonObject,
): Item {
  const status = get("status");
  if (status === undefined) throw new SyntaxError("missing field `status`");
  if (!isStatus(status)) {
    throw new SyntaxError(
      typeof status === "string"
        ? `unknown variant \`${status}\`, expected one of \`todo\`, \`doing\`, \`done\`, \`blocked\``
        : `invalid type: ${describe(status)}, expected a status string`,
    );
  }
  const bfs = optString(get, "blocked_from_status");
  if (bfs !== null && !isStatus(bfs)) {
    throw new SyntaxError(
      `unknown variant \`${bfs}\`, expected one of \`todo\`, \`doing\`, \`done\`, \`blocked\``,
    );
  }
  const claimedAt = optString(get, "claimed_at");
  return {
    id: reqString(get, "id"),
    title: reqString(get, "title"),
    status,
    priority,
    description: optString(get, "description"),
    tags: stringList(get, "tags"),
    dependencies: stringList(get, "dependencies"),
    "created_at": timestamp(reqString(get, "created_at")),
    "updated_at": timestamp(reqString(get, "updated_at")),
    "blocked_reason": optString(get, "blocked_reason"),
    "blocked_from_status": bfs,
    "claimed_by": optString(get, "claimed_by"),
    "claimed_at": claimedAt === null ? null : timestamp(claimedAt),
    parent: optString(get, "parent"),
    extensions,
  };
}

function reqString(get: (k: string) => JsonValue | undefined, k: string): string {
  const v = get(k);
  if (v === undefined) throw new SyntaxError(`missing field \`${k}\``);
  if (typeof v !== "string") {
    throw new SyntaxError(`invalid type: ${describe(v)}, expected a string`);
  }
  return v;
}

function optString(get: (k: string) => JsonValue | undefined, k: string): string | null {
  const v = get(k);
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") {
    throw new SyntaxError(`invalid type: ${describe(v)}, expected a string`);
  }
  return v;
}

function stringList(get: (k: string) => JsonValue | undefined, k: string): string[] {
  const v = get(k);
  if (v === undefined) throw new SyntaxError(`missing field \`${k}\``);
  if (!Array.isArray(v)) throw new SyntaxError(`invalid type: ${describe(v)}, expected a sequence`);
  for (const e of v) {
    if (typeof e !== "string") {
      throw new SyntaxError(`invalid type: ${describe(e)}, expected a string`);
    }
  }
  return v as string[];
}

function timestamp(s: string): string {
  try {
    return canonicalTimestamp(s);
  } catch (e) {
    throw new SyntaxError(`input contains invalid characters: ${(e as Error).message}`);
  }
}

/**
 * Names a JSON value's type the way upstream's parser messages do
 * (`string "x"`, ``integer `5` ``, ``floating point `1.0` ``, `map` …).
 *
 * @param v The value.
 * @returns The description.
 */
export function describeJsonValue(v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "string") return `string ${JSON.stringify(v)}`;
  if (typeof v === "bigint") return `integer \`${v}\``;
  if (typeof v === "number") return `floating point \`${stringifyCompact(v)}\``;
  if (typeof v === "boolean") return `boolean \`${v}\``;
  return Array.isArray(v) ? "sequence" : "map";
}

const describe = describeJsonValue;
