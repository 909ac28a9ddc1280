// deno-lint-ignore-file no-console
/**
 * Benchmarks of `pg run --sync` (issue 13 §3), with real `pg` processes,
 * each in its own clone of a bare repository in a temp folder, and a shell
 * script as `claude` first on PATH:
 *
 * 1. Sync overhead per phase: the median time between the ends of
 *    consecutive phases (no-op agent, one worker, 20 items × 2 phases) with
 *    `--sync` minus the same without it: what the fetches, merges, claims,
 *    promotions and pushes to the local bare remote add to a phase. Also
 *    the median gap of three workers syncing at once (no-op agents).
 * 2. 30 items × 2 phases with agents that take 1 s: one worker against
 *    three, all with `--sync`; the speed-up is the ratio of the wall times.
 *    Also the time between phases that is not the agent's (phase end to the
 *    next phase's end, minus that phase's agent time), whose excess over a
 *    phase without `--sync` is the sync overhead under contention.
 *
 * Usage: `deno run -A tests/pg_fleet_bench.ts [--items N]`
 *
 * @module
 */

import { readyPgItems } from "../lib/_testing/pg_item_fixtures.ts";
import { gitIn } from "../lib/_testing/test_repo.ts";
import { importItems } from "../lib/store/ops/add.ts";
import { TaskStore } from "../lib/store/store.ts";
import { BENCH_AGENT_SCRIPT, PG_ENTRY } from "./_pg.ts";

const args = Deno.args;
const N = Number(args[args.indexOf("--items") + 1] || 30) || 30;

const CONFIG = `[execution]
max_retries = 0
max_wip = 3
phase_timeout_minutes = 5

[sync]
poll_seconds = 1

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

/** A seed repository with `n` Ready items, its bare remote, and `workers` clones. */
async function fleet(n: number, workers: number) {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "pg-fleet-bench-" }));
  const seed = `${base}/seed`;
  const bin = `${base}/bin`;
  await Deno.mkdir(seed);
  await Deno.mkdir(bin);
  await Deno.writeTextFile(`${bin}/claude`, BENCH_AGENT_SCRIPT, { mode: 0o755 });
  await git(seed, "init", "-q", "-b", "main");
  await Deno.writeTextFile(`${seed}/.gitignore`, ".phase-golem/\n");
  await Deno.writeTextFile(`${seed}/phase-golem.toml`, CONFIG);
  const store = new TaskStore(`${seed}/.task-golem`);
  await store.init();
  await importItems(store, { active: readyPgItems(n) });
  await git(seed, "add", "-A");
  await git(seed, "-c", "user.email=b@b", "-c", "user.name=b", "commit", "-q", "-m", "initial");
  await git(base, "clone", "-q", "--bare", seed, `${base}/remote.git`);
  const dirs: string[] = [];
  for (let i = 1; i <= workers; i++) {
    const dir = `${base}/w${i}`;
    await git(base, "clone", "-q", `${base}/remote.git`, dir);
    await git(dir, "config", "user.email", `w${i}@bench`);
    await git(dir, "config", "user.name", `w${i}`);
    await git(dir, "config", "commit.gpgsign", "false");
    dirs.push(dir);
  }
  return { base, bin, dirs, cleanup: () => Deno.remove(base, { recursive: true }) };
}

interface WorkerRun {
  /** Times (ms since the epoch) at which phases finished. */
  ends: number[];
  /** How long each phase's agent took (ms). */
  durations: number[];
  /** Phases run. */
  phases: number;
  /** Exit code. */
  code: number;
}

async function runWorker(
  dir: string,
  bin: string,
  extra: string[],
  sleep: number,
): Promise<WorkerRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--quiet", "-A", PG_ENTRY, "run", "--json", "--cap", "100000", ...extra],
    cwd: dir,
    env: { PATH: `${bin}:${Deno.env.get("PATH")}`, NO_COLOR: "1", AGENT_SLEEP: String(sleep) },
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const text = await new Response(child.stdout).text();
  const { code } = await child.status;
  const events = text.trim().split("\n").filter((l) => l).map((l) => JSON.parse(l));
  const finished = events.filter((e) => e.type === "phase_finished");
  return {
    ends: finished.map((e) => Date.parse(e.time)),
    durations: finished.map((e) => e.duration_ms as number),
    phases: finished.length,
    code,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function gaps(ends: number[]): number[] {
  return ends.slice(1).map((t, i) => t - ends[i]!);
}

/** The time between phases that is not the agent's: from one phase's end to the next one's start. */
function between(run: WorkerRun): number[] {
  return run.ends.slice(1).map((t, i) => t - run.ends[i]! - run.durations[i + 1]!);
}

/** `workers` workers on `n` items; returns the wall time and each worker's run. */
async function fleetRun(n: number, workers: number, sleep: number, sync = true) {
  const f = await fleet(n, workers);
  try {
    const t0 = performance.now();
    const runs = await Promise.all(
      f.dirs.map((dir, i) =>
        runWorker(dir, f.bin, sync ? ["--sync", "origin", "--worker", `w${i + 1}`] : [], sleep)
      ),
    );
    const wall = performance.now() - t0;
    const failed = runs.filter((r) => r.code !== 0).length;
    if (failed > 0) throw new Error(`${failed} worker(s) failed`);
    return { wall, runs, phases: runs.reduce((a, r) => a + r.phases, 0) };
  } finally {
    await f.cleanup();
  }
}

const f1 = (ms: number) => `${ms.toFixed(0)} ms`;

console.log(
  `pg run --sync benchmarks (load: ${(await Deno.readTextFile("/proc/loadavg")).trim()})\n`,
);

// 1. Sync overhead per phase.
const plain = await fleetRun(20, 1, 0, false);
const synced = await fleetRun(20, 1, 0, true);
const plainGap = median(gaps(plain.runs[0]!.ends));
const syncGap = median(gaps(synced.runs[0]!.ends));
console.log(
  `per-phase time, no-op agent, 1 worker, 20 items × 2 phases: without --sync ${f1(plainGap)}, ` +
    `with --sync ${f1(syncGap)} (median)`,
);
console.log(
  `sync overhead per phase (fetch, merge, claim, push; local bare remote): ${
    f1(syncGap - plainGap)
  } median (target ≤ 300 ms)`,
);
const three = await fleetRun(20, 3, 0, true);
const threeGaps = three.runs.flatMap((r) => gaps(r.ends));
console.log(
  `per-phase time, no-op agents, 3 workers at once: ${f1(median(threeGaps))} median per worker ` +
    `(${three.phases} phases in ${f1(three.wall)})`,
);

// 2. 30 items × 2 phases with 1 s agents: 1 worker against 3.
const one = await fleetRun(N, 1, 1, true);
const many = await fleetRun(N, 3, 1, true);
console.log(
  `${N} items × 2 phases, 1 s agents: 1 worker ${(one.wall / 1000).toFixed(1)} s ` +
    `(${one.phases} phases), 3 workers ${
      (many.wall / 1000).toFixed(1)
    } s (${many.phases} phases: ` +
    `${many.runs.map((r) => r.phases).join(" + ")}); speed-up ${
      (one.wall / many.wall).toFixed(2)
    }× (target ≥ 2.4×)`,
);
const betweenOne = median(one.runs.flatMap(between));
const betweenMany = median(many.runs.flatMap(between));
console.log(
  `time between phases (not the agent's), median: 1 worker ${f1(betweenOne)}, 3 workers ` +
    `${f1(betweenMany)}; sync overhead per phase with 3 workers: ${
      f1(betweenMany - plainGap)
    } (minus the ${f1(plainGap)} of a phase without --sync)`,
);
