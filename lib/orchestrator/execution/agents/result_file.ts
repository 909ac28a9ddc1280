/**
 * The result file of an agent run (pg.md §8.8): where it lives, the names
 * that may go into its path, reading and deleting it, and the startup and
 * shutdown cleanup. Nothing here reads, writes or deletes outside
 * `{root}/.phase-golem/`, and nothing follows a symlink there.
 *
 * @module
 */

import { join, resolve } from "../../../io/path.ts";
import { parsePhaseResult, type PhaseResult } from "../phase_result.ts";

/** The runtime directory under the project root. */
export const RESULT_DIR = ".phase-golem";

/** Largest result file pg reads (a bigger one is an agent failure). */
export const MAX_RESULT_BYTES = 16 * 1024 * 1024;

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const MAX_NAME_LENGTH = 200;
const RESULT_FILE = /^phase_result_[A-Za-z0-9][A-Za-z0-9._-]*\.json$/;

/**
 * An item ID or phase name that cannot be part of a file name: it could
 * leave `.phase-golem/` or confuse a reader of the path.
 *
 * @example
 * ```ts
 * import { safeResultPath, UnsafeNameError } from "./result_file.ts";
 * import assert from "node:assert/strict";
 * assert.throws(() => safeResultPath(".", "../x", "prd"), UnsafeNameError);
 * ```
 */
export class UnsafeNameError extends Error {
  /** Which name was refused. */
  readonly what: "item ID" | "phase name";
  /** The refused value. */
  readonly value: string;

  /**
   * Builds the error.
   *
   * @param what Which name.
   * @param value The refused value.
   * @param why The rule it breaks.
   */
  constructor(what: "item ID" | "phase name", value: string, why: string) {
    super(`Refusing ${what} ${JSON.stringify(value)} in a file name: ${why}`);
    this.name = "UnsafeNameError";
    this.what = what;
    this.value = value;
  }
}

/**
 * Why a name cannot be used in a file name, or `null` when it can. Allowed:
 * 1 to 200 ASCII letters, digits, `.`, `_`, `-`, starting with a letter or
 * digit, without `..` — so no `/`, no whitespace or newline, no shell
 * metacharacter.
 *
 * @param name An item ID or phase name.
 * @returns The broken rule, or `null`.
 *
 * @example
 * ```ts
 * import { unsafeNameReason } from "./result_file.ts";
 * import assert from "node:assert/strict";
 * assert.equal(unsafeNameReason("WRK-001"), null);
 * assert.equal(unsafeNameReason("tech-research"), null);
 * assert.match(unsafeNameReason("a/b")!, /only letters/);
 * ```
 */
export function unsafeNameReason(name: string): string | null {
  if (name === "") return "it is empty";
  if (name.length > MAX_NAME_LENGTH) return `it is longer than ${MAX_NAME_LENGTH} characters`;
  if (!SAFE_NAME.test(name)) {
    return "only letters, digits, '.', '_' and '-' are allowed, starting with a letter or digit";
  }
  if (name.includes("..")) return "'..' is not allowed";
  return null;
}

/**
 * The result file of one phase run, `{root}/.phase-golem/phase_result_{ID}_{PHASE}.json`
 * (triage uses phase `triage`), with `root` kept as given (`.` gives
 * `./.phase-golem/…`). Refuses an item ID or phase name that
 * {@linkcode unsafeNameReason} rejects, so a hostile store or config never
 * makes pg touch a file outside `.phase-golem/`.
 *
 * @param root The project root, as given.
 * @param itemId The item's ID.
 * @param phase The phase name.
 * @returns The path.
 * @throws {UnsafeNameError} For an unsafe ID or phase name.
 *
 * @example
 * ```ts
 * import { safeResultPath } from "./result_file.ts";
 * import assert from "node:assert/strict";
 * assert.equal(safeResultPath(".", "WRK-001", "spec"), "./.phase-golem/phase_result_WRK-001_spec.json");
 * ```
 */
export function safeResultPath(root: string, itemId: string, phase: string): string {
  const idProblem = unsafeNameReason(itemId);
  if (idProblem !== null) throw new UnsafeNameError("item ID", itemId, idProblem);
  const phaseProblem = unsafeNameReason(phase);
  if (phaseProblem !== null) throw new UnsafeNameError("phase name", phase, phaseProblem);
  return join(root, RESULT_DIR, `phase_result_${itemId}_${phase}.json`);
}

/**
 * Why `resultPath` is not a result file directly inside `{root}/.phase-golem/`
 * (named `phase_result_*.json` with safe characters), or `null` when it is.
 * `.phase-golem` must be a real directory (not a symlink); it is created
 * when missing.
 *
 * @param root The project root.
 * @param resultPath The path the agent will be told to write.
 * @returns The problem, or `null`.
 */
export async function checkResultPath(root: string, resultPath: string): Promise<string | null> {
  const cwd = Deno.cwd();
  const dir = resolve(cwd, join(root, RESULT_DIR));
  const full = resolve(cwd, resultPath);
  const slash = full.lastIndexOf("/");
  const name = full.slice(slash + 1);
  if (full.slice(0, slash) !== dir || !RESULT_FILE.test(name) || name.includes("..")) {
    return `not a phase_result_*.json file directly in ${join(root, RESULT_DIR)}`;
  }
  try {
    await Deno.mkdir(dir, { recursive: true });
    const info = await Deno.lstat(dir);
    if (!info.isDirectory) return `${join(root, RESULT_DIR)} is not a directory`;
  } catch (e) {
    return `cannot create ${join(root, RESULT_DIR)}: ${(e as Error).message}`;
  }
  return null;
}

