// End-to-end faults (pg.md §10.2, issue 6 §4): timeouts, signals, the run
// lock, bad results, a hook that rejects commits, a deleted store, pg
// killed mid-phase, tg edits while pg runs, 100 MB of agent output.

import assert from "node:assert/strict";
import {
  e2eConfig,
  e2eItem,
  e2eProject,
  processesWithMarker,
  untimed,
  waitFor,
  worklogOutcomes,
} from "./_pg_e2e.ts";

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, 0 as unknown as Deno.Signal);
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

Deno.test("e2e (5): a timed-out agent that ignores SIGTERM is killed with its group", async () => {
  const p = await e2eProject(
    [e2eItem("WRK-001", "InProgress", { phase: "prd", pool: "main" })],
    { config: e2eConfig({ timeoutMinutes: 0 }) },
  );
  try {
    await p.scenarios({ "*/*/*": { grandchild: true, ignore_term: true, sleep: "forever" } });
    const t0 = performance.now();
    const r = await p.pg(["run"]);
    const secs = (performance.now() - t0) / 1000;
    assert.equal(r.code, 1, r.stderr);
    assert.ok(secs < 0 + 5 + 8, `took ${secs}s`);
    const item = (await p.item("WRK-001"))!;
    assert.equal(item.status(), "Blocked");
    assert.match(
      item.blockedReason!,
      /^Phase prd failed after 1 attempts\. Last error: Agent timed out after 0 seconds/,
    );
    assert.deepEqual(await processesWithMarker(p.marker), [], "no agent process survives");
    for (const c of await p.calls()) {
      assert.ok(!alive(c.pid));
      if (c.grandchild !== null) assert.ok(!alive(c.grandchild), "grandchild killed");
    }
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e (11)+(12): SIGTERM mid-phase stops the agent group; a second run is refused meanwhile", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "InProgress", { phase: "build", pool: "main" })]);
  try {
    await p.scenarios({ "*/*/*": { grandchild: true, ignore_term: true, sleep: "forever" } });
    const child = p.spawnPg(["run"]);
    const stderr = readAll(child.stderr);
    const stdout = readAll(child.stdout);
    await waitFor(async () => (await p.calls()).some((c) => c.grandchild !== null), 20_000);
    const call = (await p.calls())[0]!;
    assert.ok(alive(call.pid) && alive(call.grandchild!));

    const second = await p.pg(["run"]);
    assert.equal(second.code, 1);
    assert.equal(
      untimed(second.stderr).trim().split("\n").at(-1),
      `Error: Another phase-golem instance is running (PID ${child.pid})`,
    );

    const t0 = performance.now();
    child.kill("SIGTERM");
    const status = await child.status;
    const secs = (performance.now() - t0) / 1000;
    await stdout;
    const err = untimed(await stderr);
    assert.equal(status.code, 0, err);
    assert.ok(secs < 5 + 6, `shutdown took ${secs}s`);
    assert.match(err, /Received SIGTERM; shutting down gracefully\n/);
    assert.match(err, /Halt reason: ShutdownRequested\n$/);
    assert.ok(!alive(call.pid), "agent killed");
    assert.ok(!alive(call.grandchild!), "grandchild killed");
    assert.deepEqual(await processesWithMarker(p.marker), []);
    const item = (await p.item("WRK-001"))!;
    assert.equal(item.status(), "InProgress");
    assert.equal(item.phase(), "build", "resumable");
    assert.equal(
      (await p.subjects())[0],
      "[phase-golem] Save task state on halt (ShutdownRequested)",
    );
    assert.deepEqual(worklogOutcomes(await p.worklog()), ["Cancelled"]);
    assert.equal(await p.git("status", "--porcelain"), "");
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e: pg SIGKILLed mid-phase and started again resumes the item; nothing lost or duplicated", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "InProgress", { phase: "prd", pool: "main" })]);
  try {
    await p.scenarios({
      "WRK-001/prd/1": { sleep: "forever" },
      "WRK-001/prd/2": { result: { commit_summary: "PRD" } },
      "WRK-001/build/*": { result: { result: "blocked", summary: "stop" } },
    });
    const child = p.spawnPg(["run"]);
    const stderr = readAll(child.stderr);
    await waitFor(async () => (await p.calls()).length === 1, 20_000);
    child.kill("SIGKILL");
    await child.status;
    await stderr;
    await child.stdout.cancel().catch(() => {});
    // The agent runs in its own process group and outlives pg; stop it as a user would.
    const agent = (await p.calls())[0]!.pid;
    try {
      Deno.kill(-agent, "SIGKILL");
    } catch {
      // gone
    }
    await waitFor(() => Promise.resolve(!alive(agent)));
    assert.notEqual(
      await p.git("status", "--porcelain"),
      "",
      "the killed run left its phase start",
    );

    const r = await p.pg(["run"]);
    const err = untimed(r.stderr);
    assert.match(err, /Warning: the previous run \(PID \d+\) did not finish\n/);
    assert.match(err, /Committed the task state it left behind: [0-9a-f]{40}\n/);
    const subjects = await p.subjects();
    assert.ok(subjects.includes("[phase-golem] Save task state after an interrupted run"));
    assert.ok(subjects.includes("[WRK-001][prd] PRD"));
    const active = await p.store.loadActive();
    assert.deepEqual(active.map((i) => i.id), ["WRK-001"], "not duplicated");
    assert.equal((await p.item("WRK-001"))!.status(), "Blocked");
    assert.equal((await p.calls()).filter((c) => c.phase === "prd").length, 2);
    assert.equal(await p.git("status", "--porcelain"), "");
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e (6): invalid JSON, a result for another item, non-zero exit with a valid result", async () => {
  const p = await e2eProject([
    e2eItem("WRK-003", "InProgress", { phase: "review", pool: "main", created: 0 }),
    e2eItem("WRK-001", "InProgress", { phase: "prd", pool: "main", created: 1 }),
    e2eItem("WRK-002", "InProgress", { phase: "prd", pool: "main", created: 2 }),
  ], { config: e2eConfig({ maxWip: 3 }) });
  try {
    await p.scenarios({
      "WRK-003/review/1": { exit: 3, result: { commit_summary: "Reviewed" } },
      "WRK-001/prd/1": { invalid_json: "{ not json" },
      "WRK-002/prd/1": { result: { item_id: "WRK-999" } },
    });
    const r = await p.pg(["run"]);
    const err = untimed(r.stderr);
    assert.match(
      err,
      /\[WRK-003\]\[REVIEW\] Agent exited with non-zero status but produced valid result\n/,
    );
    assert.match(err, /Items completed: WRK-003\n/);
    assert.match(
      (await p.item("WRK-001"))!.blockedReason!,
      /^Phase prd failed after 1 attempts\. Last error: Agent failed \(zero exit\): Failed to parse result JSON from .*phase_result_WRK-001_prd\.json: /,
    );
    assert.equal(
      (await p.item("WRK-002"))!.blockedReason,
      "Result identity mismatch: item_id: expected 'WRK-002', got 'WRK-999'",
    );
    assert.match(err, /Halt reason: CircuitBreakerTripped\n$/);
    assert.equal(r.code, 0, "an item was completed");
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e: a pre-commit hook that rejects commits is reported; the store stays the truth", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "InProgress", { phase: "build", pool: "main" })]);
  try {
    await Deno.mkdir(`${p.dir}/.githooks`);
    await Deno.writeTextFile(
      `${p.dir}/.githooks/pre-commit`,
      "#!/bin/sh\necho 'policy: no commits today' >&2\nexit 1\n",
      { mode: 0o755 },
    );
    await p.git("add", ".githooks");
    await p.git("commit", "-q", "-m", "hooks");
    await p.git("config", "core.hooksPath", ".githooks");
    await p.scenarios({ "*/*/*": { root_file: { path: "out.txt", content: "work\n" } } });
    const head = await p.git("rev-parse", "HEAD");
    const r = await p.pg(["run"]);
    const err = untimed(r.stderr);
    assert.equal(r.code, 0, err);
    assert.match(
      err,
      /CompletePhase commit failed \(JSONL state preserved\): Git error: git commit failed: policy: no commits today/,
    );
    assert.match(err, /Shutdown commit skipped: /);
    assert.match(err, /Items completed: WRK-001\n/);
    assert.equal(await p.git("rev-parse", "HEAD"), head, "nothing committed");
    assert.deepEqual((await p.store.loadArchive()).map((i) => i.id), ["WRK-001"]);
    assert.match(err, /Warning: uncommitted changes left in the working tree: /);
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e: an agent that deletes the store stops the run; the deletion is never committed", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "InProgress", { phase: "build", pool: "main" })]);
  try {
    await p.scenarios({ "*/*/*": { delete_store: true } });
    const head = await p.git("rev-parse", "HEAD");
    const r = await p.pg(["run"]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /Error: Store not initialized: \.task-golem\/tasks\.jsonl disappeared during the run; restore it with `git checkout \.task-golem\/tasks\.jsonl`\n$/,
    );
    assert.equal(await p.git("rev-parse", "HEAD"), head);
    await p.git("checkout", ".task-golem/tasks.jsonl");
    assert.equal((await p.item("WRK-001"))!.phase(), "build");
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e: tg edits made while pg runs are seen and never overwritten", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "InProgress", { phase: "prd", pool: "main" })]);
  try {
    await p.scenarios({
      "WRK-001/prd/1": { sleep: 1500 },
      "WRK-001/build/*": { result: { result: "blocked", summary: "stop" } },
      "*/triage/*": { result: { result: "blocked", summary: "triaged" } },
    });
    const child = p.spawnPg(["run"]);
    const out = Promise.all([readAll(child.stdout), readAll(child.stderr)]);
    await waitFor(async () => (await p.calls()).length === 1, 20_000);
    const edit = await p.tg([
      "edit",
      "WRK-001",
      "--title",
      "Renamed during the run",
      "--add-tag",
      "urgent",
    ]);
    assert.equal(edit.code, 0, edit.stderr);
    const add = await p.tg(["add", "Added during the run"]);
    assert.equal(add.code, 0, add.stderr);
    await child.status;
    const [, err] = await out;
    const item = (await p.item("WRK-001"))!;
    assert.equal(item.title, "Renamed during the run");
    assert.deepEqual(item.tags, ["urgent"]);
    assert.equal(item.status(), "Blocked", "pg's own updates applied on top");
    const added = (await p.store.loadActive()).find((i) => i.title === "Added during the run")!;
    assert.ok(added, untimed(err));
    assert.equal(added.blocked_reason, "triaged", "pg saw the new item and triaged it");
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e: 100 MB of agent output streams through", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "InProgress", { phase: "review", pool: "main" })]);
  try {
    await p.scenarios({ "*/*/*": { stdout_mb: 100 } });
    const r = await p.pg(["run"], { stderrToNull: true });
    assert.equal(r.code, 0);
    assert.deepEqual((await p.store.loadArchive()).map((i) => i.id), ["WRK-001"]);
  } finally {
    await p.cleanup();
  }
});
