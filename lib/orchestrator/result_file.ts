/**
 * Where agents write their results (pg.md §8.8):
 * `{root}/.phase-golem/phase_result_{ID}_{PHASE}.json`, and the cleanup of
 * stale result files before and after a run.
 *
 * @module
 */

import type { FileSystem } from "../io/fs.ts";
import { RUNTIME_DIR } from "./run_lock.ts";
import { unsafeNameReason } from "./safe_name.ts";

/** Why a result file path cannot be built. */
export class UnsafeNameError extends Error {
  /**
   * Builds the error.
   *
   * @param message The reason.
   */
  constructor(message: string) {
    super(message);
    this.name = "UnsafeNameError";
  }
}

/**
 * The result file of an item's phase. The ID and phase must be safe file
 * name components, so the path always stays inside `.phase-golem/`.
 *
 * @param root Project root.
 * @param itemId Item ID.
 * @param phase Phase name (`triage` for triage).
 * @returns The absolute path.
 * @throws {UnsafeNameError} For an ID or phase with `/`, `..`, control or shell characters.
 */
export function resultFilePath(root: string, itemId: string, phase: string): string {
  const reason = unsafeNameReason(itemId, phase);
  if (reason !== null) throw new UnsafeNameError(reason);
  return `${root}/${RUNTIME_DIR}/phase_result_${itemId}_${phase}.json`;
}

/**
 * Deletes every regular file named `phase_result_*.json` in `.phase-golem/`
 * (other names and directories are left alone; errors are warnings).
 *
 * @param fs File system.
 * @param root Project root.
 * @param warn Receives the warnings.
 * @returns How many files were deleted.
 */
export async function cleanupResultFiles(
  fs: FileSystem,
  root: string,
  warn: (message: string) => void,
): Promise<number> {
  const dir = `${root}/${RUNTIME_DIR}`;
  let names: string[];
  try {
    names = await fs.readDir(dir);
  } catch {
    return 0;
  }
  let n = 0;
  for (const name of names) {
    if (!name.startsWith("phase_result_") || !name.endsWith(".json")) continue;
    const path = `${dir}/${name}`;
    try {
      const info = await fs.stat(path);
      if (!info?.isFile) continue;
      await fs.remove(path);
      n++;
    } catch (e) {
      warn(`Warning: could not delete stale result file ${path}: ${(e as Error).message}`);
    }
  }
  return n;
}
