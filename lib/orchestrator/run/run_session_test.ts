// The run session's lifecycle against a temp git repo and a scripted agent:
// startup order, and closing steps that run in order, once, whatever ends
// the work (a failed step, an aborted signal, a failing loop).

import assert from "node:assert/strict";
import { DenoFileSystem, type LockHandle } from "../../io/fs.ts";
import { DenoProcessRunner } from "../../io/process_runner.ts";
import { testConfig } from "../../_testing/scheduler_fixtures.ts";
import { item, type TestRepo, testRepo } from "../../_testing/test_repo.ts";
import type { Item } from "../../store/item.ts";
import { AgentError, type AgentRunRequest } from "../execution/agents/agent_runner.ts";
import { ScriptedAgentRunner, type ScriptStep } from "../execution/agents/scripted_agent_runner.ts";
import type { RunEvent } from "./run_events.ts";
import {
  openRunSession,
  planPipeline,
  runPipeline,
  type RunSessionOptions,
  type RunSink,
  runTriage,
} from "./run_session.ts";
import { RunStartError } from "./run_start_error.ts";
import type { DirWatch } from "../../io/dir_watch.ts";
import { importItems } from "../../store/ops/add.ts";

/** Everything the session did that the tests look at, in one ordered list. */
class Journal implements RunSink {
  readonly entries: string[] = [];
  error(m: string): void {
    this.entries.push(`ERROR ${m}`);
  }
  warn(m: string): void {
    this.entries.push(`WARN ${m}`);
  }
  info(m: string): void {
    this.entries.push(`INFO ${m}`);
  }
  debug(m: string): void {
    this.entries.push(`DEBUG ${m}`);
  }
  event(e: RunEvent): void {
    this.entries.push(`EVENT ${e.type}`);
  }
  /** The entries that start with one of the prefixes, in order. */
  only(...prefixes: string[]): string[] {
    return this.entries.filter((e) => prefixes.some((p) => e.startsWith(p)));
  }
}

/** The real file system, with the run lock's release written to the journal. */
class JournalFs extends DenoFileSystem {
  readonly #journal: Journal;
  constructor(journal: Journal) {
    super();
    this.#journal = journal;
  }
  override async tryLock(path: string): Promise<LockHandle | null> {
    const handle = await super.tryLock(path);
    if (handle === null) return null;
    return {
      release: () => {
        this.#journal.entries.push("LOCK released");
        return handle.release();
      },
    };
  }
}

/** The scripted runner, with `killAll` and an optional failing CLI check. */
class Runner extends ScriptedAgentRunner {
  readonly #journal: Journal;
  readonly #unavailable: Error | null;
  constructor(journal: Journal, steps: ScriptStep[], unavailable: Error | null = null) {
    super(steps);
    this.#journal = journal;
    this.#unavailable = unavailable;
  }
  override checkAvailable(): Promise<void> {
    return this.#unavailable === null ? Promise.resolve() : Promise.reject(this.#unavailable);
  }
  killAll(): Promise<number> {
    this.#journal.entries.push("STOP agents");
    return Promise.resolve(1);
  }
}

interface Setup {
  repo: TestRepo;
  journal: Journal;
  runner: Runner;
  options: RunSessionOptions;
}

async function setup(
  items: Item[],
  steps: ScriptStep[],
  o: { signal?: AbortSignal; unavailable?: Error } = {},
): Promise<Setup> {
  const repo = await testRepo(items);
  const journal = new Journal();
  const runner = new Runner(journal, steps, o.unavailable ?? null);
  const config = testConfig();
  config.execution.max_retries = 0;
  return {
    repo,
    journal,
    runner,
    options: {
      root: repo.dir,
      fs: new JournalFs(journal),
      processRunner: new DenoProcessRunner(),
      store: repo.store,
      loadConfig: () => Promise.resolve({ config, path: null, base: repo.dir }),
      sink: journal,
      pid: Deno.pid,
      createRunner: () => Promise.resolve(runner),
      ...(o.signal === undefined ? {} : { signal: o.signal }),
    },
  };
}