/**
 * Deletes a result file left from an earlier attempt.
 *
 * @param path The result file.
 * @returns The warning to show when a file was deleted, else `null`.
 * @throws {Error} A deletion error other than "not found" (the attempt is aborted).
 */
export async function removeStaleResultFile(path: string): Promise<string | null> {
  try {
    await Deno.remove(path);
    return `Warning: Stale result file found at ${path}, deleted`;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

/** What reading a result file gave. */
export type ResultFileRead =
  | { ok: true; result: PhaseResult }
  | { ok: false; reason: string };

/**
 * Reads and validates a result file. A missing file, a file that is not
 * regular (symlinks are not followed), one over {@linkcode MAX_RESULT_BYTES},
 * invalid UTF-8 and schema errors are failures with the reason pg.md §8.8
 * prescribes. The file is deleted only when it was valid; a bad file stays
 * for the cleanup.
 *
 * @param path The result file.
 * @returns The result, or why there is none.
 */
export async function readResultFile(path: string): Promise<ResultFileRead> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      return { ok: false, reason: `Result file not found: ${path}` };
    }
    return { ok: false, reason: `Failed to read result file ${path}: ${(e as Error).message}` };
  }
  if (!info.isFile) {
    return { ok: false, reason: `Failed to read result file ${path}: not a regular file` };
  }
  if (info.size > MAX_RESULT_BYTES) {
    return {
      ok: false,
      reason: `Failed to read result file ${path}: ${info.size} bytes is more than the ${
        MAX_RESULT_BYTES / 1024 / 1024
      } MiB a result file may have`,
    };
  }
  let text: string;
  try {
    const bytes = await Deno.readFile(path);
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (e) {
    const msg = e instanceof TypeError
      ? "stream did not contain valid UTF-8"
      : (e as Error).message;
    return { ok: false, reason: `Failed to read result file ${path}: ${msg}` };
  }
  let result: PhaseResult;
  try {
    result = parsePhaseResult(text, path);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  await Deno.remove(path).catch(() => {});
  return { ok: true, result };
}

/** Options for {@linkcode cleanupResultFiles}. */
export interface CleanupOptions {
  /** Receives a warning for each file that could not be deleted. */
  onWarning?: (message: string) => void;
}

/** What {@linkcode cleanupResultFiles} did. */
export interface CleanupReport {
  /** How many files were deleted. */
  deleted: number;
  /** `[{ctx}] Cleaned up {n} stale result file(s) from .phase-golem/`, or `null` when none were. */
  message: string | null;
}

/**
 * Startup and shutdown cleanup (pg.md §8.8): deletes every regular file
 * named `phase_result_*.json` directly in `{root}/.phase-golem/`.
 * Directories, symlinks and other names are left alone; a missing
 * directory is nothing to do; errors are only warnings.
 *
 * @param root The project root.
 * @param ctx The log context, e.g. `run` or `triage`.
 * @param options Warning sink.
 * @returns What was deleted and the log line.
 *
 * @example Clean up a temporary project
 * ```ts
 * import { cleanupResultFiles } from "./result_file.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * try {
 *   await Deno.mkdir(`${root}/.phase-golem`);
 *   await Deno.writeTextFile(`${root}/.phase-golem/phase_result_WRK-001_prd.json`, "{}");
 *   await Deno.writeTextFile(`${root}/.phase-golem/notes.txt`, "kept");
 *
 *   const report = await cleanupResultFiles(root, "run");
 *   assert.equal(report.deleted, 1);
 *   assert.equal(report.message, "[run] Cleaned up 1 stale result file(s) from .phase-golem/");
 *   assert.equal(await Deno.readTextFile(`${root}/.phase-golem/notes.txt`), "kept");
 *
 *   // Nothing left to delete: no log line.
 *   assert.deepEqual(await cleanupResultFiles(root, "run"), { deleted: 0, message: null });
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
 * ```
 */
export async function cleanupResultFiles(
  root: string,
  ctx: string,
  options: CleanupOptions = {},
): Promise<CleanupReport> {
  const dir = join(root, RESULT_DIR);
  const warn = options.onWarning ?? (() => {});
  let deleted = 0;
  try {
    const info = await Deno.lstat(dir);
    if (!info.isDirectory) return { deleted: 0, message: null };
    for await (const entry of Deno.readDir(dir)) {
      if (!entry.isFile || !entry.name.startsWith("phase_result_")) continue;
      if (!entry.name.endsWith(".json")) continue;
      const path = join(dir, entry.name);
      try {
        await Deno.remove(path);
        deleted++;
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound)) {
          warn(`Warning: Failed to delete stale result file ${path}: ${(e as Error).message}`);
        }
      }
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) {
      warn(`Warning: Failed to clean up ${dir}: ${(e as Error).message}`);
    }
  }
  return {
    deleted,
    message: deleted === 0
      ? null
      : `[${ctx}] Cleaned up ${deleted} stale result file(s) from ${RESULT_DIR}/`,
  };
}
