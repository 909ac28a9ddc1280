/**
 * `pg run --sync` end to end (issue 13 §2): real `pg` processes, each in
 * its own clone of a bare repository in a temp folder, with the fake
 * `claude` first on PATH; what ran is counted from the fake agent's own
 * call log, and the upstream Rust `tg` reads the store the remote ends with.
 */

import assert from "node:assert/strict";
import { e2eItem, processesWithMarker, untimed, waitFor } from "./_pg_e2e.ts";
import {
  e2eFleet,
  filesWithConflictMarkers,
  finished,
  type Fleet,
  type FleetWorker,
} from "./_pg_fleet.ts";
import { type Output, rustTg, rustUnavailable, tg } from "./_helpers.ts";
import { TaskStore } from "../lib/store/store.ts";
import { parseArgs } from "../cli/_args.ts";
import { BufferIo } from "../cli/_io.ts";
import { PG_COMMANDS } from "../cli/pg.ts";
import { PgContext } from "../cli/pg/_context.ts";
import { reportPgError } from "../cli/pg/_errors.ts";
import type { RunDeps } from "../cli/pg/_run_io.ts";
import { run } from "../cli/pg/run.ts";
import { triage } from "../cli/pg/triage.ts";
import type { AgentRunner } from "../lib/orchestrator/execution/agents/agent_runner.ts";
import { createAgentRunner } from "../lib/orchestrator/execution/agents/create_agent_runner.ts";
import { ProcessGroups } from "../lib/orchestrator/execution/agents/process_group.ts";
import type { SyncPolicy } from "../lib/orchestrator/repo/remote_sync.ts";
import { GitRemote } from "../lib/orchestrator/repo/git_remote.ts";
import { ensureMergeDriver } from "../lib/orchestrator/repo/merge_driver_setup.ts";
import { testMergeDriverCommand } from "../lib/_testing/fleet_repos.ts";
import { DenoProcessRunner } from "../lib/io/process_runner.ts";
import { DenoFileSystem } from "../lib/io/fs.ts";

const rustReason = await rustUnavailable();

/** Pipeline `feature` = `build` (destructive), `review`; polling every second. */
function fleetConfig(
  o: { maxWip?: number; maxRetries?: number; lease?: number; remote?: string } = {},
): string {
  return `[project]
prefix = "WRK"

[execution]
phase_timeout_minutes = 1
max_retries = ${o.maxRetries ?? 0}
max_wip = ${o.maxWip ?? 3}

[sync]
poll_seconds = 1
${o.lease === undefined ? "" : `lease_seconds = ${o.lease}`}
${o.remote === undefined ? "" : `remote = "${o.remote}"`}

[[pipelines.feature.phases]]
name = "build"
workflows = ["workflows/build.md"]
is_destructive = true
[[pipelines.feature.phases]]
name = "review"
workflows = ["workflows/review.md"]
is_destructive = false
`;
}

function readyItems(n: number) {
  return Array.from(
    { length: n },
    (_, i) => e2eItem(`WRK-${String(i + 1).padStart(3, "0")}`, "Ready", { created: i }),
  );
}

/**
 * Waits for every worker; when one fails, the others are stopped (SIGTERM)
 * instead of waiting for its claims to expire.
 */
async function allOf(children: Deno.ChildProcess[]) {
  const runs = children.map((c) => finished(c));
  for (const [i, run] of runs.entries()) {
    void run.then((o) => {
      if (o.code === 0) return;
      for (const [j, c] of children.entries()) {
        if (j === i) continue;
        try {
          c.kill("SIGTERM");
        } catch {
          // gone
        }
      }
    });
  }
  return await Promise.all(runs);
}

/** `{item}/{phase}` → how many times the fake agent ran it, and in which clones. */
function tally(calls: { item: string; phase: string; cwd: string }[]) {
  const counts = new Map<string, number>();
  for (const c of calls) {
    counts.set(`${c.item}/${c.phase}`, (counts.get(`${c.item}/${c.phase}`) ?? 0) + 1);
  }
  return { counts, workers: new Set(calls.map((c) => c.cwd.split("/").pop())) };
}

