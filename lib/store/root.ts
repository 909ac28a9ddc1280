/**
 * Finding the store: the nearest `.task-golem` directory at or above a start
 * directory.
 *
 * @module
 */

import type { FileSystem } from "../io/fs.ts";
import { dirname, join } from "../io/path.ts";
import { TaskStoreError } from "./errors.ts";

/** Name of the store directory. */
export const STORE_DIR_NAME = ".task-golem";

/**
 * Walks up from `start` to the first directory containing a `.task-golem`
 * directory and returns that `.task-golem` path.
 *
 * @param fs File system.
 * @param start Absolute directory to start from.
 * @returns Absolute path of the `.task-golem` directory.
 * @throws {TaskStoreError} `NotInitialized` when none is found.
 */
export async function findStoreDir(fs: FileSystem, start: string): Promise<string> {
  let dir = start;
  for (;;) {
    const candidate = join(dir, STORE_DIR_NAME);
    const st = await fs.stat(candidate).catch(() => null);
    if (st?.isDirectory) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new TaskStoreError(
    "NotInitialized",
    `No task-golem project found (searched from ${start}). Run \`tg init\` to create one.`,
  );
}
