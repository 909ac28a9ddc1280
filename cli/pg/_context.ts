/**
 * What every `pg` command gets: the project root, the log level, streams,
 * effects, and lazy access to the config and the store.
 *
 * @module
 */

import type { Parsed } from "../_args.ts";
import type { Io } from "../_io.ts";
import { CliError } from "../_main.ts";
import { DenoFileSystem, type FileSystem } from "../../lib/io/fs.ts";
import { resolve } from "../../lib/io/path.ts";
import { DenoProcessRunner, type ProcessRunner } from "../../lib/io/process_runner.ts";
import { pgAuthor } from "../../lib/adapter/pg_author.ts";
import { commit, stageSelf } from "../../lib/store/git.ts";
import { TaskStore, type TaskStoreOptions } from "../../lib/store/store.ts";
import { STORE_RETRY_DELAYS_MS } from "../../lib/adapter/store_access.ts";
import { lockTimeoutFromEnv } from "../_lock_timeout.ts";
import type { LoadedConfig } from "../../lib/orchestrator/config/config_file.ts";

/** Log levels, least verbose first. */
export type LogLevel = "error" | "warn" | "info" | "debug";
const LEVELS: readonly LogLevel[] = ["error", "warn", "info", "debug"];

/** Context shared by the `pg` commands. */
export class PgContext {
  /** Streams. */
  readonly io: Io;
  /** File system. */
  readonly fs: FileSystem;
  /** Runs git. */
  readonly runner: ProcessRunner;
  /** `--root` as given (used in messages that echo it). */
  readonly rootArg: string;
  /** The project root, absolute. */
  readonly root: string;
  /** `--config`, absolute, when given. */
  readonly configPath: string | undefined;
  /** The log level. */
  readonly level: LogLevel;
  #config: Promise<LoadedConfig> | undefined;
  #store: TaskStore | undefined;

  /**
   * Builds a context (see {@linkcode PgContext.create}).
   *
   * @param io Streams.
   * @param rootArg `--root` as given.
   * @param configPath `--config` as given.
   * @param level The log level.
   */
  constructor(io: Io, rootArg: string, configPath: string | undefined, level: LogLevel) {
    this.io = io;
    this.fs = new DenoFileSystem();
    this.runner = new DenoProcessRunner();
    this.rootArg = rootArg;
    this.root = resolve(io.cwd(), rootArg);
    this.configPath = configPath === undefined ? undefined : resolve(io.cwd(), configPath);
    this.level = level;
  }

  /**
   * Builds the context from the global options.
   *
   * @param io Streams.
   * @param parsed The command line.
   * @returns The context.
   * @throws {CliError} For an invalid `--log-level`.
   */
  static create(io: Io, parsed: Parsed): PgContext {
    const raw = parsed.value("log-level") ?? "info";
    const level = raw.toLowerCase() as LogLevel;
    if (!LEVELS.includes(level)) {
      throw new CliError(`Invalid log level '${raw}': expected error, warn, info, or debug`);
    }
    return new PgContext(
      io,
      parsed.value("root") ?? ".",
      parsed.value("config"),
      level,
    );
  }

  #log(level: LogLevel, message: string): void {
    if (LEVELS.indexOf(level) <= LEVELS.indexOf(this.level)) this.io.writeErr(message + "\n");
  }

  /** Logs a warning (shown at `warn` and above). */
  warn = (message: string): void => this.#log("warn", message);
  /** Logs information (shown at `info` and above). */
  info = (message: string): void => this.#log("info", message);
  /** Logs a debug line (shown at `debug`). */
  debug = (message: string): void => this.#log("debug", message);

  /** Writes command output to stdout. */
  out(text: string): Promise<void> {
    return this.io.write(text);
  }

  /** The configuration (loaded once; validation errors abort the command). */
  config(): Promise<LoadedConfig> {
    this.#config ??= import("../../lib/orchestrator/config/config_file.ts").then((m) =>
      m.loadConfig(this.fs, { root: this.root, configPath: this.configPath, warn: this.warn })
    );
    return this.#config;
  }

  /**
   * The store in `{root}/.task-golem`, with the lock timeout of
   * `TG_LOCK_TIMEOUT`; its events name pg as their author.
   *
   * @throws {CliError} For an invalid `TG_LOCK_TIMEOUT`.
   */
  store(): TaskStore {
    if (this.#store === undefined) {
      const env = (name: string) => this.io.env(name);
      const options: TaskStoreOptions = {
        fs: this.fs,
        runner: this.runner,
        warn: this.warn,
        env,
        author: () => pgAuthor({ env, runner: this.runner, cwd: this.root }),
      };
      const lockTimeoutMs = lockTimeoutFromEnv(this.io);
      if (lockTimeoutMs !== undefined) options.lockTimeoutMs = lockTimeoutMs;
      this.#store = new TaskStore(`${this.root === "/" ? "" : this.root}/.task-golem`, options);
    }
    return this.#store;
  }

  /**
   * The pauses between the three attempts of a store operation (pg.md §6.2):
   * 1 s each, but never longer than the lock timeout, so that a short
   * `TG_LOCK_TIMEOUT` shortens the whole operation and not only its waits.
   *
   * @returns Milliseconds before attempt 2 and before attempt 3.
   * @throws {CliError} For an invalid `TG_LOCK_TIMEOUT`.
   */
  storeRetryDelaysMs(): readonly number[] {
    const lockTimeoutMs = lockTimeoutFromEnv(this.io);
    return lockTimeoutMs === undefined
      ? STORE_RETRY_DELAYS_MS
      : STORE_RETRY_DELAYS_MS.map((ms) => Math.min(ms, lockTimeoutMs));
  }

  /**
   * Whether the git working tree is clean: `true`, `false`, or `null` when
   * the root is not in a git repository.
   *
   * @returns The state.
   */
  async treeClean(): Promise<boolean | null> {
    try {
      const r = await this.runner.run("git", ["status", "--porcelain"], { cwd: this.root });
      return r.code === 0 ? r.stdout.trim() === "" : null;
    } catch {
      return null;
    }
  }

  /**
   * Stages the store files and commits them (pg.md §2.7–§2.8 [Fix]): only
   * when the tree was clean before the change, so nothing else is swept in.
   * A failed commit is a warning; the store change stands.
   *
   * @param wasClean What {@linkcode treeClean} said before the change.
   * @param message The commit message.
   */
  async commitStore(wasClean: boolean | null, message: string): Promise<void> {
    if (wasClean === null) return;
    if (!wasClean) {
      this.info("Working tree has other changes; not committing. Commit .task-golem/ yourself.");
      return;
    }
    try {
      await stageSelf(this.runner, this.root);
      const sha = await commit(this.runner, this.root, message);
      this.debug(`Committed ${sha}: ${message}`);
    } catch (e) {
      this.warn(`Commit skipped: ${(e as Error).message}`);
    }
  }
}
