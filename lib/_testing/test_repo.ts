/**
 * Temp git repositories and item builders shared by the orchestrator tests.
 * Test-only, never published (see `lib/_testing/README.md`).
 *
 * @module
 */

import { applyUpdate } from "../adapter/item_update.ts";
import { newPgItem, PgItem } from "../adapter/pg_item.ts";
import type { PgStatus } from "../adapter/pg_status.ts";
import { FixedClock } from "../io/clock.ts";
import { DenoFileSystem } from "../io/fs.ts";
import { DenoProcessRunner } from "../io/process_runner.ts";
import type { Item } from "../store/item.ts";
import { importItems } from "../store/ops/add.ts";
import { TaskStore } from "../store/store.ts";
import { GitRepo } from "../orchestrator/repo/git.ts";

/** 2026-01-01T00:00:00Z, the test clock's start. */
export const TEST_EPOCH = 1767225600;

/** A clock that starts at 2026-01-01 and ticks 1 ms per reading. */
export function testClock(): FixedClock {
  return new FixedClock({ secs: TEST_EPOCH, nanos: 0 }, 1_000_000);
}

/** A temporary repository: git with an identity, an initial commit, a store. */
export interface TestRepo {
  /** Absolute path (symlinks resolved). */
  dir: string;
  /** The store. */
  store: TaskStore;
  /** Git operations in the repo. */
  git: GitRepo;
  /** Runs git and returns stdout; throws on failure. */
  sh(...args: string[]): Promise<string>;
  /** Deletes the repo. */
  cleanup(): Promise<void>;
}

/**
 * Runs git in `dir` and returns its stdout.
 *
 * @param dir The working directory.
 * @param args git's arguments.
 * @returns What git printed on stdout.
 * @throws {Error} When git fails, with its stderr.
 */
export async function gitIn(dir: string, args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args,
    cwd: dir,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  if (out.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${dec.decode(out.stderr)}`);
  return dec.decode(out.stdout);
}

/**
 * Creates a repo as in pg.md §10.1: identity `Test <test@test.com>`, an initial
 * `README.md` commit, `.gitignore` with `.phase-golem/`, the directories
 * `_ideas _worklog changes .phase-golem`, and a committed store holding `items`.
 */
export async function testRepo(items: Item[] = []): Promise<TestRepo> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "pg-engine-" }));
  for (
    const args of [
      ["init", "-q", "-b", "main"],
      ["config", "user.name", "Test"],
      ["config", "user.email", "test@test.com"],
      ["config", "commit.gpgsign", "false"],
      ["config", "core.hooksPath", ".no-hooks"],
    ]
  ) await gitIn(dir, args);
  await Deno.writeTextFile(`${dir}/README.md`, "# test\n");
  await Deno.writeTextFile(`${dir}/.gitignore`, ".phase-golem/\n");
  for (const d of ["_ideas", "_worklog", "changes", ".phase-golem"]) {
    await Deno.mkdir(`${dir}/${d}`, { recursive: true });
  }
  const store = new TaskStore(`${dir}/.task-golem`, { clock: testClock() });
  await store.init();
  await importItems(store, { active: items });
  await gitIn(dir, ["add", "-A"]);
  await gitIn(dir, ["commit", "-q", "-m", "initial"]);
  const git = new GitRepo({ runner: new DenoProcessRunner(), root: dir, fs: new DenoFileSystem() });
  return {
    dir,
    store,
    git,
    sh: (...args) => gitIn(dir, args),
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
}

/** Options for {@linkcode item}. */
export interface ItemOptions {
  phase?: string;
  pool?: "pre" | "main";
  pipeline?: string;
  deps?: string[];
  tags?: string[];
  size?: "small" | "medium" | "large";
  risk?: "low" | "medium" | "high";
  impact?: "low" | "medium" | "high";
  description?: string;
  /** Seconds after the epoch for `created_at`. */
  created?: number;
  /** For Blocked items: the status before. */
  blockedFrom?: "New" | "Scoping" | "Ready" | "InProgress";
  blockedReason?: string;
}

const PATH: Record<PgStatus, PgStatus[]> = {
  New: [],
  Scoping: ["Scoping"],
  Ready: ["Scoping", "Ready"],
  InProgress: ["Scoping", "Ready", "InProgress"],
  Done: ["Scoping", "Ready", "InProgress", "Done"],
  Blocked: [],
};

/** Builds a store item in a given pg status. */
export function item(id: string, status: PgStatus, o: ItemOptions = {}): Item {
  const secs = TEST_EPOCH + (o.created ?? 0);
  const now = new Date(secs * 1000).toISOString().replace(".000Z", "Z");
  const raw = newPgItem(id, `Item ${id}`, { now, dependencies: o.deps ?? [], tags: o.tags ?? [] });
  const pg = new PgItem(raw, { clock: new FixedClock({ secs, nanos: 0 }) });
  if (status === "Blocked") {
    for (const to of PATH[o.blockedFrom ?? "New"]) {
      applyUpdate(pg, { kind: "TransitionStatus", to });
    }
    applyUpdate(pg, { kind: "SetBlocked", reason: o.blockedReason ?? "blocked for a test" });
  } else {
    for (const to of PATH[status]) applyUpdate(pg, { kind: "TransitionStatus", to });
  }
  if (o.phase !== undefined) pg.setPhase(o.phase);
  if (o.pool !== undefined) pg.setPhasePool(o.pool);
  if (o.pipeline !== undefined) pg.setPipelineType(o.pipeline);
  if (o.size !== undefined) pg.setSize(o.size);
  if (o.risk !== undefined) pg.setRisk(o.risk);
  if (o.impact !== undefined) pg.setImpact(o.impact);
  if (o.description !== undefined) {
    pg.setDescription({
      context: o.description,
      problem: "",
      solution: "",
      impact: "",
      sizing_rationale: "",
    });
  }
  return raw;
}

/** `git log --format=%s` subjects, newest first. */
export async function subjects(repo: TestRepo): Promise<string[]> {
  return (await repo.sh("log", "--format=%s")).trim().split("\n");
}

/** `git status --porcelain` output. */
export async function porcelain(repo: TestRepo): Promise<string> {
  return await repo.sh("status", "--porcelain", "--untracked-files=all");
}