/** A step that leaves a stale result file and an untracked file, then hangs until aborted. */
function leaveTracesThenHang(dir: string, abort: () => void): ScriptStep {
  return async (req: AgentRunRequest) => {
    await Deno.writeTextFile(`${dir}/.phase-golem/phase_result_WRK-001_old.json`, "{}");
    await Deno.writeTextFile(`${dir}/scratch.txt`, "half-written");
    abort();
    const signal = req.signal!;
    if (!signal.aborted) {
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    }
    throw new AgentError("shutdown", "Shutdown requested");
  };
}

Deno.test("runPipeline() on abort: agents stopped, halt commit, result files, leftovers, lock released, then halted", async () => {
  const ctrl = new AbortController();
  const s = await setup(
    [item("WRK-001", "InProgress", { phase: "build", pool: "main" })],
    [],
    { signal: ctrl.signal },
  );
  try {
    s.runner.push(leaveTracesThenHang(s.repo.dir, () => ctrl.abort()));
    await Deno.writeTextFile(`${s.repo.dir}/.phase-golem/phase_result_WRK-009_prd.json`, "{}");

    const outcome = await runPipeline(s.options, {});

    assert.equal(outcome.summary.haltReason, "ShutdownRequested");
    assert.deepEqual(
      s.journal.only(
        "INFO [pre]",
        "INFO Agent:",
        "INFO [config] Run",
        "STOP",
        "INFO Stopped",
        "INFO Committed task state on halt",
        "INFO [post]",
        "WARN Warning: uncommitted",
        "LOCK",
        "EVENT halted",
      ).map((e) => e.replace(/halt: [0-9a-f]+$/, "halt: SHA")),
      [
        "INFO [pre] Cleaned up 1 stale result file(s) from .phase-golem/",
        "INFO Agent: Scripted agent (model: default)",
        "INFO [config] Run: all items | cap 100",
        "STOP agents",
        "INFO Stopped 1 agent process group(s)",
        "INFO Committed task state on halt: SHA",
        "INFO [post] Cleaned up 1 stale result file(s) from .phase-golem/",
        "WARN Warning: uncommitted changes left in the working tree: scratch.txt. " +
        "Review and commit or discard them before the next run.",
        "LOCK released",
        "EVENT halted",
      ],
    );
    assert.equal(
      (await s.repo.sh("log", "-1", "--format=%s")).trim(),
      "[phase-golem] Save task state on halt (ShutdownRequested)",
    );
    assert.equal(outcome.commits, 1, "the halt commit is counted");
    assert.equal(
      await Deno.stat(`${s.repo.dir}/.phase-golem/phase-golem.pid`).catch(() => null),
      null,
    );
  } finally {
    await s.repo.cleanup();
  }
});

Deno.test("openRunSession() stops the agents and releases the lock when a startup step fails", async () => {
  const unavailable = new Error("Scripted agent not found on PATH");
  const s = await setup([item("WRK-001", "New")], [], { unavailable });
  try {
    await assert.rejects(() => openRunSession("run", s.options), (e) => e === unavailable);
    assert.deepEqual(s.journal.only("STOP", "LOCK", "INFO Committed", "EVENT"), [
      "STOP agents",
      "LOCK released",
    ]);
  } finally {
    await s.repo.cleanup();
  }
});

Deno.test("openRunSession() checks git after the lock and before the config, and cleans up", async () => {
  const s = await setup([item("WRK-001", "New")], []);
  try {
    await Deno.writeTextFile(`${s.repo.dir}/dirty.txt`, "x");
    let configLoaded = false;
    const options = {
      ...s.options,
      loadConfig: () => {
        configLoaded = true;
        return s.options.loadConfig();
      },
    };
    await assert.rejects(
      () => openRunSession("triage", options),
      (e) => e instanceof RunStartError && e.code === "GitPrecondition",
    );
    assert.equal(configLoaded, false);
    assert.deepEqual(s.journal.only("STOP", "LOCK"), ["LOCK released"], "no runner yet");
    // The lock is free again.
    await Deno.remove(`${s.repo.dir}/dirty.txt`);
    const session = await openRunSession("triage", options);
    await session[Symbol.asyncDispose]();
  } finally {
    await s.repo.cleanup();
  }
});

