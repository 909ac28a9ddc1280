/**
 * One `pg run` or `pg triage` from start to finish (pg.md §2.4, §2.6): the
 * startup checks in their order, the work, and the cleanup.
 *
 * Opening takes the run lock, stops the agents a killed pg left running
 * (recorded in `.phase-golem/agents/`), commits what a killed run left
 * behind, deletes stale result files (`run`), checks git, loads the config
 * and builds and checks the agent runner, whose process groups are
 * recorded while they run. A dry run (`pg run --dry-run`) makes the same
 * checks, changes nothing, and plans instead of running. `run()` then reads the backlog,
 * checks targets, filters and the cap, logs the overview, runs preflight,
 * starts the coordinator and runs the loop; `triage()` starts the
 * coordinator and triages the New items. With `--sync` (or `sync.remote`),
 * `run()` first starts syncing with the remote (`sync_start.ts`: checks,
 * merge driver set-up, first pull), the coordinator and the loop sync, and
 * the halt commit is pushed.
 *
 * While the work runs, its state goes to `.phase-golem/run_state.json`
 * (a {@linkcode RunStateRecorder}: the running phases, the latest results and
 * the totals) for other processes to show; a dry run writes none.
 *
 * Closing runs once, whether the work finished, failed or was aborted, and
 * always in this order: agents stopped, halt commit, run state marked as
 * ended, stale result files deleted and leftover changes reported (`run`),
 * run lock released. A step
 * runs even when one before it throws. Once the lock is taken, closing is
 * registered on an `AsyncDisposableStack`; a session that fails to open
 * closes itself before the error reaches the caller.
 *
 * Nothing here prints or exits: lines and events go to the {@linkcode RunSink},
 * failed checks are thrown ({@linkcode RunStartError} and the errors of the
 * steps), and shutdown comes in through an `AbortSignal`.
 *
 * @module
 */

import { toPgError } from "../../adapter/pg_error.ts";
import { type Clock, SystemClock } from "../../io/clock.ts";
import type { FileSystem } from "../../io/fs.ts";
import type { Logger } from "../../io/logger.ts";
import type { ProcessRunner } from "../../io/process_runner.ts";
import type { TaskStore } from "../../store/store.ts";
import { formatTimestamp } from "../../store/timestamp.ts";
import type { PgConfig } from "../config/config.ts";
import type { LoadedConfig } from "../config/config_file.ts";
import { type AgentRunner, AgentUnavailableError } from "../execution/agents/agent_runner.ts";
import { createAgentRunner } from "../execution/agents/create_agent_runner.ts";
import { cleanupResultFiles } from "../execution/agents/result_file.ts";
import { agentClisOnPath, whichBinary } from "../execution/agents/which_binary.ts";
import { AgentRecords, type AgentRecordSink } from "../execution/agents/agent_records.ts";
import { describeOrphanOutcome, stopOrphanedAgents } from "../execution/agents/orphaned_agents.ts";
import { DEFAULT_GRACE_MS, ProcessGroups } from "../execution/agents/process_group.ts";
import { type ProcessTable, ProcProcessTable } from "../execution/agents/process_table.ts";
import { type CommitRecord, Coordinator } from "../repo/coordinator.ts";
import { DIRTY_TREE_MESSAGE, GitRepo } from "../repo/git.ts";
import { hasOnlyPgStateChanges, recoverInterruptedRun } from "../repo/recovery.ts";
import { acquireRunLock } from "../repo/run_lock.ts";
import { parseFilters } from "../scheduling/filter.ts";
import { type SnapshotEntry, SnapshotReader } from "../scheduling/snapshot_reader.ts";
import type { SchedulerItem } from "../scheduling/scheduler_item.ts";
import { validateTargets } from "../scheduling/targets.ts";
import { formatPreflightError, runPreflight, withAgentHelp } from "./preflight.ts";
import type { RunObserver } from "./run_events.ts";
import { type RunLoopContext, runScheduler, type RunSummary } from "./run_loop.ts";
import { planRun, type RunPlan } from "./run_plan.ts";
import { RunStartError } from "./run_start_error.ts";
import { backlogSummaryLines, configSummaryLines, type RunScope } from "./startup_summary.ts";
import { triageNewItems } from "./triage_loop.ts";
import { runWatching } from "./watch_loop.ts";
import { RunStateRecorder, withRunState } from "./run_state.ts";
import { denoWatchDir, type WatchDir } from "../../io/dir_watch.ts";
import {
  type StartedSync,
  startSync,
  syncRemoteOf,
  type SyncRequest,
  type SyncSessionOptions,
} from "./sync_start.ts";

