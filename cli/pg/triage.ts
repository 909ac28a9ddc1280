/**
 * `pg triage`: triages every New item, one after another, without running
 * the pipeline (pg.md §2.6). **[Fix]** B6: follow-ups and duplicates are
 * processed as in `pg run`, and the final task state is committed
 * (`[phase-golem] Save task state on halt (TriageCompleted)`).
 *
 * @module
 */

import type { Parsed } from "../_args.ts";
import { CliError } from "../_main.ts";
import { PgItem } from "../../lib/adapter/pg_item.ts";
import { SystemClock } from "../../lib/io/clock.ts";
import { CompletionHandler } from "../../lib/orchestrator/run/completion.ts";
import { executorContext } from "../../lib/orchestrator/run/executor_context.ts";
import {
  backlogLines,
  executeTriage,
  TRIAGE_PHASE,
} from "../../lib/orchestrator/execution/triage_task.ts";
import { formatTimestamp } from "../../lib/store/timestamp.ts";
import type { PgContext } from "./_context.ts";
import {
  finishSession,
  lockSession,
  openSession,
  type RunDeps,
  startCoordinator,
  startRunner,
} from "./run.ts";

/** Runs `pg triage`. */
export async function triage(_p: Parsed, ctx: PgContext, deps: RunDeps = {}): Promise<void> {
  const s = openSession(ctx, deps, false);
  const out = s.out;
  let failure: unknown = null;
  let triaged = 0;
  try {
    await lockSession(s, ctx, deps);
    const pre = await s.git.preconditionFailure();
    if (pre !== null) throw new CliError(pre);
    const { config, base } = await ctx.config();
    const runner = await startRunner(s, config, ctx, deps);
    const coordinator = await startCoordinator(s, config, ctx);
    const ids = (await coordinator.snapshot())
      .filter((it) => new PgItem(it).status() === "New")
      .map((it) => it.id)
      .sort();
    const clock = new SystemClock();
    const exec = executorContext({
      store: coordinator,
      runner,
      config,
      configBase: base,
      root: ctx.root,
      fs: ctx.fs,
      log: out,
      observer: out,
      signal: s.shutdown.signal,
      now: () => formatTimestamp(clock.now()),
    });
    const completion = new CompletionHandler({
      coordinator,
      config,
      log: out,
      observer: out,
      triageCommand: true,
    });
    for (const id of ids) {
      if (s.shutdown.signal.aborted) break;
      out.info(`[${id}][TRIAGE] Starting triage`);
      const entries = await coordinator.views();
      const result = await executeTriage(
        {
          itemId: id,
          item: await coordinator.item(id),
          backlog: backlogLines(entries, id),
          pipelines: Object.keys(config.pipelines),
        },
        exec,
      );
      if (result.kind === "Cancelled") break;
      if (result.kind === "Failed") {
        out.error(`[${id}][TRIAGE] Failed: ${result.reason}`);
        out.event({
          type: "phase_finished",
          "item_id": id,
          phase: TRIAGE_PHASE,
          outcome: "failed",
          "duration_ms": result.stats?.durationMs ?? 0,
          attempts: result.stats?.attempts ?? 0,
          summary: result.reason,
        });
        continue;
      }
      await completion.handle({ kind: "triage", itemId: id, phase: TRIAGE_PHASE }, result);
      if (result.kind === "Success") triaged++;
    }
  } catch (e) {
    failure = e;
  } finally {
    await finishSession(s, "TriageCompleted");
    if (s.lock !== null) await s.lock.release();
    if (failure === null) out.print(`Triaged ${triaged} item(s)`);
    s.dispose();
  }
  if (failure !== null) throw failure;
}
