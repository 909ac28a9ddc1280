/**
 * The end-to-end fixture of pg.md §10.2: a temp git repository with a
 * committed `.gitignore`, store and workflow files, a `phase-golem.toml`
 * with pipeline `feature` = pre `research`, main `prd`, `build`
 * (destructive), `review`, and a fake `claude` (tests/fixtures/fake_claude.ts)
 * first on PATH, driven by a scenario table.
 *
 * @module
 */

import { advanceTo } from "../lib/_testing/pg_item_fixtures.ts";
import { newPgItem, PgItem } from "../lib/adapter/pg_item.ts";
import type { PgStatus } from "../lib/adapter/pg_status.ts";
import { FixedClock } from "../lib/io/clock.ts";
import { type Item, newItem } from "../lib/store/item.ts";
import { TaskStore } from "../lib/store/store.ts";
import type { Output } from "./_helpers.ts";
import { PG_ENTRY } from "./_pg.ts";
import { importItems } from "../lib/store/ops/add.ts";

const FAKE_CLAUDE = new URL("./fixtures/fake_claude.ts", import.meta.url).pathname;

/** Options of the generated config. */
export interface ConfigOptions {
  /** `execution.max_retries` (default 0). */
  maxRetries?: number;
  /** `execution.phase_timeout_minutes` (default 30). */
  timeoutMinutes?: number;
  /** `staleness` of `build` (default ignore). */
  staleness?: "ignore" | "warn" | "block";
  /** `execution.max_wip` (default 1). */
  maxWip?: number;
  /** `execution.max_concurrent` (default 1). */
  maxConcurrent?: number;
}

/** The §10.2 config. */
export function e2eConfig(o: ConfigOptions = {}): string {
  const phase = (name: string, destructive = false, extra = "") =>
    `name = "${name}"\nworkflows = ["workflows/${name}.md"]\nis_destructive = ${destructive}\n${extra}`;
  return `[project]
prefix = "WRK"

[execution]
phase_timeout_minutes = ${o.timeoutMinutes ?? 30}
max_retries = ${o.maxRetries ?? 0}
max_wip = ${o.maxWip ?? 1}
max_concurrent = ${o.maxConcurrent ?? 1}

[[pipelines.feature.pre_phases]]
${phase("research")}
[[pipelines.feature.phases]]
${phase("prd")}
[[pipelines.feature.phases]]
${phase("build", true, `staleness = "${o.staleness ?? "ignore"}"\n`)}
[[pipelines.feature.phases]]
${phase("review")}`;
}

/** One recorded call of the fake `claude`. */
export interface ClaudeCall {
  argv: string[];
  cwd: string;
  pid: number;
  grandchild: number | null;
  item: string;
  phase: string;
  attempt: number;
  stdin: string;
  env: { marker: string | null };
  prompt: string;
}

/** A prepared project. */
export interface E2eProject {
  /** The project root. */
  dir: string;
  /** The temp folder holding the root, the fake claude's `bin/` and its `state/`. */
  base: string;
  /** The environment `pg` runs in (the fake claude first on PATH). */
  env: Record<string, string>;
  /** The store. */
  store: TaskStore;
  /** Unique marker in the agents' environment (to find leftover processes). */
  marker: string;
  /** Writes the scenario table. */
  scenarios(table: Record<string, unknown>): Promise<void>;
  /** Runs `pg` with the fake claude first on PATH (and `o.env` added to the environment). */
  pg(args: string[], o?: { stderrToNull?: boolean; env?: Record<string, string> }): Promise<Output>;
  /** Starts `pg` without waiting. */
  spawnPg(args: string[]): Deno.ChildProcess;
  /** Runs our `tg`. */
  tg(args: string[]): Promise<Output>;
  /** Runs git; returns trimmed stdout, throws on failure. */
  git(...args: string[]): Promise<string>;
  /** Commit subjects, newest first. */
  subjects(): Promise<string[]>;
  /** The fake claude's calls so far. */
  calls(): Promise<ClaudeCall[]>;
  /** An active item's view, or null. */
  item(id: string): Promise<PgItem | null>;
  /** The worklog text of all months. */
  worklog(): Promise<string>;
  /** Deletes everything. */
  cleanup(): Promise<void>;
}

const CLOCK = new FixedClock({ secs: 1767225600, nanos: 0 });

/**
 * A store item: `New` items are written like `tg add` does (native todo, no
 * pg extension); others go through the adapter.
 */
export function e2eItem(
  id: string,
  status: PgStatus,
  o: {
    phase?: string;
    pool?: "pre" | "main";
    title?: string;
    impact?: "low" | "medium" | "high";
    created?: number;
    deps?: string[];
  } = {},
): Item {
  const now = new Date((1767225600 + (o.created ?? 0)) * 1000).toISOString().replace(".000Z", "Z");
  const title = o.title ?? `Item ${id}`;
  if (status === "New" && o.phase === undefined) {
    return newItem(id, title, now, { dependencies: o.deps ?? [] });
  }
  const item = newPgItem(id, title, { now, dependencies: o.deps ?? [] });
  const pg = new PgItem(item, { clock: CLOCK });
  advanceTo(pg, status);
  if (o.phase !== undefined) pg.setPhase(o.phase);
  if (o.pool !== undefined) pg.setPhasePool(o.pool);
  if (o.impact !== undefined) pg.setImpact(o.impact);
  return item;
}

