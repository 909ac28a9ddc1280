/**
 * The loop of `pg triage` (pg.md §2.6): every New item, in ID order, one
 * after another, triaged by the agent and handled as run-mode triage is
 * (**[Fix]** B6: follow-ups and duplicates included), until shutdown.
 *
 * @module
 */

import { PgItem } from "../../adapter/pg_item.ts";
import { backlogLines, executeTriage, TRIAGE_PHASE } from "../execution/triage_task.ts";
import { CompletionHandler } from "./completion.ts";
import { executorContext } from "./executor_context.ts";
import { NULL_OBSERVER } from "./run_events.ts";
import type { RunLoopContext } from "./run_loop.ts";

/**
 * Triages the items that are New when it starts. An agent error is logged
 * (`[{id}][TRIAGE] Failed: …`) and the item stays New; a cancelled attempt
 * or an aborted signal ends the loop.
 *
 * @param ctx Coordinator, runner, config and effects (`idleMs` is not used).
 * @returns How many items were triaged.
 */
export async function triageNewItems(ctx: RunLoopContext): Promise<number> {
  const { coordinator, config, log } = ctx;
  const observer = ctx.observer ?? NULL_OBSERVER;
  const ids = (await coordinator.snapshot())
    .filter((it) => new PgItem(it).status() === "New")
    .map((it) => it.id)
    .sort();
  const exec = executorContext({ ...ctx, store: coordinator, observer });
  const completion = new CompletionHandler({
    coordinator,
    config,
    log,
    observer,
    triageCommand: true,
  });
  let triaged = 0;
  for (const id of ids) {
    if (ctx.signal.aborted) break;
    log.info(`[${id}][TRIAGE] Starting triage`);
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
      log.error(`[${id}][TRIAGE] Failed: ${result.reason}`);
      observer.event({
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
  return triaged;
}
