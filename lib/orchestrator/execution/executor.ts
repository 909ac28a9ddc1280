/**
 * The executor (pg.md §8.1–§8.3): runs one phase of one item — staleness
 * check for destructive phases, phase start recorded, change folder, then
 * the agent attempts — and says how it went. It changes nothing but
 * `x-pg-last-phase-commit`; the run loop applies the outcome.
 *
 * @module
 */

import type { PgItem } from "../../adapter/pg_item.ts";
import type { FileSystem } from "../../io/fs.ts";
import { join } from "../../io/path.ts";
import { type AttemptsOutcome, type EarlierAttempts, runAgentAttempts } from "./agent_attempts.ts";
import type { AgentRunner, AgentUsage } from "./agents/agent_runner.ts";
import { ensureChangeFolder } from "./change_folder.ts";
import type { PhaseConfig } from "../config/config.ts";
import type { Logger } from "../../io/logger.ts";
import type { PhaseResult } from "./phase_result.ts";
import { buildPhasePrompt, promptItemOf } from "./prompt.ts";
import { safeResultPath } from "./agents/result_file.ts";
import { unsafeNamesReason } from "./safe_name.ts";

/** Wall time, attempts and usage of one phase execution. */
export interface RunStats {
  /** When the execution started (canonical timestamp). */
  startedAt: string;
  /** Wall time in milliseconds (all attempts). */
  durationMs: number;
  /** Agent attempts made. */
  attempts: number;
  /** Cost and tokens over all attempts, when reported. */
  usage: AgentUsage | null;
}

/** How a phase (or triage) execution ended (pg.md §7.8). */
export type ExecutionResult =
  | { kind: "Success"; result: PhaseResult; stats: RunStats }
  | { kind: "SubphaseComplete"; result: PhaseResult; stats: RunStats }
  | { kind: "Failed"; reason: string; stats: RunStats | null }
  | { kind: "Blocked"; reason: string; result: PhaseResult | null; stats: RunStats | null }
  | { kind: "Cancelled"; stats: RunStats | null };

/** The coordinator operations the executor uses. */
export interface ExecutorStore {
  /** `git rev-parse HEAD`. */
  headSha(): Promise<string>;
  /** Whether a commit is in HEAD's history. */
  isAncestor(sha: string): Promise<boolean>;
  /** Records the commit a phase starts from. */
  recordPhaseStart(id: string, sha: string): Promise<void>;
}

/** What every execution needs. */
export interface ExecutorContext {
  /** Store and git operations (the coordinator). */
  store: ExecutorStore;
  /** Runs the agent. */
  runner: AgentRunner;
  /** File system (change folder). */
  fs: FileSystem;
  /** Project root, absolute. */
  root: string;
  /** Directory workflow paths are relative to. */
  configBase: string;
  /** `triage.workflows`: the triage guides, relative to {@linkcode configBase} (default none). */
  triageWorkflows?: readonly string[];
  /** Attempts = `max_retries + 1`. */
  maxRetries: number;
  /** Per-attempt timeout in milliseconds. */
  timeoutMs: number;
  /** Cancels running agents. */
  signal: AbortSignal;
  /** Log sink. */
  log: Logger;
  /** Canonical timestamp of now. */
  now: () => string;
  /** Monotonic milliseconds, for durations. */
  elapsedMs: () => number;
  /** Called as each attempt starts. */
  onAttempt?: (itemId: string, phase: string, attempt: number, maxAttempts: number) => void;
  /** Receives agent output. */
  onOutput?: (itemId: string, chunk: Uint8Array, stream: "stdout" | "stderr") => void;
}

/** Inputs of {@linkcode executePhase}. */
export interface ExecutePhaseParams {
  /** The item, from a fresh snapshot. */
  item: PgItem;
  /** The phase to run. */
  phase: PhaseConfig;
  /** Summary of the item's previous phase in this run. */
  previousSummary: string | null;
  /** Attempts made before whose work was dropped (they count; default none). */
  earlier?: EarlierAttempts | undefined;
}

/** The label of log lines: `[{id}][{PHASE}]`. */
export function phaseLabel(id: string, phase: string): string {
  return `[${id}][${phase.toUpperCase()}]`;
}

/**
 * The staleness check of a destructive phase (pg.md §8.2).
 *
 * @param item The item.
 * @param phase The phase (its `staleness` policy).
 * @param store `isAncestor`.
 * @returns `proceed`, `warn`, or a block reason.
 */
