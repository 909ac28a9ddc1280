/**
 * Completion handling (pg.md §7.8–§7.9): what the run does with a finished
 * phase or triage task — worklog, follow-ups, duplicate merges, the item's
 * transition, the phase commit, and the run's counters. Used by `pg run`
 * and `pg triage`.
 *
 * Store errors of the "skip" kind (item gone, invalid transition, self
 * merge) and git staging errors are logged and the action is skipped
 * (**[Target]** B8); fatal store errors end the run.
 *
 * @module
 */

import type { ItemUpdate } from "../../adapter/item_update.ts";
import { PgError, toPgError } from "../../adapter/pg_error.ts";
import { DEFAULT_PIPELINE, PgItem } from "../../adapter/pg_item.ts";
import type { PhaseRun, PhaseRunOutcome } from "../../adapter/phase_history.ts";
import type { Item } from "../../store/item.ts";
import { type PgConfig, resolvePipeline } from "../config/config.ts";
import type { Coordinator } from "../repo/coordinator.ts";
import { type ExecutionResult, phaseLabel, type RunStats } from "../execution/executor.ts";
import type { Logger } from "../../io/logger.ts";
import { mergeDirection } from "../rules/item_merge.ts";
import type { PhaseResult } from "../execution/phase_result.ts";
import type { PhaseOutcome, RunObserver } from "./run_events.ts";
import { resolveTransition } from "../rules/phase_transition.ts";
import { TRIAGE_PHASE } from "../execution/triage_task.ts";
import { triageRouting } from "../rules/triage_routing.ts";
import type { WorklogEntry, WorklogOutcome } from "../repo/worklog.ts";

/** Time spent in one phase over the run. */
export interface PhaseTime {
  /** Executions finished. */
  runs: number;
  /** Wall time in milliseconds. */
  totalMs: number;
}

/** What a run has done so far (pg.md §7.4 state). */
export interface RunState {
  /** Triage and phase tasks started (the cap counts these). */
  phasesExecuted: number;
  /** Items completed, in order. */
  itemsCompleted: string[];
  /** Items blocked in this run. */
  itemsBlocked: Set<string>;
  /** Follow-up items created. */
  followUpsCreated: number;
  /** Items merged away as duplicates. */
  itemsMerged: number;
  /** Failed executions in a row (the circuit breaker). */
  consecutiveExhaustions: number;
  /** Each item's latest phase summary in this run. */
  previousSummaries: Map<string, string>;
  /** Wall time per phase name. */
  phaseTimes: Map<string, PhaseTime>;
  /** Cost in US dollars reported by agents. */
  costUsd: number | null;
  /** Tokens (input + output) reported by agents. */
  tokens: number | null;
}

/**
 * A fresh run state.
 *
 * @returns The state.
 */
export function newRunState(): RunState {
  return {
    phasesExecuted: 0,
    itemsCompleted: [],
    itemsBlocked: new Set(),
    followUpsCreated: 0,
    itemsMerged: 0,
    consecutiveExhaustions: 0,
    previousSummaries: new Map(),
    phaseTimes: new Map(),
    costUsd: null,
    tokens: null,
  };
}

/** What finished: a triage task or a phase of the item. */
export interface FinishedTask {
  /** `triage` or `phase`. */
  kind: "triage" | "phase";
  /** Item ID. */
  itemId: string;
  /** Phase name (`triage` for triage tasks). */
  phase: string;
}

/** What completion handling needs. */
export interface CompletionContext {
  /** The coordinator. */
  coordinator: Coordinator;
  /** Pipelines and guardrails. */
  config: PgConfig;
  /** Log sink. */
  log: Logger;
  /** Event sink. */
  observer: RunObserver;
  /**
   * `pg triage` logs results as `Result: PhaseComplete -- {summary}`
   * (PascalCase, double hyphen); `pg run` as `Result: PHASE_COMPLETE — …`.
   */
  triageCommand?: boolean;
}

const WORKLOG_OUTCOME: Readonly<Record<PhaseResult["result"], WorklogOutcome>> = {
  "phase_complete": "Complete",
  "subphase_complete": "Subphase Complete",
  failed: "Failed",
  blocked: "Blocked",
};

/**
 * The PascalCase name of a result code (`phase_complete` → `PhaseComplete`).
 *
 * @param code The code.
 * @returns The name.
 */
