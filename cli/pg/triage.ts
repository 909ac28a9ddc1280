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
import { SystemClock } from "../../lib/io/clock.ts";
import { triageNewItems } from "../../lib/orchestrator/run/triage_loop.ts";
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
    const clock = new SystemClock();
    triaged = await triageNewItems({
      coordinator,
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