Deno.test("RunSession closes once, and refuses work after closing or of the other kind", async () => {
  const s = await setup([item("WRK-001", "New")], []);
  try {
    const session = await openRunSession("triage", s.options);
    await assert.rejects(() => session.run({}), TypeError);
    await session[Symbol.asyncDispose]();
    await session[Symbol.asyncDispose]();
    assert.deepEqual(s.journal.only("STOP", "LOCK"), ["STOP agents", "LOCK released"]);
    await assert.rejects(() => session.triage(), TypeError);
  } finally {
    await s.repo.cleanup();
  }
});

Deno.test("runPipeline() rethrows a failing loop after every closing step ran, lock last", async () => {
  const s = await setup(
    [item("WRK-001", "InProgress", { phase: "prd", pool: "main" })],
    [],
  );
  try {
    s.runner.push(async () => {
      await Deno.writeTextFile(`${s.repo.dir}/.task-golem/tasks.jsonl`, "not json\n");
      throw new AgentError("no_result", "agent wrote nothing");
    });
    await assert.rejects(
      () => runPipeline(s.options, {}),
      (e) => e instanceof Error && e.message.startsWith("Storage corruption"),
    );
    assert.deepEqual(
      s.journal.only(
        "STOP",
        "WARN Shutdown commit",
        "WARN Warning: uncommitted",
        "LOCK",
        "EVENT halted",
      ),
      [
        "STOP agents",
        "WARN Shutdown commit skipped: coordinator shut down",
        "WARN Warning: uncommitted changes left in the working tree: .task-golem/tasks.jsonl. " +
        "Review and commit or discard them before the next run.",
        "LOCK released",
      ],
      "every closing step, in order; no halted event",
    );
  } finally {
    await s.repo.cleanup();
  }
});

Deno.test("runTriage() commits TriageCompleted and releases the lock", async () => {
  const s = await setup([item("WRK-001", "New")], [{
    result: { itemId: "WRK-001", phase: "triage", result: "phase_complete" },
  }]);
  try {
    const outcome = await runTriage(s.options);
    assert.equal(outcome.triaged, 1);
    assert.ok(s.journal.only("LOCK").length === 1);
    assert.equal(s.journal.only("INFO [pre]", "INFO [post]").length, 0, "no result-file cleanup");
  } finally {
    await s.repo.cleanup();
  }
});

Deno.test("planPipeline() after a killed run: reports what it left, commits nothing, keeps its PID file", async () => {
  const s = await setup([item("WRK-001", "InProgress", { phase: "prd", pool: "main" })], []);
  try {
    const head = await s.repo.sh("rev-parse", "HEAD");
    await Deno.mkdir(`${s.repo.dir}/.phase-golem`, { recursive: true });
    await Deno.writeTextFile(`${s.repo.dir}/.phase-golem/phase-golem.lock`, "");
    await Deno.writeTextFile(`${s.repo.dir}/.phase-golem/phase-golem.pid`, "999999\n");
    // The killed run's phase start, uncommitted.
    const tasks = `${s.repo.dir}/.task-golem/tasks.jsonl`;
    await Deno.writeTextFile(tasks, (await Deno.readTextFile(tasks)) + "\n");

    const outcome = await planPipeline(s.options, {});

    assert.deepEqual(outcome.plan.actions.map((a) => a.action.itemId), ["WRK-001"]);
    assert.deepEqual(s.journal.only("WARN Warning: the previous", "INFO pg run would"), [
      "WARN Warning: the previous run (PID 999999) did not finish",
      "INFO pg run would first commit the task state it left behind",
    ]);
    assert.equal(await s.repo.sh("rev-parse", "HEAD"), head, "nothing committed");
    assert.equal(
      await Deno.readTextFile(`${s.repo.dir}/.phase-golem/phase-golem.pid`),
      "999999\n",
      "the next real run still sees the killed one",
    );
    assert.deepEqual(s.journal.only("STOP", "LOCK"), ["LOCK released"], "no agent to stop");
    assert.equal(s.runner.requests.length, 0);
    // A dry-run session plans, and only plans.
    const session = await openRunSession("run", { ...s.options, dryRun: true });
    await assert.rejects(() => session.run({}), TypeError);
    await session[Symbol.asyncDispose]();
  } finally {
    await s.repo.cleanup();
  }
});

