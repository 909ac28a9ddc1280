/**
 * `pg run [--target ID]… [--only KEY=V]… [--cap N] [--auto-advance] [--json]`:
 * the orchestrator (pg.md §2.4). Startup checks in order, the run loop,
 * and cleanup that always runs: agents stopped, halt commit, stale result
 * files deleted, run lock released.
 *
 * @module
 */

import type { Parsed } from "../_args.ts";
import { CliError } from "../_main.ts";
import { toPgError } from "../../lib/adapter/pg_error.ts";
import { pgStatusLabel } from "../../lib/adapter/pg_status.ts";
import { SystemClock } from "../../lib/io/clock.ts";
import type { AgentRunner } from "../../lib/orchestrator/agents/agent_runner.ts";
import type { PgConfig } from "../../lib/orchestrator/config.ts";
import { type CommitRecord, Coordinator } from "../../lib/orchestrator/coordinator.ts";
import {
  type FilterCriterion,
  formatFilters,
  parseFilters,
} from "../../lib/orchestrator/filter.ts";
import { GitRepo } from "../../lib/orchestrator/git.ts";
import { formatPreflightError, runPreflight } from "../../lib/orchestrator/preflight.ts";
import { cleanupResultFiles } from "../../lib/orchestrator/agents/result_file.ts";
import { acquireRunLock, type RunLock } from "../../lib/orchestrator/run_lock.ts";
import { recoverInterruptedRun } from "../../lib/orchestrator/recovery.ts";
import { runScheduler, type RunSummary } from "../../lib/orchestrator/run_loop.ts";
import { validateTargets } from "../../lib/orchestrator/targets.ts";
import type { SchedulerItem } from "../../lib/orchestrator/scheduler_item.ts";
import { type SnapshotEntry, SnapshotReader } from "../../lib/orchestrator/snapshot_reader.ts";
import { formatTimestamp } from "../../lib/store/timestamp.ts";
import { defaultRunnerFactory, type RunnerFactory, whichBinary } from "./_agent.ts";
import type { PgContext } from "./_context.ts";
import { outputMode, RunOutput } from "./_run_output.ts";
import { formatRunSummary } from "./_run_summary.ts";
import { installShutdownSignals } from "./_signals.ts";

/** Effects `pg run` and `pg triage` take from outside (tests replace them). */
export interface RunDeps {
  /** Builds the agent runner (default: the CLI named by `agent.cli`). */
  createRunner?: RunnerFactory;
  /** Aborts the run as a signal would. */
  signal?: AbortSignal;
  /** Install SIGINT/SIGTERM handlers (default true). */
  signals?: boolean;
  /** This process's ID (run lock). */
  pid?: number;
  /** Redraw interval of the live status block (default 1000 ms). */
  tickMs?: number;
}

/** The message when a run completed nothing and blocked something. */
export const ALL_BLOCKED = "All targets blocked; no items completed";

/** What `run` and `triage` share: output, shutdown, lock, git, runner, coordinator. */
export interface Session {
  out: RunOutput;
  shutdown: AbortController;
  git: GitRepo;
  commits: CommitRecord[];
  lock: RunLock | null;
  runner: AgentRunner | null;
  coordinator: Coordinator | null;
  /** The store's line cache, shared with the coordinator. */
  reader: SnapshotReader | null;
  dispose(): void;
}

/**
 * Opens a session: output, shutdown handling, git.
 *
 * @param ctx The command context.
 * @param deps Injected effects.
 * @param json Whether `--json` was given.
 * @returns The session.
 */
export function openSession(ctx: PgContext, deps: RunDeps, json: boolean): Session {
  const out = new RunOutput({
    io: ctx.io,
    mode: outputMode(ctx.io, json),
    level: ctx.level,
    ...(deps.tickMs === undefined ? {} : { tickMs: deps.tickMs }),
  });
  const shutdown = new AbortController();
  const onAbort = () => shutdown.abort();
  deps.signal?.addEventListener("abort", onAbort, { once: true });
  const removeSignals = deps.signals === false
    ? () => {}
    : installShutdownSignals(shutdown, (sig) =>
      out.warn(`Received ${sig}; shutting down gracefully`));
  return {
    out,
    shutdown,
    git: new GitRepo({ runner: ctx.runner, root: ctx.root, fs: ctx.fs }),
    commits: [],
    lock: null,
    runner: null,
    coordinator: null,
    reader: null,
    dispose() {
      removeSignals();
      deps.signal?.removeEventListener("abort", onAbort);
      out.close();
    },
  };
}

/**
 * Takes the run lock and, when a previous run was killed, commits the task
 * state it left behind (when that is the only change).
 *
 * @param s The session.
 * @param ctx The command context.
 * @param deps Injected effects.
 */
