/**
 * `tasks.jsonl` as an editable document that builds items only when asked.
 *
 * Every line is validated as strictly as {@linkcode parseActiveFile} does,
 * but canonical lines are kept as text: a command that changes one item of
 * 100,000 parses and re-serializes that one item and writes every other line
 * back as it was read.
 *
 * @module
 */

import { compareCodePoints } from "./json.ts";
import { type Item, parseItemLine, scanItemLine, serializeItem } from "./item.ts";
import { activeLines, parseActiveLine, SCHEMA_HEADER } from "./jsonl.ts";
import type { Status } from "./status.ts";

interface Entry {
  /** The ID. */
  id: string;
  /** The line as read, when it may be written back. */
  raw: string | null;
  /** Whether `raw` is canonical (can be written back unchanged). */
  canonical: boolean;
  /** The built item, once asked for (then it is re-serialized on save). */
  item: Item | null;
  /** The status the item had when it was read (`null` for items added since). */
  before: Status | null;
}

/** An item whose status differs from the status it was read with. */
export interface StatusChangeOf {
  /** The item (active, or removed from this document). */
  item: Item;
  /** Its status when read. */
  from: Status;
}

const ENCODER = new TextEncoder();

/**
 * The active items of one read of `tasks.jsonl`, editable in place.
 *
 * @example
 * ```ts
 * import { ActiveDoc } from "./active_doc.ts";
 * import { newItem } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const doc = ActiveDoc.parse(null);
 * doc.push(newItem("tg-b", "B", "2026-01-01T00:00:00Z"));
 * doc.push(newItem("tg-a", "A", "2026-01-01T00:00:00Z"));
 * assert.deepEqual(doc.ids, ["tg-b", "tg-a"]);
 * const text = new TextDecoder().decode(doc.encode());
 * assert.ok(text.indexOf('"tg-a"') < text.indexOf('"tg-b"'));
 * ```
 */
export class ActiveDoc {
  #entries: Entry[];
  readonly #removed: Entry[] = [];

  private constructor(entries: Entry[]) {
    this.#entries = entries;
  }

  /**
   * Validates and indexes the bytes of `tasks.jsonl` (missing or empty = no items).
   *
   * @param bytes File content.
   * @returns The document.
   * @throws {TaskStoreError} Like {@linkcode parseActiveFile}.
   */
  static parse(bytes: Uint8Array | null): ActiveDoc {
    const lines = activeLines(bytes);
    const entries: Entry[] = [];
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const scan = scanItemLine(line);
      if (scan !== null) {
        entries.push({
          id: scan.id,
          raw: line,
          canonical: scan.canonical,
          item: null,
          before: null,
        });
        continue;
      }
      if (line.trim() === "") continue;
      const item = parseActiveLine(line, i + 1);
      entries.push({ id: item.id, raw: null, canonical: false, item, before: item.status });
    }
    return new ActiveDoc(entries);
  }

  /** IDs in file order (duplicates included). */
  get ids(): string[] {
    return this.#entries.map((e) => e.id);
  }

  /** Number of items. */
  get length(): number {
    return this.#entries.length;
  }

  #materialize(e: Entry): Item {
    if (e.item === null) {
      e.item = parseItemLine(e.raw!);
      e.before = e.item.status;
    }
    return e.item;
  }

  /**
   * The first item with this ID (built on first use; it is then written from
   * the item, so changes to it are saved).
   *
   * @param id The ID.
   * @returns The item, or `undefined`.
   */
  get(id: string): Item | undefined {
    const e = this.#entries.find((x) => x.id === id);
    return e ? this.#materialize(e) : undefined;
  }

  /**
   * Every item, in file order (builds them all).
   *
   * @returns Items.
   */
  items(): Item[] {
    return this.#entries.map((e) => this.#materialize(e));
  }

  /**
   * Items whose line contains `needle` (a cheap pre-filter: only those are
   * built; items already built are always tested with `test`).
   *
   * @param needle Text that every wanted line contains (e.g. `"tg-abcde"`).
   * @param test The exact condition.
   * @returns Matching items in file order.
   */
  where(needle: string, test: (item: Item) => boolean): Item[] {
    const out: Item[] = [];
    for (const e of this.#entries) {
      if (e.item === null && e.raw !== null && !e.raw.includes(needle)) continue;
      const it = this.#materialize(e);
      if (test(it)) out.push(it);
    }
    return out;
  }

  /**
   * Adds an item.
   *
   * @param item The item.
   */
  push(item: Item): void {
    this.#entries.push({ id: item.id, raw: null, canonical: false, item, before: null });
  }

  /**
   * Removes an item (by identity).
   *
   * @param item An item obtained from this document.
   * @returns Whether it was found.
   */
  remove(item: Item): boolean {
    const i = this.#entries.findIndex((e) => e.item === item);
    if (i < 0) return false;
    this.#removed.push(...this.#entries.splice(i, 1));
    return true;
  }

  /**
   * Items read from the file whose status has changed since, including
   * items removed from the document (items added since are not included).
   *
   * @returns The changes, active items first, in file order.
   */
  statusChanges(): StatusChangeOf[] {
    const out: StatusChangeOf[] = [];
    for (const e of [...this.#entries, ...this.#removed]) {
      if (e.item !== null && e.before !== null && e.item.status !== e.before) {
        out.push({ item: e.item, from: e.before });
      }
    }
    return out;
  }

  /**
   * The file's new bytes: header, then the items sorted by ID; lines never
   * built are written back as read.
   *
   * @returns File content.
   */
  encode(): Uint8Array {
    return ENCODER.encode(this.encodeText());
  }

  /**
   * The file's new content as text (see {@linkcode ActiveDoc.encode}), for
   * callers that encode into a buffer of their own.
   *
   * @returns File content.
   */
  encodeText(): string {
    for (const e of this.#entries) if (e.item !== null) e.id = e.item.id;
    const sorted = this.#entries.map((e, i) => ({ e, i }));
    sorted.sort((a, b) => compareCodePoints(a.e.id, b.e.id) || a.i - b.i);
    const parts = new Array<string>(sorted.length + 1);
    parts[0] = SCHEMA_HEADER;
    for (let k = 0; k < sorted.length; k++) {
      const e = sorted[k]!.e;
      parts[k + 1] =
        (e.item === null && e.canonical ? e.raw! : serializeItem(this.#materialize(e))) +
        "\n";
    }
    return parts.join("");
  }
}
