/**
 * The git operations of `pg run --sync`, through an injected
 * {@linkcode ProcessRunner}: fetch and push one branch of a remote, merge
 * and abort, reset, read a file at a commit or a merge stage, and the
 * repository-local settings of the store's merge driver. Each returns what
 * happened as a value where the caller has a decision to make (a push
 * rejected because the remote moved, a merge that conflicts or that git
 * refused); a failure to run git at all is thrown.
 *
 * Nothing is interactive: git never prompts for credentials
 * (`GIT_TERMINAL_PROMPT=0`) or opens an editor for a merge message, and
 * network commands have a timeout.
 *
 * @module
 */

import { PgError } from "../../adapter/pg_error.ts";
import type { ProcessRunner, RunResult } from "../../io/process_runner.ts";

/** Options for {@linkcode GitRemote}. */
export interface GitRemoteOptions {
  /** Runs git. */
  runner: ProcessRunner;
  /** The repository root (absolute); every command runs there. */
  root: string;
  /** How long a fetch or push may take before it counts as failed (default 120 s). */
  networkTimeoutMs?: number;
}

/** What {@linkcode GitRemote.fetch} found. */
export type FetchOutcome =
  /** The remote branch's commit (`null`: the remote has no such branch yet). */
  | { kind: "fetched"; tip: string | null }
  /** The remote could not be reached (or refused): git's message. */
  | { kind: "failed"; detail: string };

/** What {@linkcode GitRemote.push} did. */
export type PushOutcome =
  /** The remote branch now points at HEAD. */
  | { kind: "pushed" }
  /** The remote branch moved on since it was fetched (a compare-and-swap that lost). */
  | { kind: "rejected"; detail: string }
  /** The remote could not be reached, or refused for another reason. */
  | { kind: "failed"; detail: string };

/** What {@linkcode GitRemote.merge} did. */
export type MergeOutcome =
  /** HEAD already contains the commit. */
  | { kind: "up_to_date" }
  /** HEAD moved to the commit (fast-forward) or a merge commit was made. */
  | { kind: "merged"; fastForward: boolean }
  /** The merge stopped with conflicts in these paths; it is still in progress. */
  | { kind: "conflict"; paths: string[] }
  /** Git refused to start (local changes would be overwritten); nothing changed. */
  | { kind: "refused"; detail: string };

const GIT_OPTIONS = ["-c", "maintenance.auto=false"];

// No prompts, no editor, and messages in English (some are read).
const NO_PROMPT = { GIT_TERMINAL_PROMPT: "0", GIT_MERGE_AUTOEDIT: "no", LC_ALL: "C" };

/**
 * The remote-facing git operations of one repository.
 *
 * @example Push to a bare remote, lose a race, fetch and merge
 * ```ts ignore
 * const git = new GitRemote({ runner: new DenoProcessRunner(), root });
 * if ((await git.push("origin", "main")).kind === "rejected") {
 *   const fetched = await git.fetch("origin", "main");
 *   if (fetched.kind === "fetched" && fetched.tip !== null) await git.merge(fetched.tip, "Merge");
 * }
 * ```
 */
export class GitRemote {
  readonly #runner: ProcessRunner;
  readonly #root: string;
  readonly #networkTimeoutMs: number;

  /**
   * Binds the operations to a repository.
   *
   * @param options Runner, root and network timeout.
   */
  constructor(options: GitRemoteOptions) {
    this.#runner = options.runner;
    this.#root = options.root;
    this.#networkTimeoutMs = options.networkTimeoutMs ?? 120_000;
  }

