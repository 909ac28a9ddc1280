/**
 * A test double for {@linkcode AgentRunner}: each run takes the next step
 * of a script (a result, an error, a hang until aborted, or a function of
 * the request) and every request is recorded. Runs no process.
 *
 * @module
 */

import {
  AgentError,
  type AgentRunner,
  type AgentRunOutcome,
  type AgentRunRequest,
  type AgentUsage,
} from "./agent_runner.ts";
import type { PhaseResult, ResultCode } from "../phase_result.ts";
import type { CostReporting } from "./agent_clis.ts";

/** What one scripted run does. */
export type ScriptStep =
  | {
    result: Partial<PhaseResult> & { itemId: string; phase: string; result: ResultCode };
    usage?: AgentUsage;
    delayMs?: number;
  }
  | { error: AgentError; delayMs?: number }
  /** Waits until the request's signal aborts, then fails with `Shutdown requested`. */
  | { hang: true }
  | ((request: AgentRunRequest) => Promise<AgentRunOutcome> | AgentRunOutcome);

/**
 * Builds a full result from the fields that matter.
 *
 * @param itemId Item ID.
 * @param phase Phase.
 * @param result Result code.
 * @param extra Other fields.
 * @returns The result.
 */
export function phaseResult(
  itemId: string,
  phase: string,
  result: ResultCode = "phase_complete",
  extra: Partial<PhaseResult> = {},
): PhaseResult {
  return {
    itemId,
    phase,
    result,
    summary: `${phase} of ${itemId}: ${result}`,
    followUps: [],
    duplicates: [],
    ...extra,
  };
}

/**
 * A runner that replays a script and records every request. When the
 * script is used up, a run fails with `MockAgentRunner: no more results in
 * sequence`.
 *
 * @example A result, then a timeout, then nothing left
 * ```ts
 * import { AgentError } from "./agent_runner.ts";
 * import { ScriptedAgentRunner } from "./scripted_agent_runner.ts";
 * import assert from "node:assert/strict";
 *
 * const runner = new ScriptedAgentRunner([
 *   { result: { itemId: "WRK-001", phase: "prd", result: "phase_complete" } },
 *   { error: new AgentError("timeout", "Agent timed out after 60 seconds") },
 * ]);
 * const request = {
 *   prompt: "Write the PRD",
 *   resultPath: "/repo/.phase-golem/phase_result_WRK-001_prd.json",
 *   cwd: "/repo",
 *   timeoutMs: 60_000,
 * };
 *
 * const outcome = await runner.run(request);
 * assert.equal(outcome.result.result, "phase_complete");
 * assert.equal(outcome.result.summary, "prd of WRK-001: phase_complete");
 * await assert.rejects(runner.run(request), { kind: "timeout" });
 * await assert.rejects(runner.run(request), /no more results in sequence/);
 * assert.equal(runner.requests.length, 3);
 * assert.equal(runner.remaining, 0);
 * ```
 */
export class ScriptedAgentRunner implements AgentRunner {
  /** Display name. */
  readonly displayName: string = "Scripted agent";
  /** Pretend binary (`scripted`; the status probe always succeeds). */
  readonly binary: string = "scripted";
  /** Whether its runs report their cost (a test may say they do not). */
  costReporting: CostReporting = "reported";
  /** Every request, in order. */
  readonly requests: AgentRunRequest[] = [];
  readonly #steps: ScriptStep[];

  /** @param steps The script. */
  constructor(steps: ScriptStep[] = []) {
    this.#steps = [...steps];
  }

  /**
   * Appends steps.
   *
   * @param steps More steps.
   */
  push(...steps: ScriptStep[]): void {
    this.#steps.push(...steps);
  }

  /** Steps not used yet. */
  get remaining(): number {
    return this.#steps.length;
  }

  /**
   * `["-p", prompt]` (nothing is run).
   *
   * @param prompt The prompt.
   * @returns The argv.
   */
  argv(prompt: string): string[] {
    return ["-p", prompt];
  }

  /** Always available. */
  checkAvailable(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Plays the next step.
   *
   * @param request The request (recorded).
   * @returns The scripted outcome.
   */
  async run(request: AgentRunRequest): Promise<AgentRunOutcome> {
    this.requests.push(request);
    const step = this.#steps.shift();
    if (step === undefined) {
      throw new AgentError("no_result", "MockAgentRunner: no more results in sequence");
    }
    if (typeof step === "function") return await step(request);
    if ("hang" in step) {
      await new Promise<void>((resolve) => {
        if (request.signal?.aborted) resolve();
        request.signal?.addEventListener("abort", () => resolve(), { once: true });
      });
      throw new AgentError("shutdown", "Shutdown requested");
    }
    if (step.delayMs !== undefined) await abortableDelay(step.delayMs, request.signal);
    if (request.signal?.aborted) throw new AgentError("shutdown", "Shutdown requested");
    if ("error" in step) throw step.error;
    const r = step.result;
    const outcome: AgentRunOutcome = {
      result: phaseResult(r.itemId, r.phase, r.result, r),
      exitCode: 0,
      signal: null,
      durationMs: step.delayMs ?? 0,
      warnings: [],
    };
    if (step.usage !== undefined) outcome.usage = step.usage;
    return outcome;
  }
}

function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
