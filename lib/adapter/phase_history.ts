/**
 * Phase history: a small, bounded record of the phases pg ran for an item,
 * with wall time and, when the agent reported them, cost and tokens. Kept in
 * the `x-pg-history` extension as a JSON array, oldest first, at most
 * {@linkcode HISTORY_LIMIT} entries (older ones are dropped):
 *
 * ```json
 * [{"attempts":1,"cost_usd":0.42,"duration_ms":81234,"input_tokens":5120,
 *   "outcome":"complete","output_tokens":930,"phase":"prd","started_at":"2026-01-01T00:00:00Z"}]
 * ```
 *
 * `outcome` is `complete`, `subphase_complete`, `failed` or `blocked`;
 * `cost_usd`, `input_tokens` and `output_tokens` are present only when
 * known. Other keys inside an entry are ignored on read.
 *
 * @module
 */

import type { JsonObject, JsonValue } from "../store/json.ts";
import { isCanonicalTimestamp } from "../store/timestamp.ts";

/** Most entries kept per item. */
export const HISTORY_LIMIT = 20;

/** How a recorded phase run ended. */
export type PhaseRunOutcome = "complete" | "subphase_complete" | "failed" | "blocked";

const OUTCOMES: readonly string[] = ["complete", "subphase_complete", "failed", "blocked"];

/**
 * One phase run of an item.
 *
 * @example
 * ```ts
 * import type { PhaseRun } from "@golem/golem";
 * const run: PhaseRun = {
 *   phase: "prd", outcome: "complete", startedAt: "2026-01-01T00:00:00Z",
 *   durationMs: 81234, attempts: 1, costUsd: 0.42,
 * };
 * ```
 */
export interface PhaseRun {
  /** Phase name (`triage` for triage). */
  phase: string;
  /** How it ended. */
  outcome: PhaseRunOutcome;
  /** When it started (canonical timestamp). */
  startedAt: string;
  /** Wall time in milliseconds, all attempts together. */
  durationMs: number;
  /** Agent attempts made. */
  attempts: number;
  /** Cost in US dollars, when reported. */
  costUsd?: number | undefined;
  /** Input tokens, when reported. */
  inputTokens?: number | undefined;
  /** Output tokens, when reported. */
  outputTokens?: number | undefined;
}

function int(v: JsonValue | undefined): number | null {
  if (typeof v === "bigint") {
    return v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : null;
  }
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) return v;
  return null;
}

/**
 * Decodes one stored entry.
 *
 * @param v The JSON value.
 * @returns The run, or `null` when the value is not a valid entry.
 */
export function decodePhaseRun(v: JsonValue): PhaseRun | null {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return null;
  const o = v as JsonObject;
  const phase = o.phase;
  const outcome = o.outcome;
  const startedAt = o.started_at;
  const durationMs = int(o.duration_ms);
  const attempts = int(o.attempts);
  if (typeof phase !== "string" || typeof outcome !== "string" || !OUTCOMES.includes(outcome)) {
    return null;
  }
  if (typeof startedAt !== "string" || !isCanonicalTimestamp(startedAt)) return null;
  if (durationMs === null || attempts === null) return null;
  const run: PhaseRun = {
    phase,
    outcome: outcome as PhaseRunOutcome,
    startedAt,
    durationMs,
    attempts,
  };
  const cost = o.cost_usd;
  if (typeof cost === "number" && Number.isFinite(cost) && cost >= 0) run.costUsd = cost;
  else if (typeof cost === "bigint" && cost >= 0n) run.costUsd = Number(cost);
  const inTok = int(o.input_tokens);
  if (inTok !== null) run.inputTokens = inTok;
  const outTok = int(o.output_tokens);
  if (outTok !== null) run.outputTokens = outTok;
  return run;
}

/**
 * Encodes one entry (integers as JSON integers, the cost as a float).
 *
 * @param run The run.
 * @returns The JSON object.
 */
export function encodePhaseRun(run: PhaseRun): JsonObject {
  const o: JsonObject = Object.create(null);
  o.phase = run.phase;
  o.outcome = run.outcome;
  o.started_at = run.startedAt;
  o.duration_ms = BigInt(Math.max(0, Math.round(run.durationMs)));
  o.attempts = BigInt(Math.max(0, Math.round(run.attempts)));
  if (run.costUsd !== undefined && Number.isFinite(run.costUsd)) o.cost_usd = run.costUsd;
  if (run.inputTokens !== undefined) o.input_tokens = BigInt(Math.round(run.inputTokens));
  if (run.outputTokens !== undefined) o.output_tokens = BigInt(Math.round(run.outputTokens));
  return o;
}

/** Totals over an item's history. */
export interface PhaseRunTotals {
  /** Runs recorded. */
  runs: number;
  /** Wall time in milliseconds. */
  durationMs: number;
  /** Cost in US dollars over the runs that reported one (`null` when none did). */
  costUsd: number | null;
  /** Input plus output tokens over the runs that reported them (`null` when none did). */
  tokens: number | null;
}

/**
 * Sums a history.
 *
 * @param runs The runs.
 * @returns The totals.
 */
export function totalPhaseRuns(runs: readonly PhaseRun[]): PhaseRunTotals {
  let durationMs = 0;
  let cost: number | null = null;
  let tokens: number | null = null;
  for (const r of runs) {
    durationMs += r.durationMs;
    if (r.costUsd !== undefined) cost = (cost ?? 0) + r.costUsd;
    if (r.inputTokens !== undefined || r.outputTokens !== undefined) {
      tokens = (tokens ?? 0) + (r.inputTokens ?? 0) + (r.outputTokens ?? 0);
    }
  }
  return { runs: runs.length, durationMs, costUsd: cost, tokens };
}