export async function checkStaleness(
  item: PgItem,
  phase: PhaseConfig,
  store: Pick<ExecutorStore, "isAncestor">,
): Promise<{ kind: "proceed" } | { kind: "warn" } | { kind: "block"; reason: string }> {
  const sha = item.lastPhaseCommit();
  if (sha === null) return { kind: "proceed" };
  let ancestor: boolean;
  try {
    ancestor = await store.isAncestor(sha);
  } catch (e) {
    return {
      kind: "block",
      reason: `Staleness check failed for commit ${sha}: ${(e as Error).message}`,
    };
  }
  if (ancestor) return { kind: "proceed" };
  switch (phase.staleness) {
    case "ignore":
      return { kind: "proceed" };
    case "warn":
      return { kind: "warn" };
    case "block":
      return {
        kind: "block",
        reason: `Stale: prior phase based on commit ${sha} no longer in history`,
      };
  }
}

/**
 * Turns the attempt loop's outcome into an execution result.
 *
 * @param o The outcome.
 * @param stats Wall time and attempts.
 * @returns The execution result.
 */
export function executionResultOf(o: AttemptsOutcome, stats: RunStats): ExecutionResult {
  switch (o.kind) {
    case "cancelled":
      return { kind: "Cancelled", stats };
    case "failed":
      return { kind: "Failed", reason: o.reason, stats };
    case "result":
      switch (o.result.result) {
        case "subphase_complete":
          return { kind: "SubphaseComplete", result: o.result, stats };
        case "blocked":
          return {
            kind: "Blocked",
            reason: o.result.context || o.result.summary,
            result: o.result,
            stats,
          };
        default:
          return { kind: "Success", result: o.result, stats };
      }
  }
}

/**
 * Runs one phase of an item (pg.md §8.1):
 *
 * 0. An ID or phase name that is not a safe file name blocks the item.
 * 1. Destructive phases: staleness (`warn` logs, `block` blocks).
 * 2. Records HEAD as the phase's start commit.
 * 3. Result path and change folder (`changes/{id}_{slug}`).
 * 4. Agent attempts with retries, identity check and cancellation.
 *
 * @param p Item, phase and previous summary.
 * @param ctx Store, runner, paths and limits.
 * @returns How the phase ended.
 */
export async function executePhase(
  p: ExecutePhaseParams,
  ctx: ExecutorContext,
): Promise<ExecutionResult> {
  const id = p.item.id;
  const phase = p.phase.name;
  const label = phaseLabel(id, phase);
  const unsafe = unsafeNamesReason(id, phase);
  if (unsafe !== null) return { kind: "Blocked", reason: unsafe, result: null, stats: null };
  if (ctx.signal.aborted) return { kind: "Cancelled", stats: null };

  if (p.phase.is_destructive) {
    const stale = await checkStaleness(p.item, p.phase, ctx.store);
    if (stale.kind === "warn") ctx.log.warn(`${label} Warning: prior phase artifacts may be stale`);
    if (stale.kind === "block") {
      return { kind: "Blocked", reason: stale.reason, result: null, stats: null };
    }
  }

  let head: string;
  try {
    head = await ctx.store.headSha();
  } catch (e) {
    return {
      kind: "Failed",
      reason: `Failed to get HEAD SHA: ${(e as Error).message}`,
      stats: null,
    };
  }
  try {
    await ctx.store.recordPhaseStart(id, head);
  } catch (e) {
    return {
      kind: "Failed",
      reason: `Failed to record phase start: ${(e as Error).message}`,
      stats: null,
    };
  }

  let resultPath: string;
  let changeFolder: string;
  try {
    resultPath = safeResultPath(ctx.root, id, phase);
    changeFolder = await ensureChangeFolder(id, p.item.title, { fs: ctx.fs, root: ctx.root });
  } catch (e) {
    return {
      kind: "Failed",
      reason: `Failed to prepare the change folder: ${(e as Error).message}`,
      stats: null,
    };
  }

  const maxAttempts = ctx.maxRetries + 1;
  const startedAt = ctx.now();
  const t0 = ctx.elapsedMs();
  const promptItem = promptItemOf(p.item);
  const workflows = p.phase.workflows.map((w) => join(ctx.configBase, w));
  const unblockNotes = p.item.unblockContext();
  const outcome = await runAgentAttempts({
    runner: ctx.runner,
    itemId: id,
    phase,
    maxAttempts,
    timeoutMs: ctx.timeoutMs,
    resultPath,
    cwd: ctx.root,
    signal: ctx.signal,
    log: ctx.log,
    label,
    prompt: (failureContext) =>
      buildPhasePrompt({
        item: promptItem,
        phase,
        workflows,
        changeFolder,
        resultPath,
        previousSummary: p.previousSummary,
        unblockNotes,
        failureContext,
      }),
    onAttempt: (k) => ctx.onAttempt?.(id, phase, k, maxAttempts),
    earlier: p.earlier,
    ...(ctx.onOutput === undefined ? {} : {
      onOutput: (chunk: Uint8Array, stream: "stdout" | "stderr") =>
        ctx.onOutput!(id, chunk, stream),
    }),
  });
  return executionResultOf(outcome, {
    startedAt,
    durationMs: Math.max(0, ctx.elapsedMs() - t0),
    attempts: outcome.attempts,
    usage: outcome.usage,
  });
}
