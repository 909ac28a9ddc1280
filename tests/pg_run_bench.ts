// deno-lint-ignore-file no-console
/**
 * Benchmarks of `pg run` (issue 6 §5), in temp git repositories:
 *
 * 1. Per-phase overhead with a no-op agent: the median time between the
 *    ends of consecutive phases (scheduling, store, worklog, git) when the
 *    agent answers at once — in-process (no agent process) and through the
 *    real CLI and claude runner with a no-op `claude` shell script.
 * 2. 100 items through a 3-phase pipeline (prd, build destructive, review)
 *    with max_concurrent 4 and max_wip 4: total time and commits.
 * 3. Peak memory (VmHWM) of `pg run --cap 3` with 10 000 items in the store.
 *
 * Usage: `deno run -A tests/pg_run_bench.ts [--items N]`
 *
 * @module
 */

import { readyPgItems } from "../lib/_testing/pg_item_fixtures.ts";
import { gitIn } from "../lib/_testing/test_repo.ts";
import { DenoFileSystem } from "../lib/io/fs.ts";
import { DenoProcessRunner } from "../lib/io/process_runner.ts";
import { SystemClock } from "../lib/io/clock.ts";
import type {
  AgentRunner,
  AgentRunOutcome,
  AgentRunRequest,
} from "../lib/orchestrator/execution/agents/agent_runner.ts";
import { defaultConfig, type PgConfig } from "../lib/orchestrator/config/config.ts";
import { Coordinator } from "../lib/orchestrator/repo/coordinator.ts";
import { GitRepo } from "../lib/orchestrator/repo/git.ts";
import { SILENT_LOGGER } from "../lib/io/logger.ts";
import { RecordingObserver } from "../lib/orchestrator/run/run_events.ts";
import { runScheduler } from "../lib/orchestrator/run/run_loop.ts";
import type { Item } from "../lib/store/item.ts";
import { TaskStore } from "../lib/store/store.ts";
import { formatTimestamp } from "../lib/store/timestamp.ts";
import { BENCH_AGENT_SCRIPT, PG_ENTRY } from "./_pg.ts";
import { importItems } from "../lib/store/ops/add.ts";

const args = Deno.args;
const N = Number(args[args.indexOf("--items") + 1] || 100) || 100;

/** Answers at once with a valid result (no process). */
class NoopRunner implements AgentRunner {
  readonly displayName = "No-op agent";
  readonly binary = "noop";
  argv(prompt: string): string[] {
    return [prompt];
  }
  checkAvailable(): Promise<void> {
    return Promise.resolve();
  }
  run(req: AgentRunRequest): Promise<AgentRunOutcome> {
    const itemId = /^- \*\*ID:\*\* (.*)$/m.exec(req.prompt)![1]!;
    const phase = /^ {2}"phase": "(.*)",$/m.exec(req.prompt)![1]!;
    return Promise.resolve({
      result: {
        itemId,
        phase,
        result: "phase_complete",
        summary: "ok",
        followUps: [],
        duplicates: [],
      },
      exitCode: 0,
      signal: null,
      durationMs: 0,
      warnings: [],
    });
  }
}

function config(maxWip: number, maxConcurrent: number): PgConfig {
  const c = defaultConfig();
  c.execution.max_wip = maxWip;
  c.execution.max_concurrent = maxConcurrent;
  c.execution.max_retries = 0;
  const ph = (name: string, d = false) => ({
    name,
    workflows: [],
    is_destructive: d,
    staleness: "ignore" as const,
  });
  c.pipelines = {
    feature: { pre_phases: [], phases: [ph("prd"), ph("build", true), ph("review")] },
  };
  return c;
}

const CONFIG_TOML = (wip: number, conc: number) =>
  `[execution]
max_retries = 0
max_wip = ${wip}
max_concurrent = ${conc}

[[pipelines.feature.phases]]
name = "prd"
is_destructive = false
[[pipelines.feature.phases]]
name = "build"
is_destructive = true
[[pipelines.feature.phases]]
name = "review"
is_destructive = false
`;

function git(dir: string, ...a: string[]): Promise<string> {
  return gitIn(dir, a).then((out) => out.trim());
}

async function repo(
  items: Item[],
  toml?: string,
): Promise<{ dir: string; bin: string; base: string }> {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "pg-bench-" }));
  const dir = `${base}/repo`;
  const bin = `${base}/bin`;
  await Deno.mkdir(dir);
  await Deno.mkdir(bin);
  await Deno.writeTextFile(`${bin}/claude`, BENCH_AGENT_SCRIPT, { mode: 0o755 });
  await git(dir, "init", "-q", "-b", "main");
  await git(dir, "config", "user.email", "bench@test.com");
  await git(dir, "config", "user.name", "Bench");
  await git(dir, "config", "commit.gpgsign", "false");
  await Deno.writeTextFile(`${dir}/.gitignore`, ".phase-golem/\n");
  if (toml) await Deno.writeTextFile(`${dir}/phase-golem.toml`, toml);
  const store = new TaskStore(`${dir}/.task-golem`);
  await store.init();
  await importItems(store, { active: items });
  await git(dir, "add", "-A");
  await git(dir, "commit", "-q", "-m", "initial");
  return { dir, bin, base };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Runs the engine in-process; returns wall time, phase-end gaps and commits. */
