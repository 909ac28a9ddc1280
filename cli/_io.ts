/**
 * The CLI's view of the outside world: output streams, environment, working
 * directory. Commands receive an `Io`; tests pass a `BufferIo`.
 *
 * @module
 */

import type { Clock } from "../lib/io/clock.ts";

/** Streams and environment for a command. */
export interface Io {
  /** The clock for timestamps and claim expiry (absent = the system clock). */
  readonly clock?: Clock;
  /** Writes to stdout (a closed pipe is ignored). */
  write(text: string): Promise<void>;
  /** Writes to stderr, in order with other stderr output. */
  writeErr(text: string): void;
  /** Reads an environment variable. */
  env(name: string): string | undefined;
  /** The working directory (absolute). */
  cwd(): string;
  /** Whether stdout is a terminal. */
  stdoutIsTerminal(): boolean;
  /** Whether stderr is a terminal (hints for people, `pg run`'s live status block; absent = no). */
  stderrIsTerminal?(): boolean;
}

const ENCODER = new TextEncoder();

function writeAllSync(w: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += w.writeSync(bytes.subarray(off));
}

/** The process's real streams. */
export class DenoIo implements Io {
  #stdoutClosed = false;

  /** Writes to stdout; stops silently once the reader has gone (EPIPE). */
  async write(text: string): Promise<void> {
    if (this.#stdoutClosed || text === "") return;
    const bytes = ENCODER.encode(text);
    try {
      let off = 0;
      while (off < bytes.length) off += await Deno.stdout.write(bytes.subarray(off));
    } catch (e) {
      if (e instanceof Deno.errors.BrokenPipe) this.#stdoutClosed = true;
      else throw e;
    }
  }

  /** Writes to stderr synchronously, so warnings keep their order. */
  writeErr(text: string): void {
    try {
      writeAllSync(Deno.stderr, ENCODER.encode(text));
    } catch {
      // stderr closed: nothing useful to do
    }
  }

  /** Environment lookup (undefined when not permitted). */
  env(name: string): string | undefined {
    try {
      return Deno.env.get(name);
    } catch {
      return undefined;
    }
  }

  /** Working directory. */
  cwd(): string {
    return Deno.cwd();
  }

  /** Whether stdout is a TTY. */
  stdoutIsTerminal(): boolean {
    return Deno.stdout.isTerminal();
  }

  /** Whether stderr is a TTY. */
  stderrIsTerminal(): boolean {
    return Deno.stderr.isTerminal();
  }
}

/** Options for {@linkcode BufferIo}. */
export interface BufferIoOptions {
  /** Environment variables. */
  env?: Record<string, string>;
  /** Working directory. */
  cwd?: string;
  /** Pretend stdout is a terminal. */
  terminal?: boolean;
  /** The clock commands read (default: the system clock). */
  clock?: Clock;
}

/** Captures output in memory (for in-process tests of `main`). */
export class BufferIo implements Io {
  /** Everything written to stdout. */
  stdout = "";
  /** Everything written to stderr. */
  stderr = "";
  /** The clock given in the options, if any. */
  readonly clock?: Clock;
  readonly #env: Record<string, string>;
  readonly #cwd: string;
  readonly #terminal: boolean;

  /** @param options Environment, cwd and terminal flag. */
  constructor(options: BufferIoOptions = {}) {
    this.#env = options.env ?? {};
    this.#cwd = options.cwd ?? "/";
    this.#terminal = options.terminal ?? false;
    if (options.clock !== undefined) this.clock = options.clock;
  }
  /** Appends to `stdout`. */
  write(text: string): Promise<void> {
    this.stdout += text;
    return Promise.resolve();
  }
  /** Appends to `stderr`. */
  writeErr(text: string): void {
    this.stderr += text;
  }
  /** Environment lookup. */
  env(name: string): string | undefined {
    return this.#env[name];
  }
  /** Working directory. */
  cwd(): string {
    return this.#cwd;
  }
  /** Terminal flag. */
  stdoutIsTerminal(): boolean {
    return this.#terminal;
  }
  /** Terminal flag. */
  stderrIsTerminal(): boolean {
    return this.#terminal;
  }
}

/**
 * Whether to colour stdout, by the rules of tg.md §6.1: `FORCE_COLOR` /
 * `CLICOLOR_FORCE` force on; `NO_COLOR`, `TERM=dumb` or a non-terminal force
 * off; then `TERM`, `COLORTERM`, `CLICOLOR` or a known terminal program turn
 * it on.
 *
 * @param io Environment and terminal state.
 * @returns Whether to emit ANSI colours.
 */
export function useColor(io: Io): boolean {
  const set = (n: string) => io.env(n) !== undefined;
  const on = (n: string) => set(n) && io.env(n) !== "0";
  const force = io.env("FORCE_COLOR");
  if (force !== undefined) {
    if (force !== "0" && force !== "false") return true;
  } else if (on("CLICOLOR_FORCE")) {
    return true;
  }
  if (on("NO_COLOR") || io.env("TERM") === "dumb") return false;
  if (!io.stdoutIsTerminal() && !on("IGNORE_IS_TERMINAL")) return false;
  const program = io.env("TERM_PROGRAM");
  return set("TERM") || set("COLORTERM") || on("CLICOLOR") ||
    program === "iTerm.app" || program === "Apple_Terminal";
}