/** Where a session's output goes: log lines, run events and the agents' output. */
export interface RunSink extends Logger, RunObserver {}

/** What the session gives the runner it has built. */
export interface RunnerExtras {
  /** Where the runner's process groups are recorded while they run. */
  records: AgentRecordSink;
  /** The grace period between SIGTERM and SIGKILL, in milliseconds. */
  graceMs: number;
}

/** Builds the agent runner for a config. */
export type RunnerFactory = (
  config: PgConfig,
  root: string,
  extras: RunnerExtras,
) => Promise<AgentRunner>;

/**
 * Which command a session serves: `run` also deletes stale result files
 * when it opens and closes and reports leftover changes; `triage` does
 * neither (pg.md §2.6).
 */
export type RunSessionKind = "run" | "triage";

/** Options for {@linkcode openRunSession}. */
export interface RunSessionOptions {
  /** Project root, absolute. */
  root: string;
  /** File system. */
  fs: FileSystem;
  /** Runs git. */
  processRunner: ProcessRunner;
  /** The task store in the root. */
  store: TaskStore;
  /** Loads the configuration (called once, after the git checks). */
  loadConfig: () => Promise<LoadedConfig>;
  /** Receives log lines, events and agent output. */
  sink: RunSink;
  /** Aborting it shuts the session down gracefully (SIGINT, SIGTERM). */
  signal?: AbortSignal;
  /** This process's ID (written to the run lock's PID file). */
  pid: number;
  /** Builds the agent runner (default: the CLI that `agent.cli` names). */
  createRunner?: RunnerFactory;
  /** `PATH`, to log where the agent's binary is. */
  searchPath?: string | undefined;
  /** Clock (default: the system clock). */
  clock?: Clock;
  /** The process table, to tell a recorded agent from a reused PID (default: `/proc`). */
  processTable?: ProcessTable;
  /** The grace period between SIGTERM and SIGKILL for agent groups (default 5000 ms). */
  killGraceMs?: number;
  /** Watches the store directory for `pg run --watch` (default `Deno.watchFs`). */
  watchDir?: WatchDir;
  /** `--watch`: quiet time after a store change before looking (default 300 ms). */
  watchDebounceMs?: number;
  /** `--watch`: how often to look again while other changes keep pg waiting (default 1000 ms). */
  watchPollMs?: number;
  /** Pauses between the attempts of a store operation (default 1 s, 1 s; pg.md §6.2). */
  storeRetryDelaysMs?: readonly number[];
  /** Effects of `pg run --sync`: tries and pauses, the merge driver command, polling. */
  sync?: SyncSessionOptions;
  /**
   * Look, change nothing (`pg run --dry-run`, a `run` session only): the
   * run lock is held while the session is open but no PID file is written,
   * what a killed run left behind is reported instead of committed, stale
   * result files stay, and no agent, coordinator or commit is started. Such
   * a session can only {@linkcode RunSession.plan}.
   */
  dryRun?: boolean;
}

/** What `pg run` asks for. */
export interface RunRequest {
  /** `--target` values as given (trimmed, then checked against the backlog). */
  targets?: readonly string[];
  /** `--only` values as given (parsed after the targets are checked). */
  only?: readonly string[];
  /** Most phase executions, 0..4294967295 (default `execution.default_phase_cap`). */
  cap?: number | undefined;
  /** Skip a blocked target instead of halting. */
  autoAdvance?: boolean;
  /**
   * The cost limit in US dollars, > 0 (default `execution.max_cost_usd`,
   * else none): once the agents of this run reported that much, no further
   * phase starts, running ones finish, and the run halts with
   * `CostLimitReached`.
   */
  maxCostUsd?: number | undefined;
  /**
   * Keep running (`pg run --watch`; not with targets): instead of halting
   * when nothing is left to do, wait for new or unblocked items in the
   * store, commit the store's changes and go on, until stopped.
   */
  watch?: boolean;
  /**
   * Share the backlog with other workers through a git remote (`--sync
   * REMOTE`, `--worker NAME`; the remote defaults to `sync.remote`).
   */
  sync?: SyncRequest;
}

