// The zod schema of the config file (private to lib/orchestrator): it is
// loaded only when a config file has to be checked, so commands that run on
// the built-in defaults never pay for zod.

import { z } from "zod";
import { DEFAULT_PIPELINE } from "../../adapter/pg_item.ts";
import type { IsExact } from "./_types.ts";
import {
  type AgentConfig,
  ConfigError,
  type ConfigFormat,
  defaultFeaturePipeline,
  type PgConfig,
} from "./config.ts";

const U32_MAX = 4294967295;

function u32(value: number, description: string) {
  return z.number().int().min(0).max(U32_MAX).default(value).describe(description);
}

const phaseSchema = z.strictObject({
  name: z.string().describe("Phase name, unique within the pipeline"),
  workflows: z.array(z.string()).default([]).describe(
    "Workflow files for the agent, relative to the config file's directory",
  ),
  "is_destructive": z.boolean().optional().describe(
    "Changes the code: runs alone and commits at once (default false)",
  ),
  destructive: z.boolean().optional().describe("Alias of is_destructive"),
  staleness: z.enum(["ignore", "warn", "block"]).default("ignore").describe(
    "What a destructive phase does when the code moved on since the item's last phase",
  ),
}).transform((p, ctx) => {
  if (p.is_destructive !== undefined && p.destructive !== undefined) {
    ctx.issues.push({ code: "custom", message: "duplicate field `is_destructive`", input: p });
  }
  return {
    name: p.name,
    workflows: p.workflows,
    is_destructive: p.is_destructive ?? p.destructive ?? false,
    staleness: p.staleness,
  };
});

const pipelineSchema = z.object({
  "pre_phases": z.array(phaseSchema).default([]).describe("Phases run while the item is Scoping"),
  phases: z.array(phaseSchema).default([]).describe(
    "Phases run while the item is InProgress (at least one)",
  ),
});

const agentSchema = z.strictObject({
  cli: z.enum(["claude", "opencode", "codex", "command"]).default("claude").describe(
    "Agent CLI to run: claude, opencode (experimental), codex (codex exec), or command (agent.command)",
  ),
  model: z.string().optional().describe(
    "Model passed to the agent as --model (not used by command)",
  ),
  command: z.array(z.string()).optional().describe(
    'For cli = "command": program and arguments; an argument that is exactly {prompt} or {result_path} is replaced (no shell)',
  ),
});

const configSchema = z.object({
  project: z.object({
    prefix: z.string().default("WRK").describe("Prefix of the item IDs pg generates"),
    "backlog_path": z.string().optional().describe(
      "Legacy YAML backlog location (only read by pg migrate)",
    ),
  }).prefault({}),
  guardrails: z.object({
    "max_size": z.enum(["small", "medium", "large"]).default("medium"),
    "max_complexity": z.enum(["low", "medium", "high"]).default("medium"),
    "max_risk": z.enum(["low", "medium", "high"]).default("low"),
  }).prefault({}).describe("Thresholds checked at the last pre-phase"),
  execution: z.object({
    "phase_timeout_minutes": u32(30, "Timeout of one agent attempt, in minutes"),
    "max_retries": u32(2, "Retries after a failed attempt"),
    "default_phase_cap": u32(100, "Default for run --cap"),
    "max_wip": u32(1, "Most items InProgress at once (>= 1)"),
    "max_concurrent": u32(1, "Most agent tasks running at once (>= 1)"),
    "max_cost_usd": z.number().positive().optional().describe(
      "Default for run --max-cost: once a run's agents reported this cost in US dollars, no further phase starts",
    ),
  }).prefault({}),
  agent: agentSchema.prefault({}),
  triage: z.strictObject({
    workflows: z.array(z.string()).default([]).describe(
      "Guides for triaging new items, relative to the config file's directory",
    ),
  }).prefault({}).describe("How New items are triaged"),
  pipelines: z.record(z.string(), pipelineSchema).default({}).describe(
    "Pipelines by name; items without a pipeline type use 'feature'",
  ),
  sync: z.strictObject({
    remote: z.string().optional().describe(
      "The git remote every pg run syncs with, as --sync REMOTE (several workers share the backlog)",
    ),
    "poll_seconds": u32(10, "How often a worker with nothing to do looks at the remote again"),
    "lease_seconds": z.number().int().min(1).max(U32_MAX).optional().describe(
      "How long a worker's claim on an item holds (default: phase timeout × attempts + 5 minutes)",
    ),
  }).optional().describe("Several machines: pg run --sync"),
});

// The schema's output is exactly the public model, in both directions.
const _exact: IsExact<z.output<typeof configSchema>, PgConfig> = true;

