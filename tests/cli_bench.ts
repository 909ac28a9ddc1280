// deno-lint-ignore-file no-console
/**
 * Whole-process benchmarks of `tg` on synthetic stores of 1k, 10k and 100k
 * items, beside an empty `deno run` script measured in the same run (and the
 * upstream Rust binary when it can run). Prints the median of N runs per
 * command, and at 100k items the peak memory of each command.
 *
 * Usage: `deno task bench [-- --runs N] [-- --sizes 1000,10000]`
 *
 * @module
 */

import { REPO_ROOT, RUST_TG, rustUnavailable } from "./_helpers.ts";
import { writeSyntheticStore } from "../lib/_testing/synthetic_store.ts";
import { parseActiveFile } from "../lib/store/jsonl.ts";
import { measureProcess } from "./_bench.ts";

const args = Deno.args;
const RUNS = Number(args[args.indexOf("--runs") + 1] || 10) || 10;
const SIZES = args.includes("--sizes")
  ? args[args.indexOf("--sizes") + 1]!.split(",").map(Number)
  : [1000, 10000, 100000];
const PERMS = ["--allow-read", "--allow-write", "--allow-env", "--allow-run=git"];
const TG = ["run", ...PERMS, `${REPO_ROOT}/cli/tg.ts`];

/** Median wall time of `RUNS` runs after one warm-up; `argvFor(i)` may vary per run. */
function measure(cmd: string, argvFor: (i: number) => string[], cwd: string): Promise<number> {
  return measureProcess(cmd, argvFor, cwd, { runs: RUNS });
}

/** Peak RSS (MiB) of one run, measured by python's getrusage on its child. */
async function peakMemMiB(cmd: string, argv: string[], cwd: string): Promise<number | null> {
  const script = "import resource,subprocess,sys\n" +
    "subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,check=True)\n" +
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)";
  try {
    const out = await new Deno.Command("python3", {
      args: ["-c", script, cmd, ...argv],
      cwd,
      env: { NO_COLOR: "1", TG_AUTHOR: "bench" },
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return null;
    return Number(new TextDecoder().decode(out.stdout).trim()) / 1024;
  } catch {
    return null;
  }
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const root = await Deno.makeTempDir({ prefix: "tg-bench-" });
const rustReason = await rustUnavailable();
const empty = `${root}/empty.ts`;
await Deno.writeTextFile(empty, "");

console.log(`tg whole-process benchmarks, median of ${RUNS} runs (${new Date().toISOString()})`);
console.log(`Deno ${Deno.version.deno}; Rust peer: ${rustReason ?? RUST_TG}\n`);
const baseline = await measure(Deno.execPath(), () => ["run", empty], root);
const version = await measure(Deno.execPath(), () => [...TG, "--version"], root);
console.log(`empty deno run script      ${fmt(baseline)}`);
console.log(
  `tg --version               ${fmt(version)}  (${
    (version / baseline).toFixed(2)
  }x the empty script)\n`,
);

try {
  for (const n of SIZES) {
    const dir = `${root}/s${n}`;
    await writeSyntheticStore(`${dir}/.task-golem`, n, Math.max(10, n / 100));
    const items = parseActiveFile(await Deno.readFile(`${dir}/.task-golem/tasks.jsonl`));
    const todo = items.filter((it) => it.status === "todo").map((it) => it.id);
    const rows: [string, number, number | null, string][] = [];
    const both = async (label: string, argvFor: (i: number) => string[]) => {
      const ours = await measure(Deno.execPath(), (i) => [...TG, ...argvFor(i)], dir);
      const rust = rustReason === null ? await measure(RUST_TG, argvFor, dir) : null;
      rows.push([label, ours, rust, rust === null ? "" : `${(ours / rust).toFixed(2)}x`]);
    };
    // Each done run finishes a different todo item (ours first, then Rust, then the
    // memory probes); show reads one that no run finishes.
    let k = 0;
    const shown = todo.at(-1)!;
    const commands: [string, (i: number) => string[]][] = [
      ["list --json", () => ["list", "--json"]],
      ["ready", () => ["ready"]],
      ["show", () => ["show", shown]],
      ["add", (i) => ["add", `bench item ${i}`]],
      ["done", () => ["done", todo[k++]!]],
    ];
    for (const [label, argvFor] of commands) await both(label, argvFor);
    console.log(`${n} items (${(items.length / 1000).toFixed(0)}k active)`);
    console.log("  command        tg (ours)    Rust tg   ours/Rust");
    for (const [label, ours, rust, ratio] of rows) {
      console.log(
        `  ${label.padEnd(13)} ${fmt(ours).padStart(10)}  ${
          rust === null ? "-" : fmt(rust).padStart(10)
        }  ${ratio.padStart(9)}`,
      );
    }
    if (n >= 100000) {
      console.log("  peak memory    tg (ours)    Rust tg");
      for (const [label, argvFor] of commands) {
        const ours = await peakMemMiB(Deno.execPath(), [...TG, ...argvFor(-1)], dir);
        const rust = rustReason === null ? await peakMemMiB(RUST_TG, argvFor(-1), dir) : null;
        const mib = (m: number | null) => (m === null ? "-" : `${m.toFixed(0)} MiB`).padStart(10);
        console.log(`  ${label.padEnd(13)} ${mib(ours)}  ${mib(rust)}`);
      }
    }
    console.log();
  }
} finally {
  await Deno.remove(root, { recursive: true });
}
