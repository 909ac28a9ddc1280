/**
 * The agent CLI table (pg.md §3.6, extended): binary, display name, argv
 * with the prompt last and as one argument, install hint. The flags were
 * checked against the real CLIs' `--help` (recorded in
 * `tests/fixtures/agent_help/`):
 *
 * | `agent.cli` | argv |
 * |---|---|
 * | `claude` | `--dangerously-skip-permissions [--model M] --output-format json -p {prompt}` |
 * | `opencode` | `run [--model M] --auto {prompt}` (experimental) |
 * | `codex` | `exec --dangerously-bypass-approvals-and-sandbox [--model M] {prompt}` |
 * | `command` | `agent.command` with `{prompt}` and `{result_path}` replaced |
 *
 * A prompt that starts with `-` is preceded by `--` so no CLI reads it as
 * an option (pg's prompts start with `#`).
 *
 * @module
 */

import {
  type AgentConfig,
  PROMPT_PLACEHOLDER,
  RESULT_PATH_PLACEHOLDER,
  validateAgentCommand,
} from "../../config/config.ts";

/** How to check that an agent CLI can be started. */
export type AvailabilityProbe = "version" | "path";

/**
 * Whether a CLI tells what a run cost (what a cost limit needs):
 * `reported` (claude's JSON result line), `unreported` (codex, opencode),
 * or `if_printed` (a command template: only when the program prints a line
 * like claude's).
 */
export type CostReporting = "reported" | "unreported" | "if_printed";

/** One row of the agent CLI table. */
export interface AgentCliSpec {
  /** Display name, e.g. `Claude CLI`. */
  displayName: string;
  /** The program, e.g. `claude` (looked up on `PATH`; a path with `/` is relative to the root). */
  binary: string;
  /** Shown when the program is missing, e.g. `Install: https://…`. */
  installHint: string;
  /** `version` runs `{binary} --version`; `path` only checks that the program exists. */
  probe: AvailabilityProbe;
  /** Support is experimental (logged at startup). */
  experimental: boolean;
  /** Whether runs report their cost. */
  costReporting: CostReporting;
  /** The model, when one is passed. */
  model?: string | undefined;
  /**
   * The argv after the binary.
   *
   * @param prompt The prompt (one argument).
   * @param resultPath The result file's path.
   * @returns The arguments.
   */
  argv(prompt: string, resultPath: string): string[];
}

function modelArgs(model: string | undefined): string[] {
  return model === undefined ? [] : ["--model", model];
}

/** `["--", prompt]` for a prompt that looks like an option, else `[prompt]`. */
function promptArgs(prompt: string): string[] {
  return prompt.startsWith("-") ? ["--", prompt] : [prompt];
}

/**
 * Claude Code (`claude`), the default. `--output-format json` keeps the
 * exit status and the result-file contract and makes claude end its output
 * with one JSON line carrying `total_cost_usd` and `usage` (checked with
 * 2.1.332), which `UsageScanner` reads.
 *
 * @param model The model, or `undefined`.
 * @returns The table row.
 *
 * @example
 * ```ts
 * import { claudeCli } from "./agent_clis.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(claudeCli("sonnet").argv("# Prompt", "r.json"), [
 *   "--dangerously-skip-permissions", "--model", "sonnet", "--output-format", "json", "-p", "# Prompt",
 * ]);
 * ```
 */
export function claudeCli(model?: string): AgentCliSpec {
  return {
    displayName: "Claude CLI",
    binary: "claude",
    installHint: "Install: https://docs.anthropic.com/en/docs/claude-code",
    probe: "version",
    experimental: false,
    costReporting: "reported",
    model,
    argv: (prompt) => [
      "--dangerously-skip-permissions",
      ...modelArgs(model),
      "--output-format",
      "json",
      "-p",
      ...promptArgs(prompt),
    ],
  };
}