export function resultCodeName(code: PhaseResult["result"]): string {
  return code.split("_").map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}

/** Handles finished tasks for one run. */
/**
 * The note a finished phase leaves in the item's event log:
 * `Phase build: complete — Added the parser`.
 *
 * @param phase The phase (`triage` for triage).
 * @param outcome How it ended.
 * @param summary The result's summary or the reason.
 * @returns The note text.
 */
export function phaseNote(phase: string, outcome: PhaseRunOutcome, summary: string): string {
  return `Phase ${phase}: ${outcome.replace("_", " ")} — ${summary}`;
}

export class CompletionHandler {
  readonly #c: CompletionContext;
  /** The run's counters. */
  readonly state: RunState;

  /**
   * Binds the handler to a run.
   *
   * @param ctx Coordinator, config, log and observer.
   * @param state The run's counters.
   */
  constructor(ctx: CompletionContext, state: RunState = newRunState()) {
    this.#c = ctx;
    this.state = state;
  }

  /**
   * Handles one finished task. Skip-category and git staging errors are
   * logged; fatal errors are thrown.
   *
   * @param task What finished.
   * @param result How it ended.
   */
  async handle(task: FinishedTask, result: ExecutionResult): Promise<void> {
    try {
      await this.#dispatch(task, result);
    } catch (caught) {
      const e = toPgError(caught);
      if (e.isSkip() || e.code === "Git") {
        this.#c.log.warn(`${phaseLabel(task.itemId, task.phase)} Skipped: ${e.message}`);
        return;
      }
      throw e;
    }
  }

