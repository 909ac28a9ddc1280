/**
 * What every `tg` command gets: output mode, streams, and access to the
 * store found from the working directory.
 *
 * @module
 */

import { type Io, useColor } from "../_io.ts";
import { loadStoreConfig, type StoreConfig } from "../../lib/store/config.ts";
import { resolveId } from "../../lib/store/id.ts";
import { TaskStore, type TaskStoreOptions } from "../../lib/store/store.ts";
import { lockTimeoutFromEnv } from "../_lock_timeout.ts";

/** Output modes of a {@linkcode TgContext}. */
export interface TgContextOptions {
  /** `--json` was given. */
  json: boolean;
  /** `--verbose` was given. */
  verbose: boolean;
}

/** Context shared by the `tg` commands. */
export class TgContext {
  /** Streams. */
  readonly io: Io;
  /** `--json` was given. */
  readonly json: boolean;
  /** `--verbose` was given. */
  readonly verbose: boolean;
  #color: boolean | undefined;
  #store: TaskStore | undefined;
  #config: Promise<StoreConfig | null> | undefined;

  /**
   * @param io Streams, environment and working directory (where the store is looked for).
   * @param options Output modes.
   */
  constructor(io: Io, options: TgContextOptions) {
    this.io = io;
    this.json = options.json;
    this.verbose = options.verbose;
  }

  /** Whether to colour status words. */
  get color(): boolean {
    return this.#color ??= !this.json && useColor(this.io);
  }

  /** Writes a warning line to stderr. */
  warn = (line: string): void => {
    this.io.writeErr(line + "\n");
  };

  /** Writes a `[verbose]` line to stderr when `--verbose` is on. */
  log(message: string): void {
    if (this.verbose) this.io.writeErr(`[verbose] ${message}\n`);
  }

  /** Writes text to stdout. */
  out(text: string): Promise<void> {
    return this.io.write(text);
  }

  /**
   * The store at or above the working directory, with the lock timeout of
   * `TG_LOCK_TIMEOUT` and the clock of the `Io` (when it has one).
   */
  async store(): Promise<TaskStore> {
    if (this.#store === undefined) {
      const options: TaskStoreOptions = { warn: this.warn, env: (n) => this.io.env(n) };
      const lockTimeoutMs = lockTimeoutFromEnv(this.io);
      if (lockTimeoutMs !== undefined) options.lockTimeoutMs = lockTimeoutMs;
      if (this.io.clock !== undefined) options.clock = this.io.clock;
      this.#store = await TaskStore.discover(this.io.cwd(), options);
    }
    return this.#store;
  }

  /** The configured ID prefix, ignoring an invalid config (other commands must not fail on it). */
  async #prefixes(): Promise<string[]> {
    this.#config ??= this.store().then((s) => loadStoreConfig(s.fs, s.dir)).catch(() => null);
    const c = await this.#config;
    return c ? [c.idPrefix] : [];
  }

  /**
   * Resolves user input among active (and archived) IDs, trying `tg-` and the configured prefix.
   *
   * @param input What the user typed.
   * @param active Active IDs in file order.
   * @param archive Archived IDs, when they are in scope.
   * @returns The ID.
   */
  async resolve(
    input: string,
    active: readonly string[],
    archive?: Iterable<string>,
  ): Promise<string> {
    const prefixes = await this.#prefixes();
    return resolveId(input, active, archive === undefined ? { prefixes } : { prefixes, archive });
  }
}
