/**
 * phase-golem's configuration (pg.md §3): the public model, its defaults,
 * parsing of `phase-golem.toml` and `phase-golem.jsonc` text, and the
 * validation rules. Every problem is collected and reported together, each
 * with its key path. The parsers and the schema (zod) are loaded only when a
 * file has to be read.
 *
 * @module
 */

import type { ParseError } from "jsonc-parser";
import type { DimensionLevel, SizeLevel } from "../../adapter/assessments.ts";
import { DEFAULT_PIPELINE } from "../../adapter/pg_item.ts";
import { workflowPackPipelines } from "./workflow_pack.ts";

/**
 * The agent CLIs pg can drive: `claude` (default), `opencode`
 * (experimental), `codex` (`codex exec`), or `command`, any program run with
 * the argv template of `agent.command`.
 */
export type AgentCli = "claude" | "opencode" | "codex" | "command";

/** Placeholder in `agent.command` replaced by the prompt (a whole argument). */
export const PROMPT_PLACEHOLDER = "{prompt}";
/** Placeholder in `agent.command` replaced by the result file's path (a whole argument). */
export const RESULT_PATH_PLACEHOLDER = "{result_path}";
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
  /**
   * Default for `run --max-cost`: once the agents of a run have reported
   * this much cost in US dollars, no further phase starts (unset: no limit).
   */
  "max_cost_usd"?: number | undefined;
}

/** `[agent]`. */
export interface AgentConfig {
  /** Which CLI to run. */
  cli: AgentCli;
  /** Model passed as `--model` (trimmed; unset when empty; not used by `command`). */
  model?: string | undefined;
  /**
   * For `cli = "command"`: the program and its arguments. An argument that
   * is exactly `{prompt}` or `{result_path}` is replaced by the prompt or
   * the result file's path; nothing goes through a shell.
   */
  command?: string[] | undefined;
}

/**
 * `[triage]`: guides for triaging New items, shown in the triage prompt
 * (the prompt itself, with its result contract, is pg's).
 */
export interface TriageConfig {
  /** Guide files, relative to the config base (default none). */
  workflows: string[];
}

/**
 * `[sync]`: several workers share the backlog through a git remote
 * (`pg run --sync`).
 */
export interface SyncConfig {
  /** The git remote every `pg run` syncs with (as `--sync REMOTE`; unset: none). */
  remote?: string | undefined;
  /** How often a worker with nothing to do looks at the remote again, in seconds. */
  "poll_seconds": number;
  /**
   * How long a worker's claim on an item holds, in seconds (default: the
   * phase timeout times the attempts, plus 5 minutes).
   */
  "lease_seconds"?: number | undefined;
}

/**
 * A complete, validated configuration.
 *
 * @example Parse a TOML config; what it leaves out gets the defaults
 * ```ts
 * import { parseConfigText } from "./config.ts";
 * import assert from "node:assert/strict";
 *
 * const config = await parseConfigText('[project]\nprefix = "TG"\n', {
 *   format: "toml",
 *   path: "phase-golem.toml",
 * });
 * assert.equal(config.project.prefix, "TG");
 * assert.equal(config.execution.max_wip, 1);
 * assert.deepEqual(Object.keys(config.pipelines), ["feature"]); // the default pipeline
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
  /** `[triage]`. */
  triage: TriageConfig;
  /** Pipelines by name, in file order. */
  pipelines: Record<string, PipelineConfig>;
  /** `[sync]`, when the file has it. */
  sync?: SyncConfig | undefined;
}

/**
 * The built-in `feature` pipeline, used when the config defines none
 * (pg.md §3.4): the workflow pack's `feature` pipeline, whose files
 * `pg init` writes. **[Fix]** Upstream's default pointed at workflow files
 * that exist only in its author's set-up (`.claude/skills/changes/…`); its
 * `review` also changes code here, so it is destructive like `build`.
 *
 * @returns A fresh copy.
 */
export function defaultFeaturePipeline(): PipelineConfig {
  return workflowPackPipelines()[DEFAULT_PIPELINE]!;
}

// ---------------------------------------------------------------------------
// Errors

/** Why a config could not be used. */
export type ConfigErrorCode = "NotFound" | "Read" | "Parse" | "Invalid";