  async #dispatch(task: FinishedTask, r: ExecutionResult): Promise<void> {
    this.#record(task, r);
    switch (r.kind) {
      case "Success":
        return task.kind === "triage"
          ? await this.#triageSuccess(task, r.result, r.stats)
          : await this.#phaseSuccess(task, r.result, r.stats);
      case "SubphaseComplete":
        return await this.#subphase(task, r.result, r.stats);
      case "Failed":
        return await this.#failed(task, r.reason, r.stats);
      case "Blocked":
        return await this.#blocked(task, r.reason, r.result, r.stats);
      case "Cancelled":
        return await this.#cancelled(task);
    }
  }

  /** Emits `phase_finished` and adds to the time and cost totals. */
  #record(task: FinishedTask, r: ExecutionResult): void {
    const stats = r.stats;
    const outcome: PhaseOutcome = r.kind === "Success"
      ? (r.result.result === "blocked" ? "blocked" : "complete")
      : r.kind === "SubphaseComplete"
      ? "subphase_complete"
      : r.kind === "Failed"
      ? "failed"
      : r.kind === "Blocked"
      ? "blocked"
      : "cancelled";
    const summary = r.kind === "Success" || r.kind === "SubphaseComplete"
      ? r.result.summary
      : r.kind === "Failed" || r.kind === "Blocked"
      ? r.reason
      : "Shutdown requested";
    const e: Parameters<RunObserver["event"]>[0] = {
      type: "phase_finished",
      "item_id": task.itemId,
      phase: task.phase,
      outcome,
      "duration_ms": stats?.durationMs ?? 0,
      attempts: stats?.attempts ?? 0,
      summary,
    };
    const u = stats?.usage;
    if (u?.costUsd !== undefined) e.cost_usd = u.costUsd;
    if (u?.inputTokens !== undefined) e.input_tokens = u.inputTokens;
    if (u?.outputTokens !== undefined) e.output_tokens = u.outputTokens;
    this.#c.observer.event(e);
    if (stats === null) return;
    const t = this.state.phaseTimes.get(task.phase) ?? { runs: 0, totalMs: 0 };
    t.runs++;
    t.totalMs += stats.durationMs;
    this.state.phaseTimes.set(task.phase, t);
    if (u?.costUsd !== undefined) this.state.costUsd = (this.state.costUsd ?? 0) + u.costUsd;
    if (u?.inputTokens !== undefined || u?.outputTokens !== undefined) {
      this.state.tokens = (this.state.tokens ?? 0) + (u.inputTokens ?? 0) + (u.outputTokens ?? 0);
    }
  }

  #history(phase: string, outcome: PhaseRunOutcome, stats: RunStats | null): ItemUpdate[] {
    if (stats === null) return [];
    const run: PhaseRun = {
      phase,
      outcome,
      startedAt: stats.startedAt,
      durationMs: stats.durationMs,
      attempts: stats.attempts,
    };
    if (stats.usage?.costUsd !== undefined) run.costUsd = stats.usage.costUsd;
    if (stats.usage?.inputTokens !== undefined) run.inputTokens = stats.usage.inputTokens;
    if (stats.usage?.outputTokens !== undefined) run.outputTokens = stats.usage.outputTokens;
    return [{ kind: "RecordPhaseRun", run }];
  }

  async #worklog(entry: WorklogEntry): Promise<void> {
    try {
      await this.#c.coordinator.writeWorklog(entry);
    } catch (e) {
      const err = toPgError(e);
      if (err.isFatal()) throw err;
      this.#c.log.warn(`Warning: ${err.message}`);
    }
  }

  async #item(id: string): Promise<{ raw: Item; pg: PgItem } | null> {
    const raw = await this.#c.coordinator.item(id);
    return raw === null ? null : { raw, pg: new PgItem(raw, { warn: this.#warnFn }) };
  }

  #warnFn = (m: string): void => this.#c.log.warn(m);

  async #ingest(result: PhaseResult): Promise<number> {
    if (result.followUps.length === 0) return 0;
    try {
      const { ids } = await this.#c.coordinator.ingestFollowUps(
        result.followUps,
        `${result.itemId}/${result.phase}`,
      );
      this.state.followUpsCreated += ids.length;
      if (ids.length > 0) {
        this.#c.log.info(`Follow-ups: ${ids.length} new items added to backlog`);
      }
      return ids.length;
    } catch (e) {
      const err = toPgError(e);
      if (err.isFatal()) throw err;
      this.#c.log.warn(`Warning: follow-up ingestion failed: ${err.message}`);
      return 0;
    }
  }

  #blockedNow(itemId: string, reason: string): void {
    this.state.itemsBlocked.add(itemId);
    this.state.previousSummaries.delete(itemId);
    this.#c.observer.event({ type: "item_blocked", "item_id": itemId, reason });
  }

  // ---------------------------------------------------------------------------

  async #triageSuccess(task: FinishedTask, r: PhaseResult, stats: RunStats): Promise<void> {
    const id = task.itemId;
    const log = this.#c.log;
    log.info(
      this.#c.triageCommand
        ? `[${id}][TRIAGE] Result: ${resultCodeName(r.result)} -- ${r.summary}`
        : `[${id}][TRIAGE] Result: ${r.result.toUpperCase()} — ${r.summary}`,
    );
    const before = await this.#item(id);
    await this.#worklog({
      id,
      title: before?.pg.title ?? id,
      phase: TRIAGE_PHASE,
      outcome: WORKLOG_OUTCOME[r.result],
      summary: r.summary,
    });
    await this.#ingest(r);

    let mergedAway = false;
    for (const dup of r.duplicates) {
      const other = await this.#c.coordinator.item(dup);
      if (other === null) {
        log.info(`[${id}][TRIAGE] Duplicate ${dup} not found in backlog; skipping merge`);
        continue;
      }
      const otherPg = new PgItem(other, { warn: this.#warnFn });
      if (otherPg.status() === "Done") {
        log.info(`[${id}][TRIAGE] Duplicate ${dup} is already done; skipping merge`);
        continue;
      }
      const plan = mergeDirection(id, dup);
      const source = plan.source === dup ? other : await this.#c.coordinator.item(plan.source);
      try {
        await this.#worklog({
          id: plan.source,
          title: source?.title ?? plan.source,
          phase: TRIAGE_PHASE,
          outcome: "Merged",
          summary: `Merged into ${plan.target}`,
        });
        await this.#c.coordinator.mergeItem(plan.source, plan.target);
        this.state.itemsMerged++;
        log.info(`[${id}][TRIAGE] Merged ${plan.source} into ${plan.target}`);
        if (plan.source === id) {
          mergedAway = true;
          break;
        }
      } catch (e) {
        const err = toPgError(e);
        if (err.isFatal()) throw err;
        log.warn(`Warning: merging ${plan.source} into ${plan.target} failed: ${err.message}`);
      }
    }
    if (mergedAway) {
      this.state.previousSummaries.delete(id);
      try {
        await this.#c.coordinator.completePhase({
          itemId: id,
          phase: TRIAGE_PHASE,
          commitSummary: r.commitSummary ?? null,
          destructive: true,
          updates: [],
          allowMissing: true,
        });
      } catch (e) {
        const err = toPgError(e);
        if (err.isFatal()) throw err;
      }
      return;
    }

    const current = await this.#item(id);
    if (current === null) throw new PgError("ItemNotFound", id);
    const routing = triageRouting(
      { assessments: current.pg.assessments(), pipelineType: current.pg.pipelineType() },
      r,
      this.#c.config,
    );
    const outcome: PhaseRunOutcome = routing.blockedReason !== null
      ? "blocked"
      : r.result === "phase_complete"
      ? "complete"
      : r.result;
    await this.#c.coordinator.completePhase({
      itemId: id,
      phase: TRIAGE_PHASE,
      commitSummary: r.commitSummary ?? null,
      destructive: true,
      updates: [...routing.updates, ...this.#history(TRIAGE_PHASE, outcome, stats)],
      note: phaseNote(TRIAGE_PHASE, outcome, routing.blockedReason ?? r.summary),
    });
    if (routing.blockedReason !== null) {
      log.info(`[${id}][TRIAGE] Blocked: ${routing.blockedReason}`);
      this.#blockedNow(id, routing.blockedReason);
    }
  }

  async #phaseSuccess(task: FinishedTask, r: PhaseResult, stats: RunStats): Promise<void> {
    const id = task.itemId;
    const label = phaseLabel(id, task.phase);
    const log = this.#c.log;
    log.info(`${label} Result: PHASE_COMPLETE — ${r.summary}`);
    await this.#ingest(r);
    const current = await this.#item(id);
    if (current === null) throw new PgError("ItemNotFound", id);
    const pg = current.pg;
    const resolved = resolvePipeline(this.#c.config, pg.pipelineType());
    if (resolved === null) {
      const reason = `Pipeline '${pg.pipelineType() ?? DEFAULT_PIPELINE}' not found`;
      await this.#c.coordinator.updateItem(id, [{ kind: "SetBlocked", reason }], {
        note: phaseNote(task.phase, "blocked", reason),
      });
      this.#blockedNow(id, reason);
      return;
    }
    const phaseConfig = [...resolved.pipeline.pre_phases, ...resolved.pipeline.phases]
      .find((p) => p.name === task.phase);
    await this.#worklog({
      id,
      title: pg.title,
      phase: task.phase,
      outcome: "Complete",
      summary: r.summary,
    });
    const assessments = { ...pg.assessments(), ...(r.updatedAssessments ?? {}) };
    const transition = resolveTransition(
      {
        phase: pg.phase() ?? task.phase,
        phasePool: pg.phasePool(),
        assessments,
        requiresHumanReview: pg.requiresHumanReview() || r.requiresHumanReview === true,
      },
      r,
      resolved.pipeline,
      this.#c.config.guardrails,
    );
    const updates: ItemUpdate[] = [];
    if (r.updatedAssessments !== undefined && Object.keys(r.updatedAssessments).length > 0) {
      updates.push({ kind: "UpdateAssessments", assessments: r.updatedAssessments });
    }
    if (r.requiresHumanReview === true) {
      updates.push({ kind: "SetRequiresHumanReview", required: true });
    }
    if (pg.unblockContext() !== null) updates.push({ kind: "ClearUnblockContext" });
    const blocked = transition.find((u) => u.kind === "SetBlocked");
    const done = transition.some((u) => u.kind === "TransitionStatus" && u.to === "Done");
    updates.push(...this.#history(task.phase, blocked ? "blocked" : "complete", stats));
    updates.push(...transition);
    const outcome = await this.#c.coordinator.completePhase({
      itemId: id,
      phase: task.phase,
      commitSummary: r.commitSummary ?? null,
      destructive: phaseConfig?.is_destructive ?? false,
      updates,
      note: phaseNote(
        task.phase,
        blocked ? "blocked" : "complete",
        blocked?.kind === "SetBlocked" ? `${r.summary} (${blocked.reason})` : r.summary,
      ),
    });
    if (done && outcome.archived) {
      this.state.itemsCompleted.push(id);
      this.state.consecutiveExhaustions = 0;
      this.state.previousSummaries.delete(id);
      log.info(`${id} completed and archived`);
      this.#c.observer.event({ type: "item_completed", "item_id": id });
      return;
    }
    if (blocked !== undefined && blocked.kind === "SetBlocked") {
      log.info(`${label} Blocked: ${blocked.reason}`);
      this.#blockedNow(id, blocked.reason);
      return;
    }
    this.state.previousSummaries.set(id, r.summary);
  }

  async #subphase(task: FinishedTask, r: PhaseResult, stats: RunStats): Promise<void> {
    const id = task.itemId;
    this.#c.log.info(`${phaseLabel(id, task.phase)} Result: SUBPHASE_COMPLETE — ${r.summary}`);
    const current = await this.#item(id);
    if (current === null) throw new PgError("ItemNotFound", id);
    await this.#worklog({
      id,
      title: current.pg.title,
      phase: task.phase,
      outcome: "Subphase Complete",
      summary: r.summary,
    });
    await this.#ingest(r);
    const updates: ItemUpdate[] = [];
    if (r.updatedAssessments !== undefined && Object.keys(r.updatedAssessments).length > 0) {
      updates.push({ kind: "UpdateAssessments", assessments: r.updatedAssessments });
    }
    if (current.pg.unblockContext() !== null) updates.push({ kind: "ClearUnblockContext" });
    updates.push(...this.#history(task.phase, "subphase_complete", stats));
    await this.#c.coordinator.completePhase({
      itemId: id,
      phase: task.phase,
      commitSummary: r.commitSummary ?? null,
      destructive: true,
      updates,
      note: phaseNote(task.phase, "subphase_complete", r.summary),
    });
    this.state.previousSummaries.set(id, r.summary);
  }

  async #failed(task: FinishedTask, reason: string, stats: RunStats | null): Promise<void> {
    const id = task.itemId;
    this.#c.log.error(`${phaseLabel(id, task.phase)} Failed: ${reason}`);
    this.state.consecutiveExhaustions++;
    const current = await this.#item(id);
    await this.#worklog({
      id,
      title: current?.pg.title ?? id,
      phase: task.kind === "triage" ? TRIAGE_PHASE : current?.pg.phase() ?? "unknown",
      outcome: "Failed",
      summary: reason,
    });
    if (current === null) throw new PgError("ItemNotFound", id);
    await this.#c.coordinator.updateItem(id, [
      ...this.#history(task.phase, "failed", stats),
      { kind: "SetBlocked", reason },
    ], { note: phaseNote(task.phase, "failed", reason) });
    this.#blockedNow(id, reason);
  }

  async #blocked(
    task: FinishedTask,
    reason: string,
    result: PhaseResult | null,
    stats: RunStats | null,
  ): Promise<void> {
    const id = task.itemId;
    this.#c.log.info(`${phaseLabel(id, task.phase)} Blocked: ${reason}`);
    this.state.consecutiveExhaustions = 0;
    const current = await this.#item(id);
    await this.#worklog({
      id,
      title: current?.pg.title ?? id,
      phase: task.phase,
      outcome: "Blocked",
      summary: reason,
    });
    if (current === null) throw new PgError("ItemNotFound", id);
    const updates: ItemUpdate[] = [
      ...this.#history(task.phase, "blocked", stats),
      { kind: "SetBlocked", reason },
    ];
    if (result?.blockedType !== undefined) {
      updates.push({ kind: "SetBlockedType", blockedType: result.blockedType });
    }
    if (result?.requiresHumanReview === true) {
      updates.push({ kind: "SetRequiresHumanReview", required: true });
    }
    await this.#c.coordinator.updateItem(id, updates, {
      note: phaseNote(task.phase, "blocked", reason),
    });
    this.#blockedNow(id, reason);
  }

  async #cancelled(task: FinishedTask): Promise<void> {
    const id = task.itemId;
    this.#c.log.info(`${phaseLabel(id, task.phase)} Cancelled: Shutdown requested`);
    const current = await this.#item(id);
    await this.#worklog({
      id,
      title: current?.pg.title ?? id,
      phase: task.phase,
      outcome: "Cancelled",
      summary: "Shutdown requested",
    });
  }
}
