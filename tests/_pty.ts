/**
 * Runs our `tg` with stdout on a pseudo-terminal (through `script(1)`), for
 * checks of terminal-only behaviour.
 *
 * @module
 */

import { TG_ENTRY } from "./_helpers.ts";

function shQuote(s: string): string {
  return "'" + s.replaceAll("'", "'\\''") + "'";
}

/**
 * What `tg args…` prints on a terminal (`\r\n` turned into `\n`), or `null`
 * when `script(1)` is not available.
 *
 * @param args Arguments.
 * @param cwd Working directory.
 * @returns The terminal output.
 */
export async function tgOnTerminal(args: string[], cwd: string): Promise<string | null> {
  const cmd = [
    Deno.execPath(),
    "run",
    "--quiet",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-run=git",
    TG_ENTRY,
    ...args,
  ].map(shQuote).join(" ");
  try {
    const out = await new Deno.Command("script", {
      args: ["-qec", cmd, "/dev/null"],
      cwd,
      env: { NO_COLOR: "1", TG_AUTHOR: "tester", TZ: "UTC", TERM: "dumb" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) return null;
    return new TextDecoder().decode(out.stdout).replaceAll("\r\n", "\n");
  } catch {
    return null;
  }
}
