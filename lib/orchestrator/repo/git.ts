/**
 * phase-golem's git operations (pg.md §6.4, §6.9, §8.2, §8.15), all through
 * an injected {@linkcode ProcessRunner}: NUL-safe status parsing, staging of
 * listed paths, commits only when something is staged, HEAD and ancestry,
 * and the preconditions of `run` and `triage`.
 *
 * Paths a run did not produce are protected: the paths staged before the
 * run starts (someone else's work in progress) are recorded by the caller
 * and passed as `exclude`; they are never staged again and never committed.
 *
 * Every command runs with `--literal-pathspecs`, so a file name such as
 * `:(glob)*` or `*` is a name, never a pattern, and with the paths after
 * `--`, so a name starting with `-` is never an option. Nothing goes
 * through a shell.
 *
 * @module
 */

import { PgError } from "../../adapter/pg_error.ts";
import type { FileSystem } from "../../io/fs.ts";
import { resolve } from "../../io/path.ts";
import type { ProcessRunner, RunResult } from "../../io/process_runner.ts";
import { COMMITTED_STORE_FILES } from "../../store/git.ts";

/** One entry of `git status --porcelain -z`. */
export interface StatusEntry {
  /** Index status letter (`X`): ` `, `M`, `A`, `D`, `R`, `C`, `U`, `?`, `!`. */
  index: string;
  /** Work-tree status letter (`Y`). */
  worktree: string;
  /** The path (the new path of a rename or copy), relative to the repository root. */
  path: string;
  /** The old path of a rename or copy. */
  origPath?: string;
}

/**
 * Parses `git status --porcelain -z` output: `XY PATH\0`, and for renames
 * and copies `XY NEW\0OLD\0`. Paths are taken verbatim (no quoting with
 * `-z`), so spaces, quotes, newlines and non-ASCII names survive.
 *
 * @param out The raw output.
 * @returns The entries in output order.
 * @throws {SyntaxError} When an entry is malformed.
 *
 * @example
 * ```ts
 * import { parsePorcelainZ } from "./git.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(parsePorcelainZ("R  new name.txt\0old\0?? a\nb\0"), [
 *   { index: "R", worktree: " ", path: "new name.txt", origPath: "old" },
 *   { index: "?", worktree: "?", path: "a\nb" },
 * ]);
 * assert.throws(() => parsePorcelainZ("R  new\0"), SyntaxError); // a rename without its source
 * ```
 */
export function parsePorcelainZ(out: string): StatusEntry[] {
  const parts = out.split("\0");
  const entries: StatusEntry[] = [];
  for (let i = 0; i < parts.length; i++) {
    const rec = parts[i]!;
    if (rec === "") continue;
    if (rec.length < 4 || rec[2] !== " ") {
      throw new SyntaxError(`Malformed git status entry: ${JSON.stringify(rec)}`);
    }
    const entry: StatusEntry = { index: rec[0]!, worktree: rec[1]!, path: rec.slice(3) };
    if (
      entry.index === "R" || entry.index === "C" || entry.worktree === "R" ||
      entry.worktree === "C"
    ) {
      const orig = parts[++i];
      if (orig === undefined || orig === "") {
        throw new SyntaxError(`Rename without its source path: ${JSON.stringify(rec)}`);
      }
      entry.origPath = orig;
    }
    entries.push(entry);
  }
  return entries;
}

/**
 * The paths that have changes not yet in the index (work-tree status not
 * blank): what `git add` still has to record. Fully staged entries (a
 * staged deletion or rename) are left out, since `git add` of a path that
 * exists in neither the index nor the work tree fails.
 *
 * @param entries Status entries.
 * @returns The paths, each once, in order.
 */
export function unstagedPaths(entries: readonly StatusEntry[]): string[] {
  const seen = new Set<string>();
  for (const e of entries) {
    if (e.worktree === " ") continue;
    if (e.origPath !== undefined && (e.worktree === "R" || e.worktree === "C")) {
      seen.add(e.origPath);
    }
    seen.add(e.path);
  }
  return [...seen];
}

/** What {@linkcode GitRepo.preconditionFailure} says about uncommitted changes. */
export const DIRTY_TREE_MESSAGE =
  "Working tree is not clean. Commit or stash changes before running phase-golem.";

/** The store files pg stages after changing them (the items and the event logs). */
export const STORE_FILES: readonly string[] = COMMITTED_STORE_FILES;
/** The worklog directory. */
export const WORKLOG_DIR = "_worklog";

/** Options for {@linkcode GitRepo}. */
export interface GitRepoOptions {
  /** Runs git. */
  runner: ProcessRunner;
  /** The repository root (absolute); every command runs there. */
  root: string;
  /** Used to look for rebase and merge state in the git directory. */
  fs: FileSystem;
}

/** What {@linkcode GitRepo.commit} did. */
export type CommitOutcome =
  | { committed: true; sha: string }
  | { committed: false; reason: "nothing_staged" };