/** How a `pg run` went, once its session is closed. */
export interface RunOutcome {
  /** Halt reason and counters. */
  summary: RunSummary;
  /** Commits made, the halt commit included. */
  commits: number;
}

/** What `pg run --dry-run` found: the plan of the run and what it is based on. */
export interface DryRunOutcome {
  /** The first actions and the reasons for the rest. */
  plan: RunPlan;
  /** Titles of the active items, by ID. */
  titles: ReadonlyMap<string, string>;
  /** The phase cap the run would have. */
  cap: number;
  /** The cost limit the run would have, in US dollars, or `null`. */
  maxCostUsd: number | null;
}

/** How a `pg triage` went, once its session is closed. */
export interface TriageOutcome {
  /** Items triaged. */
  triaged: number;
  /** Commits made, the halt commit included. */
  commits: number;
}

/** An open session: the run lock is held and the agent runner is ready. */
export interface RunSession extends AsyncDisposable {
  /** Every commit made so far (the halt commit is added when the session closes). */
  readonly commits: readonly CommitRecord[];
  /**
   * The rest of `pg run` (pg.md §2.4 steps 6–12): reads the backlog,
   * checks the targets, the filter and the cap, logs the overview, runs
   * preflight, starts the coordinator and runs the loop until it halts.
   *
   * @param request Targets, filter, cap.
   * @returns The loop's summary.
   * @throws {RunStartError} `StoreUnreadable`, `InvalidTargets`, `InvalidCap`,
   *   `InvalidCostLimit`, `PreflightFailed`; with `sync`: `SyncSetup`,
   *   `SyncFailed`, `SyncConflict`.
   * @throws {FilterError} For an unusable `--only` value.
   * @throws {TypeError} In a `triage` session, or when the session was used or closed.
   */
  run(request: RunRequest): Promise<RunSummary>;
  /**
   * The dry run of `pg run` (a `dryRun` session): the same checks as
   * {@linkcode RunSession.run} up to preflight, then the plan of the run's
   * first actions instead of the run.
   *
   * @param request Targets, filter, cap.
   * @returns The plan.
   * @throws What {@linkcode RunSession.run} throws before its loop starts.
   * @throws {TypeError} Outside a `dryRun` session, or when the session was used or closed.
   */
  plan(request: RunRequest): Promise<DryRunOutcome>;
  /**
   * The rest of `pg triage` (pg.md §2.6): starts the coordinator and
   * triages every New item.
   *
   * @returns How many items were triaged.
   * @throws {TypeError} In a `run` session, or when the session was used or closed.
   */
  triage(): Promise<number>;
  /** Closes the session: the cleanup steps, in order, once. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The largest phase cap (`--cap` is a u32). */
const MAX_CAP = 0xffffffff;

/**
 * Opens a session (pg.md §2.4 steps 3–5): takes the run lock and commits
 * the task state an interrupted run left behind, deletes stale result files
 * (`run`), checks git, loads the config, builds the agent runner and checks
 * that its CLI is there. When a step fails, what was done is cleaned up
 * before the error is thrown.
 *
 * @param kind `run` or `triage`.
 * @param options Effects, store, config, sink and signal.
 * @returns The open session; close it with `await using` or `[Symbol.asyncDispose]()`.
 * @throws {RunLockError} When another run holds the lock.
 * @throws {RunStartError} `GitPrecondition`.
 * @throws {ConfigError} From `loadConfig`.
 * @throws {AgentUnavailableError} When the agent CLI is missing: the message
 *   names the config key that selects it and the agent CLIs on `PATH`.
 */
export async function openRunSession(
  kind: RunSessionKind,
  options: RunSessionOptions,
): Promise<RunSession> {
  await using closeOnFailure = new AsyncDisposableStack();
  const session = closeOnFailure.use(new Session(kind, options));
  await session.open();
  closeOnFailure.move();
  return session;
}

/**
 * `pg run` (pg.md §2.4 steps 3–15): opens a session, runs the loop and
 * closes the session, then reports the `halted` event.
 *
 * @param options Effects, store, config, sink and signal.
 * @param request Targets, filter, cap.
 * @returns The summary and the number of commits.
 * @throws What {@linkcode openRunSession} and {@linkcode RunSession.run} throw, after closing.
 */
export async function runPipeline(
  options: RunSessionOptions,
  request: RunRequest,
): Promise<RunOutcome> {
  const session = await openRunSession("run", options);
  const summary = await closeAfter(session, () => session.run(request));
  const commits = session.commits.length;
  const st = summary.state;
  options.sink.event({
    type: "halted",
    reason: summary.haltReason,
    "phases_executed": st.phasesExecuted,
    "items_completed": st.itemsCompleted,
    "items_blocked": [...st.itemsBlocked].sort(),
    "follow_ups_created": st.followUpsCreated,
    "items_merged": st.itemsMerged,
    commits,
    ...(st.costUsd === null ? {} : { "cost_usd": st.costUsd }),
    ...(summary.maxCostUsd === null ? {} : { "max_cost_usd": summary.maxCostUsd }),
    ...(summary.syncError === undefined ? {} : { "sync_error": summary.syncError }),
  });
  return { summary, commits };
}

/**
 * `pg run --dry-run`: opens a `dryRun` session, plans the run's first
 * actions and closes the session. Nothing is changed: no PID file, no
 * agent, no store write, no commit.
 *
 * @param options Effects, store, config and sink (`dryRun` is implied).
 * @param request Targets, filter, cap.
 * @returns The plan.
 * @throws What {@linkcode openRunSession} and {@linkcode RunSession.plan} throw, after closing.
 */
export async function planPipeline(
  options: RunSessionOptions,
  request: RunRequest,
): Promise<DryRunOutcome> {
  const session = await openRunSession("run", { ...options, dryRun: true });
  return await closeAfter(session, () => session.plan(request));
}

/**
 * `pg triage` (pg.md §2.6): opens a session, triages every New item and
 * closes the session (halt commit `TriageCompleted`).
 *
 * @param options Effects, store, config, sink and signal.
 * @returns How many items were triaged, and the number of commits.
 * @throws What {@linkcode openRunSession} and {@linkcode RunSession.triage} throw, after closing.
 */
export async function runTriage(options: RunSessionOptions): Promise<TriageOutcome> {
  const session = await openRunSession("triage", options);
  const triaged = await closeAfter(session, () => session.triage());
  return { triaged, commits: session.commits.length };
}

/** Does the work, then closes the session, whether the work succeeded or not. */
async function closeAfter<T>(session: RunSession, work: () => Promise<T>): Promise<T> {
  await using _closing = session;
  return await work();
}

/**
 * Registers steps on a stack so that they run in the order given (a stack
 * runs the step registered last first). Each runs even when one before it
 * throws.
 */
function deferInOrder(stack: AsyncDisposableStack, steps: readonly (() => Promise<void>)[]): void {
  for (const step of [...steps].reverse()) stack.defer(step);
}

/** What steps 6–10 found: the backlog, its titles, and what the run covers. */
interface Prepared {
  reader: SnapshotReader;
  items: SchedulerItem[];
  titles: Map<string, string>;
  scope: RunScope & { maxCostUsd: number | null; watch: boolean };
}

class Session implements RunSession {
  readonly #kind: RunSessionKind;
  readonly #o: RunSessionOptions;
  readonly #sink: RunSink;
  readonly #git: GitRepo;
  readonly #clock: Clock;
  /** Aborted by the caller's signal, and when closing (stops the agents). */
  readonly #shutdown = new AbortController();
  /** The closing steps, registered as what they clean up is taken. */
  readonly #closing = new AsyncDisposableStack();
  readonly #commits: CommitRecord[] = [];
  /** The halt commit's reason: the loop's halt reason once it has one. */
  #haltReason: string;
  #loaded: LoadedConfig | null = null;
  #runner: AgentRunner | null = null;
  #coordinator: Coordinator | null = null;
  /** The remote this run syncs with (`--sync`), once started. */
  #sync: StartedSync | null = null;
  #used = false;
  /** A dry run: look, change nothing. */
  readonly #dryRun: boolean;
  /** A dry run found only the task state a killed run left (a real run commits it first). */
  #recoverable = false;
  /** The records of running agent groups (`.phase-golem/agents/`). */
  readonly #records: AgentRecords;
  readonly #table: ProcessTable;
  readonly #graceMs: number;
  /** The live state in `.phase-golem/run_state.json` (none in a dry run). */
  readonly #runState: RunStateRecorder | null;

