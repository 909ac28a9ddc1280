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

/**
 * `git add -- .task-golem/tasks.jsonl .task-golem/archive.jsonl`.
 *
 * @param runner Process runner.
 * @param root Repository root.
 */
export async function stageSelf(runner: ProcessRunner, root: string): Promise<void> {
  await git(runner, root, ["add", "--", ".task-golem/tasks.jsonl", ".task-golem/archive.jsonl"]);
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
