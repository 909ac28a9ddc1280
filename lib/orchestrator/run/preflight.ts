/**
 * Preflight (pg.md §8.13): the checks `pg run` makes before spawning
 * anything — store directory, config structure, workflow files (the
 * pipelines' and the triage guides), the items' pipelines and phases,
 * duplicate IDs, and the dependency graph. Every problem is collected, each
 * with where it is and how to fix it.
 *
 * @module
 */

import { DEFAULT_PIPELINE } from "../../adapter/pg_item.ts";
import type { FileSystem } from "../../io/fs.ts";
import { join } from "../../io/path.ts";
import {
  type AgentCli,
  type AgentConfig,
  type PgConfig,
  resolvePipeline,
} from "../config/config.ts";
import { DETECTED_AGENT_CLIS } from "../execution/agents/which_binary.ts";
import { AgentUnavailableError } from "../execution/agents/agent_runner.ts";
import { isWorkflowPackPath, WORKFLOW_PACK_DIR } from "../config/workflow_pack.ts";
import type { SchedulerItem } from "../scheduling/scheduler_item.ts";

/** What preflight reads of an item (a scheduler view has it all). */
export type PreflightItem = Pick<
  SchedulerItem,
  "id" | "status" | "phase" | "phasePool" | "pipelineType" | "dependencies"
>;

/** One preflight problem. */
export interface PreflightError {
  /** What is wrong. */
  condition: string;
  /** Where (`phase-golem.toml → …`, `tasks.jsonl → …`). */
  location: string;
  /** How to fix it. */
  fix: string;
}

/**
 * Formats a problem in three lines: `Preflight error: …`, `  Config: …`, `  Fix: …`.
 *
 * @param e The problem.
 * @returns The text (no trailing newline).
 */
export function formatPreflightError(e: PreflightError): string {
  return `Preflight error: ${e.condition}\n  Config: ${e.location}\n  Fix: ${e.fix}`;
}

/** Inputs of {@linkcode runPreflight}. */
export interface PreflightOptions {
  /** File system. */
  fs: FileSystem;
  /** Project root. */
  root: string;
  /** The configuration. */
  config: PgConfig;
  /** Directory workflow paths are relative to. */
  configBase: string;
  /** Config file name for locations (e.g. `phase-golem.toml`). */
  configName: string;
  /** Active items, in file order. */
  items: readonly PreflightItem[];
  /** IDs in the archive (**[Fix]** B3: dependencies on them are fine). */
  archiveIds: ReadonlySet<string>;
}

function structural(config: PgConfig, file: string): PreflightError[] {
  const out: PreflightError[] = [];
  const ex = config.execution;
  if (ex.max_wip < 1) {
    out.push({
      condition: "max_wip must be >= 1",
      location: `${file} → execution.max_wip`,
      fix: "Set max_wip to at least 1",
    });
  }
  if (ex.max_concurrent < 1) {
    out.push({
      condition: "max_concurrent must be >= 1",
      location: `${file} → execution.max_concurrent`,
      fix: "Set max_concurrent to at least 1",
    });
  }
  for (const [name, p] of Object.entries(config.pipelines)) {
    if (p.phases.length === 0) {
      out.push({
        condition: `Pipeline "${name}" has no main phases`,
        location: `${file} → pipelines.${name}.phases`,
        fix: "Add at least one phase to the phases array",
      });
    }
    const seen = new Set<string>();
    const lists: ["pre_phases" | "phases", typeof p.phases][] = [
      ["pre_phases", p.pre_phases],
      ["phases", p.phases],
    ];
    for (const [key, list] of lists) {
      list.forEach((ph, i) => {
        if (seen.has(ph.name)) {
          out.push({
            condition: `Duplicate phase name "${ph.name}" in pipeline "${name}"`,
            location: `${file} → pipelines.${name}.${key}[${i}]`,
            fix: "Use unique phase names within a pipeline",
          });
        }
        seen.add(ph.name);
      });
    }
    p.pre_phases.forEach((ph, i) => {
      if (ph.is_destructive) {
        out.push({
          condition: `Pre-phase "${ph.name}" in pipeline "${name}" cannot be destructive`,
          location: `${file} → pipelines.${name}.pre_phases[${i}].is_destructive`,
          fix: "Remove the destructive flag from pre_phases (only main phases can be destructive)",
        });
      }
    });
    if (ex.max_wip > 1) {
      for (const [key, list] of lists) {
        list.forEach((ph, i) => {
          if (ph.staleness === "block") {
            out.push({
              condition:
                `Phase "${ph.name}" in pipeline "${name}" uses staleness "block" which is incompatible with max_wip > 1`,
              location: `${file} → pipelines.${name}.${key}[${i}].staleness + execution.max_wip`,
              fix: 'Either set max_wip to 1 or change staleness to "warn" or "ignore"',
            });
          }
        });
      }
    }
  }
  return out;
}

