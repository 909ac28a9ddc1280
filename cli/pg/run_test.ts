// `pg run` and `pg triage` in-process: the real command code, a real git
// repository and store, and a scripted agent runner.

import assert from "node:assert/strict";
import { parseArgs } from "../_args.ts";
import { BufferIo } from "../_io.ts";
import { PG_COMMANDS } from "../pg.ts";
import { PgContext } from "./_context.ts";
import { reportPgError } from "./_errors.ts";
import { run } from "./run.ts";
import { triage } from "./triage.ts";
import { status } from "./status.ts";
import { applyUpdate } from "../../lib/adapter/item_update.ts";
import { newPgItem, PgItem } from "../../lib/adapter/pg_item.ts";
import type { PgStatus } from "../../lib/adapter/pg_status.ts";
import { FixedClock } from "../../lib/io/clock.ts";
import { AgentError } from "../../lib/orchestrator/execution/agents/agent_runner.ts";
import {
  ScriptedAgentRunner,
  type ScriptStep,
} from "../../lib/orchestrator/execution/agents/scripted_agent_runner.ts";
import type { Item } from "../../lib/store/item.ts";
import { TaskStore } from "../../lib/store/store.ts";
import { importItems } from "../../lib/store/ops/add.ts";

const CONFIG = `[project]
prefix = "WRK"

[execution]
max_retries = 0

[[pipelines.feature.pre_phases]]
name = "research"
workflows = ["wf/research.md"]
is_destructive = false

[[pipelines.feature.phases]]
name = "prd"
workflows = ["wf/prd.md"]
is_destructive = false

[[pipelines.feature.phases]]
name = "build"
workflows = ["wf/build.md"]
is_destructive = true

[[pipelines.feature.phases]]
name = "review"
workflows = ["wf/review.md"]
is_destructive = false
`;

async function git(dir: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", { args, cwd: dir, stdout: "piped", stderr: "piped" })
    .output();
  if (out.code !== 0) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

function mkItem(id: string, status: PgStatus, phase?: string): Item {
  const item = newPgItem(id, `Item ${id}`, { now: "2026-01-01T00:00:00Z" });
  const pg = new PgItem(item, { clock: new FixedClock({ secs: 1767225600, nanos: 0 }) });
  const path: PgStatus[] = status === "InProgress" ? ["Scoping", "Ready", "InProgress"] : [];
  for (const to of path) applyUpdate(pg, { kind: "TransitionStatus", to });
  if (phase) {
    pg.setPhase(phase);
    pg.setPhasePool("main");
  }
  return item;
}

interface Project {
  dir: string;
  store: TaskStore;
  cleanup(): Promise<void>;
}

async function project(items: Item[]): Promise<Project> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "pg-run-" }));
  await git(dir, "init", "-q", "-b", "main");
  await git(dir, "config", "user.name", "Test");
  await git(dir, "config", "user.email", "test@test.com");
  await git(dir, "config", "commit.gpgsign", "false");
  await Deno.writeTextFile(`${dir}/.gitignore`, ".phase-golem/\n");
  await Deno.writeTextFile(`${dir}/phase-golem.toml`, CONFIG);
  await Deno.mkdir(`${dir}/wf`);
  for (const w of ["research", "prd", "build", "review"]) {
    await Deno.writeTextFile(`${dir}/wf/${w}.md`, `# ${w}\n`);
  }
  const store = new TaskStore(`${dir}/.task-golem`);
  await store.init();
  await importItems(store, { active: items });
  await git(dir, "add", "-A");
  await git(dir, "commit", "-q", "-m", "setup");
  return { dir, store, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

interface Outcome {
  code: number;
  io: BufferIo;
  runner: ScriptedAgentRunner;
}

async function pgRun(
  dir: string,
  argv: string[],
  steps: ScriptStep[],
  extra: { signal?: AbortSignal; terminal?: boolean; env?: Record<string, string> } = {},
): Promise<Outcome> {
  const io = new BufferIo({
    cwd: dir,
    env: { NO_COLOR: "1", ...extra.env },
    terminal: extra.terminal ?? false,
  });
  const runner = new ScriptedAgentRunner(steps);
  const parsed = parseArgs(PG_COMMANDS, argv, "pg");
  const ctx = PgContext.create(io, parsed);
  const deps = {
    createRunner: () => Promise.resolve(runner),
    signals: false,
    tickMs: 0,
    ...(extra.signal ? { signal: extra.signal } : {}),
  };
  let code = 0;
  try {
    if (parsed.path[0] === "triage") await triage(parsed, ctx, deps);
    else if (parsed.path[0] === "status") await status(parsed, ctx);
    else await run(parsed, ctx, deps);
  } catch (e) {
    code = await reportPgError(e, io);
  }
  return { code, io, runner };
}

/** Stderr without the timestamps of plain mode. */
function untimed(text: string): string {
  return text.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /gm, "");
}