Deno.test("runPipeline() takes execution.max_cost_usd, and warns once when the agent reports no cost", async () => {
  const s = await setup([item("WRK-001", "InProgress", { phase: "prd", pool: "main" })], [
    {
      result: { itemId: "WRK-001", phase: "prd", result: "phase_complete" },
      usage: { costUsd: 0.5 },
    },
  ]);
  try {
    const loaded = await s.options.loadConfig();
    loaded.config.execution.max_cost_usd = 0.5;
    s.runner.costReporting = "unreported";
    const outcome = await runPipeline(s.options, {});
    assert.equal(outcome.summary.haltReason, "CostLimitReached");
    assert.equal(outcome.summary.maxCostUsd, 0.5);
    assert.deepEqual(s.journal.only("INFO [config] Run", "WARN Warning: the cost limit"), [
      "INFO [config] Run: all items | cap 100 | cost limit $0.50",
      "WARN Warning: the cost limit ($0.50) cannot be enforced: Scripted agent does not report its cost",
    ]);
    // --max-cost wins over the config.
    const again = await setup([item("WRK-001", "New")], []);
    try {
      const cfg = await again.options.loadConfig();
      cfg.config.execution.max_cost_usd = 0.5;
      const planned = await planPipeline(again.options, { maxCostUsd: 2 });
      assert.equal(planned.maxCostUsd, 2);
      assert.deepEqual(
        again.journal.only("WARN Warning: the cost limit"),
        [],
        "claude-like: no warning",
      );
      await assert.rejects(
        () => planPipeline(again.options, { maxCostUsd: 0 }),
        (e) => e instanceof RunStartError && e.code === "InvalidCostLimit",
      );
    } finally {
      await again.repo.cleanup();
    }
  } finally {
    await s.repo.cleanup();
  }
});

