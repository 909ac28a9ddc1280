/**
 * Building and describing the agent runner for `pg run` and `pg triage`.
 *
 * @module
 */

import type { AgentRunner } from "../../lib/orchestrator/execution/agents/agent_runner.ts";
import type { PgConfig } from "../../lib/orchestrator/config/config.ts";

/** Makes the runner for a config (injected by tests). */
export type RunnerFactory = (config: PgConfig, root: string) => Promise<AgentRunner>;

/**
 * The runner for `agent.cli` (claude, opencode, codex or a command
 * template), loaded only when a run starts.
 *
 * @param config The configuration.
 * @param root The project root.
 * @returns The runner.
 */
export async function defaultRunnerFactory(config: PgConfig, root: string): Promise<AgentRunner> {
  const { createAgentRunner } = await import(
    "../../lib/orchestrator/execution/agents/create_agent_runner.ts"
  );
  return createAgentRunner(config.agent, { root });
}

/**
 * Finds a program on `PATH` (informational: the runner does its own lookup).
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
