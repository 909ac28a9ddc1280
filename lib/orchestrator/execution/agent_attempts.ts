/**
 * The attempt loop shared by phase and triage tasks (pg.md §8.1 step 5,
 * §7.8 [Fix]): up to `max_retries + 1` agent runs, each with the failure of
 * the one before in its prompt; identity checked; cancellation wins.
 *
 * @module
 */

import { AgentError, type AgentRunner, type AgentUsage } from "./agents/agent_runner.ts";
import type { Logger } from "../../io/logger.ts";
import type { PhaseResult } from "./phase_result.ts";

/** What the attempts came to. */
export type AttemptsOutcome =
  /** A result that is not `failed` (or a `failed` one the caller wants to see). */
  | { kind: "result"; result: PhaseResult; attempts: number; usage: AgentUsage | null }
  /** Retries exhausted, identity mismatch, or a non-retryable error. */
  | { kind: "failed"; reason: string; attempts: number; usage: AgentUsage | null }
  /** Shutdown or cancellation. */
  | { kind: "cancelled"; attempts: number; usage: AgentUsage | null };

/** Inputs of {@linkcode runAgentAttempts}. */
export interface AttemptsParams {
  /** Runs the agent. */
  runner: AgentRunner;
  /** Item ID the result must name. */
  itemId: string;
  /** Phase the result must name (`triage` for triage). */
  phase: string;
  /** Attempts allowed (`max_retries + 1`). */
  maxAttempts: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Result file. */
  resultPath: string;
  /** Agent working directory (the root). */
  cwd: string;
  /** Builds the prompt of an attempt from the previous failure, if any. */
  prompt: (failureContext: string | null) => string;
  /** Cancels the run. */
  signal: AbortSignal;
  /** Log sink. */
  log: Logger;
  /** Log prefix, e.g. `[WRK-001][BUILD]`. */
  label: string;
  /** Called as each attempt starts. */
  onAttempt?: (attempt: number) => void;
  /** Receives the agent's output. */
  onOutput?: (chunk: Uint8Array, stream: "stdout" | "stderr") => void;
  /**
   * Attempts already made in an earlier execution whose work was dropped
   * (`pg run --sync`: it conflicted with another worker's), and why: the
   * first attempt here is number `used + 1`, with `failure` as its context.
   */
  earlier?: EarlierAttempts | undefined;
}

/** Attempts of a phase made before, whose work was dropped. */
export interface EarlierAttempts {
  /** How many. */
  used: number;
  /** Why their work was dropped (the next attempt's failure context). */
  failure: string;
}

function addUsage(total: AgentUsage | null, u: AgentUsage | undefined): AgentUsage | null {
  if (u === undefined) return total;
  const out: AgentUsage = { ...(total ?? {}) };
  if (u.costUsd !== undefined) out.costUsd = (out.costUsd ?? 0) + u.costUsd;
  if (u.inputTokens !== undefined) out.inputTokens = (out.inputTokens ?? 0) + u.inputTokens;
  if (u.outputTokens !== undefined) out.outputTokens = (out.outputTokens ?? 0) + u.outputTokens;
  return out;
}

/**
 * Runs the agent until it produces a usable result:
 *
 * - cancelled before an attempt, or an agent error caused by shutdown →
 *   `cancelled` (**[Fix]**: never a retry or a failure);
 * - a result naming another item or phase → `failed` with `Result identity
 *   mismatch: …` (not retried);
 * - a `failed` result → retried with its summary as failure context; on the
 *   last attempt `failed` with `Phase {p} failed after {k} attempts. Last
 *   failure: {summary}`;
 * - an agent error → retried with its message; on the last attempt `Phase
 *   {p} failed after {k} attempts. Last error: {e}`;
 * - any other result → `result`.
 *
 * @param p The inputs.
 * @returns The outcome.
 */
export async function runAgentAttempts(p: AttemptsParams): Promise<AttemptsOutcome> {
  let failure: string | null = p.earlier?.failure ?? null;
  let usage: AgentUsage | null = null;
  for (let k = (p.earlier?.used ?? 0) + 1; k <= p.maxAttempts; k++) {
    if (p.signal.aborted) return { kind: "cancelled", attempts: k - 1, usage };
    p.log.info(`${p.label} Starting phase (attempt ${k}/${p.maxAttempts})`);
    p.onAttempt?.(k);
    const request: Parameters<AgentRunner["run"]>[0] = {
      prompt: p.prompt(failure),
      resultPath: p.resultPath,
      cwd: p.cwd,
      timeoutMs: p.timeoutMs,
      signal: p.signal,
      onWarning: (m) => p.log.warn(`${p.label} ${m}`),
    };
    if (p.onOutput !== undefined) request.onOutput = p.onOutput;
    let result: PhaseResult;
    try {
      const outcome = await p.runner.run(request);
      usage = addUsage(usage, outcome.usage);
      result = outcome.result;
    } catch (e) {
      if (p.signal.aborted || (e instanceof AgentError && e.kind === "shutdown")) {
        return { kind: "cancelled", attempts: k, usage };
      }
      const message = e instanceof Error ? e.message : String(e);
      p.log.warn(`${p.label} Agent error (attempt ${k}/${p.maxAttempts}): ${message}`);
      if (k === p.maxAttempts) {
        return {
          kind: "failed",
          reason: `Phase ${p.phase} failed after ${k} attempts. Last error: ${message}`,
          attempts: k,
          usage,
        };
      }
      failure = message;
      continue;
    }
    if (p.signal.aborted) return { kind: "cancelled", attempts: k, usage };
    const mismatch = identityMismatch(result, p.itemId, p.phase);
    if (mismatch !== null) return { kind: "failed", reason: mismatch, attempts: k, usage };
    if (result.result === "failed") {
      p.log.warn(`${p.label} Attempt ${k}/${p.maxAttempts} failed: ${result.summary}`);
      if (k === p.maxAttempts) {
        return {
          kind: "failed",
          reason: `Phase ${p.phase} failed after ${k} attempts. Last failure: ${result.summary}`,
          attempts: k,
          usage,
        };
      }
      failure = result.summary;
      continue;
    }
    return { kind: "result", result, attempts: k, usage };
  }
  // maxAttempts < 1: nothing ran.
  return { kind: "failed", reason: `Phase ${p.phase} failed after 0 attempts`, attempts: 0, usage };
}

/**
 * The identity check of a result (pg.md §8.1).
 *
 * @param result The result.
 * @param itemId The expected item.
 * @param phase The expected phase.
 * @returns `Result identity mismatch: …`, or `null` when both match.
 */
export function identityMismatch(
  result: PhaseResult,
  itemId: string,
  phase: string,
): string | null {
  const parts: string[] = [];
  if (result.itemId !== itemId) {
    parts.push(`item_id: expected '${itemId}', got '${result.itemId}'`);
  }
  if (result.phase !== phase) parts.push(`phase: expected '${phase}', got '${result.phase}'`);
  return parts.length === 0 ? null : `Result identity mismatch: ${parts.join("; ")}`;
}
