/**
 * The agent runner for a config's `[agent]` section.
 *
 * @module
 */

import type { AgentConfig } from "../../config/config.ts";
import { agentCliSpec } from "./agent_clis.ts";
import { type AgentRunnerOptions, CliAgentRunner } from "./cli_agent_runner.ts";

/**
 * Creates the runner for `agent.cli` (`claude`, `opencode`, `codex` or
 * `command`) with `agent.model` (not used by `command`).
 *
 * @param agent The `[agent]` section of a validated config.
 * @param options Process-group registry, extra environment, root.
 * @returns The runner.
 * @throws {TypeError} For `cli = "command"` without a valid `agent.command`
 * (a validated config never has one).
 *
 * @example
 * ```ts
 * import { createAgentRunner } from "./create_agent_runner.ts";
 * import assert from "node:assert/strict";
 * const runner = createAgentRunner({ cli: "codex", model: "gpt-5" });
 * assert.equal(runner.displayName, "Codex CLI");
 * assert.deepEqual(runner.argv("# Prompt", "r.json").slice(0, 1), ["exec"]);
 * ```
 */
export function createAgentRunner(
  agent: AgentConfig,
  options: AgentRunnerOptions = {},
): CliAgentRunner {
  return new CliAgentRunner(agentCliSpec(agent), options);
}
