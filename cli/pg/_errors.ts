/**
 * The one place where a `pg` failure becomes a message and an exit code
 * (pg.md §2.2): help → stdout, 0; usage errors → usage text on stderr, 2;
 * every other failure → `Error: {message}` on stderr, 1.
 *
 * @module
 */

import { HelpRequested, UsageError } from "../_args.ts";
import type { Io } from "../_io.ts";

/** Exit code of a failed command. */
export const EXIT_FAILURE = 1;
/** Exit code of a usage (argument) error. */
export const EXIT_USAGE = 2;

/** Error classes whose message is meant for the user as it is. */
const USER_FACING: ReadonlySet<string> = new Set([
  "AgentUnavailableError",
  "CliError",
  "ConfigError",
  "FilterError",
  "MigrationError",
  "PgError",
  "RunLockError",
  "RunStartError",
  "TaskStoreError",
]);

/**
 * Prints an error and returns its exit code.
 *
 * @param e What was thrown.
 * @param io Streams.
 * @returns The exit code.
 */
export async function reportPgError(e: unknown, io: Io): Promise<number> {
  if (e instanceof HelpRequested) {
    await io.write(e.text);
    return 0;
  }
  if (e instanceof UsageError) {
    io.writeErr(e.help ?? e.render());
    return EXIT_USAGE;
  }
  let message: string;
  if (e instanceof Error && USER_FACING.has(e.name)) {
    message = e.message;
  } else if (e instanceof Error && Object.values(Deno.errors).some((c) => e instanceof c)) {
    message = e.message;
  } else {
    message = `internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`;
  }
  io.writeErr(`Error: ${message}\n`);
  return EXIT_FAILURE;
}
