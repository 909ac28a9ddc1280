/**
 * The triage task (pg.md §7.8 [Fix]): one New item assessed by the agent
 * with the triage prompt, with retries, identity check and cancellation
 * like a phase.
 *
 * @module
 */

import { PgItem } from "../../adapter/pg_item.ts";
import { pgStatusLabel } from "../../adapter/pg_status.ts";
import { join } from "../../io/path.ts";
import type { Item } from "../../store/item.ts";
import { type EarlierAttempts, runAgentAttempts } from "./agent_attempts.ts";
import {
  type ExecutionResult,
  executionResultOf,
  type ExecutorContext,
  phaseLabel,
} from "./executor.ts";
import { type BacklogLine, buildTriagePrompt, promptItemOf } from "./prompt.ts";
import type { SnapshotEntry } from "../scheduling/snapshot_reader.ts";
import { safeResultPath } from "./agents/result_file.ts";
import { unsafeNamesReason } from "./safe_name.ts";

/** The phase name of triage. */
export const TRIAGE_PHASE = "triage";

/** Inputs of {@linkcode executeTriage}. */
export interface ExecuteTriageParams {
  /** The item's ID. */
  itemId: string;
  /** The item, freshly read (`null` when it is gone). */
  item: Item | null;
  /** The other active items, in file order (the prompt's Current Backlog). */
  backlog: readonly BacklogLine[];
  /** Configured pipeline names. */
  pipelines: readonly string[];
  /** Attempts made before whose work was dropped (they count; default none). */
  earlier?: EarlierAttempts | undefined;
}

/**
 * The Current Backlog lines for triaging an item: every other active item.
 *
 * @param entries The snapshot views.
 * @param itemId The item being triaged.
 * @returns The lines, in file order.
 */
export function backlogLines(entries: readonly SnapshotEntry[], itemId: string): BacklogLine[] {
  return entries.filter((e) => e.view.id !== itemId).map((e) => ({
    id: e.view.id,
    title: e.title,
    status: pgStatusLabel(e.view.status),
  }));
}

/**
 * Triages one item: the triage prompt lists the other active items for
 * duplicate detection (cut to fit the argument-size limit, with a warning);
 * a result naming another item or phase fails; `failed` results and agent
 * errors are retried with the failure in the next prompt.
 *
 * @param p Item, backlog and pipelines.
 * @param ctx Runner, paths and limits.
 * @returns How triage ended (`Success` for every result but `failed`).
 */
export async function executeTriage(
  p: ExecuteTriageParams,
  ctx: ExecutorContext,
): Promise<ExecutionResult> {
  const raw = p.item;
  if (raw === null) return { kind: "Failed", reason: "Item not found", stats: null };
  const unsafe = unsafeNamesReason(p.itemId, TRIAGE_PHASE);
  if (unsafe !== null) return { kind: "Blocked", reason: unsafe, result: null, stats: null };
  const item = new PgItem(raw, { warn: (m) => ctx.log.warn(m) });
  const label = phaseLabel(p.itemId, TRIAGE_PHASE);
  const resultPath = safeResultPath(ctx.root, p.itemId, TRIAGE_PHASE);
  const backlog = p.backlog;
  const promptItem = promptItemOf(item);
  const guides = (ctx.triageWorkflows ?? []).map((w) => join(ctx.configBase, w));
  const maxAttempts = ctx.maxRetries + 1;
  const startedAt = ctx.now();
  const t0 = ctx.elapsedMs();
  let warned = false;
  const outcome = await runAgentAttempts({
    runner: ctx.runner,
    itemId: p.itemId,
    phase: TRIAGE_PHASE,
    maxAttempts,
    timeoutMs: ctx.timeoutMs,
    resultPath,
    cwd: ctx.root,
    signal: ctx.signal,
    log: ctx.log,
    label,
    prompt: (failureContext) => {
      const built = buildTriagePrompt({
        item: promptItem,
        resultPath,
        pipelines: p.pipelines,
        guides,
        backlog,
        failureContext,
      });
      if (built.omitted > 0 && !warned) {
        warned = true;
        ctx.log.warn(
          `${label} Prompt too large: left ${built.omitted} of ${backlog.length} backlog item(s) out of the Current Backlog section`,
        );
      }
      return built.prompt;
    },
    onAttempt: (k) => ctx.onAttempt?.(p.itemId, TRIAGE_PHASE, k, maxAttempts),
    earlier: p.earlier,
    ...(ctx.onOutput === undefined ? {} : {
      onOutput: (chunk: Uint8Array, stream: "stdout" | "stderr") =>
        ctx.onOutput!(p.itemId, chunk, stream),
    }),
  });
  const result = executionResultOf(outcome, {
    startedAt,
    durationMs: Math.max(0, ctx.elapsedMs() - t0),
    attempts: outcome.attempts,
    usage: outcome.usage,
  });
  // A blocked triage result is routed by triage routing, not blocked here.
  if (result.kind === "Blocked" && result.result !== null) {
    return { kind: "Success", result: result.result, stats: result.stats! };
  }
  if (result.kind === "SubphaseComplete") {
    return { kind: "Success", result: result.result, stats: result.stats };
  }
  return result;
}