Deno.test("pg run --sync: three workers share nine items; each phase runs once, nothing is lost", async () => {
  const fleet = await e2eFleet(3, readyItems(9), fleetConfig());
  try {
    await fleet.project.scenarios({ "*/*/*": { sleep: 1000 } });
    const outs = await allOf(
      fleet.workers.map((w) => w.spawn(["run", "--sync", "origin", "--worker", w.name])),
    );
    for (const [i, o] of outs.entries()) {
      assert.equal(o.code, 0, `w${i + 1}: ${o.stdout}\n${o.stderr}`);
    }
    const { counts, workers } = tally(await fleet.project.calls());
    const expected = readyItems(9).flatMap((it) => [`${it.id}/build`, `${it.id}/review`]).sort();
    assert.deepEqual([...counts.keys()].sort(), expected);
    for (const [key, n] of counts) assert.equal(n, 1, `${key} ran ${n} times`);
    assert.ok(workers.size > 1, `work done by ${[...workers].join(", ")}`);

    const dir = await fleet.inspect();
    const store = new TaskStore(`${dir}/.task-golem`);
    assert.deepEqual(await store.loadActive(), [], "no active item left on the remote");
    assert.deepEqual(
      (await store.loadArchive()).map((it) => it.id).sort(),
      readyItems(9).map((it) => it.id),
    );
    for (const d of [dir, ...fleet.workers.map((w) => w.dir)]) {
      assert.deepEqual(await filesWithConflictMarkers(d), [], d);
    }
    // The upstream Rust tg reads the store as ours does (where it can run here).
    if (rustReason === null) {
      for (const args of [["list", "--json"], ["list", "--status", "done", "--json"], ["doctor"]]) {
        const rust = await rustTg(args, { cwd: dir });
        assert.equal(rust.code, 0, rust.stdout + rust.stderr);
        assert.equal(rust.stdout, (await tg(args, { cwd: dir })).stdout, args.join(" "));
      }
    }
  } finally {
    await fleet.cleanup();
  }
});