/** A directory watch the test wakes by hand. */
class ManualWatch implements DirWatch {
  #wake: (() => void) | null = null;
  #events = 0;
  #closed = false;
  wake(): void {
    this.#events++;
    this.#wake?.();
  }
  close(): void {
    this.#closed = true;
    this.#wake?.();
  }
  async *[Symbol.asyncIterator](): AsyncIterator<void> {
    while (!this.#closed) {
      if (this.#events > 0) {
        this.#events--;
        yield;
        continue;
      }
      await new Promise<void>((r) => this.#wake = r);
      this.#wake = null;
    }
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

Deno.test("runPipeline() with watch: waits, is held by other changes, commits the backlog, runs, stops on abort", async () => {
  const ctrl = new AbortController();
  const done = (phase: string, extra = {}) => ({
    result: { itemId: "WRK-002", phase, result: "phase_complete" as const, ...extra },
  });
  const s = await setup([item("WRK-001", "New")], [
    { result: { itemId: "WRK-001", phase: "triage", result: "blocked" } },
    done("triage", { updatedAssessments: { size: "small", risk: "low" } }),
    done("prd"),
    done("build"),
    done("review"),
  ], { signal: ctrl.signal });
  const watches: ManualWatch[] = [];
  try {
    const running = runPipeline({
      ...s.options,
      watchDir: () => {
        const w = new ManualWatch();
        watches.push(w);
        return w;
      },
      watchDebounceMs: 0,
      watchPollMs: 20,
    }, { watch: true });
    const waiting = () => s.journal.only("INFO Waiting for work").length;
    await until(() => waiting() === 1, "the first wait");

    await Deno.writeTextFile(`${s.repo.dir}/scratch.txt`, "not pg's");
    await importItems(s.repo.store, { active: [item("WRK-002", "New")] }); // as `tg add` would
    watches[0]!.wake();
    const held = "WARN Waiting: the backlog has work, but there are uncommitted changes outside " +
      ".task-golem/: scratch.txt. Commit or discard them; pg goes on once only .task-golem/ has changes.";
    await until(() => s.journal.entries.includes(held), "the held message");
    assert.equal(
      s.runner.requests.length,
      1,
      "only the first loop's triage: nothing runs meanwhile",
    );

    await Deno.remove(`${s.repo.dir}/scratch.txt`); // found by polling git
    await until(() => waiting() === 2, "the second wait");
    assert.equal(s.journal.entries.filter((e) => e === held).length, 1, "said once");
    ctrl.abort();
    const outcome = await running;

    assert.equal(outcome.summary.haltReason, "ShutdownRequested");
    // The summary covers the session: both loops.
    assert.deepEqual(outcome.summary.state.itemsCompleted, ["WRK-002"]);
    assert.deepEqual([...outcome.summary.state.itemsBlocked], ["WRK-001"]);
    assert.equal(outcome.summary.state.phasesExecuted, 5);
    const log = (await s.repo.sh("log", "--format=%s")).trim().split("\n");
    const backlog = log.indexOf("[phase-golem] Backlog changes");
    assert.ok(backlog > 0, log.join("\n"));
    assert.ok(log.slice(0, backlog).some((l) => l.startsWith("[WRK-002][triage]")), "after it");
    assert.equal((await s.repo.sh("status", "--porcelain")).trim(), "");
    assert.ok(s.journal.entries.includes("INFO [config] Run: all items | cap 100 | watch"));
  } finally {
    await s.repo.cleanup();
  }
});

Deno.test("runPipeline() keeps .phase-golem/run_state.json: the running phase, then the result and the halt", async () => {
  const s = await setup([item("WRK-001", "InProgress", { phase: "build", pool: "main" })], []);
  const statePath = `${s.repo.dir}/.phase-golem/run_state.json`;
  try {
    let during: { running: { item_id: string; phase: string; attempt: number }[] } | null = null;
    s.runner.push(async (req: AgentRunRequest) => {
      // The file is written in the background as the phase starts.
      for (let i = 0; i < 100 && (during?.running.length ?? 0) === 0; i++) {
        await new Promise((r) => setTimeout(r, 10));
        during = JSON.parse(await Deno.readTextFile(statePath));
      }
      await Deno.writeTextFile(
        req.resultPath,
        JSON.stringify({
          "item_id": "WRK-001",
          phase: "build",
          result: "phase_complete",
          summary: "Built it",
        }),
      );
      return {
        result: {
          itemId: "WRK-001",
          phase: "build",
          result: "phase_complete",
          summary: "Built it",
          followUps: [],
          duplicates: [],
        },
        exitCode: 0,
        signal: null,
        durationMs: 1,
        warnings: [],
        usage: { costUsd: 0.5 },
      };
    });
    await runPipeline(s.options, { cap: 1 });
    assert.deepEqual(during!.running.map((r) => [r.item_id, r.phase, r.attempt]), [
      ["WRK-001", "build", 1],
    ]);
    const after = JSON.parse(await Deno.readTextFile(statePath));
    assert.deepEqual(after.running, []);
    assert.equal(after.halt_reason, "CapReached");
    assert.notEqual(after.finished_at, null);
    assert.equal(after.pid, Deno.pid);
    assert.deepEqual(after.recent.map((r: { phase: string; summary: string }) => r.summary), [
      "Built it",
    ]);
    assert.equal(after.totals.cost_usd, 0.5);
  } finally {
    await s.repo.cleanup();
  }
});

Deno.test("planPipeline() writes no run state", async () => {
  const s = await setup([item("WRK-001", "New")], []);
  try {
    await planPipeline(s.options, {});
    assert.equal(
      await Deno.stat(`${s.repo.dir}/.phase-golem/run_state.json`).catch(() => null),
      null,
    );
  } finally {
    await s.repo.cleanup();
  }
});