/**
 * Runs a program with stdin closed and collects its output.
 *
 * @param cmd The program.
 * @param args Its arguments.
 * @param cwd Its working directory.
 * @param env Its environment (added to this process's).
 * @param stderrToNull Drop stderr (for programs that write much there).
 * @returns Exit code, stdout and stderr.
 */
export async function exec(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  stderrToNull = false,
): Promise<Output> {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: stderrToNull ? "null" : "piped",
  }).output();
  const dec = new TextDecoder();
  return {
    code: out.code,
    stdout: dec.decode(out.stdout),
    stderr: stderrToNull ? "" : dec.decode(out.stderr),
  };
}

/** Creates the project; items are committed with it. */
export async function e2eProject(
  items: Item[],
  o: { config?: string } = {},
): Promise<E2eProject> {
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "pg-e2e-" }));
  const dir = `${base}/repo`;
  const bin = `${base}/bin`;
  const state = `${base}/state`;
  const table = `${base}/scenarios.json`;
  await Deno.mkdir(dir);
  await Deno.mkdir(bin);
  await Deno.mkdir(state);
  await Deno.writeTextFile(table, "{}");
  await Deno.writeTextFile(
    `${bin}/claude`,
    `#!/bin/sh\nexec '${Deno.execPath()}' run --no-config --quiet -A '${FAKE_CLAUDE}' "$@"\n`,
    { mode: 0o755 },
  );
  const marker = `pg-e2e-${crypto.randomUUID()}`;
  const env: Record<string, string> = {
    PATH: `${bin}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
    FAKE_CLAUDE_SCENARIOS: table,
    FAKE_CLAUDE_STATE: state,
    FAKE_CLAUDE_MARKER: marker,
    NO_COLOR: "1",
    TZ: "UTC",
    TG_AUTHOR: "tester",
  };
  const git = async (...args: string[]) => {
    const r = await exec("git", args, dir, env);
    if (r.code !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };
  await git("init", "-q", "-b", "main");
  await git("config", "user.email", "test@test.com");
  await git("config", "user.name", "Test");
  await git("config", "commit.gpgsign", "false");
  await Deno.writeTextFile(`${dir}/README.md`, "# e2e\n");
  await Deno.writeTextFile(`${dir}/.gitignore`, ".phase-golem/\n");
  await Deno.writeTextFile(`${dir}/phase-golem.toml`, o.config ?? e2eConfig());
  await Deno.mkdir(`${dir}/workflows`);
  for (const w of ["research", "prd", "build", "review"]) {
    await Deno.writeTextFile(`${dir}/workflows/${w}.md`, `# ${w}\n`);
  }
  for (const d of ["_ideas", "_worklog", "changes"]) await Deno.mkdir(`${dir}/${d}`);
  const store = new TaskStore(`${dir}/.task-golem`, { clock: CLOCK });
  await store.init();
  await importItems(store, { active: items });
  await git("add", "-A");
  await git("commit", "-q", "-m", "initial");
  const pgArgs = (args: string[]) => ["run", "--quiet", "-A", PG_ENTRY, ...args];
  return {
    dir,
    base,
    env,
    store,
    marker,
    scenarios: (t) => Deno.writeTextFile(table, JSON.stringify(t)),
    pg: (args, opts = {}) =>
      exec(Deno.execPath(), pgArgs(args), dir, { ...env, ...opts.env }, opts.stderrToNull),
    spawnPg: (args) =>
      new Deno.Command(Deno.execPath(), {
        args: pgArgs(args),
        cwd: dir,
        env,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn(),
    tg: (args) =>
      exec(
        Deno.execPath(),
        ["run", "--quiet", "-A", `${PG_ENTRY.replace(/pg\.ts$/, "tg.ts")}`, ...args],
        dir,
        env,
      ),
    git,
    subjects: async () => (await git("log", "--format=%s")).split("\n"),
    calls: async () => {
      try {
        const text = await Deno.readTextFile(`${state}/calls.jsonl`);
        return text.trim().split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
      } catch {
        return [];
      }
    },
    item: async (id) => {
      const raw = (await store.loadActive()).find((it) => it.id === id);
      return raw === undefined ? null : new PgItem(raw);
    },
    worklog: async () => {
      let text = "";
      try {
        for await (const e of Deno.readDir(`${dir}/_worklog`)) {
          text += await Deno.readTextFile(`${dir}/_worklog/${e.name}`);
        }
      } catch {
        // none
      }
      return text;
    },
    cleanup: () => Deno.remove(base, { recursive: true }),
  };
}

/** The outcomes in the worklog, in order. */
export function worklogOutcomes(text: string): string[] {
  return [...text.matchAll(/- \*\*Outcome:\*\* (.+)/g)].map((m) => m[1]!);
}

/** PIDs of live processes whose environment holds the marker. */
export async function processesWithMarker(marker: string): Promise<number[]> {
  const out: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const env = await Deno.readFile(`/proc/${e.name}/environ`);
      if (!new TextDecoder().decode(env).includes(`FAKE_CLAUDE_MARKER=${marker}`)) continue;
      const stat = await Deno.readTextFile(`/proc/${e.name}/stat`);
      const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      if (state !== "Z") out.push(Number(e.name));
    } catch {
      // gone or not ours
    }
  }
  return out;
}

/** Waits until `check` is true (polling every 50 ms) or throws after `ms`. */
export async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("timed out waiting");
}

/** Strips the timestamps of plain-mode lines. */
export function untimed(text: string): string {
  return text.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /gm, "");
}