export async function lockSession(s: Session, ctx: PgContext, deps: RunDeps): Promise<void> {
  s.lock = await acquireRunLock({
    fs: ctx.fs,
    root: ctx.root,
    pid: deps.pid ?? Deno.pid,
    warn: (m) => s.out.warn(m),
  });
  const prev = s.lock.previousPid;
  if (prev === null) return;
  s.out.warn(`Warning: the previous run (PID ${prev}) did not finish`);
  try {
    const sha = await recoverInterruptedRun(s.git);
    if (sha !== null) s.out.info(`Committed the task state it left behind: ${sha}`);
  } catch (e) {
    s.out.warn(`Warning: could not commit the task state it left behind: ${(e as Error).message}`);
  }
}

/**
 * Builds the runner, checks the CLI is there, and logs it.
 *
 * @param s The session.
 * @param config The configuration.
 * @param ctx The command context.
 * @param deps Injected effects.
 * @returns The runner.
 */
export async function startRunner(
  s: Session,
  config: PgConfig,
  ctx: PgContext,
  deps: RunDeps,
): Promise<AgentRunner> {
  const runner = await (deps.createRunner ?? defaultRunnerFactory)(config, ctx.root);
  s.runner = runner;
  await runner.checkAvailable();
  s.out.info(`Agent: ${runner.displayName} (model: ${config.agent.model ?? "default"})`);
  if (config.agent.cli === "opencode") s.out.info("OpenCode support is experimental");
  const path = await whichBinary(runner.binary, ctx.io.env("PATH"));
  if (path === null) s.out.warn(`Warning: could not resolve ${runner.binary} on PATH`);
  else s.out.debug(`Agent binary: ${path}`);
  return runner;
}

/**
 * Starts the coordinator (startup probe) with commit events wired to the output.
 *
 * @param s The session.
 * @param config The configuration.
 * @param ctx The command context.
 * @returns The coordinator.
 */
export async function startCoordinator(
  s: Session,
  config: PgConfig,
  ctx: PgContext,
): Promise<Coordinator> {
  s.coordinator = await Coordinator.start({
    store: ctx.store(),
    git: s.git,
    fs: ctx.fs,
    clock: new SystemClock(),
    root: ctx.root,
    prefix: config.project.prefix,
    log: s.out,
    retryDelaysMs: ctx.storeRetryDelaysMs(),
    ...(s.reader === null ? {} : { reader: s.reader }),
    onCommit: (c) => {
      s.commits.push(c);
      s.out.event({
        type: "commit",
        sha: c.sha,
        subject: c.message.split("\n")[0]!,
        kind: c.kind,
      });
    },
  });
  return s.coordinator;
}

/**
 * Stops the agents and commits the final task state (cleanup steps 13–14).
 *
 * @param s The session.
 * @param reason The halt reason (or `RunError`).
 */
export async function finishSession(s: Session, reason: string): Promise<void> {
  s.shutdown.abort();
  try {
    const n = await s.runner?.killAll?.();
    if (n) s.out.info(`Stopped ${n} agent process group(s)`);
  } catch (e) {
    s.out.warn(`Warning: stopping agents failed: ${(e as Error).message}`);
  }
  if (s.coordinator !== null) {
    await s.coordinator.drain().catch(() => {});
    await s.coordinator.haltCommit(reason);
  }
}

function configSummary(
  out: RunOutput,
  config: PgConfig,
  params: { targets: string[]; filter: FilterCriterion[]; cap: number },
): void {
  const g = config.guardrails;
  const e = config.execution;
  out.info(
    `[config] Prefix: ${config.project.prefix} | Guardrails: size<=${g.max_size}, ` +
      `complexity<=${g.max_complexity}, risk<=${g.max_risk} | Execution: timeout ` +
      `${e.phase_timeout_minutes}m, retries ${e.max_retries}, max_wip ${e.max_wip}, ` +
      `max_concurrent ${e.max_concurrent}`,
  );
  const mode = params.targets.length > 0
    ? `targets ${params.targets.join(", ")}`
    : params.filter.length > 0
    ? `filter ${formatFilters(params.filter)}`
    : "all items";
  out.info(`[config] Run: ${mode} | cap ${params.cap}`);
  for (const [name, p] of Object.entries(config.pipelines)) {
    out.info(
      `[pipeline:${name}] pre: [${p.pre_phases.map((x) => x.name).join(" -> ")}] -> main: [${
        p.phases.map((x) => x.name).join(" -> ")
      }]`,
    );
  }
}

function backlogSummary(out: RunOutput, items: readonly SchedulerItem[]): void {
  const counts = new Map<string, number>();
  const actionable: string[] = [];
  for (const it of items) {
    const label = pgStatusLabel(it.status);
    counts.set(label, (counts.get(label) ?? 0) + 1);
    if (it.status !== "Done" && it.status !== "Blocked" && actionable.length < 3) {
      actionable.push(`${it.id} (${label}${it.phase ? `, ${it.phase}` : ""})`);
    }
  }
  const parts = [...counts.entries()].map(([k, n]) => `${k} ${n}`);
  out.info(`[backlog] ${items.length} item(s)${parts.length ? `: ${parts.join(", ")}` : ""}`);
  if (actionable.length > 0) out.info(`[backlog] Next: ${actionable.join(", ")}`);
}

