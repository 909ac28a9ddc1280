/**
 * The fixture of the `pg run --sync` tests: the end-to-end project of
 * `_pg_e2e.ts` (fake `claude` first on PATH, scenario table, call log)
 * pushed to a bare repository in the same temp folder, and one clone of
 * it per worker. Workers run the real `pg` CLI in their clone.
 *
 * @module
 */

import type { Item } from "../lib/store/item.ts";
import { type E2eProject, e2eProject, exec } from "./_pg_e2e.ts";
import type { Output } from "./_helpers.ts";
import { PG_ENTRY } from "./_pg.ts";

/** One worker's clone. */
export interface FleetWorker {
  /** `w1`, `w2`, … (also its `--worker` name). */
  name: string;
  /** The clone. */
  dir: string;
  /** Runs `pg ARGS` in the clone and waits. */
  pg(args: string[]): Promise<Output>;
  /** Starts `pg ARGS` in the clone (stdout and stderr piped). */
  spawn(args: string[]): Deno.ChildProcess;
  /** Runs git in the clone; returns trimmed stdout, throws on failure. */
  git(...args: string[]): Promise<string>;
}

/** The remote and the workers. */
export interface Fleet {
  /** The project the remote was made from (its fake claude, calls, scenarios). */
  project: E2eProject;
  /** The bare repository every clone has as `origin`. */
  remote: string;
  /** The workers. */
  workers: FleetWorker[];
  /** A fresh clone of the remote's `main`, for checking what the remote has. */
  inspect(): Promise<string>;
  /** Deletes everything. */
  cleanup(): Promise<void>;
}

async function gitOk(cwd: string, env: Record<string, string>, ...args: string[]) {
  const r = await exec("git", args, cwd, env);
  if (r.code !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * The project with `items` and `config`, its remote, and `n` clones.
 *
 * @param n How many workers.
 * @param items The store's items.
 * @param config The `phase-golem.toml` text.
 * @returns The fleet; call `cleanup`.
 */
export async function e2eFleet(n: number, items: Item[], config: string): Promise<Fleet> {
  const project = await e2eProject(items, { config });
  const { base, env } = project;
  const remote = `${base}/remote.git`;
  await gitOk(base, env, "clone", "-q", "--bare", project.dir, remote);
  const workers: FleetWorker[] = [];
  for (let i = 1; i <= n; i++) {
    const name = `w${i}`;
    const dir = `${base}/${name}`;
    await gitOk(base, env, "clone", "-q", remote, dir);
    await gitOk(dir, env, "config", "user.email", `${name}@test.com`);
    await gitOk(dir, env, "config", "user.name", `Worker ${i}`);
    await gitOk(dir, env, "config", "commit.gpgsign", "false");
    const args = (a: string[]) => ["run", "--quiet", "-A", PG_ENTRY, ...a];
    workers.push({
      name,
      dir,
      pg: (a) => exec(Deno.execPath(), args(a), dir, env),
      spawn: (a) =>
        new Deno.Command(Deno.execPath(), {
          args: args(a),
          cwd: dir,
          env,
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
        }).spawn(),
      git: (...a) => gitOk(dir, env, ...a),
    });
  }
  let inspected = 0;
  return {
    project,
    remote,
    workers,
    inspect: async () => {
      const dir = `${base}/inspect-${++inspected}`;
      await gitOk(base, env, "clone", "-q", remote, dir);
      return dir;
    },
    cleanup: () => project.cleanup(),
  };
}

/** Tracked files of a checkout that hold git conflict markers. */
export async function filesWithConflictMarkers(dir: string): Promise<string[]> {
  const r = await exec("git", ["grep", "-l", "-E", "^(<<<<<<<|>>>>>>>) "], dir, {});
  return r.stdout.split("\n").filter((l) => l !== "");
}

/** Reads a process's stdout and stderr to the end and waits for it. */
export async function finished(
  child: Deno.ChildProcess,
): Promise<Output> {
  const [status, stdout, stderr] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ]);
  return { code: status.code, stdout, stderr };
}
