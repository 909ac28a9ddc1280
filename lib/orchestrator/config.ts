/**
 * phase-golem's configuration (pg.md §3): the public model, its defaults,
 * parsing of `phase-golem.toml` and `phase-golem.jsonc` text, and the
 * validation rules. Every problem is collected and reported together, each
 * with its key path.
 *
 * @module
 */

import { parse as parseJsonc, type ParseError, printParseErrorCode } from "jsonc-parser";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import type { DimensionLevel, SizeLevel } from "../adapter/assessments.ts";
import type { IsExact } from "./_types.ts";

/** The agent CLIs pg can drive. */
export type AgentCli = "claude" | "opencode";
/** What a destructive phase does when the code moved on since the item's last phase. */
export type Staleness = "ignore" | "warn" | "block";
/** The two config file syntaxes. */
export type ConfigFormat = "toml" | "jsonc";

/** One phase of a pipeline. */
export interface PhaseConfig {
  /** Unique within the pipeline (pre and main phases together). */
  name: string;
  /** Workflow files, relative to the config base. */
  workflows: string[];
  /** Whether the phase changes the code (runs alone, commits at once). */
  "is_destructive": boolean;
  /** Staleness policy, applied to destructive phases only. */
  staleness: Staleness;
}

/** A pipeline: phases run while Scoping, then phases run while InProgress. */
export interface PipelineConfig {
  /** Phases run while the item is Scoping. */
  "pre_phases": PhaseConfig[];
  /** Phases run while the item is InProgress (at least one). */
  phases: PhaseConfig[];
}

/** `[project]`. */
export interface ProjectConfig {
  /** Prefix of the IDs pg generates. */
  prefix: string;
  /** Legacy location of the YAML backlog (read only by `pg migrate`). */
  "backlog_path"?: string | undefined;
}

/** `[guardrails]`: thresholds checked at the last pre-phase. */
export interface GuardrailsConfig {
  /** Largest size that passes without a human. */
  "max_size": SizeLevel;
  /** Highest complexity that passes without a human. */
  "max_complexity": DimensionLevel;
  /** Highest risk that passes without a human. */
  "max_risk": DimensionLevel;
}

/** `[execution]`. */
export interface ExecutionConfig {
  /** Timeout of one agent attempt. */
  "phase_timeout_minutes": number;
  /** Retries after a failed attempt (attempts = retries + 1). */
  "max_retries": number;
  /** Default for `run --cap`. */
  "default_phase_cap": number;
  /** Most items InProgress at once. */
  "max_wip": number;
  /** Most agent tasks running at once. */
  "max_concurrent": number;
}

/** `[agent]`. */
export interface AgentConfig {
  /** Which CLI to run. */
  cli: AgentCli;
  /** Model passed as `--model` (trimmed; unset when empty). */
  model?: string | undefined;
}

/**
 * A complete, validated configuration.
 *
 * @example
 * ```ts ignore
 * const config = parseConfigText('[project]\nprefix = "TG"\n', { format: "toml", path: "phase-golem.toml" });
 * config.project.prefix; // "TG"
 * Object.keys(config.pipelines); // ["feature"] (the default pipeline)
 * ```
 */
export interface PgConfig {
  /** `[project]`. */
  project: ProjectConfig;
  /** `[guardrails]`. */
  guardrails: GuardrailsConfig;
  /** `[execution]`. */
  execution: ExecutionConfig;
  /** `[agent]`. */
  agent: AgentConfig;
  /** Pipelines by name, in file order. */
  pipelines: Record<string, PipelineConfig>;
}

const WORKFLOWS = ".claude/skills/changes/workflows";

function phase(name: string, workflow: string, destructive = false): PhaseConfig {
  return { name, workflows: [workflow], is_destructive: destructive, staleness: "ignore" };
}

/**
 * The built-in `feature` pipeline, used when the config defines none (pg.md §3.4).
 *
 * @returns A fresh copy.
 */
export function defaultFeaturePipeline(): PipelineConfig {
  return {
    pre_phases: [phase("research", `${WORKFLOWS}/orchestration/research-scope.md`)],
    phases: [
      phase("prd", `${WORKFLOWS}/0-prd/create-prd.md`),
      phase("tech-research", `${WORKFLOWS}/1-tech-research/tech-research.md`),
      phase("design", `${WORKFLOWS}/2-design/design.md`),
      phase("spec", `${WORKFLOWS}/3-spec/create-spec.md`),
      phase("build", `${WORKFLOWS}/orchestration/build-spec-phase.md`, true),
      phase("review", `${WORKFLOWS}/5-review/change-review.md`),
    ],
  };
}