Deno.test("pg run --sync: a worker killed mid-phase; another takes its item over when the lease expires", async () => {
  const fleet = await e2eFleet(2, [e2eItem("WRK-001", "Ready")], fleetConfig({ lease: 2 }));
  const [w1, w2] = fleet.workers as [FleetWorker, FleetWorker];
  try {
    // w1's build hangs; every other run answers at once.
    await fleet.project.scenarios({ "WRK-001/build/1": { sleep: "forever" } });
    const first = w1.spawn(["run", "--sync", "origin", "--worker", "w1"]);
    await waitFor(async () => (await fleet.project.calls()).length === 1);
    first.kill("SIGKILL");
    await finished(first);
    const second = await w2.pg(["run", "--sync", "origin", "--worker", "w2"]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(
      untimed(second.stderr),
      /^Waiting for other workers: WRK-001 \(claimed by w1 until /m,
    );
    assert.match(
      untimed(second.stderr),
      /^\[WRK-001\]\[BUILD\] Claimed by w2 until \S+ \(taken over from w1, whose claim had expired\)$/m,
    );
    const calls = await fleet.project.calls();
    assert.deepEqual(
      calls.map((c) => `${c.item}/${c.phase} ${c.cwd.split("/").pop()}`),
      ["WRK-001/build w1", "WRK-001/build w2", "WRK-001/review w2"],
      "only the interrupted phase ran twice",
    );
    const dir = await fleet.inspect();
    const store = new TaskStore(`${dir}/.task-golem`);
    assert.deepEqual((await store.loadArchive()).map((it) => it.id), ["WRK-001"]);
    const notes = (await store.eventsFor("WRK-001")).filter((e) => e.type === "note");
    assert.ok(
      notes.some((e) => /^Claim taken over by w2: the claim of w1 expired at /.test(e.text)),
      JSON.stringify(notes),
    );
    assert.deepEqual(await filesWithConflictMarkers(dir), []);
  } finally {
    for (const pid of await processesWithMarker(fleet.project.marker)) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await fleet.cleanup();
  }
});

Deno.test("pg run --sync: two agents edit the same file; the later phase runs again on top, nothing is lost", async () => {
  const fleet = await e2eFleet(
    2,
    [e2eItem("WRK-001", "Ready"), e2eItem("WRK-002", "Ready", { created: 1 })],
    fleetConfig({ maxWip: 2, maxRetries: 1 }),
  );
  try {
    const append = { path: "NOTES.md", content: "- {item} was built\n" };
    await fleet.project.scenarios({
      // Both first builds run at the same time and add the same file.
      "WRK-001/build/1": { sleep: 1500, "append_file": append },
      "WRK-002/build/1": { sleep: 1500, "append_file": append },
      "*/build/*": { "append_file": append },
    });
    const outs = await allOf(
      fleet.workers.map((w) => w.spawn(["run", "--sync", "origin", "--worker", w.name])),
    );
    for (const o of outs) assert.equal(o.code, 0, o.stderr);
    const logs = outs.map((o) => untimed(o.stderr)).join("\n");
    assert.match(
      logs,
      /^\[WRK-00\d\]\[BUILD\] Conflicts with the remote in NOTES\.md: the phase's work was dropped; it runs again on the remote's new state \(attempt 2\/2\)$/m,
    );
    const calls = await fleet.project.calls();
    const { counts } = tally(calls);
    assert.deepEqual([...counts.values()].sort(), [1, 1, 1, 2], "one build ran again");
    const rerun = calls.find((c) => c.phase === "build" && c.attempt === 2)!;
    assert.match(
      rerun.prompt,
      /another worker pushed changes to the same files first \(NOTES\.md\)/,
    );
    const dir = await fleet.inspect();
    const notes = (await Deno.readTextFile(`${dir}/NOTES.md`)).split("\n").filter((l) => l);
    assert.deepEqual(notes.sort(), ["- WRK-001 was built", "- WRK-002 was built"]);
    const store = new TaskStore(`${dir}/.task-golem`);
    assert.deepEqual((await store.loadArchive()).map((it) => it.id).sort(), ["WRK-001", "WRK-002"]);
    for (const d of [dir, ...fleet.workers.map((w) => w.dir)]) {
      assert.deepEqual(await filesWithConflictMarkers(d), [], d);
    }
  } finally {
    await fleet.cleanup();
  }
});

/** Runs `pg ARGV` in this process in a worker's clone (the fake claude on the runner's PATH). */
async function pgInProcess(
  fleet: Fleet,
  dir: string,
  argv: string[],
  o: { policy?: Partial<SyncPolicy>; wrap?: (runner: AgentRunner) => AgentRunner } = {},
): Promise<Output> {
  const io = new BufferIo({ cwd: dir, env: fleet.project.env });
  const parsed = parseArgs(PG_COMMANDS, argv, "pg");
  const ctx = PgContext.create(io, parsed);
  const deps: RunDeps = {
    createRunner: (config, root, extras) => {
      const groups = new ProcessGroups({ records: extras.records, graceMs: extras.graceMs });
      const runner = createAgentRunner(config.agent, { root, env: fleet.project.env, groups });
      return Promise.resolve(o.wrap?.(runner) ?? runner);
    },
    signals: false,
    tickMs: 0,
    sync: { policy: o.policy ?? { sleep: () => Promise.resolve() }, pollMs: 50 },
  };
  let code = 0;
  try {
    if (parsed.path[0] === "triage") await triage(parsed, ctx, deps);
    else await run(parsed, ctx, deps);
  } catch (e) {
    code = await reportPgError(e, io);
  }
  return { code, stdout: io.stdout, stderr: untimed(io.stderr) };
}

Deno.test("pg run --sync: an unreachable remote halts with SyncFailed; nothing is lost, the next run pushes it", async () => {
  const fleet = await e2eFleet(
    1,
    [e2eItem("WRK-001", "Ready"), e2eItem("WRK-002", "Ready", { created: 1 })],
    fleetConfig({ maxWip: 1 }),
  );
  const [w1] = fleet.workers as [FleetWorker];
  const gone = `${fleet.remote}.gone`;
  try {
    const pauses: number[] = [];
    const first = await pgInProcess(fleet, w1.dir, ["run", "--sync", "origin", "--worker", "w1"], {
      policy: {
        attempts: 3,
        sleep: (ms) => {
          pauses.push(ms);
          return Promise.resolve();
        },
        random: () => 0.5,
      },
      // The remote goes away while the first agent works.
      wrap: (runner) => ({
        ...runner,
        checkAvailable: () => runner.checkAvailable(),
        argv: (p, r) => runner.argv(p, r),
        run: async (req) => {
          const out = await runner.run(req);
          await Deno.rename(fleet.remote, gone).catch(() => {});
          return out;
        },
      }),
    });
    assert.equal(first.code, 1, first.stderr);
    assert.deepEqual(pauses, [1000, 2000], "backoff between the three tries");
    assert.match(
      first.stderr,
      /^Sync failed: Cannot push to origin\/main: '.*remote\.git' does not appear to be a git repository \(after 3 tries\)$/m,
    );
    assert.match(first.stderr, /^Halt reason: SyncFailed$/m);
    assert.match(
      first.stderr,
      /^The task state is committed locally: \d+ commit\(s\) are not on origin\/main yet\. Once origin can be reached, run `pg run --sync origin` again/m,
    );
    assert.match(first.stderr, /^Error: Stopped: the remote could not be synced with/m);
    assert.equal(await w1.git("status", "--porcelain"), "", "everything is committed");
    assert.match(await w1.git("log", "--format=%s"), /^\[WRK-001\]\[build\] Phase output$/m);
    assert.equal((await fleet.project.calls()).length, 1);

    await Deno.rename(gone, fleet.remote);
    const second = await pgInProcess(fleet, w1.dir, ["run", "--sync", "origin", "--worker", "w1"]);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /^Pushed this clone's unpushed commits to origin\/main$/m);
    const { counts } = tally(await fleet.project.calls());
    assert.deepEqual(Object.fromEntries(counts), {
      "WRK-001/build": 1,
      "WRK-001/review": 1,
      "WRK-002/build": 1,
      "WRK-002/review": 1,
    });
    const dir = await fleet.inspect();
    const archived = await new TaskStore(`${dir}/.task-golem`).loadArchive();
    assert.deepEqual(archived.map((it) => it.id).sort(), ["WRK-001", "WRK-002"]);
  } finally {
    await Deno.rename(gone, fleet.remote).catch(() => {});
    await fleet.cleanup();
  }
});

Deno.test("pg run --sync: a phase that conflicts on every attempt is blocked with the reason, on the remote", async () => {
  const fleet = await e2eFleet(
    2,
    [e2eItem("WRK-001", "InProgress", { phase: "build", pool: "main" })],
    fleetConfig({ maxRetries: 1 }),
  );
  const [w1, other] = fleet.workers as [FleetWorker, FleetWorker];
  try {
    let n = 0;
    const prompts: string[] = [];
    const r = await pgInProcess(fleet, w1.dir, ["run", "--json", "--sync", "origin"], {
      wrap: (runner) => ({
        ...runner,
        checkAvailable: () => runner.checkAvailable(),
        argv: (p, rp) => runner.argv(p, rp),
        // Each attempt, another worker pushes its own change to the same file first.
        run: async (req) => {
          prompts.push(req.prompt);
          await other.git("pull", "-q", "--no-rebase", "origin", "main");
          await Deno.writeTextFile(`${other.dir}/shared.txt`, `other worker, change ${++n}\n`);
          await other.git("add", "shared.txt");
          await other.git("commit", "-q", "-m", `other worker ${n}`);
          await other.git("push", "-q", "origin", "HEAD:main");
          await Deno.writeTextFile(`${w1.dir}/shared.txt`, "this worker's change\n");
          return await runner.run(req);
        },
      }),
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^Error: All targets blocked; no items completed$/m);
    const events = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(
      events.filter((e) => e.type === "sync_conflict").map((e) => [e.attempt, e.paths]),
      [[1, ["shared.txt"]], [2, ["shared.txt"]]],
    );
    const reason = "Phase build: the agent's changes conflict with other workers' changes on " +
      "the remote in shared.txt after 2 attempt(s)";
    assert.deepEqual(events.filter((e) => e.type === "item_blocked").map((e) => e.reason), [
      reason,
    ]);
    assert.equal(prompts.length, 2);
    assert.match(prompts[1]!, /The work of attempt 1 was dropped: another worker pushed changes/);
    const dir = await fleet.inspect();
    const item = (await new TaskStore(`${dir}/.task-golem`).loadActive())[0]!;
    assert.deepEqual([item.status, item.blocked_reason, item.claimed_by], [
      "blocked",
      reason,
      null,
    ]);
    assert.equal(await Deno.readTextFile(`${dir}/shared.txt`), "other worker, change 2\n");
    const subjects = await new Deno.Command("git", { args: ["log", "--format=%s"], cwd: dir })
      .output().then((o) => new TextDecoder().decode(o.stdout));
    assert.match(subjects, /^other worker 1$/m, "the other worker's commits are kept");
    assert.deepEqual(await filesWithConflictMarkers(dir), []);
    assert.equal(await w1.git("status", "--porcelain"), "");
  } finally {
    await fleet.cleanup();
  }
});

Deno.test("pg run: sync.remote makes every run a worker; --no-sync, --worker alone, dry run, claims without expiry", async () => {
  const held = e2eItem("WRK-002", "Ready", { created: 1 });
  held.claimed_by = "alice"; // `tg do --claim alice`: no lease
  held.claimed_at = held.created_at;
  const fleet = await e2eFleet(
    1,
    [e2eItem("WRK-001", "Ready"), held],
    fleetConfig({ maxWip: 2, remote: "origin" }),
  );
  const [w1] = fleet.workers as [FleetWorker];
  try {
    const plan = await pgInProcess(fleet, w1.dir, ["run", "--dry-run", "--worker", "w1"]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(
      plan.stderr,
      /^Dry run: origin is not contacted; the plan uses this clone's state/m,
    );
    assert.match(plan.stdout, /WRK-002 \(ready\) .*: claimed by alice \(no expiry\)$/m);

    const alone = await pgInProcess(fleet, w1.dir, ["run", "--no-sync", "--worker", "w1"]);
    assert.equal(alone.code, 1);
    assert.match(alone.stderr, /--worker names this worker for --sync/);

    const worker = await pgInProcess(fleet, w1.dir, ["run", "--worker", "w1"]);
    assert.equal(worker.code, 0, worker.stderr);
    assert.match(worker.stderr, /^Sync: origin\/main as worker w1; a claim holds 6m$/m);
    assert.match(
      worker.stderr,
      /^Not waiting for items claimed without an expiry: WRK-002 \(claimed by alice\)$/m,
    );
    assert.deepEqual(tally(await fleet.project.calls()).counts.get("WRK-002/build"), undefined);
    const tip = (await w1.git("ls-remote", "origin", "main")).split("\t")[0];
    assert.equal(tip, await w1.git("rev-parse", "HEAD"), "everything pushed");

    const triaged = await pgInProcess(fleet, w1.dir, ["triage"]);
    assert.equal(triaged.code, 0, triaged.stderr);
    assert.match(triaged.stderr, /^Warning: pg triage does not sync with origin \(sync\.remote\)/m);

    const local = await pgInProcess(fleet, w1.dir, ["run", "--no-sync"]);
    assert.equal(local.code, 0, local.stderr);
    assert.doesNotMatch(local.stderr, /^Sync:/m);
    assert.equal(
      (await w1.git("ls-remote", "origin", "main")).split("\t")[0],
      tip,
      "--no-sync pushes nothing",
    );
  } finally {
    await fleet.cleanup();
  }
});

Deno.test("pg run --sync --watch takes work pushed by others; SIGTERM releases its claim on the remote", async () => {
  const fleet = await e2eFleet(2, [e2eItem("WRK-001", "Ready")], fleetConfig());
  const [w1, other] = fleet.workers as [FleetWorker, FleetWorker];
  const tgIn = async (dir: string, ...args: string[]) => {
    const r = await tg(args, { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  // Someone adds an item on another machine and pushes it (merging the store with the driver).
  await ensureMergeDriver(
    new GitRemote({ runner: new DenoProcessRunner(), root: other.dir }),
    new DenoFileSystem(),
    testMergeDriverCommand(),
  );
  const push = async (title: string) => {
    await other.git("pull", "-q", "--no-rebase", "origin", "main");
    const id = JSON.parse(await tgIn(other.dir, "--json", "add", title)).id as string;
    await other.git("add", "-A");
    await other.git("commit", "-q", "-m", `add ${id}`);
    for (;;) {
      try {
        await other.git("push", "-q", "origin", "HEAD:main");
        return id;
      } catch {
        await other.git("pull", "-q", "--no-rebase", "--no-edit", "origin", "main");
      }
    }
  };
  const phasesOf = async (id: string) =>
    (await fleet.project.calls()).filter((c) => c.item === id).map((c) => c.phase);
  try {
    const child = w1.spawn(["run", "--watch", "--sync", "origin", "--worker", "w1"]);
    const done = finished(child);
    await waitFor(async () => (await phasesOf("WRK-001")).length === 2);
    const added = await push("Added on another machine");
    await waitFor(async () => (await phasesOf(added)).join() === "triage,build,review");
    await fleet.project.scenarios({ "*/build/*": { sleep: "forever" } });
    const stuck = await push("Stuck in build");
    await waitFor(async () => (await phasesOf(stuck)).includes("build"));
    child.kill("SIGTERM");
    const out = await done;
    assert.equal(out.code, 0, out.stderr);
    assert.match(untimed(out.stderr), /^Waiting for work on the remote \(Ctrl-C stops\)$/m);
    assert.match(untimed(out.stderr), /^Halt reason: ShutdownRequested$/m);
    const dir = await fleet.inspect();
    const store = new TaskStore(`${dir}/.task-golem`);
    assert.deepEqual(
      (await store.loadArchive()).map((it) => it.id).sort(),
      ["WRK-001", added].sort(),
    );
    const left = (await store.loadActive()).find((it) => it.id === stuck)!;
    assert.deepEqual([left.status, left.claimed_by], ["doing", null], "claim released");
  } finally {
    for (const pid of await processesWithMarker(fleet.project.marker)) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    await fleet.cleanup();
  }
});