  async #exec(args: string[], network = false, stdin?: Uint8Array): Promise<RunResult> {
    try {
      // No `git maintenance run --auto` after each fetch, merge and commit: a
      // syncing worker makes many, and the user's own git commands still do it.
      return await this.#runner.run("git", ["--literal-pathspecs", ...GIT_OPTIONS, ...args], {
        cwd: this.#root,
        env: NO_PROMPT,
        ...(network ? { timeoutMs: this.#networkTimeoutMs } : {}),
        ...(stdin === undefined ? {} : { stdin }),
      });
    } catch (e) {
      throw new PgError("Git", `Failed to run git ${args[0]}: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }

  async #git(args: string[]): Promise<string> {
    const r = await this.#exec(args);
    if (r.code !== 0) throw new PgError("Git", `git ${args[0]} failed: ${detailOf(r)}`);
    return r.stdout;
  }

  /**
   * The branch HEAD is on (`git symbolic-ref --short HEAD`).
   *
   * @returns The branch name, or `null` on a detached HEAD.
   */
  async currentBranch(): Promise<string | null> {
    const r = await this.#exec(["symbolic-ref", "--quiet", "--short", "HEAD"]);
    return r.code === 0 ? r.stdout.trim() : null;
  }

  /**
   * The URL of a configured remote.
   *
   * @param remote The remote's name.
   * @returns Its URL, or `null` when there is no such remote.
   */
  async remoteUrl(remote: string): Promise<string | null> {
    const r = await this.#exec(["remote", "get-url", "--", remote]);
    return r.code === 0 ? r.stdout.trim() : null;
  }

  /**
   * Fetches one branch into `refs/remotes/{remote}/{branch}` (forced, no tags).
   *
   * @param remote The remote's name.
   * @param branch The branch.
   * @returns The branch's commit, `null` when the remote has no such branch, or the failure.
   */
  async fetch(remote: string, branch: string): Promise<FetchOutcome> {
    const ref = trackingRef(remote, branch);
    const r = await this.#exec(
      ["fetch", "--quiet", "--no-tags", "--", remote, `+refs/heads/${branch}:${ref}`],
      true,
    );
    if (r.code !== 0) {
      if (/couldn't find remote ref/i.test(r.stderr)) return { kind: "fetched", tip: null };
      return { kind: "failed", detail: r.timedOut ? "timed out" : detailOf(r) };
    }
    return { kind: "fetched", tip: await this.revParse(ref) };
  }

  /**
   * Pushes HEAD to the remote's branch. Git refuses a push that is not a
   * fast-forward, so a push is a compare-and-swap: `rejected` means the
   * branch moved on since the last fetch.
   *
   * @param remote The remote's name.
   * @param branch The branch.
   * @returns What happened.
   */
  async push(remote: string, branch: string): Promise<PushOutcome> {
    const r = await this.#exec(
      ["push", "--porcelain", "--no-verify", "--", remote, `HEAD:refs/heads/${branch}`],
      true,
    );
    if (r.code === 0) return { kind: "pushed" };
    const flagged = r.stdout.split("\n").find((l) => l.startsWith("!\t"));
    if (flagged !== undefined) {
      const summary = flagged.split("\t")[2] ?? flagged;
      // `[rejected] (fetch first)`, `(non-fast-forward)`, `(stale info)`; a
      // `[remote rejected]` lost a race for the ref lock on the remote.
      if (/^\[rejected\]/.test(summary) || /lock|failed to update ref/i.test(summary)) {
        return { kind: "rejected", detail: summary };
      }
      return { kind: "failed", detail: summary };
    }
    return { kind: "failed", detail: r.timedOut ? "timed out" : detailOf(r) };
  }

  /**
   * Merges a commit into HEAD (fast-forward when possible) with the given
   * message. A conflicted merge is left in progress for the caller to
   * resolve ({@linkcode concludeMerge}) or abort ({@linkcode abortMerge}).
   *
   * @param rev The commit.
   * @param message The merge commit's message.
   * @param config Settings for this merge only (`git -c KEY=VALUE`), e.g. a merge driver's command.
   * @returns What happened.
   * @throws {PgError} `Git` when git fails in another way.
   */
  async merge(
    rev: string,
    message: string,
    config: Readonly<Record<string, string>> = {},
  ): Promise<MergeOutcome> {
    const settings = Object.entries(config).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
    const r = await this.#exec([
      ...settings,
      "merge",
      "--no-edit",
      "--no-stat",
      "-m",
      message,
      rev,
    ]);
    if (r.code === 0) {
      if (/^Already up to date/m.test(r.stdout)) return { kind: "up_to_date" };
      return { kind: "merged", fastForward: /^Fast-forward/m.test(r.stdout) };
    }
    if (await this.revParse("MERGE_HEAD") !== null) {
      return { kind: "conflict", paths: await this.unmergedPaths() };
    }
    if (/would be overwritten|untracked working tree files/i.test(r.stderr + r.stdout)) {
      return { kind: "refused", detail: detailOf(r) };
    }
    throw new PgError("Git", `git merge failed: ${detailOf(r)}`);
  }

  /**
   * The paths with unresolved conflicts.
   *
   * @returns The paths, in git's order.
   */
  async unmergedPaths(): Promise<string[]> {
    const out = await this.#git(["diff", "--name-only", "--diff-filter=U", "-z"]);
    return out.split("\0").filter((p) => p !== "");
  }

  /** `git merge --abort`: back to the state before the merge (unrelated local changes stay). */
  async abortMerge(): Promise<void> {
    await this.#git(["merge", "--abort"]);
  }

  /**
   * Commits a merge whose conflicts were resolved and staged.
   *
   * @throws {PgError} `Git` when paths are still unmerged or the commit fails.
   */
  async concludeMerge(): Promise<void> {
    await this.#git(["commit", "--no-edit", "--no-verify", "-q"]);
  }

  /**
   * `git reset --keep REV`: moves the branch to a commit, updating the files
   * that differ; local changes to other files stay (git refuses, changing
   * nothing, when they would be lost).
   *
   * @param rev The commit.
   * @throws {PgError} `Git` when git refuses.
   */
  async resetKeep(rev: string): Promise<void> {
    await this.#git(["reset", "--quiet", "--keep", rev]);
  }

  /**
   * Stages paths (`git add -A`).
   *
   * @param paths Paths relative to the root.
   */
  async add(paths: readonly string[]): Promise<void> {
    if (paths.length > 0) await this.#git(["add", "-A", "--", ...paths]);
  }

  /**
   * The commit a revision names.
   *
   * @param rev A revision (`HEAD`, a ref, a SHA).
   * @returns The full SHA, or `null` when it names nothing.
   */
  async revParse(rev: string): Promise<string | null> {
    const r = await this.#exec(["rev-parse", "--quiet", "--verify", `${rev}^{commit}`]);
    return r.code === 0 ? r.stdout.trim() : null;
  }

  /**
   * Whether `ancestor` is in the history of `rev` (or is `rev`).
   *
   * @param ancestor A commit.
   * @param rev Another commit.
   * @returns The answer.
   * @throws {PgError} `Git` for an unknown commit.
   */
  async isAncestor(ancestor: string, rev: string): Promise<boolean> {
    const r = await this.#exec(["merge-base", "--is-ancestor", ancestor, rev]);
    if (r.code === 0) return true;
    if (r.code === 1) return false;
    throw new PgError("Git", `git merge-base failed: ${detailOf(r)}`);
  }

  /**
   * How many commits `rev` has that `base` does not (`git rev-list --count base..rev`).
   *
   * @param base The commit to compare with (`null`: count all).
   * @param rev The commit.
   * @returns The count.
   */
  async countAhead(base: string | null, rev: string): Promise<number> {
    const range = base === null ? rev : `${base}..${rev}`;
    return Number((await this.#git(["rev-list", "--count", range])).trim());
  }

  /**
   * A file's text in a commit (`git show REV:PATH`) or at a merge stage
   * (`:1:PATH` base, `:2:` ours, `:3:` theirs).
   *
   * @param spec `REV:PATH` or `:N:PATH`.
   * @returns The text, or `null` when there is no such file there.
   */
  async show(spec: string): Promise<string | null> {
    const r = await this.#exec(["show", spec]);
    return r.code === 0 ? r.stdout : null;
  }

  /**
   * The contents of several files in one git process (`git cat-file
   * --batch`): each spec is `REV:PATH` or a merge stage `:N:PATH`.
   *
   * @param specs The files.
   * @returns Each file's bytes in order (`null`: no such file there), or
   *   `null` when git's answer cannot be read back (a file that is not UTF-8).
   */
  async readFiles(specs: readonly string[]): Promise<(Uint8Array | null)[] | null> {
    if (specs.some((s) => s.includes("\n"))) return null;
    if (specs.length === 0) return [];
    const input = new TextEncoder().encode(specs.map((s) => s + "\n").join(""));
    const r = await this.#exec(["cat-file", "--batch"], false, input);
    if (r.code !== 0) throw new PgError("Git", `git cat-file failed: ${detailOf(r)}`);
    // The runner decodes the output as UTF-8: text files come back byte for
    // byte, and anything else no longer adds up to the sizes git gave.
    const out = new TextEncoder().encode(r.stdout);
    const files: (Uint8Array | null)[] = [];
    let at = 0;
    for (const _ of specs) {
      const eol = out.indexOf(10, at);
      if (eol < 0) return null;
      const header = new TextDecoder().decode(out.subarray(at, eol));
      at = eol + 1;
      const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
      if (m === null) {
        if (!header.endsWith(" missing")) return null;
        files.push(null);
        continue;
      }
      const end = at + Number(m[1]);
      if (end >= out.length || out[end] !== 10) return null;
      files.push(out.slice(at, end));
      at = end + 1;
    }
    return at === out.length ? files : null;
  }

  /**
   * A repository-local config value (`git config --local --get`).
   *
   * @param key The key.
   * @returns The value, or `null` when unset.
   */
  async configGet(key: string): Promise<string | null> {
    const r = await this.#exec(["config", "--local", "--get", key]);
    return r.code === 0 ? r.stdout.replace(/\n$/, "") : null;
  }

  /**
   * Sets a repository-local config value.
   *
   * @param key The key.
   * @param value The value.
   */
  async configSet(key: string, value: string): Promise<void> {
    await this.#git(["config", "--local", key, value]);
  }

  /**
   * A path inside the git directory (`git rev-parse --git-path NAME`), absolute.
   *
   * @param name E.g. `info/attributes`.
   * @returns The path.
   */
  async gitPath(name: string): Promise<string> {
    const p = (await this.#git(["rev-parse", "--path-format=absolute", "--git-path", name])).trim();
    return p;
  }

  /**
   * The value of an attribute for paths (`git check-attr ATTR -- PATHS`).
   *
   * @param attr The attribute, e.g. `merge`.
   * @param paths Paths relative to the root.
   * @returns Each path's value (`unspecified`, `set`, `unset` or the value).
   */
  async checkAttr(attr: string, paths: readonly string[]): Promise<Map<string, string>> {
    const out = await this.#git(["check-attr", "-z", attr, "--", ...paths]);
    const parts = out.split("\0");
    const values = new Map<string, string>();
    for (let i = 0; i + 2 < parts.length; i += 3) values.set(parts[i]!, parts[i + 2]!);
    return values;
  }
}

/** The remote-tracking ref of a branch: `refs/remotes/{remote}/{branch}`. */
export function trackingRef(remote: string, branch: string): string {
  return `refs/remotes/${remote}/${branch}`;
}

/** Git's message in one line: the first line of its output that is not a hint. */
function detailOf(r: RunResult): string {
  const line = (r.stderr.trim() || r.stdout.trim()).split("\n")
    .map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("hint:"));
  return line === undefined ? `exit code ${r.code}` : line.replace(/^(fatal|error): /, "");
}
