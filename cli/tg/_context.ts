/**
 * What every `tg` command gets: output mode, streams, and access to the
 * store found from the working directory; and how it hands back what it
 * produced ({@linkcode TgResult}), written either as its `--json` output or
 * as its text. The CLI writes one of the two; `tg mcp` writes both from the
 * same result (the JSON as a tool's structured content, the text beside
 * it), so the two interfaces cannot drift apart. (One module, so that a
 * command's start-up loads no more modules than before.)
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

/** Writes one piece of output. */
export type Write = (text: string) => Promise<void>;

/** How text output is shown. */
export interface TextOptions {
  /** Colour status words. */
  color: boolean;
  /** The text goes to a terminal (control characters in user text are removed). */
  terminal: boolean;
}

/** A command's result, ready to be written in either form. */
export interface TgResult {
  /** Writes what `tg <command> --json` prints. */
  writeJson(write: Write): Promise<void>;
  /** Writes what `tg <command>` prints. */
  writeText(write: Write, options: TextOptions): Promise<void>;
}

/**
 * A result whose two forms are built as whole strings, each when asked for.
 *
 * @param json The `--json` output (newline-terminated).
 * @param text The text output (newline-terminated).
 * @returns The result.
 */
export function stringResult(
  json: () => string,
  text: (options: TextOptions) => string,
): TgResult {
  return {
    writeJson: (write) => write(json()),
    writeText: (write, options) => write(text(options)),
  };
}

/**
 * Writes a result the way the command line asked for (`--json` or text) to stdout.
 *
 * @param ctx Command context.
 * @param result The result.
 */
export function printResult(ctx: TgContext, result: TgResult): Promise<void> {
  const write: Write = (text) => ctx.out(text);
  return ctx.json
    ? result.writeJson(write)
    : result.writeText(write, { color: ctx.color, terminal: ctx.io.stdoutIsTerminal() });
}

/**
 * Everything a writer writes, as one string.
 *
 * @param writer Writes pieces through the given function.
 * @returns The pieces joined.
 */
export async function collectOutput(writer: (write: Write) => Promise<void>): Promise<string> {
  const pieces: string[] = [];
  await writer((text) => {
    pieces.push(text);
    return Promise.resolve();
  });
  return pieces.join("");
}
