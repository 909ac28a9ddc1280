/**
 * The context a run hands to `executePhase` and `executeTriage`, built in
 * one place for `pg run`'s loop and `pg triage`: both run agents with the
 * same limits, signal, clock and reporting.
 *
 * @module
 */

import type { FileSystem } from "../../io/fs.ts";
import type { Logger } from "../../io/logger.ts";
import type { PgConfig } from "../config/config.ts";
import type { AgentRunner } from "../execution/agents/agent_runner.ts";
import type { ExecutorContext, ExecutorStore } from "../execution/executor.ts";
import type { RunObserver } from "./run_events.ts";

/** Options for {@linkcode executorContext}. */
export interface ExecutorContextOptions {
  /** Store and git operations (the coordinator). */
  store: ExecutorStore;
  /** Runs the agents. */
  runner: AgentRunner;
  /** Retries and the phase timeout come from `execution`. */
  config: PgConfig;
  /** Directory workflow paths are relative to. */
  configBase: string;
  /** Project root, absolute. */
  root: string;
  /** File system. */
  fs: FileSystem;
  /** Log sink. */
  log: Logger;
  /** Told as each attempt starts (`phase_started`) and given the agents' output. */
  observer: RunObserver;
  /** Cancels running agents. */
  signal: AbortSignal;
  /** Canonical timestamp of now. */
  now: () => string;
  /** Monotonic milliseconds (default: `performance.now()` since this call). */
  elapsedMs?: () => number;
  /** The title a `phase_started` event shows for an item (default: its ID). */
  title?: (itemId: string) => string | undefined;
}

/**
 * Builds the executor context of a run: `max_retries`,
 * `phase_timeout_minutes` and the triage guides from the config, a `phase_started` event for
 * every attempt, and the agents' output passed to the observer when it
 * takes it.
 *
 * @param options Coordinator, runner, config, effects and reporting.
 * @returns The context.
 */
export function executorContext(options: ExecutorContextOptions): ExecutorContext {
  const { observer, title } = options;
  const start = performance.now();
  const exec: ExecutorContext = {
    store: options.store,
    runner: options.runner,
    fs: options.fs,
    root: options.root,
    configBase: options.configBase,
    triageWorkflows: options.config.triage.workflows,
    maxRetries: options.config.execution.max_retries,
    timeoutMs: options.config.execution.phase_timeout_minutes * 60_000,
    signal: options.signal,
    log: options.log,
    now: options.now,
    elapsedMs: options.elapsedMs ?? (() => performance.now() - start),
    onAttempt: (itemId, phase, attempt, maxAttempts) =>
      observer.event({
        type: "phase_started",
        "item_id": itemId,
        title: title?.(itemId) ?? itemId,
        phase,
        attempt,
        "max_attempts": maxAttempts,
      }),
  };
  if (observer.agentOutput !== undefined) {
    exec.onOutput = (id, chunk, stream) => observer.agentOutput!(id, chunk, stream);
  }
  return exec;
}