/**
 * A config that could not be read, parsed or validated. `problems` lists
 * every problem found (key path first); `message` is the text to show.
 *
 * @example A config that breaks a rule
 * ```ts
 * import { ConfigError, parseConfigText } from "./config.ts";
 * import assert from "node:assert/strict";
 *
 * const options = { format: "toml", path: "phase-golem.toml" } as const;
 * await assert.rejects(parseConfigText("[execution]\nmax_wip = 0\n", options), (e) => {
 *   assert.ok(e instanceof ConfigError);
 *   assert.equal(e.code, "Invalid");
 *   assert.equal(e.path, "phase-golem.toml");
 *   assert.deepEqual(e.problems, ["execution.max_wip must be >= 1"]);
 *   return true;
 * });
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
export async function parseConfigText(
  text: string,
  options: ParseConfigOptions,
): Promise<PgConfig> {
  const raw = options.format === "toml"
    ? await parseTomlText(text, options.path)
    : await parseJsoncText(text, options.path);
  const { checkRawConfig } = await import("./_config_schema.ts");
  const config = checkRawConfig(raw, options.format, options.path);
  const problems = validateConfig(config);
  if (problems.length > 0) throw new ConfigError("Invalid", options.path, problems);
  return config;
}

/**
 * The built-in configuration: every default and the `feature` pipeline
 * (what an empty config file gives).
 *
 * @returns A fresh configuration.
 */
export function defaultConfig(): PgConfig {
  return {
    project: { prefix: "WRK" },
    guardrails: { max_size: "medium", max_complexity: "medium", max_risk: "low" },
    execution: {
      phase_timeout_minutes: 30,
      max_retries: 2,
      default_phase_cap: 100,
      max_wip: 1,
      max_concurrent: 1,
    },
    agent: { cli: "claude" },
    triage: { workflows: [] },
    pipelines: { [DEFAULT_PIPELINE]: defaultFeaturePipeline() },
  };
}

/**
 * The JSON Schema of a config file (the input form, defaults included),
 * generated from the validating schema.
 *
 * @returns A JSON Schema (draft 2020-12) object.
 */
export async function configJsonSchema(): Promise<Record<string, unknown>> {
  const { jsonSchemaOfConfig } = await import("./_config_schema.ts");
  return jsonSchemaOfConfig();
}

async function parseTomlText(text: string, path: string): Promise<unknown> {
  const { parse } = await import("smol-toml");
  try {
    return parse(text);
  } catch (e) {
    throw new ConfigError("Parse", path, [(e as Error).message], { cause: e });
  }
}

async function parseJsoncText(text: string, path: string): Promise<unknown> {
  const { parse, printParseErrorCode } = await import("jsonc-parser");
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
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
  out.push(...validateAgentCommand(config.agent));
  const remote = config.sync?.remote;
  if (remote !== undefined && (remote.trim() === "" || remote.startsWith("-"))) {
    out.push('sync.remote must name a git remote (e.g. "origin")');
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

/**
 * The rules for `agent.command` (checked with rule 2 of pg.md §3.3): with
 * `cli = "command"` it is required and non-empty, its first element is a
 * program name (not empty, not a placeholder, not an option, no control
 * characters), `{prompt}` appears as one whole argument, and a placeholder
 * is never embedded in a longer argument (it would not be replaced). The
 * other CLIs ignore `agent.command`.
 *
 * @param agent The `[agent]` section.
 * @returns The violated rules' messages (empty when valid).
 */
export function validateAgentCommand(agent: AgentConfig): string[] {
  if (agent.cli !== "command") return [];
  const argv = agent.command;
  if (argv === undefined) return ['agent.command is required when agent.cli is "command"'];
  if (argv.length === 0) {
    return ['agent.command must not be empty (e.g. ["my-agent", "--prompt", "{prompt}"])'];
  }
  const out: string[] = [];
  const program = argv[0]!;
  if (program === PROMPT_PLACEHOLDER || program === RESULT_PATH_PLACEHOLDER) {
    out.push(`agent.command[0] must be a program name, not the placeholder ${program}`);
  } else if (program.trim() === "" || program.startsWith("-") || hasControlChar(program)) {
    out.push(`agent.command[0] must be a program name, got ${JSON.stringify(program)}`);
  }
  if (!argv.includes(PROMPT_PLACEHOLDER)) {
    out.push(`agent.command must pass the prompt: add "${PROMPT_PLACEHOLDER}" as one argument`);
  }
  argv.forEach((arg, i) => {
    for (const ph of [PROMPT_PLACEHOLDER, RESULT_PATH_PLACEHOLDER]) {
      if (arg !== ph && arg.includes(ph)) {
        out.push(
          `agent.command[${i}]: ${ph} must be a whole argument (it is not replaced inside ${
            JSON.stringify(arg)
          })`,
        );
      }
    }
  });
  return out;
}

function hasControlChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
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
  const name = pipelineType ?? DEFAULT_PIPELINE;
  if (Object.hasOwn(pipelines, name)) return { name, pipeline: pipelines[name]! };
  if (pipelineType === null) {
    const names = Object.keys(pipelines);
    if (names.length === 1) return { name: names[0]!, pipeline: pipelines[names[0]!]! };
  }
  return null;
}