function ok(step: ScriptStep): ScriptStep {
  return step;
}

Deno.test("pg run: a tg-added item goes triage → prd → build → review → Done; tree clean", async () => {
  const p = await project([mkItem("WRK-001", "New")]);
  try {
    const r = await pgRun(p.dir, ["run"], [
      ok({
        result: {
          itemId: "WRK-001",
          phase: "triage",
          result: "phase_complete",
          updatedAssessments: { size: "small", risk: "low" },
          commitSummary: "Triage",
        },
      }),
      ok({
        result: { itemId: "WRK-001", phase: "prd", result: "phase_complete", commitSummary: "PRD" },
      }),
      ok({
        result: {
          itemId: "WRK-001",
          phase: "build",
          result: "phase_complete",
          commitSummary: "Build",
        },
        usage: { costUsd: 1.5, inputTokens: 100, outputTokens: 20 },
      }),
      ok({
        result: {
          itemId: "WRK-001",
          phase: "review",
          result: "phase_complete",
          commitSummary: "Review",
        },
      }),
    ]);
    assert.equal(r.code, 0, r.io.stderr);
    const log = (await git(p.dir, "log", "--format=%s")).trim().split("\n");
    assert.deepEqual(log, [
      "[WRK-001][review] Review",
      "[WRK-001][build] Build",
      "[WRK-001][prd] PRD",
      "[WRK-001][triage] Triage",
      "setup",
    ]);
    assert.equal(await git(p.dir, "status", "--porcelain"), "", "tree clean afterwards");
    const err = r.io.stderr;
    assert.match(err, /^\S+Z --- Phase Golem ---\n/, "plain mode lines are timestamped");
    assert.match(
      err,
      /--- Run Summary ---\n\S+ Phases executed: 4\n\S+ Items completed: WRK-001\n/,
    );
    assert.match(err, /Commits: 4\n/);
    assert.match(err, /Time per phase: triage 1× [\d.]+s, prd 1×/);
    assert.match(err, /Agent usage: \$1\.50, 120 tokens/);
    assert.match(err, /Halt reason: AllDoneOrBlocked\n$/);
    assert.equal(r.io.stdout, "");
    assert.deepEqual((await p.store.loadArchive()).map((i) => i.id), ["WRK-001"]);
    // The prompt names paths under the root and the result file in .phase-golem/.
    const req = r.runner.requests[1]!;
    assert.equal(req.cwd, p.dir);
    assert.equal(req.resultPath, `${p.dir}/.phase-golem/phase_result_WRK-001_prd.json`);
    assert.match(req.prompt, new RegExp(`Read and follow the workflow at \`${p.dir}/wf/prd.md\``));
    assert.match(
      req.prompt,
      new RegExp(`change folder for this item is: \`${p.dir}/changes/WRK-001_item-wrk-001\``),
    );
  } finally {
    await p.cleanup();
  }
});

Deno.test("pg run --json prints one JSON event per line on stdout", async () => {
  const p = await project([mkItem("WRK-001", "InProgress", "review")]);
  try {
    const r = await pgRun(p.dir, ["run", "--json"], [
      ok({ result: { itemId: "WRK-001", phase: "review", result: "phase_complete" } }),
    ]);
    assert.equal(r.code, 0, r.io.stderr);
    const events = r.io.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => e.type), [
      "phase_started",
      "phase_finished",
      "item_completed",
      "commit",
      "halted",
    ]);
    assert.equal(events[0].item_id, "WRK-001");
    assert.equal(events[0].title, "Item WRK-001");
    assert.equal(events[1].outcome, "complete");
    assert.equal(events[3].subject, "[WRK-001][review] Phase output");
    assert.equal(events[4].reason, "AllDoneOrBlocked");
    assert.deepEqual(events[4].items_completed, ["WRK-001"]);
    for (const e of events) assert.match(e.time, /^\d{4}-\d\d-\d\dT/);
  } finally {
    await p.cleanup();
  }
});

