/**
 * Git helpers that stage and commit the store's own files. They run in the
 * repository root (the parent of `.task-golem`).
 *
 * @module
 */

import type { ProcessRunner } from "../io/process_runner.ts";
import { ioError } from "./errors.ts";

async function git(runner: ProcessRunner, root: string, args: string[]): Promise<string> {
  let r;
  try {
    r = await runner.run("git", args, { cwd: root });
  } catch (e) {
    throw ioError(new Error(`Failed to run git ${args[0]}: ${(e as Error).message}`, { cause: e }));
  }
  if (r.code !== 0) throw ioError(new Error(`git ${args[0]} failed: ${r.stderr.trim()}`));
  return r.stdout;
}

/** The store files that are committed with the project, relative to its root. */
export const COMMITTED_STORE_FILES: readonly string[] = [
  ".task-golem/tasks.jsonl",
  ".task-golem/archive.jsonl",
  ".task-golem/events.jsonl",
  ".task-golem/events.archive.jsonl",
];

/**
 * Stages the store files that changed: `tasks.jsonl`, `archive.jsonl` and
 * the two event logs (`git add` of those `git status` lists).
 *
 * @param runner Process runner.
 * @param root Repository root.
 */
export async function stageSelf(runner: ProcessRunner, root: string): Promise<void> {
  const status = await git(runner, root, [
    "status",
    "--porcelain",
    "-z",
    "--untracked-files=all",
    "--",
    ...COMMITTED_STORE_FILES,
  ]);
  const dirty = status.split("\0").filter((e) => e.length > 3).map((e) => e.slice(3))
    .filter((p) => COMMITTED_STORE_FILES.includes(p));
  if (dirty.length > 0) await git(runner, root, ["add", "--", ...dirty]);
}

/**
 * `git commit -m <message>`, then returns `git rev-parse HEAD`.
 *
 * @param runner Process runner.
 * @param root Repository root.
 * @param message Commit message.
 * @returns The new commit's SHA.
 * @throws {TaskStoreError} `Io` when git fails (also when nothing is staged).
 */
export async function commit(
  runner: ProcessRunner,
  root: string,
  message: string,
): Promise<string> {
  await git(runner, root, ["commit", "-m", message]);
  return (await git(runner, root, ["rev-parse", "HEAD"])).trim();
}
