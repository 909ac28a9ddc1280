/**
 * Appending one item line to an item file that only grows
 * (`archive.jsonl`, `archive-pruned.jsonl`).
 *
 * @module
 */

import type { FileSystem } from "../io/fs.ts";
import { ioError } from "./errors.ts";
import { type Item, serializeItem } from "./item.ts";
import { SCHEMA_HEADER } from "./jsonl.ts";

const ENCODER = new TextEncoder();

/**
 * Appends an item: the header first when the file is missing or empty, a
 * newline first when a torn append left none, then the line, in one write,
 * fsynced.
 *
 * @param fs File system.
 * @param path The item file.
 * @param item The item.
 * @throws {TaskStoreError} `Io`.
 */
export async function appendItemLine(fs: FileSystem, path: string, item: Item): Promise<void> {
  const line = serializeItem(item) + "\n";
  try {
    const tail = await fs.tail(path);
    const prefix = tail === null || tail.size === 0
      ? SCHEMA_HEADER
      : tail.lastByte !== 0x0a
      ? "\n"
      : "";
    const bytes = ENCODER.encode(prefix + line);
    const n = await fs.appendOnce(path, bytes);
    if (n !== bytes.length) {
      throw new Error(`Short write on archive append: wrote ${n} of ${bytes.length} bytes`);
    }
  } catch (e) {
    throw ioError(e);
  }
}