/** After parsing: trim the model (empty = unset) and inject the default pipeline (pg.md §3.1). */
function normalize(c: PgConfig): PgConfig {
  const model = c.agent.model?.trim();
  const agent: AgentConfig = model ? { cli: c.agent.cli, model } : { cli: c.agent.cli };
  if (c.agent.command !== undefined) agent.command = c.agent.command;
  const pipelines = Object.keys(c.pipelines).length === 0
    ? { [DEFAULT_PIPELINE]: defaultFeaturePipeline() }
    : c.pipelines;
  return { ...c, agent, pipelines };
}

/**
 * The JSON Schema of a config file (the input form, defaults included),
 * generated from the validating schema.
 *
 * @returns A JSON Schema (draft 2020-12) object.
 */
export function jsonSchemaOfConfig(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: "input" }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: "phase-golem.schema.json",
    title: "phase-golem configuration",
    description: "Configuration of pg (phase-golem): phase-golem.jsonc or phase-golem.toml",
    ...schema,
  };
}

/**
 * Checks a parsed config document against the schema and normalises it
 * (trimmed model, default pipeline injected).
 *
 * @param raw The parsed TOML or JSONC document.
 * @param format Its syntax (for messages).
 * @param path Its file (for messages).
 * @returns The configuration, not yet checked against the §3.3 rules.
 * @throws {ConfigError} `Parse`, listing every schema problem.
 */
export function checkRawConfig(raw: unknown, format: ConfigFormat, path: string): PgConfig {
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const problems = result.error.issues.flatMap((i) => describeIssue(i, format));
    throw new ConfigError("Parse", path, problems, { cause: result.error });
  }
  return normalize(result.data);
}

// Messages for schema issues, in the style of the upstream TOML loader

type Issue = z.core.$ZodIssue;

const FIELDS_BY_TABLE: Readonly<Record<string, readonly string[]>> = {
  agent: ["cli", "model", "command"],
  triage: ["workflows"],
  sync: ["remote", "poll_seconds", "lease_seconds"],
  phase: ["name", "workflows", "is_destructive", "destructive", "staleness"],
};

/** Keys whose value is a positive number rather than a u32. */
const POSITIVE_NUMBER_KEYS: ReadonlySet<string> = new Set(["max_cost_usd"]);

function describeIssue(issue: Issue, format: ConfigFormat): string[] {
  const path = issue.path;
  const hasInput = "input" in issue && issue.input !== undefined;
  const input = hasInput ? (issue as { input: unknown }).input : undefined;
  if (hasInput && POSITIVE_NUMBER_KEYS.has(String(path[path.length - 1]))) {
    return [`${formatPath(path)}: invalid value: ${describeValue(input)}, expected a number > 0`];
  }
  switch (issue.code) {
    case "unrecognized_keys": {
      const table =
        path.length === 1 && (path[0] === "agent" || path[0] === "triage" || path[0] === "sync")
          ? String(path[0])
          : "phase";
      return issue.keys.map((k) =>
        `${formatPath([...path, k])}: unknown field \`${k}\`, expected ${
          alternatives(FIELDS_BY_TABLE[table]!)
        }`
      );
    }
    case "invalid_type": {
      if (!hasInput) {
        const field = String(path[path.length - 1]);
        return [`${formatPath(path.slice(0, -1))}: missing field \`${field}\``];
      }
      return [
        `${formatPath(path)}: invalid type: ${describeValue(input)}, expected ${
          expectedName(issue.expected, format)
        }`,
      ];
    }
    case "too_small":
    case "too_big":
      return [`${formatPath(path)}: invalid value: ${describeValue(input)}, expected u32`];
    case "invalid_value": {
      const values = issue.values.map(String);
      if (typeof input !== "string") {
        return [
          `${formatPath(path)}: invalid type: ${describeValue(input)}, expected ${
            alternatives(values)
          }`,
        ];
      }
      return [
        `${formatPath(path)}: unknown variant \`${input}\`, expected ${alternatives(values)}`,
      ];
    }
    default:
      return [`${formatPath(path)}: ${issue.message}`];
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out === "" ? "(top level)" : out;
}

function alternatives(values: readonly string[]): string {
  const q = values.map((v) => `\`${v}\``);
  if (q.length === 1) return q[0]!;
  if (q.length === 2) return `${q[0]} or ${q[1]}`;
  return `one of ${q.join(", ")}`;
}

function expectedName(expected: string, format: ConfigFormat): string {
  switch (expected) {
    case "string":
      return "a string";
    case "boolean":
      return "a boolean";
    case "number":
    case "int":
      return "u32";
    case "array":
      return "a sequence";
    case "object":
    case "record":
      return format === "toml" ? "a table" : "an object";
    default:
      return expected;
  }
}

function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (v instanceof Date) return "datetime";
  switch (typeof v) {
    case "string":
      return `string ${JSON.stringify(v)}`;
    case "number":
      return Number.isInteger(v) ? `integer \`${v}\`` : `floating point \`${v}\``;
    case "bigint":
      return `integer \`${v}\``;
    case "boolean":
      return `boolean \`${v}\``;
    default:
      return Array.isArray(v) ? "sequence" : "map";
  }
}
