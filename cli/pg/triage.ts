/**
 * `pg triage`: triages every New item, one after another, without running
 * the pipeline (pg.md §2.6). **[Fix]** B6: follow-ups and duplicates are
 * processed as in `pg run`, and the final task state is committed
 * (`[phase-golem] Save task state on halt (TriageCompleted)`). The work is
 * the run session's (`lib/orchestrator/run/run_session.ts`).
 *
 * @module
 */

import type { Parsed } from "../_args.ts";
import { runTriage } from "../../lib/orchestrator/run/run_session.ts";
import type { PgContext } from "./_context.ts";
import { openRunIo, type RunDeps } from "./_run_io.ts";

/** Runs `pg triage`. */
export async function triage(_p: Parsed, ctx: PgContext, deps: RunDeps = {}): Promise<void> {
  using runIo = openRunIo(ctx, deps, false);
  const { triaged } = await runTriage(runIo.options);
  runIo.out.print(`Triaged ${triaged} item(s)`);
}
