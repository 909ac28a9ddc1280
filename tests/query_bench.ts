// deno-lint-ignore-file no-console
/**
 * Whole-process benchmarks of `tg query` on synthetic stores of 10k and
 * 100k items: a query on a warm cache, a query that must rebuild the cache
 * first (tasks.jsonl touched before each run), and `--timeout 0` (freshness
 * check only, no worker), beside the upstream Rust binary when it can run.
 * Prints the median of N runs.
 *
 * Usage: `deno run --allow-all tests/query_bench.ts [--runs N] [--sizes 10000,100000]`
 *
 * @module
 */

import { REPO_ROOT, RUST_TG, rustUnavailable } from "./_helpers.ts";
import { measureProcess } from "./_bench.ts";
import { writeSyntheticStore } from "../lib/_testing/synthetic_store.ts";

const args = Deno.args;
const RUNS = Number(args[args.indexOf("--runs") + 1] || 10) || 10;
const SIZES = args.includes("--sizes")
  ? args[args.indexOf("--sizes") + 1]!.split(",").map(Number)
  : [10000, 100000];
const TG = [
  "run",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-run=git",
  `${REPO_ROOT}/cli/tg.ts`,
];
const SQL = "select id, title, priority from task_view where is_ready = 1 " +
  "order by priority desc limit 20";

function measure(
  cmd: string,
  argv: string[],
  cwd: string,
  before?: () => Promise<void>,
  ok = true,
): Promise<number> {
  return measureProcess(cmd, () => argv, cwd, {
    runs: RUNS,
    mustSucceed: ok,
    ...(before ? { before } : {}),
  });
}

const fmt = (ms: number | null) => (ms === null ? "-" : `${ms.toFixed(1)} ms`).padStart(10);
const root = await Deno.makeTempDir({ prefix: "tg-query-bench-" });
const rustReason = await rustUnavailable();
console.log(`tg query whole-process benchmarks, median of ${RUNS} runs`);
console.log(`Deno ${Deno.version.deno}; Rust peer: ${rustReason ?? RUST_TG}\n`);
try {
  for (const n of SIZES) {
    const dir = `${root}/s${n}`;
    await writeSyntheticStore(`${dir}/.task-golem`, n, Math.max(10, n / 100));
    const tasks = `${dir}/.task-golem/tasks.jsonl`;
    const touch = async () => {
      const now = new Date();
      await Deno.utime(tasks, now, now);
    };
    const rows: [string, number, number | null][] = [];
    const both = async (label: string, argv: string[], before?: () => Promise<void>) => {
      const ours = await measure(Deno.execPath(), [...TG, ...argv], dir, before);
      // Each binary rebuilds the other's cache (schema 1 vs 2), so warm runs are measured apart.
      const rust = rustReason === null ? await measure(RUST_TG, argv, dir, before) : null;
      rows.push([label, ours, rust]);
    };
    await both("query, cache rebuilt", ["query", SQL], touch);
    const warmOurs = await measure(Deno.execPath(), [...TG, "query", SQL], dir);
    const checkOnly = await measure(
      Deno.execPath(),
      [...TG, "query", "--timeout", "0", SQL],
      dir,
      undefined,
      false,
    );
    const warmRust = rustReason === null ? await measure(RUST_TG, ["query", SQL], dir) : null;
    rows.push(["query, warm cache", warmOurs, warmRust]);
    rows.push(["freshness check only (--timeout 0)", checkOnly, null]);
    console.log(`${n} items`);
    console.log(`  ${"".padEnd(36)} ${"tg (ours)".padStart(10)} ${"Rust tg".padStart(10)}`);
    for (const [label, ours, rust] of rows) {
      console.log(`  ${label.padEnd(36)} ${fmt(ours)} ${fmt(rust)}`);
    }
    console.log();
  }
} finally {
  await Deno.remove(root, { recursive: true });
}