async function workflows(o: PreflightOptions): Promise<PreflightError[]> {
  // Each distinct path once, with the key that names it (pipelines first).
  const keys = new Map<string, string>();
  for (const p of Object.values(o.config.pipelines)) {
    for (const ph of [...p.pre_phases, ...p.phases]) {
      for (const w of ph.workflows) if (!keys.has(w)) keys.set(w, "pipelines → workflows");
    }
  }
  for (const w of o.config.triage.workflows) if (!keys.has(w)) keys.set(w, "triage.workflows");
  const out: PreflightError[] = [];
  for (const w of [...keys.keys()].sort()) {
    const info = await o.fs.stat(join(o.configBase, w)).catch(() => null);
    if (info === null) {
      const restore = isWorkflowPackPath(w)
        ? ` (\`pg init\` writes the missing files of ${WORKFLOW_PACK_DIR}/)`
        : "";
      out.push({
        condition: `Workflow file not found: ${w}`,
        location: `${o.configName} → ${keys.get(w)}`,
        fix: `Create the workflow file at ${w} or update the path${restore}`,
      });
    }
  }
  return out;
}

function itemChecks(o: PreflightOptions): PreflightError[] {
  const out: PreflightError[] = [];
  for (const pg of o.items) {
    const status = pg.status;
    if (status !== "InProgress" && status !== "Scoping" && status !== "Ready") continue;
    const type = pg.pipelineType ?? DEFAULT_PIPELINE;
    const resolved = resolvePipeline(o.config, pg.pipelineType);
    const at = `tasks.jsonl → items → ${pg.id}`;
    if (resolved === null) {
      out.push({
        condition: `Item ${pg.id} references unknown pipeline type "${type}"`,
        location: `${at} → pipeline_type`,
        fix:
          `Add a pipelines.${type} section to ${o.configName} or update the item's x-pg-pipeline-type`,
      });
      continue;
    }
    const phase = pg.phase;
    if (status === "Ready" || phase === null) continue;
    const inPre = resolved.pipeline.pre_phases.some((p) => p.name === phase);
    const inMain = resolved.pipeline.phases.some((p) => p.name === phase);
    if (!inPre && !inMain) {
      out.push({
        condition:
          `Item ${pg.id} references unknown phase "${phase}" in pipeline "${resolved.name}"`,
        location: `${at} → phase`,
        fix: `Update the item's phase to a valid phase name in the "${resolved.name}" pipeline`,
      });
      continue;
    }
    const pool = pg.phasePool;
    const expected = inPre ? "pre" : "main";
    if (pool !== null && pool !== expected) {
      const show = (p: string) => (p === "pre" ? "Pre" : "Main");
      out.push({
        condition: `Item ${pg.id} has phase_pool ${show(pool)} but phase "${phase}" is in ${
          show(expected)
        }`,
        location: `${at} → phase_pool`,
        fix: `Update phase_pool to ${show(expected)} to match the phase's location in the pipeline`,
      });
    }
  }
  return out;
}

