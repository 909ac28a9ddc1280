/**
 * `tasks.jsonl` read for listing: every line checked as strictly as
 * {@linkcode parseActiveFile} does, the fields lists filter and sort on read
 * from the line, and items built only when asked for.
 *
 * @module
 */

import { type Item, itemLineFields, type LineFields, lineFieldsItem } from "./item.ts";
import { forEachActiveLine, parseActiveLine } from "./jsonl.ts";
import type { Status } from "./status.ts";

/** One item of an {@linkcode ActiveIndex}: what lists and the ready queue filter, sort and show. */
export interface ActiveRow {
  /** Position among the items, in file order (for {@linkcode ActiveIndex.item}). */
  readonly index: number;
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
  readonly "created_at": string;
}

/**
 * The active items of one read of `tasks.jsonl`, for commands that only
 * read: each line in canonical layout is checked and kept as text, and its
 * item is built when asked for.
 *
 * @example
 * ```ts
 * import { ActiveIndex, newItem } from "@golem/golem";
 * import { encodeItemsFile } from "./jsonl.ts";
 * import assert from "node:assert/strict";
 * const bytes = encodeItemsFile([
 *   newItem("tg-a", "A", "2026-01-01T00:00:00Z"),
 *   newItem("tg-b", "B", "2026-01-01T00:00:00Z", { priority: 1n }),
 * ]);
 * const index = ActiveIndex.parse(bytes);
 * assert.deepEqual(index.ids, ["tg-a", "tg-b"]);
 * assert.equal(index.rows[1]!.priority, 1n);
 * assert.equal(index.item(1).title, "B");
 * ```
 */
export class ActiveIndex {
  readonly #rows: ActiveRow[];
  /** The checked lines, by index (`null` where the item was built while reading). */
  readonly #lines: (LineFields | null)[];
  readonly #items: (Item | undefined)[];

  private constructor(
    rows: ActiveRow[],
    lines: (LineFields | null)[],
    items: (Item | undefined)[],
  ) {
    this.#rows = rows;
    this.#lines = lines;
    this.#items = items;
  }

  /**
   * Checks and indexes the bytes of `tasks.jsonl` (missing or empty = no items).
   *
   * @param bytes File content.
   * @returns The index.
   * @throws {TaskStoreError} Like {@linkcode parseActiveFile}.
   */
  static parse(bytes: Uint8Array | null): ActiveIndex {
    const rows: ActiveRow[] = [];
    const lines: (LineFields | null)[] = [];
    const items: (Item | undefined)[] = [];
    forEachActiveLine(bytes, (line, lineNo) => {
      const f = itemLineFields(line);
      const index = rows.length;
      if (f !== null) {
        rows.push({
          index,
          id: f.id,
          title: f.title,
          status: f.status,
          priority: f.priority,
          dependencies: f.dependencies,
          "created_at": f.createdAt,
        });
        lines.push(f);
        items.push(undefined);
        return;
      }
      if (line.trim() === "") return;
      const item = parseActiveLine(line, lineNo);
      rows.push({
        index,
        id: item.id,
        title: item.title,
        status: item.status,
        priority: item.priority,
        dependencies: item.dependencies,
        "created_at": item.created_at,
      });
      lines.push(null);
      items.push(item);
    });
    return new ActiveIndex(rows, lines, items);
  }

  /** One row per item, in file order. */
  get rows(): readonly ActiveRow[] {
    return this.#rows;
  }

  /** IDs in file order (duplicates included). */
  get ids(): string[] {
    return this.#rows.map((r) => r.id);
  }

  /**
   * The item at an index (built on first use, then the same object).
   *
   * @param index A row's `index`.
   * @returns The item.
   */
  item(index: number): Item {
    return this.#items[index] ??= this.#build(index);
  }

  #build(index: number): Item {
    const f = this.#lines[index];
    if (f === undefined || f === null) throw new RangeError(`No active item at ${index}`);
    return lineFieldsItem(f);
  }

  /**
   * The item at an index, not kept by the index (unless it was built before):
   * for writing a large list a piece at a time.
   *
   * @param index A row's `index`.
   * @returns The item.
   */
  itemOnce(index: number): Item {
    return this.#items[index] ?? this.#build(index);
  }

  /**
   * The item's line as read, when it is in canonical layout: the known
   * fields in on-disk order (`parent` may be absent, as in older lines), the
   * priority a safe integer, timestamps canonical, strings with the canonical
   * writer's escapes, then any extension members. `null` when the line was
   * read by the full parser (use {@linkcode ActiveIndex.item}).
   *
   * @param index A row's `index`.
   * @returns The line, or `null`.
   */
  line(index: number): string | null {
    return this.#lines[index]?.line ?? null;
  }

  /**
   * Whether the item's line may have extension members (`false` only when it
   * has none).
   *
   * @param index A row's `index`.
   * @returns Whether to look for extensions.
   */
  mayHaveExtensions(index: number): boolean {
    return this.#lines[index]?.hasExtensions ?? true;
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
    for (let i = 0; i < this.#rows.length; i++) {
      const f = this.#lines[i];
      if (this.#items[i] === undefined && f && !f.line.includes(needle)) continue;
      const it = this.item(i);
      if (test(it)) out.push(it);
    }
    return out;
  }
}
