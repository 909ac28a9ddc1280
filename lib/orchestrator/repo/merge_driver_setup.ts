/**
 * What a clone needs before `pg run --sync` can merge another worker's
 * store: the `tg` merge driver defined in its git config, and the store
 * files routed to it by attributes. Git never takes a driver's definition
 * from the repository, so every clone needs it once; pg adds what is
 * missing and leaves what is there. The worklog, which every worker appends
 * to, gets a driver of its own that appends (`pg-append`).
 *
 * @module
 */

import type { FileSystem } from "../../io/fs.ts";
import { dirname } from "../../io/path.ts";
import {
  GITATTRIBUTES_LINES,
  MERGE_DRIVER_COMMAND,
  MERGE_DRIVER_NAME,
} from "../../store/gitattributes.ts";
import type { GitRemote } from "./git_remote.ts";

/** The store files the driver must merge (those `tg init` routes to it). */
export const DRIVER_PATHS: readonly string[] = GITATTRIBUTES_LINES
  .filter((l) => !l.startsWith("#"))
  .map((l) => l.split(" ")[0]!);

/** What {@linkcode ensureMergeDriver} did. */
export interface MergeDriverSetup {
  /** The driver command in effect (`merge.tg.driver`). */
  command: string;
  /** Whether pg defined the driver now (it was missing). */
  configured: boolean;
  /**
   * Where pg routed the store files to the driver, because the repository's
   * attributes did not (`.git/info/attributes`, local to the clone), or `null`.
   */
  attributesPath: string | null;
}

/**
 * Quotes a word for the POSIX shell git runs a merge driver with.
 *
 * @param word The word.
 * @returns It in single quotes (`'` written as `'\''`), or as it is when it needs none.
 *
 * @example
 * ```ts
 * import { shellQuote } from "./merge_driver_setup.ts";
 * import assert from "node:assert/strict";
 * assert.equal(shellQuote("/usr/bin/deno"), "/usr/bin/deno");
 * assert.equal(shellQuote("/home/me/my tools/tg.ts"), "'/home/me/my tools/tg.ts'");
 * assert.equal(shellQuote("it's"), "'it'\\''s'");
 * ```
 */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * Makes sure git merges the store files of this clone with the `tg` merge
 * driver: defines `merge.tg.driver` (and `merge.tg.name`) in the clone's
 * config when it is not defined, and, when the repository's attributes do
 * not route the store files to it, adds `tg init`'s lines to the clone's
 * `info/attributes` (never to the committed `.gitattributes`). A driver the
 * user defined is kept.
 *
 * @param git Git in the clone.
 * @param fs File system.
 * @param command The driver command to define when none is (default
 *   `tg merge-driver %O %A %B %P`).
 * @returns What is in effect and what was added.
 */
export async function ensureMergeDriver(
  git: GitRemote,
  fs: FileSystem,
  command: string = MERGE_DRIVER_COMMAND,
): Promise<MergeDriverSetup> {
  const key = `merge.${MERGE_DRIVER_NAME}.driver`;
  let current = await git.configGet(key);
  let configured = false;
  if (current === null || current.trim() === "") {
    await git.configSet(`merge.${MERGE_DRIVER_NAME}.name`, "task-golem store merge by item ID");
    await git.configSet(key, command);
    current = command;
    configured = true;
  }
  const attrs = await git.checkAttr("merge", DRIVER_PATHS);
  let attributesPath: string | null = null;
  if (DRIVER_PATHS.some((p) => attrs.get(p) !== MERGE_DRIVER_NAME)) {
    attributesPath = await git.gitPath("info/attributes");
    await fs.mkdirp(dirname(attributesPath));
    const bytes = await fs.readFile(attributesPath);
    const text = bytes === null ? "" : new TextDecoder().decode(bytes);
    const present = new Set(text.split("\n").map((l) => l.trim()));
    const missing = GITATTRIBUTES_LINES.filter((l) => !l.startsWith("#") && !present.has(l));
    const prefix = text.length > 0 && !text.endsWith("\n") ? "\n" : "";
    await fs.writeFile(
      attributesPath,
      new TextEncoder().encode(prefix + missing.map((l) => l + "\n").join("")),
      { append: true },
    );
  }
  return { command: current, configured, attributesPath };
}

/** Name of the driver of append-only files (the worklog). */
export const APPEND_DRIVER_NAME = "pg-append";

/**
 * The `pg-append` driver: when both sides only appended to the common base,
 * the result is the other side's file followed by what this side appended
 * (so entries stay whole and in push order); anything else is left as a
 * conflict (exit 1). Plain POSIX shell and coreutils, no process of pg's.
 */
export const APPEND_DRIVER_COMMAND = "sh -c '" +
  'n=$(wc -c < "$1") && head -c "$n" "$2" | cmp -s - "$1" && ' +
  'head -c "$n" "$3" | cmp -s - "$1" && tail -c +"$((n + 1))" "$2" > "$2.pg-append" && ' +
  'cat "$3" "$2.pg-append" > "$2" && rm -f "$2.pg-append"' +
  "' - %O %A %B";

/**
 * Routes append-only files (the worklog) of this clone to the `pg-append`
 * driver, defining it when it is not defined: the clone's config and
 * `info/attributes`, nothing committed.
 *
 * @param git Git in the clone.
 * @param fs File system.
 * @param patterns Attribute patterns of the files, e.g. `_worklog/*.md`.
 * @returns Whether anything was added.
 *
 * @example The driver appends what this side wrote after the other side's text
 * ```ts ignore
 * // base "a\n", ours "a\nours\n", theirs "a\ntheirs\n" → ours becomes "a\ntheirs\nours\n"
 * await ensureAppendDriver(git, fs, ["_worklog/*.md"]);
 * ```
 */
export async function ensureAppendDriver(
  git: GitRemote,
  fs: FileSystem,
  patterns: readonly string[],
): Promise<boolean> {
  let changed = false;
  if ((await git.configGet(`merge.${APPEND_DRIVER_NAME}.driver`)) === null) {
    await git.configSet(
      `merge.${APPEND_DRIVER_NAME}.name`,
      "phase-golem: files only appended to (the other side's text, then ours)",
    );
    await git.configSet(`merge.${APPEND_DRIVER_NAME}.driver`, APPEND_DRIVER_COMMAND);
    changed = true;
  }
  const path = await git.gitPath("info/attributes");
  const bytes = await fs.readFile(path);
  const text = bytes === null ? "" : new TextDecoder().decode(bytes);
  const present = new Set(text.split("\n").map((l) => l.trim()));
  const missing = patterns.map((p) => `${p} merge=${APPEND_DRIVER_NAME}`)
    .filter((l) => !present.has(l));
  if (missing.length > 0) {
    await fs.mkdirp(dirname(path));
    const prefix = text.length > 0 && !text.endsWith("\n") ? "\n" : "";
    await fs.writeFile(
      path,
      new TextEncoder().encode(prefix + missing.map((l) => l + "\n").join("")),
      { append: true },
    );
    changed = true;
  }
  return changed;
}
