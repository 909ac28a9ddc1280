/**
 * The agent runner for every CLI of the table: one attempt = check the
 * result path, delete a stale result file, run the agent in its own
 * process group (pg.md §8.7, §8.10), then read, validate and delete the
 * result file (§8.8).
 *
 * @module
 */

import { join, resolve } from "../../../io/path.ts";
import {
  AgentError,
  type AgentRunner,
  type AgentRunOutcome,
  type AgentRunRequest,
  AgentUnavailableError,
} from "./agent_runner.ts";
import type { AgentCliSpec, CostReporting } from "./agent_clis.ts";
import { type GroupRunResult, ProcessGroups } from "./process_group.ts";
import { checkResultPath, readResultFile, removeStaleResultFile } from "./result_file.ts";
import { UsageScanner } from "./usage_scanner.ts";

/** Options for {@linkcode CliAgentRunner} and `createAgentRunner`. */
export interface AgentRunnerOptions {
  /** The registry of live process groups (default: a new one with the 5 s grace period). */
  groups?: ProcessGroups;
  /**
   * Variables set on top of the inherited environment of the agent and the
   * probe (default: none, the environment is inherited unchanged). A `PATH`
   * here is also where the binary is looked up.
   */
  env?: Record<string, string>;
  /** The project root, for the `command` probe of a relative program path (default: the working directory). */
  root?: string;
  /** Timeout of the `--version` probe (default 30 000 ms). */
  probeTimeoutMs?: number;
}

const NON_ZERO_WITH_RESULT = "Agent exited with non-zero status but produced valid result";
const LINUX_MAX_ARG = 128 * 1024;

/**
 * Runs one agent CLI (claude, opencode, codex or a command template).
 *
 * @example Run a command template as the agent, in a temporary project
 * ```ts
 * import { commandCli } from "./agent_clis.ts";
 * import { CliAgentRunner } from "./cli_agent_runner.ts";
 * import { safeResultPath } from "./result_file.ts";
 * import assert from "node:assert/strict";
 *
 * // A stand-in agent: `sh` writes a result whose summary is the prompt.
 * const script = `printf '{"item_id":"WRK-001","phase":"prd","result":"phase_complete",` +
 *   `"summary":"%s"}' "$1" > "$0"`;
 * const runner = new CliAgentRunner(commandCli(["sh", "-c", script, "{result_path}", "{prompt}"]));
 * const root = await Deno.makeTempDir();
 * try {
 *   await runner.checkAvailable(); // `sh` is on PATH
 *   const resultPath = safeResultPath(root, "WRK-001", "prd");
 *   const outcome = await runner.run({
 *     prompt: "Write the PRD",
 *     resultPath,
 *     cwd: root,
 *     timeoutMs: 10_000,
 *   });
 *   assert.equal(outcome.exitCode, 0);
 *   assert.equal(outcome.result.result, "phase_complete");
 *   assert.equal(outcome.result.summary, "Write the PRD");
 *   assert.deepEqual(outcome.warnings, []);
 *   // The result file is read, validated and deleted.
 *   assert.equal(await Deno.stat(resultPath).catch(() => null), null);
 * } finally {
 *   await Deno.remove(root, { recursive: true });
 * }
 * ```
 */
export class CliAgentRunner implements AgentRunner {
  /** Display name, e.g. `Claude CLI`. */
  readonly displayName: string;
  /** The program, e.g. `claude`. */
  readonly binary: string;
  /** The model passed to the CLI, if any. */
  readonly model: string | undefined;
  /** Support is experimental (OpenCode); log it at startup. */
  readonly experimental: boolean;
  /** Whether its runs report their cost. */
  readonly costReporting: CostReporting;
  /** The first line `--version` printed, once {@linkcode checkAvailable} succeeded. */
  version: string | undefined;
  readonly #spec: AgentCliSpec;
  readonly #groups: ProcessGroups;
  readonly #env: Record<string, string> | undefined;
  readonly #root: string;
  readonly #probeTimeoutMs: number;

  /**
   * Creates a runner for one row of the CLI table.
   *
   * @param spec The CLI.
   * @param options Process groups, environment, root.
   */
  constructor(spec: AgentCliSpec, options: AgentRunnerOptions = {}) {
    this.#spec = spec;
    this.displayName = spec.displayName;
    this.binary = spec.binary;
    this.model = spec.model;
    this.experimental = spec.experimental;
    this.costReporting = spec.costReporting;
    this.#groups = options.groups ?? new ProcessGroups();
    this.#env = options.env;
    this.#root = options.root ?? ".";
    this.#probeTimeoutMs = options.probeTimeoutMs ?? 30_000;
  }

  /** The registry of this runner's live process groups. */
  get groups(): ProcessGroups {
    return this.#groups;
  }

  /**
   * The argv after the binary.
   *
   * @param prompt The prompt (one argument).
   * @param resultPath The result file's path.
   * @returns The arguments.
   */
  argv(prompt: string, resultPath: string): string[] {
    return this.#spec.argv(prompt, resultPath);
  }

