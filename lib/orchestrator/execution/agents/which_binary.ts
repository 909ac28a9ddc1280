/**
 * Where an agent CLI's binary is on `PATH`: the line `pg run` and
 * `pg triage` log at startup (pg.md §2.4 step 5; informational only, the
 * runner does its own lookup when it spawns the agent), the agent CLI
 * `pg init` writes into the config, and the ones a missing agent's error
 * suggests.
 *
 * @module
 */

import type { AgentCli } from "../../config/config.ts";

/** The agent CLIs pg looks for on `PATH`, preferred first (each binary is named as its `agent.cli`). */
export const DETECTED_AGENT_CLIS: readonly AgentCli[] = ["claude", "codex", "opencode"];

/**
 * Finds a program on `PATH`: the first regular file with an execute bit.
 * A name with a `/` is returned as it is.
 *
 * @param binary The program name.
 * @param path The `PATH` value.
 * @returns The first executable match, or `null`.
 */
export async function whichBinary(
  binary: string,
  path: string | undefined,
): Promise<string | null> {
  if (binary.includes("/")) return binary;
  for (const dir of (path ?? "").split(":")) {
    if (dir === "") continue;
    const candidate = `${dir}/${binary}`;
    try {
      const info = await Deno.stat(candidate);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * The agent CLIs of {@linkcode DETECTED_AGENT_CLIS} that are on `PATH`, in
 * that order.
 *
 * @param path The `PATH` value.
 * @returns The CLIs found, e.g. `["codex"]`.
 */
export async function agentClisOnPath(path: string | undefined): Promise<AgentCli[]> {
  const found: AgentCli[] = [];
  for (const cli of DETECTED_AGENT_CLIS) {
    if (await whichBinary(cli, path) !== null) found.push(cli);
  }
  return found;
}
