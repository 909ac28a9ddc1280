/**
 * Starting again after a run that was killed (SIGKILL, power loss): the
 * killed run may have left its task state uncommitted (`tasks.jsonl` with
 * the phase start it recorded, archive, worklog), which would make the
 * clean-tree check refuse every later run. When those files are the only
 * changes, they are committed so the interrupted items can resume.
 *
 * @module
 */

import { type GitRepo, STORE_FILES, WORKLOG_DIR } from "./git.ts";

/** The commit message of the recovery commit. */
export const RECOVERY_MESSAGE = "[phase-golem] Save task state after an interrupted run";

function isPgState(path: string): boolean {
  return STORE_FILES.includes(path) || path.startsWith(`${WORKLOG_DIR}/`);
}

/**
 * Commits pg's own state files left uncommitted by an interrupted run,
 * when they are the only changes in the working tree. Anything else (an
 * agent's half-written files, the user's edits) is left alone and the
 * clean-tree check reports it.
 *
 * @param git Git in the project root.
 * @returns The new commit's SHA, or `null` when nothing was committed.
 * @throws {PgError} `Git` when staging or committing fails.
 */
export async function recoverInterruptedRun(git: GitRepo): Promise<string | null> {
  if (!(await hasOnlyPgStateChanges(git))) return null;
  await git.stageIfDirty([...STORE_FILES, WORKLOG_DIR]);
  const r = await git.commit(RECOVERY_MESSAGE);
  return r.committed ? r.sha : null;
}

/**
 * Whether the working tree has changes and they are all pg's state files
 * (the store files and the worklog): what {@linkcode recoverInterruptedRun}
 * would commit.
 *
 * @param git Git in the project root.
 * @returns `true` when there is something to recover and nothing else changed.
 * @throws {PgError} `Git` when git status fails.
 */
export async function hasOnlyPgStateChanges(git: GitRepo): Promise<boolean> {
  const entries = await git.status();
  return entries.length > 0 &&
    entries.every((e) => isPgState(e.path) && (e.origPath === undefined || isPgState(e.origPath)));
}