  /**
   * Checks that the CLI can be started: `{binary} --version` must exit 0
   * (for a command template: the program must exist and be executable).
   *
   * Sets {@linkcode version} to the first line the probe printed (`""` for
   * a command template).
   *
   * @throws {AgentUnavailableError} `{Display} not found on PATH. {hint} ({error})` or ``{Display} found but `{binary} --version` failed``.
   */
  async checkAvailable(): Promise<void> {
    const { displayName, binary, installHint } = this.#spec;
    if (this.#spec.probe === "path") {
      const problem = await findProgram(binary, this.#root, this.#env?.PATH);
      if (problem !== null) {
        throw new AgentUnavailableError(
          `${displayName} not found on PATH. ${installHint} (${problem})`,
          { missing: true },
        );
      }
      this.version = "";
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.#probeTimeoutMs);
    let out: Deno.CommandOutput;
    try {
      out = await new Deno.Command(binary, {
        args: ["--version"],
        ...(this.#env === undefined ? {} : { env: this.#env }),
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
        signal: controller.signal,
      }).output();
    } catch (e) {
      throw new AgentUnavailableError(
        `${displayName} not found on PATH. ${installHint} (${(e as Error).message})`,
        { missing: true },
      );
    } finally {
      clearTimeout(timer);
    }
    if (!out.success) {
      throw new AgentUnavailableError(`${displayName} found but \`${binary} --version\` failed`);
    }
    this.version = new TextDecoder().decode(out.stdout).split("\n")[0]!.trim();
  }

  /**
   * Runs one attempt: checks the result path, deletes a stale result file
   * (warning), runs the agent in its own process group with stdin null and
   * cwd = the root, streams its output, and reads the result file.
   *
   * @param request Prompt, result path, root, timeout, signal, sinks.
   * @returns The validated result with exit status, duration, warnings and usage.
   * @throws {AgentError} `spawn`, `timeout`, `shutdown` or `no_result`, with the messages of pg.md §8.8/§8.10.
   */
  async run(request: AgentRunRequest): Promise<AgentRunOutcome> {
    const warnings: string[] = [];
    const warn = (message: string) => {
      warnings.push(message);
      request.onWarning?.(message);
    };
    if (request.signal?.aborted) throw new AgentError("shutdown", "Shutdown requested");
    const path = request.resultPath;
    const pathProblem = await checkResultPath(request.cwd, path);
    if (pathProblem !== null) {
      throw new AgentError("spawn", `Refusing result path ${JSON.stringify(path)}: ${pathProblem}`);
    }
    try {
      const stale = await removeStaleResultFile(path);
      if (stale !== null) warn(stale);
    } catch (e) {
      throw new AgentError(
        "spawn",
        `Failed to delete stale result file ${path}: ${(e as Error).message}`,
      );
    }

    const args = this.argv(request.prompt, path);
    const scanner = new UsageScanner();
    const sink = request.onOutput;
    let run: GroupRunResult;
    try {
      run = await this.#groups.run(this.#spec.binary, args, {
        cwd: request.cwd,
        env: this.#env,
        timeoutMs: request.timeoutMs,
        signal: request.signal,
        onOutput: (chunk, stream) => {
          if (stream === "stdout") scanner.push(chunk);
          sink?.(chunk, stream);
        },
      });
    } catch (e) {
      throw new AgentError("spawn", spawnMessage(e as Error, request.prompt));
    }

    if (run.reason === "timeout") {
      throw new AgentError("timeout", `Agent timed out after ${request.timeoutMs / 1000} seconds`);
    }
    if (run.reason === "abort" || request.signal?.aborted) {
      throw new AgentError("shutdown", "Shutdown requested");
    }
    if (run.leftovers > 0) {
      warn(
        `Agent left ${run.leftovers} process(es) running in its process group; ${
          run.stop === "killed" ? "killed them" : "terminated them"
        }`,
      );
    }
    const read = await readResultFile(path);
    if (!read.ok) {
      throw new AgentError("no_result", `Agent failed (${exitDescription(run)}): ${read.reason}`);
    }
    if (run.exitCode !== 0) warn(NON_ZERO_WITH_RESULT);
    const outcome: AgentRunOutcome = {
      result: read.result,
      exitCode: run.exitCode,
      signal: run.signal,
      durationMs: run.durationMs,
      warnings,
    };
    const usage = scanner.finish();
    if (usage !== undefined) outcome.usage = usage;
    return outcome;
  }

  /**
   * Stops every agent process group still running (end of run, shutdown).
   *
   * @returns How many groups were running.
   */
  killAll(): Promise<number> {
    return this.#groups.killAll();
  }
}

/** `zero exit`, `exit code N` or `signal NAME` (pg.md §8.8 **[Fix]**). */
function exitDescription(run: GroupRunResult): string {
  if (run.signal !== null) return `signal ${run.signal}`;
  return run.exitCode === 0 ? "zero exit" : `exit code ${run.exitCode}`;
}

function spawnMessage(e: Error, prompt: string): string {
  const base = `Failed to spawn subprocess: ${e.message}`;
  const bytes = new TextEncoder().encode(prompt).length;
  if (/os error 7\b|Argument list too long/.test(e.message) && bytes >= LINUX_MAX_ARG) {
    return `${base} (the prompt is ${bytes} bytes; one argument may hold less than ${LINUX_MAX_ARG} bytes on Linux)`;
  }
  return base;
}

/**
 * Checks that a program can be started: a path with `/` (relative to the
 * root) must be an executable file; a bare name must be one in a `PATH`
 * directory.
 *
 * @returns `null`, or why it cannot.
 */
async function findProgram(
  program: string,
  root: string,
  pathVar: string | undefined,
): Promise<string | null> {
  const candidates = program.includes("/")
    ? [resolve(Deno.cwd(), join(root, program))]
    : (pathVar ?? Deno.env.get("PATH") ?? "").split(":").filter((d) => d !== "").map((d) =>
      join(d, program)
    );
  for (const c of candidates) {
    const info = await Deno.stat(c).catch(() => null);
    if (info?.isFile && (info.mode === null || (info.mode & 0o111) !== 0)) return null;
  }
  return program.includes("/")
    ? `no executable file at ${candidates[0]}`
    : "no executable file of that name in any PATH directory";
}
