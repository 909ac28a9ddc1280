/**
 * The git side of the merge driver: the `.gitattributes` entries that route
 * the store's files to it and the `git config` value that defines it.
 *
 * @module
 */

import type { FileSystem } from "../io/fs.ts";
import { ioError } from "./errors.ts";

/** Name of the merge driver in `.gitattributes` and `git config`. */
export const MERGE_DRIVER_NAME = "tg";

/** Value of `merge.tg.driver`: git substitutes `%O %A %B %P`. */
export const MERGE_DRIVER_COMMAND = "tg merge-driver %O %A %B %P";

/** Lines `.gitattributes` (next to `.task-golem/`) gets from `tg init`. */
export const GITATTRIBUTES_LINES: readonly string[] = [
  `# task-golem: merge the store by item ID; once per clone run: git config merge.tg.driver "${MERGE_DRIVER_COMMAND}"`,
  ".task-golem/tasks.jsonl merge=tg",
  ".task-golem/archive.jsonl merge=tg",
  ".task-golem/archive-pruned.jsonl merge=tg",
  ".task-golem/events.jsonl merge=tg",
  ".task-golem/events.archive.jsonl merge=tg",
];

/**
 * Appends the missing merge-driver lines to `<root>/.gitattributes` (a line
 * counts as present when equal after trimming), creating the file if needed.
 *
 * @param fs File system.
 * @param root The directory that contains `.task-golem/`.
 * @returns Whether the file changed.
 *
 * @example
 * ```ts
 * import { ensureGitattributes, MemoryFileSystem } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const fs = new MemoryFileSystem();
 * await fs.mkdirp("/repo");
 * assert.equal(await ensureGitattributes(fs, "/repo"), true);
 * assert.equal(await ensureGitattributes(fs, "/repo"), false);
 * ```
 */
export async function ensureGitattributes(fs: FileSystem, root: string): Promise<boolean> {
  const path = `${root}/.gitattributes`;
  try {
    const bytes = await fs.readFile(path);
    const text = bytes === null ? "" : new TextDecoder().decode(bytes);
    const present = new Set(text.split("\n").map((l) => l.trim()));
    const missing = GITATTRIBUTES_LINES.filter((l) => !present.has(l));
    if (missing.length === 0) return false;
    const prefix = text.length > 0 && !text.endsWith("\n") ? "\n" : "";
    await fs.writeFile(
      path,
      new TextEncoder().encode(prefix + missing.map((l) => l + "\n").join("")),
      { append: true, sync: true },
    );
    return true;
  } catch (e) {
    throw ioError(e);
  }
}
