/**
 * `pg run [--target ID]… [--only KEY=V]… [--cap N] [--auto-advance]
 * [--max-cost USD] [--watch] [--dry-run] [--sync REMOTE [--worker NAME] | --no-sync] [--json]`:
 * the orchestrator (pg.md §2.4). This file reads the
 * flags and shows the result; the startup checks, the run loop, the dry
 * run's plan and the cleanup are the run session's
 * (`lib/orchestrator/run/run_session.ts`).
 *
 * @module
 */

import type { Parsed } from "../_args.ts";
import { CliError } from "../_main.ts";
import {
  planPipeline,
  type RunOutcome,
  runPipeline,
  type RunRequest,
} from "../../lib/orchestrator/run/run_session.ts";
import { RunStartError } from "../../lib/orchestrator/run/run_start_error.ts";
import type { PgContext } from "./_context.ts";
import { openRunIo, type RunDeps } from "./_run_io.ts";
import { formatPlanJson, formatPlanText } from "./_run_plan.ts";
import { formatRunSummary } from "./_run_summary.ts";
import { defaultWorkerName } from "./_sync.ts";

/** The message when a run completed nothing and blocked something. */
export const ALL_BLOCKED = "All targets blocked; no items completed";

/** Runs `pg run`. */
export async function run(p: Parsed, ctx: PgContext, deps: RunDeps = {}): Promise<void> {
  const targets = p.values("target");
  const only = p.values("only");
  if (targets.length > 0 && only.length > 0) {
    throw new CliError("Cannot combine --target and --only flags. Use one or the other.");
  }
  const rawCap = p.value("cap");
  const maxCostUsd = parseMaxCost(p.value("max-cost"));
  const json = p.flag("json");
  using runIo = openRunIo(ctx, deps, json);
  const out = runIo.out;
  out.info("--- Phase Golem ---");
  const request: RunRequest = {
    targets,
    only,
    cap: rawCap === undefined ? undefined : Number(rawCap),
    autoAdvance: p.flag("auto-advance"),
    maxCostUsd,
    watch: p.flag("watch"),
    sync: {
      remote: p.value("sync"),
      worker: p.value("worker"),
      defaultWorker: await defaultWorkerName((n) => ctx.io.env(n), deps.pid ?? Deno.pid),
      off: p.flag("no-sync"),
    },
  };
  let outcome: RunOutcome;
  try {
    if (p.flag("dry-run")) {
      const planned = await planPipeline(runIo.options, request);
      await ctx.io.write(json ? formatPlanJson(planned) : formatPlanText(planned));
      return;
    }
    outcome = await runPipeline(runIo.options, request);
  } catch (e) {
    if (e instanceof RunStartError && e.code === "InvalidCap") {
      throw new CliError(
        `Invalid value '${rawCap}' for '--cap <N>': expected an integer 0..4294967295`,
      );
    }
    throw e;
  }
  out.print(formatRunSummary(outcome.summary, outcome.commits));
  if (outcome.summary.haltReason === "SyncFailed") {
    throw new CliError(
      "Stopped: the remote could not be synced with; the task state is committed in this clone",
    );
  }
  const { state } = outcome.summary;
  if (state.itemsCompleted.length === 0 && state.itemsBlocked.size > 0) {
    throw new CliError(ALL_BLOCKED);
  }
}

/** `--max-cost USD`: a plain decimal number > 0 (`1`, `0.5`, `12.75`). */
function parseMaxCost(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw.trim());
  if (!/^\s*\d+(\.\d+)?\s*$/.test(raw) || !(value > 0)) {
    throw new CliError(
      `Invalid value '${raw}' for '--max-cost <USD>': expected a number of US dollars > 0`,
    );
  }
  return value;
}
