/** `pg advance ID [--to PHASE]`: move an InProgress item to another main phase (pg.md §2.7). */

import type { Parsed } from "../_args.ts";
import { CliError } from "../_main.ts";
import { applyUpdate } from "../../lib/adapter/item_update.ts";
import { DEFAULT_PIPELINE, PgItem } from "../../lib/adapter/pg_item.ts";
import { withStoreRetry } from "../../lib/adapter/store_access.ts";
import { updateItem } from "../../lib/store/ops/update.ts";
import { notFound } from "./_store_outcome.ts";
import { type PgConfig, resolvePipeline } from "../../lib/orchestrator/config/config.ts";
import type { PgContext } from "./_context.ts";

/** What advancing decided: the new phase and the line to print, or why not. */
export type AdvanceOutcome = { ok: true; phase: string; message: string } | {
  ok: false;
  error: string;
};

/**
 * Decides an advance without changing anything.
 *
 * @param pg The item.
 * @param config Pipelines.
 * @param to The `--to` phase, if given.
 * @returns The outcome.
 */
export function planAdvance(pg: PgItem, config: PgConfig, to: string | undefined): AdvanceOutcome {
  const id = pg.id;
  const status = pg.status();
  if (status !== "InProgress") {
    return { ok: false, error: `Cannot advance ${id}: status is ${status}, expected InProgress` };
  }
  const type = pg.pipelineType();
  const resolved = resolvePipeline(config, type);
  if (resolved === null) {
    return { ok: false, error: `Pipeline type '${type ?? DEFAULT_PIPELINE}' not found in config` };
  }
  const main = resolved.pipeline.phases.map((ph) => ph.name);
  if (to !== undefined) {
    if (!main.includes(to)) {
      return { ok: false, error: `Invalid phase '${to}': expected one of ${main.join(", ")}` };
    }
    return { ok: true, phase: to, message: `Advanced ${id} to ${to}` };
  }
  const current = pg.phase();
  if (current === null) return { ok: false, error: `Cannot advance ${id}: no current phase set` };
  const i = main.indexOf(current);
  if (i < 0) return { ok: false, error: `Current phase '${current}' not found in pipeline` };
  if (i === main.length - 1) {
    return { ok: false, error: `Cannot advance ${id}: '${current}' is the final phase` };
  }
  const next = main[i + 1]!;
  return { ok: true, phase: next, message: `Advanced ${id} from ${current} to ${next}` };
}

/** Runs `pg advance`. */
export async function advance(p: Parsed, ctx: PgContext): Promise<void> {
  const { config } = await ctx.config();
  const id = p.args.item_id!;
  const to = p.value("to");
  const wasClean = await ctx.treeClean();
  const store = ctx.store();
  const outcome = await withStoreRetry(
    store,
    (): Promise<AdvanceOutcome> =>
      updateItem(store, id, (item) => {
        const pg = new PgItem(item, { warn: ctx.warn });
        const plan = planAdvance(pg, config, to);
        if (plan.ok) {
          applyUpdate(pg, { kind: "SetPhase", phase: plan.phase });
          if (to !== undefined) applyUpdate(pg, { kind: "SetPhasePool", pool: "main" });
        }
        return plan;
      }).then((r) => r.value, notFound(id)),
    { warn: ctx.warn, delaysMs: ctx.storeRetryDelaysMs() },
  );
  if (!outcome.ok) throw new CliError(outcome.error);
  await ctx.out(outcome.message + "\n");
  await ctx.commitStore(wasClean, `[${id}][advance] Advanced to ${outcome.phase}`);
}
