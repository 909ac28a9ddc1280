/**
 * The contract between the orchestrator and a coding-agent CLI: what a run
 * needs, what it returns, and how it fails. Implementations (claude,
 * opencode, codex, a generic command) live beside this file.
 *
 * @module
 */

import type { PhaseResult } from "../phase_result.ts";
import type { CostReporting } from "./agent_clis.ts";

/** One agent invocation. */
export interface AgentRunRequest {
  /** The full prompt, passed as a single argument (never through a shell). */
  prompt: string;
  /** Absolute path of the result file the agent must write. */
  resultPath: string;
  /** Working directory: the project root. */
  cwd: string;
  /** Kill the agent's process group after this many milliseconds. */
  timeoutMs: number;
  /** Aborting (shutdown, cancellation) kills the agent's process group. */
  signal?: AbortSignal;
  /**
   * Receives the agent's output as it arrives (stdout and stderr). When
   * absent, output is discarded. Never buffered whole in memory.
   */
  onOutput?: (chunk: Uint8Array, stream: "stdout" | "stderr") => void;
  /**
   * Receives each warning as it happens (stale result file deleted, non-zero
   * exit with a valid result, processes left in the group). The same texts
   * end up in {@linkcode AgentRunOutcome.warnings} when the run succeeds.
   */
  onWarning?: (message: string) => void;
}

/** Usage figures an agent reported (claude's JSON output has them). */
export interface AgentUsage {
  /** Cost in US dollars (claude: `total_cost_usd`). */
  costUsd?: number;
  /** Input tokens (claude: uncached + cache-creation + cache-read input tokens). */
  inputTokens?: number;
  /** Output tokens. */
  outputTokens?: number;
}

/** A finished agent run that produced a valid result file. */
export interface AgentRunOutcome {
  /** The validated result. */
  result: PhaseResult;
  /** Exit code, or `null` when a signal ended it. */
  exitCode: number | null;
  /** Signal name when a signal ended it. */
  signal: string | null;
  /** Wall time of the run in milliseconds. */
  durationMs: number;
  /** Non-fatal notes, e.g. `Agent exited with non-zero status but produced valid result`. */
  warnings: string[];
  /** Cost and tokens, when the agent reported them. */
  usage?: AgentUsage;
}

/** Why an agent run produced no usable result. */
export type AgentErrorKind =
  | "spawn" // could not start: `Failed to spawn subprocess: …`
  | "timeout" // `Agent timed out after {secs} seconds`
  | "no_result" // `Agent failed ({how}): Result file not found: {path}` and the read/parse variants
  | "shutdown"; // the signal aborted it: `Shutdown requested`

/** An agent run that failed; `message` is the text pg.md §8.8/§8.10 prescribe. */
export class AgentError extends Error {
  /** What went wrong. */
  readonly kind: AgentErrorKind;
  /**
   * Creates an agent error.
   *
   * @param kind What went wrong.
   * @param message The spec's message.
   */
  constructor(kind: AgentErrorKind, message: string) {
    super(message);
    this.name = "AgentError";
    this.kind = kind;
  }
}

/**
 * The agent CLI cannot be used: `{Display} not found on PATH. {hint} ({error})`
 * or ``{Display} found but `{binary} --version` failed`` (pg.md §8.7).
 *
 * @example
 * ```ts
 * import { AgentUnavailableError } from "./agent_runner.ts";
 * import assert from "node:assert/strict";
 * const e = new AgentUnavailableError("Claude CLI found but `claude --version` failed");
 * assert.equal(e.name, "AgentUnavailableError");
 * assert.equal(e.missing, false);
 * ```
 */
export class AgentUnavailableError extends Error {
  /** The program was not found (`false`: it was found but its probe failed). */
  readonly missing: boolean;
  /**
   * Creates the error.
   *
   * @param message The spec's message.
   * @param options Whether the program is missing (default `false`).
   */
  constructor(message: string, options: { missing?: boolean } = {}) {
    super(message);
    this.name = "AgentUnavailableError";
    this.missing = options.missing ?? false;
  }
}

/** Runs one kind of agent CLI. */
export interface AgentRunner {
  /** Display name, e.g. `Claude CLI`. */
  readonly displayName: string;
  /** The binary, e.g. `claude`. */
  readonly binary: string;
  /** Whether its runs report their cost (absent: they do not). */
  readonly costReporting?: CostReporting;
  /** The argv (without the binary) for a prompt; pure, for logging and contract tests. */
  argv(prompt: string, resultPath: string): string[];
  /**
   * `{binary} --version` probe.
   *
   * @throws {AgentUnavailableError} `{Display} not found on PATH. {hint} ({error})` or ``{Display} found but `{binary} --version` failed``.
   */
  checkAvailable(): Promise<void>;
  /**
   * Runs the agent in its own process group with stdin closed; deletes a
   * stale result file first; reads, validates and deletes the result file after.
   *
   * @throws {AgentError} When there is no usable result.
   */
  run(request: AgentRunRequest): Promise<AgentRunOutcome>;
  /**
   * Stops every agent process group this runner still has running (SIGTERM,
   * SIGKILL after the grace period): the end of `run`/`triage` and shutdown.
   *
   * @returns How many groups were running.
   */
  killAll?(): Promise<number>;
}