/**
 * OpenCode (`opencode run`, npm `opencode-ai`), experimental. Current
 * releases reject the `--quiet` flag pg.md §3.6 lists (checked with
 * 1.18.33: usage text, exit 1); `--auto` approves the permission requests a
 * non-interactive run cannot ask about, like claude's
 * `--dangerously-skip-permissions`.
 *
 * @param model The model (`provider/model`), or `undefined`.
 * @returns The table row.
 *
 * @example
 * ```ts
 * import { opencodeCli } from "./agent_clis.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(opencodeCli().argv("# Prompt", "r.json"), ["run", "--auto", "# Prompt"]);
 * ```
 */
export function opencodeCli(model?: string): AgentCliSpec {
  return {
    displayName: "OpenCode CLI",
    binary: "opencode",
    installHint: "Install: https://opencode.ai (npm install -g opencode-ai)",
    probe: "version",
    experimental: true,
    costReporting: "unreported",
    model,
    argv: (prompt) => ["run", ...modelArgs(model), "--auto", ...promptArgs(prompt)],
  };
}

/**
 * OpenAI Codex (`codex exec`). Approvals and the sandbox are bypassed like
 * claude's permissions; use `cli = "command"` for another policy.
 *
 * @param model The model, or `undefined`.
 * @returns The table row.
 *
 * @example
 * ```ts
 * import { codexCli } from "./agent_clis.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(codexCli("gpt-5").argv("# Prompt", "r.json"), [
 *   "exec", "--dangerously-bypass-approvals-and-sandbox", "--model", "gpt-5", "# Prompt",
 * ]);
 * ```
 */
export function codexCli(model?: string): AgentCliSpec {
  return {
    displayName: "Codex CLI",
    binary: "codex",
    installHint: "Install: npm install -g @openai/codex (https://github.com/openai/codex)",
    probe: "version",
    experimental: false,
    costReporting: "unreported",
    model,
    argv: (prompt) => [
      "exec",
      "--dangerously-bypass-approvals-and-sandbox",
      ...modelArgs(model),
      ...promptArgs(prompt),
    ],
  };
}

/**
 * Any program, from the `agent.command` template: an element that is
 * exactly `{prompt}` or `{result_path}` is replaced by the prompt or the
 * result file's path; everything else is passed as it is. No shell is
 * involved, so quotes, `$(…)` and `;` in the prompt reach the program
 * verbatim.
 *
 * @param template `agent.command`.
 * @returns The table row.
 * @throws {TypeError} When the template breaks the `agent.command` rules.
 *
 * @example
 * ```ts
 * import { commandCli } from "./agent_clis.ts";
 * import assert from "node:assert/strict";
 * const cli = commandCli(["my-agent", "--out", "{result_path}", "{prompt}"]);
 * assert.equal(cli.binary, "my-agent");
 * assert.deepEqual(cli.argv("do it; $(rm -rf /)", "/p/.phase-golem/r.json"), [
 *   "--out", "/p/.phase-golem/r.json", "do it; $(rm -rf /)",
 * ]);
 * ```
 */
export function commandCli(template: readonly string[]): AgentCliSpec {
  const problems = validateAgentCommand({ cli: "command", command: [...template] });
  if (problems.length > 0) throw new TypeError(`Invalid agent command: ${problems.join("; ")}`);
  const [binary, ...rest] = template as [string, ...string[]];
  return {
    displayName: `Agent command \`${binary}\``,
    binary,
    installHint: "Check agent.command in the config",
    probe: "path",
    experimental: false,
    costReporting: "if_printed",
    argv: (prompt, resultPath) =>
      rest.map((a) =>
        a === PROMPT_PLACEHOLDER ? prompt : a === RESULT_PATH_PLACEHOLDER ? resultPath : a
      ),
  };
}

/**
 * The table row for an `[agent]` config section.
 *
 * @param agent The section.
 * @returns The row.
 * @throws {TypeError} For `cli = "command"` without a valid `agent.command`.
 */
export function agentCliSpec(agent: AgentConfig): AgentCliSpec {
  switch (agent.cli) {
    case "claude":
      return claudeCli(agent.model);
    case "opencode":
      return opencodeCli(agent.model);
    case "codex":
      return codexCli(agent.model);
    case "command": {
      const problems = validateAgentCommand(agent);
      if (problems.length > 0) {
        throw new TypeError(`Invalid agent command: ${problems.join("; ")}`);
      }
      return commandCli(agent.command!);
    }
  }
}