// ---------------------------------------------------------------------------
// Schema (private; the public model is the interfaces above)

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
  cli: z.enum(["claude", "opencode"]).default("claude").describe("Agent CLI to run"),
  model: z.string().optional().describe("Model passed to the agent as --model"),
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
  }).prefault({}),
  agent: agentSchema.prefault({}),
  pipelines: z.record(z.string(), pipelineSchema).default({}).describe(
    "Pipelines by name; items without a pipeline type use 'feature'",
  ),
});

// The schema's output is exactly the public model, in both directions.
const _exact: IsExact<z.output<typeof configSchema>, PgConfig> = true;

/** After parsing: trim the model (empty = unset) and inject the default pipeline (pg.md §3.1). */
function normalize(c: PgConfig): PgConfig {
  const model = c.agent.model?.trim();
  const agent: AgentConfig = model ? { cli: c.agent.cli, model } : { cli: c.agent.cli };
  const pipelines = Object.keys(c.pipelines).length === 0
    ? { feature: defaultFeaturePipeline() }
    : c.pipelines;
  return { ...c, agent, pipelines };
}

/**
 * The JSON Schema of a config file (the input form, defaults included),
 * generated from the validating schema.
 *
 * @returns A JSON Schema (draft 2020-12) object.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: "input" }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: "phase-golem.schema.json",
    title: "phase-golem configuration",
    description: "Configuration of pg (phase-golem): phase-golem.jsonc or phase-golem.toml",
    ...schema,
  };
}

// ---------------------------------------------------------------------------
// Errors

/** Why a config could not be used. */
export type ConfigErrorCode = "NotFound" | "Read" | "Parse" | "Invalid";

/**
 * A config that could not be read, parsed or validated. `problems` lists
 * every problem found (key path first); `message` is the text to show.
 *
 * @example
 * ```ts ignore
 * try {
 *   parseConfigText("[execution]\nmax_wip = 0\n", { format: "toml", path: "phase-golem.toml" });
 * } catch (e) {
 *   (e as ConfigError).problems; // ["execution.max_wip must be >= 1"]
 * }
 * ```
 */
export class ConfigError extends Error {
  /** What went wrong. */
  readonly code: ConfigErrorCode;
  /** The file concerned, or `null` for the built-in defaults. */
  readonly path: string | null;
  /** Every problem, in report order. */
  readonly problems: readonly string[];