Deno.test("pg run exits 1 with 'All targets blocked; no items completed'", async () => {
  const p = await project([mkItem("WRK-001", "InProgress", "prd")]);
  try {
    const r = await pgRun(p.dir, ["run"], [
      ok({ result: { itemId: "WRK-001", phase: "prd", result: "blocked", context: "Which DB?" } }),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.io.stderr, /Items blocked: WRK-001\n/);
    assert.match(r.io.stderr, /Error: All targets blocked; no items completed\n$/);
    assert.equal(await git(p.dir, "status", "--porcelain"), "");
    assert.equal(
      (await git(p.dir, "log", "-1", "--format=%s")).trim(),
      "[phase-golem] Save task state on halt (AllDoneOrBlocked)",
    );
  } finally {
    await p.cleanup();
  }
});

Deno.test("pg run refuses a dirty tree, a held lock, bad targets and a failed preflight", async () => {
  const p = await project([mkItem("WRK-001", "New")]);
  try {
    await Deno.writeTextFile(`${p.dir}/dirty.txt`, "x");
    let r = await pgRun(p.dir, ["run"], []);
    assert.equal(r.code, 1);
    assert.match(
      r.io.stderr,
      /Error: Working tree is not clean\. Commit or stash changes before running phase-golem\.\n$/,
    );
    assert.equal(r.runner.requests.length, 0);
    await Deno.remove(`${p.dir}/dirty.txt`);

    // A foreign file staged before the run also makes the tree dirty: refused, nothing committed.
    await Deno.writeTextFile(`${p.dir}/staged.txt`, "x");
    await git(p.dir, "add", "staged.txt");
    r = await pgRun(p.dir, ["run"], []);
    assert.match(r.io.stderr, /Working tree is not clean/);
    assert.equal((await git(p.dir, "log", "-1", "--format=%s")).trim(), "setup");
    await git(p.dir, "rm", "-q", "--cached", "staged.txt");
    await Deno.remove(`${p.dir}/staged.txt`);

    r = await pgRun(
      p.dir,
      ["run", "--target", "WRK-404", "--target", "bad", "--target", "WRK-404"],
      [],
    );
    assert.equal(r.code, 1);
    assert.ok(
      r.io.stderr.endsWith(
        "Error: Target validation failed:\n" +
          "  - Invalid target format 'bad': expected <prefix>-<id> (numeric or hex suffix)\n" +
          "  - Target 'WRK-404' not found in backlog\n  - Target 'bad' not found in backlog\n" +
          "  - Target 'WRK-404' not found in backlog\n  - Duplicate targets: WRK-404\n",
      ),
      r.io.stderr,
    );

    await Deno.remove(`${p.dir}/wf/build.md`);
    await git(p.dir, "commit", "-qam", "drop workflow");
    r = await pgRun(p.dir, ["run"], []);
    assert.equal(r.code, 1);
    assert.ok(
      untimed(r.io.stderr).includes(
        "[pre] Preflight FAILED:\n  Preflight error: Workflow file not found: wf/build.md\n" +
          "  Config: phase-golem.toml → pipelines → workflows\n" +
          "  Fix: Create the workflow file at wf/build.md or update the path\n",
      ),
      r.io.stderr,
    );
    assert.match(r.io.stderr, /Error: 1 preflight error\(s\) -- fix all issues before running\n$/);
    assert.equal(await git(p.dir, "status", "--porcelain"), "");

    const lock = await Deno.open(`${p.dir}/.phase-golem/phase-golem.lock`, {
      create: true,
      write: true,
    });
    await lock.lock(true);
    await Deno.writeTextFile(`${p.dir}/.phase-golem/phase-golem.pid`, `${Deno.pid}\n`);
    try {
      r = await pgRun(p.dir, ["run"], []);
      assert.equal(r.code, 1);
      assert.match(
        r.io.stderr,
        new RegExp(`Error: Another phase-golem instance is running \\(PID ${Deno.pid}\\)\\n$`),
      );
    } finally {
      lock.close();
    }
  } finally {
    await p.cleanup();
  }
});

Deno.test("pg run: shutdown stops the agent, keeps the item resumable and commits the state", async () => {
  const p = await project([mkItem("WRK-001", "InProgress", "build")]);
  try {
    const ctrl = new AbortController();
    const r = await pgRun(p.dir, ["run"], [
      (req) => {
        setTimeout(() => ctrl.abort(), 20);
        return new Promise((_, reject) =>
          req.signal!.addEventListener("abort", () => {
            reject(new AgentError("shutdown", "Shutdown requested"));
          })
        );
      },
    ], { signal: ctrl.signal });
    assert.equal(r.code, 0, r.io.stderr);
    assert.match(r.io.stderr, /Halt reason: ShutdownRequested\n$/);
    const item = new PgItem((await p.store.loadActive())[0]!);
    assert.equal(item.status(), "InProgress");
    assert.equal(item.phase(), "build");
    assert.equal(
      (await git(p.dir, "log", "-1", "--format=%s")).trim(),
      "[phase-golem] Save task state on halt (ShutdownRequested)",
    );
    assert.equal(await git(p.dir, "status", "--porcelain"), "");
    // The lock is free again: a second run starts (and finds the phase to resume).
    const again = await pgRun(p.dir, ["run", "--cap", "1"], [
      ok({ result: { itemId: "WRK-001", phase: "build", result: "phase_complete" } }),
    ]);
    assert.equal(again.code, 0, again.io.stderr);
    assert.equal(new PgItem((await p.store.loadActive())[0]!).phase(), "review");
  } finally {
    await p.cleanup();
  }
});

Deno.test("pg triage: every New item, follow-ups and duplicates, final commit, tree clean", async () => {
  const p = await project([
    mkItem("WRK-001", "New"),
    mkItem("WRK-002", "New"),
    mkItem("WRK-003", "New"),
  ]);
  try {
    const r = await pgRun(p.dir, ["triage"], [
      ok({
        result: {
          itemId: "WRK-001",
          phase: "triage",
          result: "phase_complete",
          updatedAssessments: { size: "medium", risk: "low" },
          followUps: [{ title: "Write docs" }],
        },
      }),
      ok({
        result: {
          itemId: "WRK-002",
          phase: "triage",
          result: "phase_complete",
          duplicates: ["WRK-001"],
        },
      }),
      ok({
        error: new AgentError(
          "timeout",
          "Agent timed out after 1800 seconds",
        ),
      }),
    ]);
    assert.equal(r.code, 0, r.io.stderr);
    const err = r.io.stderr;
    assert.ok(!err.includes("--- Phase Golem ---"));
    assert.match(err, /\[WRK-001\]\[TRIAGE\] Starting triage/);
    assert.match(
      err,
      /\[WRK-001\]\[TRIAGE\] Result: PhaseComplete -- triage of WRK-001: phase_complete/,
    );
    assert.match(
      err,
      /\[WRK-003\]\[TRIAGE\] Failed: Phase triage failed after 1 attempts\. Last error: Agent timed out after 1800 seconds/,
    );
    assert.match(err, /Triaged 2 item\(s\)\n$/);
    const active = await p.store.loadActive();
    const byId = new Map(active.map((i) => [i.id, new PgItem(i)]));
    assert.equal(byId.get("WRK-001")!.status(), "Scoping");
    assert.equal(byId.has("WRK-002"), false, "merged into WRK-001");
    assert.equal(byId.get("WRK-003")!.status(), "New", "agent error: stays New");
    assert.equal(active.length, 3, "WRK-001, WRK-003 and the follow-up");
    // WRK-003's failure changed nothing, so no halt commit is needed.
    assert.deepEqual((await git(p.dir, "log", "--format=%s")).trim().split("\n"), [
      "[WRK-002][triage] Phase output",
      "[WRK-001][triage] Phase output",
      "setup",
    ]);
    assert.equal(
      await git(p.dir, "status", "--porcelain"),
      "",
      "[Fix] B6: nothing left uncommitted",
    );
  } finally {
    await p.cleanup();
  }
});

Deno.test("pg status shows phase history after a run", async () => {
  const p = await project([mkItem("WRK-001", "InProgress", "prd")]);
  try {
    await pgRun(p.dir, ["run", "--cap", "1"], [
      ok({
        result: { itemId: "WRK-001", phase: "prd", result: "phase_complete" },
        usage: { costUsd: 0.5, inputTokens: 900, outputTokens: 100 },
      }),
    ]);
    const table = await pgRun(p.dir, ["status"], []);
    assert.equal(table.code, 0);
    assert.match(
      table.io.stdout,
      /\n1 item\(s\) total\nAgent time: \d+ms over 1 phase run\(s\) \(\$0\.50, 1,000 tokens\)\n$/,
    );
    const one = await pgRun(p.dir, ["status", "WRK-001"], []);
    assert.ok(
      one.io.stdout.startsWith("WRK-001  Item WRK-001\nStatus:   inprogress (phase build, main)\n"),
      one.io.stdout,
    );
    assert.match(
      one.io.stdout,
      /\nprd {10}complete {11}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\d+ms +1 +\$0\.50, 1,000 tokens\n/,
    );
    const json = await pgRun(p.dir, ["status", "--json"], []);
    const rows = JSON.parse(json.io.stdout);
    assert.equal(rows[0].history[0].phase, "prd");
    assert.equal(rows[0].history[0].cost_usd, 0.5);
    const missing = await pgRun(p.dir, ["status", "WRK-404"], []);
    assert.equal(missing.code, 1);
    assert.equal(missing.io.stderr, "Error: Item not found: WRK-404\n");
  } finally {
    await p.cleanup();
  }
});
