/**
 * The one place where errors become messages and exit codes.
 *
 * | exit | meaning |
 * |---|---|
 * | 0 | success (idempotent no-ops included) |
 * | 1 | user error: bad input, unknown ID, invalid transition, usage |
 * | 2 | system error: storage corruption, lock timeout, I/O |
 *
 * @module
 */

import { TaskStoreError } from "../lib/store/errors.ts";
import { HelpRequested, UsageError } from "./_args.ts";
import type { Io } from "./_io.ts";

/** Exit code for user and usage errors. */
export const EXIT_USER = 1;
/** Exit code for system errors. */
export const EXIT_SYSTEM = 2;

/** An error a CLI raises with its own exit code and message. */
export class CliError extends Error {
  /** Exit code. */
  readonly exitCode: number;
  /**
   * @param message Message after `Error: `.
   * @param exitCode Exit code (default 1).
   */
  constructor(message: string, exitCode: number = EXIT_USER) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
}

/** Options for {@linkcode reportError}. */
export interface ReportOptions {
  /** Print errors as a JSON object. */
  json: boolean;
  /** Program name (for hints). */
  program: string;
  /** Advice for an error, shown after its message. */
  hint?: (e: unknown) => string | undefined;
}

/** An error as the CLIs report it: the message, the exit code and the advice. */
export interface ErrorReport {
  /** The message (after `Error: `). */
  message: string;
  /** The exit code. */
  exitCode: number;
  /** What to do next, when the message alone does not say. */
  hint?: string;
}

/**
 * Describes an error: its message, exit code and hint, by the one table of
 * this module. A usage error is described in the one-line form of `--json`.
 *
 * @param e What was thrown.
 * @param hint Advice for an error, if any.
 * @returns The report.
 */
export function describeError(
  e: unknown,
  hint?: (e: unknown) => string | undefined,
): ErrorReport {
  let message: string;
  let code: number;
  if (e instanceof UsageError) {
    code = EXIT_USER;
    message = `${e.message.replace(/\n\s*/g, " ")}${
      e.tip ? `; ${e.tip}` : ""
    }; usage: ${e.usage}; run '${e.commandPath} --help' for details`;
  } else if (e instanceof TaskStoreError || e instanceof CliError) {
    message = e.message;
    code = e.exitCode;
  } else if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) {
    message = e.message;
    code = EXIT_SYSTEM;
  } else if (e instanceof Error && Object.values(Deno.errors).some((c) => e instanceof c)) {
    message = e.message;
    code = EXIT_SYSTEM;
  } else {
    message = `internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`;
    code = EXIT_SYSTEM;
  }
  const advice = hint?.(e);
  return advice === undefined
    ? { message, exitCode: code }
    : { message, exitCode: code, hint: advice };
}

/**
 * Prints an error on stderr (human or JSON) and returns its exit code.
 * Help requests print on stdout and return 0.
 *
 * @param e What was thrown.
 * @param io Streams.
 * @param options Output mode.
 * @returns The exit code.
 */
export async function reportError(e: unknown, io: Io, options: ReportOptions): Promise<number> {
  if (e instanceof HelpRequested) {
    await io.write(e.text);
    return 0;
  }
  if (e instanceof UsageError && !options.json) {
    io.writeErr(e.help ?? e.render());
    return EXIT_USER;
  }
  const { message, exitCode, hint } = describeError(e, options.hint);
  if (options.json) {
    const obj: Record<string, unknown> = { error: message, "exit_code": exitCode };
    if (hint !== undefined) obj.hint = hint;
    io.writeErr(JSON.stringify(obj) + "\n");
  } else {
    io.writeErr(`Error: ${message}\n` + (hint === undefined ? "" : `hint: ${hint}\n`));
  }
  return exitCode;
}
