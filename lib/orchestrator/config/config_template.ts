/**
 * The config file `pg init` writes (pg.md §3.7): `phase-golem.jsonc` with
 * every key at its default, comments, and a `$schema` reference to the JSON
 * Schema `pg init` writes beside it in `.phase-golem/`.
 *
 * @module
 */

/** Where `pg init` writes the JSON Schema, relative to the project root. */
export const SCHEMA_FILE = ".phase-golem/phase-golem.schema.json";

const W = ".claude/skills/changes/workflows";

/**
 * The `phase-golem.jsonc` template. The `build` phase uses the autonomous
 * implementation workflow, unlike the built-in default pipeline (kept from
 * upstream, §11 B17).
 *
 * @param prefix The ID prefix.
 * @returns The file's text.
 */
export function configTemplate(prefix: string): string {
  const phase = (name: string, workflow: string, destructive = false) =>
    `{ "name": ${
      JSON.stringify(name)
    }, "workflows": ["${W}/${workflow}"], "is_destructive": ${destructive} }`;
  return `// phase-golem configuration (JSON with comments).
// Every key is optional; the values below are the defaults.
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
    // "cli": "claude", // claude, opencode (experimental), codex, or command
    // "model": "claude-sonnet-4-5"
    // With "cli": "command", any agent CLI: an argument that is exactly
    // {prompt} or {result_path} is replaced; nothing goes through a shell.
    // "command": ["my-agent", "--output", "{result_path}", "{prompt}"]
  },

  // Items without a pipeline type use "feature". Pre-phases run while an item
  // is being scoped, phases once it is in progress. Destructive phases change
  // the code: they run alone and are committed at once.
  "pipelines": {
    "feature": {
      "pre_phases": [
        ${phase("research", "orchestration/research-scope.md")}
      ],
      "phases": [
        ${phase("prd", "0-prd/create-prd.md")},
        ${phase("tech-research", "1-tech-research/tech-research.md")},
        ${phase("design", "2-design/design.md")},
        ${phase("spec", "3-spec/create-spec.md")},
        ${phase("build", "4-build/implement-spec-autonomous.md", true)},
        ${phase("review", "5-review/change-review.md")}
      ]
    }
  }
}
`;
}