function duplicateIds(items: readonly PreflightItem[]): PreflightError[] {
  const at = new Map<string, number[]>();
  items.forEach((it, i) => at.set(it.id, [...(at.get(it.id) ?? []), i]));
  return [...at.entries()]
    .filter(([, idx]) => idx.length > 1)
    .sort((a, b) => a[1][0]! - b[1][0]!)
    .map(([id, idx]) => ({
      condition: `Duplicate item ID "${id}" found at indices [${idx.join(", ")}]`,
      location: "tasks.jsonl → items",
      fix: "Remove or rename the duplicate item so each ID is unique",
    }));
}

function dependencyGraph(o: PreflightOptions): PreflightError[] {
  const out: PreflightError[] = [];
  const active = new Set(o.items.map((it) => it.id));
  for (const it of o.items) {
    for (const d of it.dependencies) {
      if (!active.has(d) && !o.archiveIds.has(d)) {
        out.push({
          condition: `Item '${it.id}' depends on '${d}' which does not exist in the backlog`,
          location: `tasks.jsonl → items → ${it.id} → dependencies`,
          fix: `Remove '${d}' from ${it.id}'s dependencies, or add the missing item to the backlog`,
        });
      }
    }
  }
  for (const cycle of findCycles(o.items)) {
    out.push({
      condition: `Circular dependency detected: ${cycle.join(" → ")}`,
      location: "tasks.jsonl → items → dependencies",
      fix: `Remove one dependency in the cycle to break it: ${cycle.slice(0, -1).join(", ")}`,
    });
  }
  return out;
}

/**
 * Cycles among the items that are not Done, found by a depth-first search
 * with three colours, each as a path that ends where it starts.
 *
 * @param items The active items.
 * @returns The cycles, e.g. `[["A", "B", "A"]]`.
 */
export function findCycles(items: readonly PreflightItem[]): string[][] {
  const byId = new Map<string, PreflightItem>();
  for (const it of items) {
    if (it.status !== "Done" && !byId.has(it.id)) byId.set(it.id, it);
  }
  const color = new Map<string, 0 | 1 | 2>();
  const cycles: string[][] = [];
  const path: string[] = [];
  // Iterative DFS: [id, next dependency index].
  for (const start of byId.keys()) {
    if ((color.get(start) ?? 0) !== 0) continue;
    const stack: [string, number][] = [[start, 0]];
    color.set(start, 1);
    path.push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const deps = byId.get(top[0])!.dependencies;
      if (top[1] >= deps.length) {
        color.set(top[0], 2);
        stack.pop();
        path.pop();
        continue;
      }
      const d = deps[top[1]++]!;
      if (!byId.has(d)) continue;
      const c = color.get(d) ?? 0;
      if (c === 1) {
        cycles.push([...path.slice(path.indexOf(d)), d]);
      } else if (c === 0) {
        color.set(d, 1);
        path.push(d);
        stack.push([d, 0]);
      }
    }
  }
  return cycles;
}

/**
 * Runs the preflight checks in order: store directory (alone when it
 * fails); config structure; then, only when the structure is sound, the
 * workflow files and the items' pipelines, phases and pools; duplicate IDs;
 * dangling dependencies (archived IDs count as existing, **[Fix]** B3) and
 * cycles.
 *
 * @param o Config, items, paths.
 * @returns Every problem found (empty when all pass).
 */
export async function runPreflight(o: PreflightOptions): Promise<PreflightError[]> {
  const storeDir = `${o.root}/.task-golem`;
  const info = await o.fs.stat(storeDir).catch(() => null);
  if (!info?.isDirectory) {
    return [{
      condition: ".task-golem/ directory not found",
      location: storeDir,
      fix: "Run `tg init` to initialize the task-golem store",
    }];
  }
  const errors = structural(o.config, o.configName);
  if (errors.length === 0) {
    errors.push(...await workflows(o));
    errors.push(...itemChecks(o));
  }
  errors.push(...duplicateIds(o.items));
  errors.push(...dependencyGraph(o));
  return errors;
}

