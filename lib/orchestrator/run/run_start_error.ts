/**
 * The startup checks of a run session that fail with their own message
 * (pg.md §2.4 steps 4–10, §8.13, §8.15). Other startup failures keep their
 * own classes: `RunLockError`, `ConfigError`, `AgentUnavailableError`,
 * `FilterError`.
 *
 * @module
 */

/**
 * Which check failed:
 *
 * - `GitPrecondition`: not a repository, a dirty tree, a detached HEAD, a
 *   rebase or merge in progress (§8.15).
 * - `StoreUnreadable`: the active items could not be loaded.
 * - `InvalidTargets`: `--target` values that are malformed, unknown or
 *   repeated (`problems` lists them).
 * - `InvalidCap`: a phase cap outside 0..4294967295.
 * - `InvalidCostLimit`: a cost limit that is not a number > 0.
 * - `PreflightFailed`: preflight found errors (`problems` lists them, as
 *   displayed).
 * - `SyncSetup`: `--sync` cannot start: no such remote, a bad worker name,
 *   a detached HEAD.
 * - `SyncFailed`: the remote stayed unreachable, or the merge driver failed.
 * - `SyncConflict`: this clone's unpushed commits conflict with the
 *   remote's (merge by hand).
 */
export type RunStartErrorCode =
  | "GitPrecondition"
  | "StoreUnreadable"
  | "InvalidTargets"
  | "InvalidCap"
  | "InvalidCostLimit"
  | "PreflightFailed"
  | "SyncSetup"
  | "SyncFailed"
  | "SyncConflict";

/** Options for {@linkcode RunStartError}. */
export interface RunStartErrorOptions {
  /** The problems found, one per entry. */
  problems?: readonly string[];
  /** The underlying error. */
  cause?: unknown;
}

/** A run that did not start: nothing was spawned, and the session cleaned up. */
export class RunStartError extends Error {
  /** Which check failed. */
  readonly code: RunStartErrorCode;
  /** The problems found (empty for a check that fails with one message). */
  readonly problems: readonly string[];

  /**
   * Builds the error.
   *
   * @param code Which check failed.
   * @param message What to tell the user.
   * @param options The problems and the cause.
   */
  constructor(code: RunStartErrorCode, message: string, options: RunStartErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RunStartError";
    this.code = code;
    this.problems = options.problems ?? [];
  }
}
