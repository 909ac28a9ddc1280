/**
 * What `pg run` and `pg triage` set up around their run session: the
 * output it reports to, SIGINT/SIGTERM handlers that abort it (pg.md
 * §8.11), and its options wired from the command context.
 *
 * @module
 */

import type { PgContext } from "./_context.ts";
import { outputMode, RunOutput } from "./_run_output.ts";
import { installShutdownSignals, signalMessage } from "./_signals.ts";
import type { RunnerFactory, RunSessionOptions } from "../../lib/orchestrator/run/run_session.ts";
import type { SyncSessionOptions } from "../../lib/orchestrator/run/sync_start.ts";
import { mergeDriverCommand } from "./_sync.ts";
import { AgentRecords } from "../../lib/orchestrator/execution/agents/agent_records.ts";
import { stopOrphanedAgents } from "../../lib/orchestrator/execution/agents/orphaned_agents.ts";
import { ProcessGroups } from "../../lib/orchestrator/execution/agents/process_group.ts";
import { ProcProcessTable } from "../../lib/orchestrator/execution/agents/process_table.ts";

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
  /** Effects of `--sync` (tries and pauses, polling, the merge driver command). */
  sync?: SyncSessionOptions;
  /**
   * Ends the process after a third SIGINT/SIGTERM (default `Deno.exit`):
   * the one exit outside `cli/pg.ts`, because the work it cuts short may
   * never return (an agent that ignores SIGTERM, a hanging commit hook).
   */
  exit?: (code: number) => void;
}

/** The output and the session options of one command; disposing removes the handlers and closes the output. */
export interface RunIo extends Disposable {
  /** Where the session's lines and events go, and the command's own output. */
  readonly out: RunOutput;
  /** The session's options. */
  readonly options: RunSessionOptions;
}

/**
 * Opens the output and installs the shutdown handlers.
 *
 * @param ctx The command context.
 * @param deps Injected effects.
 * @param json Whether `--json` was given.
 * @returns The output and the session options.
 */
export function openRunIo(ctx: PgContext, deps: RunDeps, json: boolean): RunIo {
  using opened = new DisposableStack(); // undone if a step below throws
  const out = opened.adopt(
    new RunOutput({
      io: ctx.io,
      mode: outputMode(ctx.io, json),
      level: ctx.level,
      ...(deps.tickMs === undefined ? {} : { tickMs: deps.tickMs }),
    }),
    (o) => o.close(),
  );
  const shutdown = new AbortController();
  const external = deps.signal;
  if (external !== undefined) {
    const onAbort = () => shutdown.abort();
    external.addEventListener("abort", onAbort, { once: true });
    opened.defer(() => external.removeEventListener("abort", onAbort));
  }
  if (deps.signals !== false) {
    const pid = deps.pid ?? Deno.pid;
    const exit = deps.exit ?? Deno.exit;
    opened.defer(
      installShutdownSignals(shutdown, {
        onSignal: (sig, count) => out.warn(signalMessage(sig, count)),
        onForce: (sig) => {
          void stopOwnAgents(ctx, pid).finally(() => {
            out.close();
            exit(sig === "SIGINT" ? 130 : 143);
          });
        },
      }),
    );
  }
  const close = opened.move();
  return {
    out,
    options: {
      root: ctx.root,
      fs: ctx.fs,
      processRunner: ctx.runner,
      store: ctx.store(),
      loadConfig: () => ctx.config(),
      sink: out,
      signal: shutdown.signal,
      pid: deps.pid ?? Deno.pid,
      searchPath: ctx.io.env("PATH"),
      storeRetryDelaysMs: ctx.storeRetryDelaysMs(),
      sync: { mergeDriverCommand: mergeDriverCommand(), ...deps.sync },
      ...(deps.createRunner === undefined ? {} : { createRunner: deps.createRunner }),
    },
    [Symbol.dispose]: () => close.dispose(),
  };
}

/**
 * Stops, at once (SIGTERM then SIGKILL, no grace period), every agent
 * group this pg process recorded: a forced exit leaves none behind.
 */
async function stopOwnAgents(ctx: PgContext, pid: number): Promise<void> {
  const table = new ProcProcessTable();
  const groups = new ProcessGroups({ graceMs: 0 });
  try {
    await stopOrphanedAgents({
      records: new AgentRecords({ fs: ctx.fs, root: ctx.root, table, pgPid: pid }),
      table,
      terminate: (pgid) => groups.terminate(pgid),
      owner: pid,
    });
  } catch {
    // Exiting anyway: the next run stops what is left.
  }
}