/** Inputs of {@linkcode agentUnavailableHelp}. */
export interface AgentHelpOptions {
  /** The `[agent]` section in use. */
  agent: AgentConfig;
  /** The config file's name (e.g. `phase-golem.jsonc`), or `null` when the defaults apply. */
  configName: string | null;
  /** The agent CLIs on `PATH` (`agentClisOnPath`), preferred first. */
  onPath: readonly AgentCli[];
  /** The program is missing (`false`: found, but its `--version` probe failed). */
  missing: boolean;
}

/**
 * Where to fix an agent CLI that cannot be started, and how: the config key
 * that names it and, when others are on `PATH`, the line that selects the
 * first of them, in the config file's own syntax.
 *
 * @param o The agent, the config file, what is on `PATH`.
 * @returns The location and the fix (the condition is the runner's message).
 *
 * @example Claude is configured but only codex is installed
 * ```ts
 * import { agentUnavailableHelp } from "./preflight.ts";
 * import assert from "node:assert/strict";
 *
 * const help = agentUnavailableHelp({
 *   agent: { cli: "claude" },
 *   configName: "phase-golem.toml",
 *   onPath: ["codex"],
 *   missing: true,
 * });
 * assert.equal(help.location, 'phase-golem.toml → agent.cli ("claude")');
 * assert.equal(
 *   help.fix,
 *   'Install claude, or use an agent CLI that is on PATH (codex): set cli = "codex" in the ' +
 *     "[agent] table of phase-golem.toml",
 * );
 * ```
 */
export function agentUnavailableHelp(o: AgentHelpOptions): { location: string; fix: string } {
  const { agent, configName } = o;
  const program = agent.cli === "command" ? agent.command?.[0] ?? "" : agent.cli;
  const key = agent.cli === "command" ? "agent.command[0]" : "agent.cli";
  const others = o.onPath.filter((c) => c !== agent.cli);
  const first = others[0];
  if (configName === null) {
    const location = `agent.cli (no config file: the default ${JSON.stringify(agent.cli)} applies)`;
    const fix = first === undefined
      ? `Install ${program} (none of ${
        DETECTED_AGENT_CLIS.join(", ")
      } is on PATH), then run pg again`
      : `Run \`pg init\`: it writes phase-golem.jsonc with an agent CLI that is on PATH (${first})`;
    return { location, fix };
  }
  const location = `${configName} → ${key} (${JSON.stringify(program)})`;
  const own = !o.missing
    ? `Run \`${program} --version\` to see why it fails`
    : agent.cli === "command"
    ? `Install ${program} or correct ${key}`
    : `Install ${program}`;
  const where = /\.jsonc?$/i.test(configName)
    ? `the "agent" section of ${configName}`
    : `the [agent] table of ${configName}`;
  if (first === undefined) {
    const none = `none of ${DETECTED_AGENT_CLIS.join(", ")} is on PATH`;
    return {
      location,
      fix: agent.cli === "command"
        ? `${own} (${none})`
        : `${own} (${none}), or run another agent: set ${
          setting("command", configName)
        } and a command in ${where}`,
    };
  }
  return {
    location,
    fix: `${own}, or use an agent CLI that is on PATH (${others.join(", ")}): set ${
      setting(first, configName)
    } in ${where}`,
  };
}

/** The setting that selects an agent CLI, in the config file's syntax. */
function setting(cli: AgentCli, configName: string): string {
  return /\.jsonc?$/i.test(configName) ? `"cli": "${cli}"` : `cli = "${cli}"`;
}

/**
 * The error an agent CLI that cannot be started ends the startup with: the
 * runner's message, then where to fix it and how ({@linkcode agentUnavailableHelp}),
 * as preflight errors show them.
 *
 * @param e The runner's error.
 * @param o The agent, the config file, what is on `PATH`.
 * @returns A new error with the longer message.
 */
export function withAgentHelp(
  e: AgentUnavailableError,
  o: Omit<AgentHelpOptions, "missing">,
): AgentUnavailableError {
  const help = agentUnavailableHelp({ ...o, missing: e.missing });
  return new AgentUnavailableError(
    `${e.message}\n  Config: ${help.location}\n  Fix: ${help.fix}`,
    { missing: e.missing },
  );
}