  /**
   * Builds the error and its message.
   *
   * @param code What went wrong.
   * @param path The file.
   * @param problems The problems (for `Read`, the OS error text).
   * @param options The underlying error.
   */
  constructor(
    code: ConfigErrorCode,
    path: string | null,
    problems: readonly string[],
    options: { cause?: unknown } = {},
  ) {
    super(
      configErrorMessage(code, path, problems),
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = "ConfigError";
    this.code = code;
    this.path = path;
    this.problems = problems;
  }
}

function configErrorMessage(
  code: ConfigErrorCode,
  path: string | null,
  problems: readonly string[],
): string {
  const list = problems.map((p) => `\n  - ${p}`).join("");
  switch (code) {
    case "NotFound":
      return `Config file not found: ${path}`;
    case "Read":
      return `Failed to read ${path}: ${problems.join("; ")}`;
    case "Parse":
      return problems.length === 1
        ? `Failed to parse ${path}: ${problems[0]}`
        : `Failed to parse ${path}:${list}`;
    case "Invalid":
      return path === null
        ? `Config validation failed:${list}`
        : `Config validation failed in ${path}:${list}`;
  }
}

// ---------------------------------------------------------------------------
// Parsing

/** Options for {@linkcode parseConfigText}. */
export interface ParseConfigOptions {
  /** The syntax of the text. */
  format: ConfigFormat;
  /** The file name used in messages. */
  path: string;
}

/**
 * Parses and validates config text. Syntax errors, type errors (unknown
 * keys in `[agent]` and phase tables, wrong types, bad enum spellings,
 * negative or fractional numbers) and the rules of pg.md §3.3 are all
 * collected; the default `feature` pipeline is injected when the text
 * defines no pipeline.
 *
 * @param text The file's content.
 * @param options Syntax and file name.
 * @returns The configuration.
 * @throws {ConfigError} `Parse` or `Invalid`, listing every problem.
 */
export function parseConfigText(text: string, options: ParseConfigOptions): PgConfig {
  const raw = options.format === "toml"
    ? parseTomlText(text, options.path)
    : parseJsoncText(text, options.path);
  const result = configSchema.safeParse(raw, { reportInput: true });
  if (!result.success) {
    const problems = result.error.issues.flatMap((i) => describeIssue(i, options.format));
    throw new ConfigError("Parse", options.path, problems, { cause: result.error });
  }
  const config = normalize(result.data);
  const problems = validateConfig(config);
  if (problems.length > 0) throw new ConfigError("Invalid", options.path, problems);
  return config;
}

/**
 * The built-in configuration (every default, the `feature` pipeline),
 * validated like a file.
 *
 * @returns A fresh configuration.
 */
export function defaultConfig(): PgConfig {
  const config = normalize(configSchema.parse({}));
  const problems = validateConfig(config);
  if (problems.length > 0) throw new ConfigError("Invalid", null, problems);
  return config;
}

function parseTomlText(text: string, path: string): unknown {
  try {
    return parseToml(text);
  } catch (e) {
    throw new ConfigError("Parse", path, [(e as Error).message], { cause: e });
  }
}

function parseJsoncText(text: string, path: string): unknown {
  const errors: ParseError[] = [];
  const value = parseJsonc(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > 0) {
    const problems = errors.map((e) => {
      const { line, column } = lineColumn(text, e.offset);
      return `${printParseErrorCode(e.error)} at line ${line} column ${column}`;
    });
    throw new ConfigError("Parse", path, problems);
  }
  return value;
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

// ---------------------------------------------------------------------------
// Validation (pg.md §3.3)

const MODEL_CHARS = /^[A-Za-z0-9._/-]+$/;

/**
 * The semantic rules of pg.md §3.3, in report order: WIP and concurrency
 * limits, the agent model, then per pipeline (in config order) a main phase
 * exists, duplicate phase names, destructive pre-phases, and `staleness =
 * "block"` with `max_wip > 1`.
 *
 * @param config A parsed configuration.
 * @returns Every violated rule's message (empty when valid).
 */
export function validateConfig(config: PgConfig): string[] {
  const out: string[] = [];
  if (config.execution.max_wip < 1) out.push("execution.max_wip must be >= 1");
  if (config.execution.max_concurrent < 1) out.push("execution.max_concurrent must be >= 1");
  const model = config.agent.model;
  if (model !== undefined) {
    if (model === "") out.push("agent.model must not be empty");
    else if (!MODEL_CHARS.test(model)) {
      out.push(
        "agent.model contains invalid characters (allowed: alphanumeric, '.', '_', '/', '-')",
      );
    }
    if (model.startsWith("-")) {
      out.push("agent.model must not start with '-' (flag-like values are rejected)");
    }
  }
  for (const [name, p] of Object.entries(config.pipelines)) {
    if (p.phases.length === 0) out.push(`pipelines.${name}: must have at least one main phase`);
    const seen = new Set<string>();
    for (const ph of [...p.pre_phases, ...p.phases]) {
      if (seen.has(ph.name)) out.push(`pipelines.${name}: duplicate phase name '${ph.name}'`);
      seen.add(ph.name);
    }
    for (const ph of p.pre_phases) {
      if (ph.is_destructive) {
        out.push(`pipelines.${name}: pre_phase '${ph.name}' cannot be destructive`);
      }
    }
    if (config.execution.max_wip > 1) {
      for (const ph of [...p.pre_phases, ...p.phases]) {
        if (ph.staleness === "block") {
          out.push(
            `pipelines.${name}: phase '${ph.name}' uses staleness 'block' which is incompatible with max_wip > 1`,
          );
        }
      }
    }
  }
  return out;
}

/** A pipeline chosen for an item. */
export interface ResolvedPipeline {
  /** The pipeline's name. */
  name: string;
  /** Its configuration. */
  pipeline: PipelineConfig;
}

/**
 * The pipeline an item runs in: its `x-pg-pipeline-type`, or `feature` when
 * it has none. **[Fix]** When there is no `feature` pipeline and the config
 * defines exactly one pipeline, untyped items use that one.
 *
 * @param config The configuration.
 * @param pipelineType The item's pipeline type, or `null`.
 * @returns The pipeline, or `null` when it does not exist.
 */
export function resolvePipeline(
  config: PgConfig,
  pipelineType: string | null,
): ResolvedPipeline | null {
  const pipelines = config.pipelines;
  const name = pipelineType ?? "feature";
  if (Object.hasOwn(pipelines, name)) return { name, pipeline: pipelines[name]! };
  if (pipelineType === null) {
    const names = Object.keys(pipelines);
    if (names.length === 1) return { name: names[0]!, pipeline: pipelines[names[0]!]! };
  }
  return null;
}

// ---------------------------------------------------------------------------
// Messages for schema issues, in the style of the upstream TOML loader

type Issue = z.core.$ZodIssue;

const FIELDS_BY_TABLE: Readonly<Record<string, readonly string[]>> = {
  agent: ["cli", "model"],
  phase: ["name", "workflows", "is_destructive", "destructive", "staleness"],
};

function describeIssue(issue: Issue, format: ConfigFormat): string[] {
  const path = issue.path;
  const hasInput = "input" in issue && issue.input !== undefined;
  const input = hasInput ? (issue as { input: unknown }).input : undefined;
  switch (issue.code) {
    case "unrecognized_keys": {
      const table = path.length === 1 && path[0] === "agent" ? "agent" : "phase";
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
