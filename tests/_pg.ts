/**
 * Helpers for `pg` black-box tests: running the real CLI as a subprocess,
 * building stores with the library, and git in temp repositories.
 *
 * @module
 */

import { FixedClock } from "../lib/io/clock.ts";
import type { Item } from "../lib/store/item.ts";
import { TaskStore } from "../lib/store/store.ts";
import { type Output, REPO_ROOT, run as runIn } from "./_helpers.ts";
import { importItems } from "../lib/store/ops/add.ts";

/** Entry point of our `pg`. */
export const PG_ENTRY: string = `${REPO_ROOT}/cli/pg.ts`;

function run(cmd: string, args: string[], cwd: string): Promise<Output> {
  return runIn(cmd, args, { cwd });
}

/** Runs `deno run -A cli/pg.ts …` in `cwd` (with `env` added to the environment). */
export function pg(args: string[], cwd: string, env?: Record<string, string>): Promise<Output> {
  return runIn(Deno.execPath(), ["run", "--quiet", "-A", PG_ENTRY, ...args], {
    cwd,
    ...(env === undefined ? {} : { env }),
  });
}

/**
 * Makes `dir` a `PATH` of its own: `git` (linked to the real one) and an
 * executable stub for each name in `programs` (e.g. `["codex"]`), so that
 * no agent CLI installed on this machine is found.
 *
 * @returns The `PATH` value (just `dir`).
 */
export async function isolatedPath(dir: string, programs: string[] = []): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const which = await runIn("sh", ["-c", "command -v git"], { cwd: dir });
  await Deno.symlink(which.stdout.trim(), `${dir}/git`);
  for (const p of programs) {
    await Deno.writeTextFile(`${dir}/${p}`, "#!/bin/sh\necho stub\n", { mode: 0o755 });
  }
  return dir;
}

/** Runs git in `cwd` and returns its trimmed stdout; throws on failure. */
export async function git(args: string[], cwd: string): Promise<string> {
  const r = await run("git", args, cwd);
  if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout.trim();
}

/** Creates `<dir>/.task-golem` with the library (as `tg init` does) holding `items`. */
export async function makeStore(dir: string, items: Item[] = []): Promise<TaskStore> {
  const store = new TaskStore(`${dir}/.task-golem`, {
    clock: new FixedClock({ secs: 1767225600, nanos: 0 }),
  });
  await store.init();
  await importItems(store, { active: items });
  return store;
}

/** Commits everything in the repo. */
export async function commitAll(dir: string, message = "test setup"): Promise<void> {
  await git(["add", "-A"], dir);
  await git(["commit", "-q", "-m", message], dir);
}

/**
 * A `claude` for benchmarks: answers `--version`, and for a phase prompt
 * writes a `phase_complete` result after `$AGENT_SLEEP` seconds (none when
 * unset).
 */
export const BENCH_AGENT_SCRIPT: string = `#!/bin/sh
[ "$1" = "--version" ] && { echo "bench 1.0"; exit 0; }
for last; do :; done
path=$(printf '%s\\n' "$last" | sed -n '/write a JSON result file to:/{n;n;n;p;q;}')
id=$(printf '%s\\n' "$last" | sed -n 's/^- \\*\\*ID:\\*\\* //p' | head -n 1)
phase=$(printf '%s\\n' "$last" | sed -n 's/^  "phase": "\\(.*\\)",$/\\1/p' | head -n 1)
[ "\${AGENT_SLEEP:-0}" != 0 ] && sleep "$AGENT_SLEEP"
printf '{"item_id":"%s","phase":"%s","result":"phase_complete","summary":"ok"}' "$id" "$phase" > "$path"
`;