  constructor(kind: RunSessionKind, options: RunSessionOptions) {
    this.#kind = kind;
    this.#o = options;
    this.#clock = options.clock ?? new SystemClock();
    this.#runState = options.dryRun === true ? null : new RunStateRecorder({
      fs: options.fs,
      root: options.root,
      pid: options.pid,
      kind,
      clock: this.#clock,
      warn: (m) => options.sink.warn(m),
    });
    this.#sink = this.#runState === null
      ? options.sink
      : withRunState(options.sink, this.#runState);
    this.#git = new GitRepo({ runner: options.processRunner, root: options.root, fs: options.fs });
    this.#haltReason = kind === "run" ? "RunError" : "TriageCompleted";
    this.#dryRun = options.dryRun === true;
    if (this.#dryRun && kind !== "run") throw new TypeError("Only a run session can be a dry run");
    this.#table = options.processTable ?? new ProcProcessTable();
    this.#graceMs = options.killGraceMs ?? DEFAULT_GRACE_MS;
    this.#records = new AgentRecords({
      fs: options.fs,
      root: options.root,
      table: this.#table,
      pgPid: options.pid,
      warn: (m) => this.#sink.warn(m),
    });
  }

  get commits(): readonly CommitRecord[] {
    return this.#commits;
  }

  /** Startup steps 3–5; closing is registered as soon as the lock is held. */
  async open(): Promise<void> {
    const { signal } = this.#o;
    if (signal !== undefined) {
      const onAbort = () => this.#shutdown.abort();
      signal.addEventListener("abort", onAbort, { once: true });
      this.#closing.defer(() => signal.removeEventListener("abort", onAbort));
    }
    const dry = this.#dryRun;
    const lock = await acquireRunLock({
      fs: this.#o.fs,
      root: this.#o.root,
      pid: this.#o.pid,
      warn: (m) => this.#sink.warn(m),
      readOnly: dry,
    });
    // From here on, closing does these steps, in this order, each of them.
    deferInOrder(
      this.#closing,
      dry ? [() => lock.release()] : [
        () => this.#stopAgents(),
        () => this.#haltCommit(),
        () => this.#endRunState(),
        ...(this.#kind === "run"
          ? [() => this.#cleanResultFiles("post"), () => this.#reportLeftovers()]
          : []),
        () => lock.release(),
      ],
    );
    await this.#stopOrphans();
    if (dry) await this.#reportInterrupted(lock.previousPid);
    else await this.#recover(lock.previousPid);
    if (this.#kind === "run" && !dry) await this.#cleanResultFiles("pre");
    let failure = await this.#git.preconditionFailure();
    if (failure === DIRTY_TREE_MESSAGE && this.#recoverable) failure = null;
    if (failure !== null) throw new RunStartError("GitPrecondition", failure);
    this.#loaded = await this.#o.loadConfig();
    await this.#startRunner(this.#loaded.config);
  }

  async run(request: RunRequest): Promise<RunSummary> {
    const prepared = await this.#prepare("run", request);
    this.#runState?.start();
    const coordinator = await this.#startCoordinator(prepared.reader);
    const params = { ...prepared.scope, autoAdvance: request.autoAdvance === true };
    const context = this.#loopContext(coordinator);
    const summary = this.#sync !== null
      ? await runScheduler(context, params)
      : request.watch === true
      ? await runWatching(context, params, {
        git: this.#git,
        watchDir: this.#o.watchDir ?? denoWatchDir,
        debounceMs: this.#o.watchDebounceMs ?? 300,
        pollMs: this.#o.watchPollMs ?? 1000,
      })
      : await runScheduler(context, params);
    this.#haltReason = summary.haltReason;
    return summary;
  }

  async plan(request: RunRequest): Promise<DryRunOutcome> {
    const { items, titles, scope } = await this.#prepare("plan", request);
    const config = this.#loaded!.config;
    const remote = syncRemoteOf(request.sync, config);
    if (remote !== null) {
      this.#sink.info(
        `Dry run: ${remote} is not contacted; the plan uses this clone's state and claims`,
      );
    }
    const plan = planRun(items, {
      config,
      targets: scope.targets,
      filter: scope.filter,
      cap: scope.cap,
      autoAdvance: request.autoAdvance === true,
      claims: remote === null ? undefined : {
        worker: workerOf(request.sync, this.#o.pid),
        now: formatTimestamp(this.#clock.now()),
      },
    });
    return { plan, titles, cap: scope.cap, maxCostUsd: scope.maxCostUsd };
  }

  /**
   * Steps 6–10 of `pg run`, shared by the run and its dry run: reads the
   * backlog, checks the targets, the filter and the cap, logs the
   * overview and runs preflight.
   */
  async #prepare(work: "run" | "plan", request: RunRequest): Promise<Prepared> {
    const { config, path, base } = this.#begin(work);
    const store = this.#o.store;
    const sink = this.#sink;
    const remote = work === "run" ? syncRemoteOf(request.sync, config) : null;
    if (remote !== null) {
      this.#sync = await startSync({
        root: this.#o.root,
        fs: this.#o.fs,
        runner: this.#o.processRunner,
        config,
        remote,
        worker: workerOf(request.sync, this.#o.pid),
        watch: request.watch === true,
        log: sink,
        signal: this.#shutdown.signal,
        options: this.#o.sync,
      });
    }
    const reader = new SnapshotReader();
    let entries: SnapshotEntry[];
    try {
      entries = await reader.read(store, (m) => sink.warn(m));
    } catch (e) {
      throw new RunStartError(
        "StoreUnreadable",
        `Failed to load task-golem store: ${toPgError(e).message}`,
        { cause: e },
      );
    }
    const items = entries.map((e) => e.view);
    const checked = validateTargets(request.targets ?? [], new Set(items.map((it) => it.id)));
    if (checked.problems.length > 0) {
      throw new RunStartError(
        "InvalidTargets",
        `Target validation failed:\n${checked.problems.map((m) => `  - ${m}`).join("\n")}`,
        { problems: checked.problems },
      );
    }
    if (request.watch === true && checked.targets.length > 0) {
      throw new TypeError("Cannot watch with targets: a target run ends with its targets");
    }
    const filter = parseFilters(request.only ?? []);
    const cap = request.cap ?? config.execution.default_phase_cap;
    if (!Number.isInteger(cap) || cap < 0 || cap > MAX_CAP) {
      throw new RunStartError(
        "InvalidCap",
        `Invalid phase cap ${cap}: expected an integer 0..${MAX_CAP}`,
      );
    }
    const maxCostUsd = request.maxCostUsd ?? config.execution.max_cost_usd ?? null;
    if (maxCostUsd !== null && !(Number.isFinite(maxCostUsd) && maxCostUsd > 0)) {
      throw new RunStartError(
        "InvalidCostLimit",
        `Invalid cost limit ${maxCostUsd}: expected a number of US dollars > 0`,
      );
    }
    const scope = {
      targets: checked.targets,
      filter,
      cap,
      maxCostUsd,
      watch: request.watch === true,
    };
    for (const line of configSummaryLines(config, scope)) sink.info(line);
    for (const line of backlogSummaryLines(items)) sink.info(line);
    if (maxCostUsd !== null) this.#warnUnenforceableLimit(maxCostUsd);

    const archiveIds = new Set(await store.loadArchiveIds().catch(() => []));
    const errors = await runPreflight({
      fs: this.#o.fs,
      root: this.#o.root,
      config,
      configBase: base,
      configName: path === null ? "phase-golem.toml" : path.split("/").pop()!,
      items,
      archiveIds,
    });
    if (errors.length > 0) {
      const shown = errors.map(formatPreflightError);
      sink.error("[pre] Preflight FAILED:");
      for (const e of shown) sink.error("  " + e);
      throw new RunStartError(
        "PreflightFailed",
        `${errors.length} preflight error(s) -- fix all issues before running`,
        { problems: shown },
      );
    }
    const titles = new Map(entries.map((e) => [e.view.id, e.title]));
    return { reader, items, titles, scope };
  }

  async triage(): Promise<number> {
    const { config } = this.#begin("triage");
    this.#runState?.start();
    if (config.sync?.remote !== undefined) {
      this.#sink.warn(
        `Warning: pg triage does not sync with ${config.sync.remote} (sync.remote): it triages ` +
          "this clone's items without claims; `pg run` triages too, and syncs",
      );
    }
    const coordinator = await this.#startCoordinator(null);
    return await triageNewItems(this.#loopContext(coordinator));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.#closing.disposeAsync();
  }

  /** Checks the session may do this work now, and returns the config. */
  #begin(kind: RunSessionKind | "plan"): LoadedConfig {
    const needs = kind === "plan" ? "run" : kind;
    if (needs !== this.#kind) {
      throw new TypeError(`Cannot ${kind} in a session opened for ${this.#kind}`);
    }
    if (this.#dryRun !== (kind === "plan")) {
      throw new TypeError(
        this.#dryRun ? `Cannot ${kind} in a dry-run session` : "Cannot plan outside a dry run",
      );
    }
    if (this.#used || this.#closing.disposed) {
      throw new TypeError(`Cannot ${kind}: the session was already used or closed`);
    }
    this.#used = true;
    return this.#loaded!;
  }

  /** Commits the task state a killed run left behind (its PID was still in the file). */
  async #recover(previousPid: number | null): Promise<void> {
    if (previousPid === null) return;
    this.#sink.warn(`Warning: the previous run (PID ${previousPid}) did not finish`);
    try {
      const sha = await recoverInterruptedRun(this.#git);
      if (sha !== null) this.#sink.info(`Committed the task state it left behind: ${sha}`);
    } catch (e) {
      this.#sink.warn(
        `Warning: could not commit the task state it left behind: ${(e as Error).message}`,
      );
    }
  }

  /**
   * Stops the agent groups a killed pg left running (before anything
   * else, so they stop editing the repository); a dry run only reports them.
   */
  async #stopOrphans(): Promise<void> {
    const groups = new ProcessGroups({ graceMs: this.#graceMs });
    try {
      const outcomes = await stopOrphanedAgents({
        records: this.#records,
        table: this.#table,
        terminate: (pgid) => groups.terminate(pgid),
        dryRun: this.#dryRun,
      });
      for (const outcome of outcomes) {
        const { level, message } = describeOrphanOutcome(outcome, this.#graceMs);
        this.#sink[level](message);
      }
    } catch (e) {
      this.#sink.warn(`Warning: could not check for orphaned agents: ${(e as Error).message}`);
    }
  }

  /** Warns once when the agent does not (or may not) report what its runs cost. */
  #warnUnenforceableLimit(maxCostUsd: number): void {
    const runner = this.#runner!;
    const limit = `$${maxCostUsd.toFixed(2)}`;
    switch (runner.costReporting ?? "unreported") {
      case "reported":
        return;
      case "unreported":
        this.#sink.warn(
          `Warning: the cost limit (${limit}) cannot be enforced: ${runner.displayName} ` +
            "does not report its cost",
        );
        return;
      case "if_printed":
        this.#sink.warn(
          `Warning: the cost limit (${limit}) may not be enforced: ${runner.displayName} ` +
            "reports its cost only if it prints a result line like claude's JSON output",
        );
    }
  }

  /** A dry run's {@linkcode #recover}: says what a real run would commit, commits nothing. */
  async #reportInterrupted(previousPid: number | null): Promise<void> {
    if (previousPid === null) return;
    this.#sink.warn(`Warning: the previous run (PID ${previousPid}) did not finish`);
    try {
      this.#recoverable = await hasOnlyPgStateChanges(this.#git);
    } catch {
      // not a repository: the precondition check says so
    }
    if (this.#recoverable) {
      this.#sink.info("pg run would first commit the task state it left behind");
    }
  }

  /** Deletes stale `.phase-golem/phase_result_*.json` files (pg.md §8.8). */
  async #cleanResultFiles(context: "pre" | "post"): Promise<void> {
    const report = await cleanupResultFiles(this.#o.root, context, {
      onWarning: (m) => this.#sink.warn(m),
    });
    if (report.message !== null) this.#sink.info(report.message);
  }

  /**
   * Builds the runner, checks its CLI is there (a missing one is reported
   * with the config key to change and the agent CLIs on `PATH`), and logs
   * it (pg.md §2.4 step 5).
   */
  async #startRunner(config: PgConfig): Promise<void> {
    const create = this.#o.createRunner ?? defaultRunnerFactory;
    const runner = await create(config, this.#o.root, {
      records: this.#records,
      graceMs: this.#graceMs,
    });
    this.#runner = runner;
    try {
      await runner.checkAvailable();
    } catch (e) {
      if (!(e instanceof AgentUnavailableError)) throw e;
      const path = this.#loaded?.path ?? null;
      throw withAgentHelp(e, {
        agent: config.agent,
        configName: path === null ? null : path.split("/").pop()!,
        onPath: await agentClisOnPath(this.#o.searchPath),
      });
    }
    this.#sink.info(`Agent: ${runner.displayName} (model: ${config.agent.model ?? "default"})`);
    if (config.agent.cli === "opencode") this.#sink.info("OpenCode support is experimental");
    const path = await whichBinary(runner.binary, this.#o.searchPath);
    if (path === null) this.#sink.warn(`Warning: could not resolve ${runner.binary} on PATH`);
    else this.#sink.debug(`Agent binary: ${path}`);
  }

  /** Starts the coordinator (its startup probe), its commits reported as `commit` events. */
  async #startCoordinator(reader: SnapshotReader | null): Promise<Coordinator> {
    this.#coordinator = await Coordinator.start({
      store: this.#o.store,
      git: this.#git,
      fs: this.#o.fs,
      clock: this.#clock,
      root: this.#o.root,
      prefix: this.#loaded!.config.project.prefix,
      log: this.#sink,
      ...(reader === null ? {} : { reader }),
      ...(this.#sync === null ? {} : { sync: this.#sync.remote }),
      ...(this.#o.storeRetryDelaysMs === undefined
        ? {}
        : { retryDelaysMs: this.#o.storeRetryDelaysMs }),
      onCommit: (c) => {
        this.#commits.push(c);
        this.#sink.event({
          type: "commit",
          sha: c.sha,
          subject: c.message.split("\n")[0]!,
          kind: c.kind,
        });
      },
    });
    return this.#coordinator;
  }

  #loopContext(coordinator: Coordinator): RunLoopContext {
    const { base } = this.#loaded!;
    let config = this.#loaded!.config;
    if (this.#sync !== null && config.execution.max_concurrent > 1) {
      // One agent at a time per worker: a conflict resets this clone to the remote.
      config = { ...config, execution: { ...config.execution, max_concurrent: 1 } };
    }
    return {
      ...(this.#sync === null ? {} : { sync: this.#sync.loop }),
      coordinator,
      runner: this.#runner!,
      config,
      configBase: base,
      root: this.#o.root,
      fs: this.#o.fs,
      log: this.#sink,
      observer: this.#sink,
      signal: this.#shutdown.signal,
      now: () => formatTimestamp(this.#clock.now()),
    };
  }

  // Closing steps, in the order they run.

  /** Step 1 (pg.md §2.4 step 13): cancels the work and kills the agents' process groups. */
  async #stopAgents(): Promise<void> {
    this.#shutdown.abort();
    try {
      const n = await this.#runner?.killAll?.();
      if (n) this.#sink.info(`Stopped ${n} agent process group(s)`);
    } catch (e) {
      this.#sink.warn(`Warning: stopping agents failed: ${(e as Error).message}`);
    }
  }

  /** Step 2 (step 14): waits for the coordinator, then commits the final task state. */
  async #haltCommit(): Promise<void> {
    const coordinator = this.#coordinator;
    if (coordinator === null) return;
    await coordinator.drain().catch(() => {});
    await coordinator.haltCommit(this.#haltReason);
  }

  /** Step 3: the run state says the run has ended (when the work had started). */
  async #endRunState(): Promise<void> {
    await this.#runState?.finish(this.#haltReason);
  }

  /** Step 4b (`run`): tells the user about changes pg did not commit. */
  async #reportLeftovers(): Promise<void> {
    if (this.#coordinator === null) return;
    try {
      const entries = await this.#git.status();
      const foreign = this.#coordinator.foreignStaged;
      const paths = entries.map((e) => e.path).filter((p) => !foreign.has(p));
      if (paths.length === 0) return;
      const shown = paths.slice(0, 5).join(", ") +
        (paths.length > 5 ? `, … (${paths.length})` : "");
      this.#sink.warn(
        `Warning: uncommitted changes left in the working tree: ${shown}. ` +
          "Review and commit or discard them before the next run.",
      );
    } catch {
      // not a repository, or git failed: the precondition check said so already
    }
  }
}

/**
 * The runner for `agent.cli` (claude, opencode, codex or a command
 * template), its process groups recorded while they run.
 */
function defaultRunnerFactory(
  config: PgConfig,
  root: string,
  extras: RunnerExtras,
): Promise<AgentRunner> {
  const groups = new ProcessGroups({ records: extras.records, graceMs: extras.graceMs });
  return Promise.resolve(createAgentRunner(config.agent, { root, groups }));
}

/** The worker's name: `--worker`, else `pg-{pid}` (the CLI passes the host name and PID). */
function workerOf(request: SyncRequest | undefined, pid: number): string {
  return request?.worker ?? request?.defaultWorker ?? `pg-${pid}`;
}