/** Options for {@linkcode GitRepo.commit}. */
export interface CommitOptions {
  /** Paths that must not be committed (staged by someone else before the run). */
  exclude?: ReadonlySet<string>;
}

const CHUNK = 500;

/**
 * The git operations of one repository.
 *
 * @example Commit a phase's work, never what someone else staged (in a temp repo)
 * ```ts
 * import { DenoFileSystem, DenoProcessRunner } from "@golem/golem";
 * import { GitRepo } from "./git.ts";
 * import assert from "node:assert/strict";
 *
 * const root = await Deno.makeTempDir();
 * try {
 *   const runner = new DenoProcessRunner();
 *   const sh = (...args: string[]) => runner.run("git", args, { cwd: root });
 *   await sh("init", "-q");
 *   await sh("config", "user.name", "pg");
 *   await sh("config", "user.email", "pg@example.com");
 *   await sh("config", "commit.gpgsign", "false");
 *   await sh("config", "core.hooksPath", ".no-hooks");
 *   const git = new GitRepo({ runner, root, fs: new DenoFileSystem() });
 *   await Deno.writeTextFile(`${root}/notes.md`, "not pg's\n");
 *   await git.stagePaths(["notes.md"]); // staged by someone else before the run
 *
 *   const before = await git.stagedPaths();
 *   await Deno.writeTextFile(`${root}/parser.ts`, "export {};\n");
 *   assert.deepEqual(await git.stageDirty({ exclude: before }), ["parser.ts"]);
 *   const outcome = await git.commit("[WRK-001][build] Add parser", { exclude: before });
 *   assert.deepEqual(outcome, { committed: true, sha: await git.headSha() });
 *   // notes.md is still staged, and not in the commit.
 *   assert.deepEqual(await git.stagedPaths(), new Set(["notes.md"]));
 *   assert.deepEqual(await git.commit("Nothing", { exclude: before }), {
 *     committed: false,
 *     reason: "nothing_staged",
 *   });
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
 * ```
 */
export class GitRepo {
  readonly #runner: ProcessRunner;
  readonly #root: string;
  readonly #fs: FileSystem;

  /**
   * Binds the operations to a repository.
   *
   * @param options Runner, root and file system.
   */
  constructor(options: GitRepoOptions) {
    this.#runner = options.runner;
    this.#root = options.root;
    this.#fs = options.fs;
  }

  /** The repository root. */
  get root(): string {
    return this.#root;
  }

