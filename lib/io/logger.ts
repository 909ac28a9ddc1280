/**
 * The logger the orchestrator writes to. The CLI decides where lines go
 * (stderr, timestamps, JSON mode) and which levels are shown.
 *
 * @module
 */

/** Log sinks by level. */
export interface Logger {
  /** Errors (always shown). */
  error(message: string): void;
  /** Warnings. */
  warn(message: string): void;
  /** Progress. */
  info(message: string): void;
  /** Details. */
  debug(message: string): void;
}

/** A logger that drops everything. */
export const SILENT_LOGGER: Logger = {
  error() {},
  warn() {},
  info() {},
  debug() {},
};

/** A logger that keeps lines in memory, for tests. */
export class MemoryLogger implements Logger {
  /** Every line, prefixed with its level (`ERROR `, `WARN `, `INFO `, `DEBUG `). */
  readonly lines: string[] = [];
  /** @param message The line. */
  error(message: string): void {
    this.lines.push(`ERROR ${message}`);
  }
  /** @param message The line. */
  warn(message: string): void {
    this.lines.push(`WARN ${message}`);
  }
  /** @param message The line. */
  info(message: string): void {
    this.lines.push(`INFO ${message}`);
  }
  /** @param message The line. */
  debug(message: string): void {
    this.lines.push(`DEBUG ${message}`);
  }
  /**
   * The lines of one level, without the prefix.
   *
   * @param level The level.
   * @returns The lines.
   */
  at(level: "ERROR" | "WARN" | "INFO" | "DEBUG"): string[] {
    return this.lines.filter((l) => l.startsWith(level + " ")).map((l) =>
      l.slice(level.length + 1)
    );
  }
}