function parseCap(raw: unknown, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new CliError(`Invalid value '${raw}' for '--cap <N>': expected an integer 0..4294967295`);
  }
  return n;
}

/** Runs `pg run`. */
export async function run(p: Parsed, ctx: PgContext, deps: RunDeps = {}): Promise<void> {
  const rawTargets = (p.opts.target as string[] | undefined) ?? [];
  const rawOnly = (p.opts.only as string[] | undefined) ?? [];
  if (rawTargets.length > 0 && rawOnly.length > 0) {
    throw new CliError("Cannot combine --target and --only flags. Use one or the other.");
  }
  const s = openSession(ctx, deps, p.opts.json === true);
  const out = s.out;
  let summary: RunSummary | null = null;
  let failure: unknown = null;
  try {
    out.info("--- Phase Golem ---");
    await lockSession(s, ctx, deps);
    const cleaned = await cleanupResultFiles(ctx.root, "pre", { onWarning: (m) => out.warn(m) });
    if (cleaned.message !== null) out.info(cleaned.message);
    const pre = await s.git.preconditionFailure();
    if (pre !== null) throw new CliError(pre);
    const { config, path: configPath, base } = await ctx.config();
    await startRunner(s, config, ctx, deps);

    const reader = new SnapshotReader();
    let entries: SnapshotEntry[];
    try {
      entries = reader.read(await ctx.fs.readFile(ctx.store().tasksPath), (m) => out.warn(m));
    } catch (e) {
      throw new CliError(`Failed to load task-golem store: ${toPgError(e).message}`);
    }
    const items = entries.map((e) => e.view);
    const checked = validateTargets(rawTargets, new Set(items.map((it) => it.id)));
    if (checked.problems.length > 0) {
      throw new CliError(
        `Target validation failed:\n${checked.problems.map((m) => `  - ${m}`).join("\n")}`,
      );
    }
    const filter = parseFilters(rawOnly);
    const cap = parseCap(p.opts.cap, config.execution.default_phase_cap);
    configSummary(out, config, { targets: checked.targets, filter, cap });
    backlogSummary(out, items);
    s.reader = reader;

    const archiveIds = new Set(await ctx.store().loadArchiveIds().catch(() => []));
    const errors = await runPreflight({
      fs: ctx.fs,
      root: ctx.root,
      config,
      configBase: base,
      configName: configPath === null ? "phase-golem.toml" : configPath.split("/").pop()!,
      items,
      archiveIds,
    });
    if (errors.length > 0) {
      out.error("[pre] Preflight FAILED:");
      for (const e of errors) out.error("  " + formatPreflightError(e));
      throw new CliError(`${errors.length} preflight error(s) -- fix all issues before running`);
    }

    const coordinator = await startCoordinator(s, config, ctx);
    const clock = new SystemClock();
    summary = await runScheduler({
      coordinator,
      runner: s.runner!,
      config,
      configBase: base,
      root: ctx.root,
      fs: ctx.fs,
      log: out,
      observer: out,
      signal: s.shutdown.signal,
      now: () => formatTimestamp(clock.now()),
    }, {
      targets: checked.targets,
      filter,
      cap,
      autoAdvance: p.opts["auto-advance"] === true,
    });
  } catch (e) {
    failure = e;
  } finally {
    await finishSession(s, summary?.haltReason ?? "RunError");
    if (s.lock !== null) {
      const post = await cleanupResultFiles(ctx.root, "post", { onWarning: (m) => out.warn(m) });
      if (post.message !== null) out.info(post.message);
      if (s.coordinator !== null) await leftovers(s, out);
      await s.lock.release();
    }
    if (summary !== null) {
      const st = summary.state;
      out.event({
        type: "halted",
        reason: summary.haltReason,
        "phases_executed": st.phasesExecuted,
        "items_completed": st.itemsCompleted,
        "items_blocked": [...st.itemsBlocked].sort(),
        "follow_ups_created": st.followUpsCreated,
        "items_merged": st.itemsMerged,
        commits: s.commits.length,
      });
      out.print(formatRunSummary(summary, s.commits.length));
    }
    s.dispose();
  }
  if (failure !== null) throw failure;
  if (summary!.state.itemsCompleted.length === 0 && summary!.state.itemsBlocked.size > 0) {
    throw new CliError(ALL_BLOCKED);
  }
}

/** Tells the user about changes pg did not commit (an interrupted or blocked agent's work). */
async function leftovers(s: Session, out: RunOutput): Promise<void> {
  try {
    const entries = await s.git.status();
    const foreign = s.coordinator?.foreignStaged ?? new Set<string>();
    const paths = entries.map((e) => e.path).filter((p) => !foreign.has(p));
    if (paths.length === 0) return;
    const shown = paths.slice(0, 5).join(", ") + (paths.length > 5 ? `, … (${paths.length})` : "");
    out.warn(
      `Warning: uncommitted changes left in the working tree: ${shown}. ` +
        "Review and commit or discard them before the next run.",
    );
  } catch {
    // not a repository, or git failed: the precondition check said so already
  }
}
