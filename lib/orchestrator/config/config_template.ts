/**
 * The config file `pg init` writes (pg.md §3.7): `phase-golem.jsonc` with
 * every key at its default, comments, the agent CLI `pg init` chose, the
 * pipelines and triage guide of the workflow pack, and a `$schema`
 * reference to the JSON Schema `pg init` writes beside it in
 * `.phase-golem/`.
 *
 * @module
 */

import type { AgentCli, PhaseConfig } from "./config.ts";
import { workflowPackPipelines, workflowPackTriage } from "./workflow_pack.ts";

/** Where `pg init` writes the JSON Schema, relative to the project root. */
export const SCHEMA_FILE = ".phase-golem/phase-golem.schema.json";

/** Options for {@linkcode configTemplate}. */
export interface ConfigTemplateOptions {
  /** The value of `agent.cli` (default `claude`). */
  agent?: AgentCli;
}

function phaseLine(p: PhaseConfig): string {
  return `{ "name": ${JSON.stringify(p.name)}, "workflows": ${
    JSON.stringify(p.workflows).replaceAll(",", ", ")
  }, "is_destructive": ${p.is_destructive} }`;
}

function phaseList(phases: readonly PhaseConfig[]): string {
  if (phases.length === 0) return "[]";
  return `[\n${phases.map((p) => `        ${phaseLine(p)}`).join(",\n")}\n      ]`;
}

/**
 * The `phase-golem.jsonc` template. **[Fix]** Its pipelines and triage
 * guide are the workflow pack's, whose files `pg init` writes (upstream's
 * template named workflow files of its author's set-up).
 *
 * @param prefix The ID prefix.
 * @param options The agent CLI.
 * @returns The file's text.
 *
 * @example
 * ```ts
 * import { configTemplate } from "./config_template.ts";
 * import { parseConfigText } from "./config.ts";
 * import assert from "node:assert/strict";
 *
 * const text = configTemplate("WRK", { agent: "codex" });
 * const config = await parseConfigText(text, { format: "jsonc", path: "phase-golem.jsonc" });
 * assert.equal(config.agent.cli, "codex");
 * assert.deepEqual(Object.keys(config.pipelines), ["feature", "fix"]);
 * ```
 */
export function configTemplate(prefix: string, options: ConfigTemplateOptions = {}): string {
  const { feature, fix } = workflowPackPipelines();
  const triage = workflowPackTriage();
  return `// phase-golem configuration (JSON with comments), written by \`pg init\`.
// Edit it freely; the values of project, guardrails and execution are the defaults.
{
  "$schema": "./${SCHEMA_FILE}",

  "project": {
    // Prefix of the item IDs pg generates (follow-ups, inbox imports).
    "prefix": ${JSON.stringify(prefix)}
  },

  // Items beyond these thresholds are blocked for a human at the end of scoping.
  "guardrails": {
    "max_size": "medium", // small, medium, large
    "max_complexity": "medium", // low, medium, high
    "max_risk": "low" // low, medium, high
  },

  "execution": {
    "phase_timeout_minutes": 30, // kill an agent attempt after this long
    "max_retries": 2, // retries after a failed attempt
    "default_phase_cap": 100, // phases per run when --cap is not given
    "max_wip": 1, // items in progress at once
    "max_concurrent": 1 // agent tasks running at once
  },

  "agent": {
    // The coding agent: claude, codex, opencode (experimental), or command.
    "cli": ${JSON.stringify(options.agent ?? "claude")}
    // "model": "name-of-a-model", // passed as --model
    // With "cli": "command", any agent CLI: an argument that is exactly
    // {prompt} or {result_path} is replaced; nothing goes through a shell.
    // "command": ["my-agent", "--output", "{result_path}", "{prompt}"]
  },

  // Several machines: with a remote here, every \`pg run\` is a worker that
  // shares this backlog with other clones through the remote's branch, as
  // \`pg run --sync origin\` does (see "Several machines" in pg's README).
  // "sync": { "remote": "origin", "poll_seconds": 10 },

  // How a new item is assessed and which pipeline it goes to.
  "triage": {
    "workflows": ${JSON.stringify(triage.workflows)}
  },

  // The workflows are Markdown files in phase-golem-workflows/: edit them to
  // fit the project. Pre-phases run while an item is being scoped, phases
  // once it is in progress. Destructive phases change the code: they run
  // alone and are committed at once. Items without a pipeline use "feature".
  "pipelines": {
    // New behaviour and anything not small: scope, requirements, research,
    // design, spec, then build (one spec phase per run) and review.
    "feature": {
      "pre_phases": ${phaseList(feature!.pre_phases)},
      "phases": ${phaseList(feature!.phases)}
    },
    // Small, low-risk changes that need no design: build, then review.
    "fix": {
      "pre_phases": ${phaseList(fix!.pre_phases)},
      "phases": ${phaseList(fix!.phases)}
    }
  }
}
`;
}
