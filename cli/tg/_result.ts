/**
 * What a `tg` command produced, written either as its `--json` output or as
 * its text. The CLI writes one of the two; `tg mcp` writes both from the
 * same result (the JSON as a tool's structured content, the text beside
 * it), so the two interfaces cannot drift apart.
 *
 * @module
 */

import type { TgContext } from "./_context.ts";

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
