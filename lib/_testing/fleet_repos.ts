/**
 * A bare remote in a temp folder and clones of it, one per worker, for the
 * tests of `pg run --sync`. Test-only, never published (see
 * `lib/_testing/README.md`).
 *
 * @module
 */

import { DenoFileSystem } from "../io/fs.ts";
import { DenoProcessRunner } from "../io/process_runner.ts";
import type { Item } from "../store/item.ts";
import { TaskStore } from "../store/store.ts";
import { GitRepo } from "../orchestrator/repo/git.ts";
import { GitRemote } from "../orchestrator/repo/git_remote.ts";
import { ensureMergeDriver, shellQuote } from "../orchestrator/repo/merge_driver_setup.ts";
import { gitIn, testClock, type TestRepo, testRepo } from "./test_repo.ts";

/** The entry point of this checkout's `tg`. */
export const TG_ENTRY: string = new URL("../../cli/tg.ts", import.meta.url).pathname;

/**
 * The merge driver command that runs this checkout's `tg merge-driver`
 * with the Deno running the tests (no `tg` on `PATH` needed).
 */
export function testMergeDriverCommand(): string {
  return [
    shellQuote(Deno.execPath()),
    "run --quiet --allow-read --allow-write --allow-env --allow-run=git",
    shellQuote(TG_ENTRY),
    "merge-driver %O %A %B %P",
  ].join(" ");
}

/** One worker's clone. */
export interface FleetClone extends TestRepo {
  /** Remote-facing git. */
  remote: GitRemote;
}

/** The remote and the clones. */
export interface Fleet {
  /** The bare repository (the remote `origin` of every clone). */
  remoteDir: string;
  /** The clones, `w1`, `w2`, … */
  clones: FleetClone[];
  /** Runs git in the bare repository. */
  bare(...args: string[]): Promise<string>;
  /** Deletes everything. */
  cleanup(): Promise<void>;
}

/**
 * A test repository holding `items` (see {@linkcode testRepo}), pushed to a
 * bare remote, and `n` clones of that remote with an identity and the `tg`
 * merge driver set up.
 *
 * @param n How many clones.
 * @param items The store's items.
 * @returns The fleet; call `cleanup`.
 */
export async function fleetRepos(n: number, items: Item[] = []): Promise<Fleet> {
  const seed = await testRepo(items);
  const base = await Deno.realPath(await Deno.makeTempDir({ prefix: "pg-fleet-" }));
  const remoteDir = `${base}/remote.git`;
  try {
    await gitIn(base, ["clone", "-q", "--bare", seed.dir, remoteDir]);
  } finally {
    await seed.cleanup();
  }
  const runner = new DenoProcessRunner();
  const fs = new DenoFileSystem();
  const clones: FleetClone[] = [];
  for (let i = 1; i <= n; i++) {
    const dir = `${base}/w${i}`;
    await gitIn(base, ["clone", "-q", remoteDir, dir]);
    for (
      const args of [
        ["config", "user.name", `Worker ${i}`],
        ["config", "user.email", `w${i}@test.com`],
        ["config", "commit.gpgsign", "false"],
        ["config", "core.hooksPath", ".no-hooks"],
      ]
    ) await gitIn(dir, args);
    const remote = new GitRemote({ runner, root: dir });
    await ensureMergeDriver(remote, fs, testMergeDriverCommand());
    for (const d of ["_ideas", "_worklog", "changes", ".phase-golem"]) {
      await Deno.mkdir(`${dir}/${d}`, { recursive: true });
    }
    clones.push({
      dir,
      store: new TaskStore(`${dir}/.task-golem`, { clock: testClock() }),
      git: new GitRepo({ runner, root: dir, fs }),
      remote,
      sh: (...args) => gitIn(dir, args),
      cleanup: () => Deno.remove(dir, { recursive: true }),
    });
  }
  return {
    remoteDir,
    clones,
    bare: (...args) => gitIn(remoteDir, args),
    cleanup: () => Deno.remove(base, { recursive: true }),
  };
}