  async #exec(args: string[]): Promise<RunResult> {
    try {
      return await this.#runner.run("git", ["--literal-pathspecs", ...args], { cwd: this.#root });
    } catch (e) {
      throw new PgError("Git", `Failed to run git ${args[0]}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  async #git(args: string[]): Promise<string> {
    const r = await this.#exec(args);
    if (r.code !== 0) {
      const detail = r.stderr.trim() || r.stdout.trim() || `exit code ${r.code}`;
      throw new PgError("Git", `git ${args[0]} failed: ${detail}`);
    }
    return r.stdout;
  }

  /**
   * `git status --porcelain -z --untracked-files=all`, optionally limited to paths.
   *
   * @param paths Limit to these paths (all when absent).
   * @returns The entries.
   * @throws {PgError} `Git`.
   */
  async status(paths?: readonly string[]): Promise<StatusEntry[]> {
    const args = ["status", "--porcelain", "-z", "--untracked-files=all"];
    if (paths !== undefined) args.push("--", ...paths);
    const out = await this.#git(args);
    try {
      return parsePorcelainZ(out);
    } catch (e) {
      throw new PgError("Git", (e as Error).message, { cause: e });
    }
  }

  /**
   * Whether the working tree is clean (`git status --porcelain` prints nothing).
   *
   * @returns `true` when clean.
   */
  async isClean(): Promise<boolean> {
    const r = await this.#git(["status", "--porcelain", "-z"]);
    return r === "";
  }

  /**
   * The paths whose index content differs from HEAD (renames as a deletion
   * and an addition, so both paths are listed).
   *
   * @returns The staged paths.
   * @throws {PgError} `Git`.
   */
  async stagedPaths(): Promise<Set<string>> {
    const out = await this.#git(["diff", "--cached", "--name-only", "-z", "--no-renames"]);
    return new Set(out.split("\0").filter((p) => p !== ""));
  }

  /**
   * `git add -A -- paths` (deletions are staged too), in chunks.
   *
   * @param paths Paths relative to the root.
   * @throws {PgError} `Git`.
   */
  async stagePaths(paths: readonly string[]): Promise<void> {
    for (let i = 0; i < paths.length; i += CHUNK) {
      await this.#git(["add", "-A", "--", ...paths.slice(i, i + CHUNK)]);
    }
  }

  /**
   * Stages every dirty or untracked path in the repository except `exclude`
   * (pg.md §6.4 step 1). Changes already staged stay staged.
   *
   * @param options Paths never to stage.
   * @returns The paths staged.
   * @throws {PgError} `Git`.
   */
  async stageDirty(options: { exclude?: ReadonlySet<string> } = {}): Promise<string[]> {
    const exclude = options.exclude ?? new Set<string>();
    const paths = unstagedPaths(await this.status()).filter((p) => !exclude.has(p));
    await this.stagePaths(paths);
    return paths;
  }

  /**
   * Stages the listed paths that are dirty (missing or clean paths are
   * skipped, so `git add` never fails on a path that does not exist).
   *
   * @param paths Files or directories.
   * @param options Paths never to stage.
   * @returns The paths staged (empty when everything was already staged).
   * @throws {PgError} `Git`.
   */
  async stageIfDirty(
    paths: readonly string[],
    options: { exclude?: ReadonlySet<string> } = {},
  ): Promise<string[]> {
    const exclude = options.exclude ?? new Set<string>();
    const dirty = unstagedPaths(await this.status(paths)).filter((p) => !exclude.has(p));
    await this.stagePaths(dirty);
    return dirty;
  }

  /**
   * Commits what is staged, never the excluded paths. Makes no empty
   * commits: with nothing (else) staged it returns `nothing_staged`. Hooks
   * run; a rejected commit is an error.
   *
   * @param message The commit message.
   * @param options Paths that must not be committed.
   * @returns The new commit, or why none was made.
   * @throws {PgError} `Git` with git's output when the commit fails.
   */
  async commit(message: string, options: CommitOptions = {}): Promise<CommitOutcome> {
    const exclude = options.exclude ?? new Set<string>();
    const staged = [...await this.stagedPaths()];
    const mine = staged.filter((p) => !exclude.has(p));
    if (mine.length === 0) return { committed: false, reason: "nothing_staged" };
    const args = ["commit", "-q", "-m", message];
    // Only when foreign paths are staged: commit just our paths (`--only`
    // semantics of a pathspec), leaving the others staged and uncommitted.
    if (mine.length < staged.length) args.push("--", ...mine);
    await this.#git(args);
    return { committed: true, sha: await this.headSha() };
  }

  /**
   * `git rev-parse HEAD`.
   *
   * @returns The full SHA.
   * @throws {PgError} `Git` (e.g. no commit yet).
   */
  async headSha(): Promise<string> {
    const sha = (await this.#git(["rev-parse", "HEAD"])).trim();
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) {
      throw new PgError("Git", `Unexpected output of git rev-parse HEAD: '${sha}'`);
    }
    return sha;
  }

  /**
   * Whether `sha` is an ancestor of HEAD (pg.md §8.2): `true` on exit 0,
   * `false` on exit 1.
   *
   * @param sha A commit SHA.
   * @returns Whether it is in HEAD's history.
   * @throws {PgError} `Git` for a malformed SHA (`Invalid SHA: '{sha}'`), an
   *   unknown commit or any other git failure.
   */
  async isAncestor(sha: string): Promise<boolean> {
    if (!/^[0-9a-fA-F]{4,64}$/.test(sha)) throw new PgError("Git", `Invalid SHA: '${sha}'`);
    const r = await this.#exec(["merge-base", "--is-ancestor", sha, "HEAD"]);
    if (r.code === 0) return true;
    if (r.code === 1) return false;
    throw new PgError("Git", r.stderr.trim() || `git merge-base exited with ${r.code}`);
  }

  /**
   * The checks `run` and `triage` make before starting (pg.md §8.15), in
   * order; the first failure is returned.
   *
   * @returns The failure message, or `null` when all pass.
   */
  async preconditionFailure(): Promise<string | null> {
    let r: RunResult;
    try {
      r = await this.#exec(["rev-parse", "--git-dir"]);
    } catch {
      return "Not a git repository (or git is not installed)";
    }
    if (r.code !== 0) return "Not a git repository (or git is not installed)";
    const gitDir = resolve(this.#root, r.stdout.trim());
    const status = await this.#exec(["status", "--porcelain"]);
    if (status.code !== 0 || status.stdout.trim() !== "") {
      return DIRTY_TREE_MESSAGE;
    }
    const head = await this.#exec(["symbolic-ref", "--quiet", "HEAD"]);
    if (head.code !== 0) {
      return "Detached HEAD state detected. Check out a branch before running phase-golem.";
    }
    const exists = async (name: string) =>
      (await this.#fs.stat(`${gitDir}/${name}`).catch(() => null)) !== null;
    if (await exists("rebase-merge") || await exists("rebase-apply")) {
      return "Rebase in progress. Complete or abort the rebase before running phase-golem.";
    }
    if (await exists("MERGE_HEAD")) {
      return "Merge in progress. Complete or abort the merge before running phase-golem.";
    }
    return null;
  }
}