async function inProcess(items: Item[], c: PgConfig) {
  const { dir, base } = await repo(items);
  try {
    const store = new TaskStore(`${dir}/.task-golem`);
    const fs = new DenoFileSystem();
    const observer = new RecordingObserver();
    const ends: number[] = [];
    const obs = {
      event: (e: Parameters<RecordingObserver["event"]>[0]) => {
        if (e.type === "phase_finished") ends.push(performance.now());
        observer.event(e);
      },
    };
    let commits = 0;
    const coordinator = await Coordinator.start({
      store,
      git: new GitRepo({ runner: new DenoProcessRunner(), root: dir, fs }),
      fs,
      clock: new SystemClock(),
      root: dir,
      prefix: "WRK",
      log: SILENT_LOGGER,
      onCommit: () => commits++,
    });
    const clock = new SystemClock();
    const t0 = performance.now();
    const summary = await runScheduler({
      coordinator,
      runner: new NoopRunner(),
      config: c,
      configBase: dir,
      root: dir,
      fs,
      log: SILENT_LOGGER,
      observer: obs,
      signal: new AbortController().signal,
      now: () => formatTimestamp(clock.now()),
    }, { cap: 1_000_000 });
    await coordinator.haltCommit(summary.haltReason);
    const total = performance.now() - t0;
    const gaps = ends.slice(1).map((t, i) => t - ends[i]!);
    return {
      total,
      gaps,
      commits,
      phases: summary.state.phasesExecuted,
      completed: summary.state.itemsCompleted.length,
    };
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

async function viaCli(items: Item[], toml: string, extra: string[] = []) {
  const { dir, bin, base } = await repo(items, toml);
  try {
    const before = Number(await git(dir, "rev-list", "--count", "HEAD"));
    const t0 = performance.now();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--quiet", "-A", PG_ENTRY, "run", "--json", ...extra],
      cwd: dir,
      env: { PATH: `${bin}:${Deno.env.get("PATH")}`, NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    let hwm = 0;
    const poll = setInterval(async () => {
      try {
        const s = await Deno.readTextFile(`/proc/${child.pid}/status`);
        hwm = Math.max(hwm, Number(/VmHWM:\s+(\d+) kB/.exec(s)?.[1] ?? 0));
      } catch {
        // exited
      }
    }, 10);
    const text = await new Response(child.stdout).text();
    await child.status;
    clearInterval(poll);
    const total = performance.now() - t0;
    const events = text.trim().split("\n").filter((l) => l).map((l) => JSON.parse(l));
    const ends = events.filter((e) => e.type === "phase_finished").map((e) => Date.parse(e.time));
    const gaps = ends.slice(1).map((t: number, i: number) => t - ends[i]!);
    const commits = Number(await git(dir, "rev-list", "--count", "HEAD")) - before;
    const halted = events.find((e) => e.type === "halted");
    return { total, gaps, commits, hwmMb: hwm / 1024, halted };
  } finally {
    await Deno.remove(base, { recursive: true });
  }
}

const f = (ms: number) => `${ms.toFixed(1)} ms`;

console.log("pg run benchmarks (no-op agent)\n");

// 1. Per-phase overhead, one item at a time (max_concurrent 1).
const seq = await inProcess(readyPgItems(20), config(1, 1));
console.log(
  `per-phase overhead, in-process (20 items × 3 phases, sequential): median ${
    f(median(seq.gaps))
  }` +
    `, mean ${f(seq.total / seq.phases)} (${seq.phases} phases, ${seq.commits} commits)`,
);
const seqCli = await viaCli(readyPgItems(20), CONFIG_TOML(1, 1));
console.log(
  `per-phase overhead, pg CLI + claude runner + no-op sh agent: median ${f(median(seqCli.gaps))}` +
    ` (${seqCli.halted?.phases_executed} phases, ${seqCli.commits} commits, total ${
      f(seqCli.total)
    })`,
);

// 2. 100 items, 3 phases, max_concurrent 4.
const par = await inProcess(readyPgItems(N), config(4, 4));
console.log(
  `${N} items × 3 phases, max_concurrent 4, in-process: ${
    f(par.total)
  } total, ${par.commits} commits, ` +
    `${par.completed} completed`,
);
const parCli = await viaCli(readyPgItems(N), CONFIG_TOML(4, 4), ["--cap", "100000"]);
console.log(
  `${N} items × 3 phases, max_concurrent 4, pg CLI + no-op sh agent: ${f(parCli.total)} total, ` +
    `${parCli.commits} commits, ${parCli.halted?.items_completed.length} completed`,
);

// 3. Memory with 10 000 items in the store.
const big = readyPgItems(10_000);
const mem = await viaCli(big, CONFIG_TOML(1, 1), ["--cap", "3"]);
console.log(
  `pg run --cap 3 with 10000 items in the store: peak RSS ${mem.hwmMb.toFixed(0)} MB, ` +
    `total ${f(mem.total)}, per-phase median ${f(median(mem.gaps))}`,
);

// 4. Memory over a long run: 10 000 items in the store, 150 phases.
const long = await viaCli(big, CONFIG_TOML(1, 1), ["--cap", "150"]);
console.log(
  `pg run --cap 150 with 10000 items in the store: peak RSS ${long.hwmMb.toFixed(0)} MB, ` +
    `total ${f(long.total)}, per-phase median ${f(median(long.gaps))}`,
);
