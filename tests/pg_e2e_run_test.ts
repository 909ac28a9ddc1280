// End-to-end suite of pg.md §10.2 (flow scenarios): the real `pg` CLI, the
// real claude runner, a fake `claude` first on PATH, a temp git repository.

import assert from "node:assert/strict";
import { e2eConfig, e2eItem, e2eProject, untimed, worklogOutcomes } from "./_pg_e2e.ts";
import { tg } from "./_helpers.ts";

Deno.test("e2e (1)+(19): tg-added item → triage → prd → build → review → Done", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "New", { title: "Add a parser" })]);
  try {
    await p.scenarios({
      "WRK-001/triage/1": {
        result: {
          updated_assessments: { size: "small", risk: "low", impact: "high" },
          pipeline_type: "feature",
          commit_summary: "Triage: small, low risk",
        },
      },
      "WRK-001/prd/1": {
        artifact: { path: "prd.md", content: "# PRD\n" },
        result: { commit_summary: "Write the PRD" },
      },
      "WRK-001/build/1": {
        root_file: { path: "src/parser.ts", content: "export {};\n" },
        usage: { cost_usd: 0.75, input_tokens: 1200, output_tokens: 300 },
        result: { commit_summary: "[WRK-001][build] Implement the parser" },
      },
      "WRK-001/review/1": { result: { commit_summary: "Review passed" } },
    });
    const r = await p.pg(["run"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await p.subjects(), [
      "[WRK-001][review] Review passed",
      "[WRK-001][build] Implement the parser",
      "[WRK-001][prd] Write the PRD",
      "[WRK-001][triage] Triage: small, low risk",
      "initial",
    ]);
    assert.equal(await p.git("status", "--porcelain"), "", "tree clean afterwards");
    assert.equal(await p.item("WRK-001"), null);
    const archived = await p.store.loadArchive();
    assert.equal(archived[0]?.id, "WRK-001");
    assert.deepEqual(worklogOutcomes(await p.worklog()), [
      "Complete",
      "Complete",
      "Complete",
      "Complete",
      "Archived",
    ]);
    const err = untimed(r.stderr);
    assert.match(err, /--- Phase Golem ---\n/);
    assert.match(err, /Agent: Claude CLI \(model: default\)\n/);
    assert.match(
      err,
      /--- Run Summary ---\nPhases executed: 4\nItems completed: WRK-001\nFollow-ups created: 0\nItems merged: 0\nCommits: 4\n/,
    );
    assert.match(err, /Agent usage: \$0\.75, 1,500 tokens\n/);
    assert.match(err, /Halt reason: AllDoneOrBlocked\n$/);
    // The build commit holds the code, the item's move to review ([Target]).
    const files = (await p.git("show", "--name-only", "--format=", "HEAD~1")).split("\n").sort();
    assert.deepEqual(files.map((f) => f.replace(/^_worklog\/.*/, "_worklog/")), [
      ".task-golem/events.jsonl",
      ".task-golem/tasks.jsonl",
      "_worklog/",
      "src/parser.ts",
    ]);
    // `tg events` tells the item's story, written by pg; `tg doctor` finds nothing.
    const events = await tg(["events", "WRK-001", "--json"], { cwd: p.dir });
    assert.equal(events.code, 0, events.stderr);
    const story = events.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(story.map((e) => e.status ?? e.text), [
      "Phase triage: complete — triage done for WRK-001",
      "doing",
      "Phase prd: complete — prd done for WRK-001",
      "Phase build: complete — build done for WRK-001",
      "Phase review: complete — review done for WRK-001",
      "done",
    ]);
    assert.ok(story.every((e) => /^pg( \(.+\))?$/.test(e.author)), events.stdout);
    const doctor = await tg(["doctor", "--json"], { cwd: p.dir });
    assert.equal(doctor.code, 0, doctor.stdout + doctor.stderr);
    assert.deepEqual(JSON.parse(doctor.stdout).issues, []);
    // History with usage survives into the archive.
    const history = archived[0]!.extensions["x-pg-history"] as Record<string, unknown>[];
    assert.deepEqual(history.map((h) => h.phase), ["triage", "prd", "build", "review"]);
    assert.equal(history[2]!.cost_usd, 0.75);
    // (19) the agent ran in the root with stdin closed and the argv of claude.
    const calls = await p.calls();
    assert.equal(calls.length, 4);
    for (const c of calls) {
      assert.equal(c.cwd, p.dir);
      assert.equal(c.stdin, "eof");
      assert.equal(c.env.marker, p.marker, "environment inherited");
      assert.deepEqual(c.argv.slice(0, 4), [
        "--dangerously-skip-permissions",
        "--output-format",
        "json",
        "-p",
      ]);
      assert.equal(c.argv.length, 5, "the prompt is one argument");
    }
    assert.match(calls[0]!.prompt, /^# Autonomous Triage Agent/);
    assert.match(calls[2]!.prompt, /## Previous Phase Summary\n\nprd done for WRK-001/);
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e (2)+(15): guardrail block at the last pre-phase; unblock approves to Ready; notes reach the prompt", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "New")]);
  try {
    await p.scenarios({
      "WRK-001/triage/1": { result: { updated_assessments: { size: "medium", risk: "medium" } } },
      "WRK-001/research/1": { result: { summary: "Researched" } },
      "WRK-001/prd/1": { result: { result: "blocked", context: "Stop here" } },
    });
    let r = await p.pg(["run"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error: All targets blocked; no items completed\n$/);
    let item = (await p.item("WRK-001"))!;
    assert.equal(item.status(), "Blocked");
    assert.equal(item.blockedReason, "Exceeds autonomous guardrail thresholds");
    assert.equal(await p.git("status", "--porcelain"), "");

    const u = await p.pg(["unblock", "WRK-001", "--notes", "Approved: keep the scope small"]);
    assert.equal(u.code, 0, u.stderr);
    assert.equal(u.stdout, "Unblocked WRK-001 -- restored to Ready\n");
    item = (await p.item("WRK-001"))!;
    assert.equal(item.status(), "Ready");
    assert.equal(item.phase(), null);
    assert.equal(await p.git("status", "--porcelain"), "", "unblock committed its change");

    r = await p.pg(["run"]);
    assert.equal(r.code, 1, "prd blocks");
    const prd = (await p.calls()).find((c) => c.phase === "prd")!;
    assert.match(
      prd.prompt,
      /## Unblock Context\n\nThis item was previously blocked\. Context from the human:\n\nApproved: keep the scope small/,
    );
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e (4): a failed attempt then success; exhaustion blocks; two failing items trip the breaker", async () => {
  const p = await e2eProject([
    e2eItem("WRK-001", "InProgress", { phase: "prd", pool: "main", created: 1 }),
    e2eItem("WRK-002", "InProgress", { phase: "prd", pool: "main", created: 2 }),
    e2eItem("WRK-003", "InProgress", { phase: "prd", pool: "main", created: 3 }),
  ], { config: e2eConfig({ maxRetries: 1, maxWip: 3 }) });
  try {
    await p.scenarios({
      "WRK-001/prd/1": { result: { result: "failed", summary: "Missing context" } },
      "WRK-001/prd/2": { result: { result: "phase_complete" } },
      "WRK-001/build/*": { result: { result: "blocked", summary: "wait" } },
      "WRK-002/prd/*": { result: { result: "failed", summary: "Still broken" } },
      "WRK-003/prd/*": { exit: 2, result: false },
    });
    const r = await p.pg(["run"]);
    assert.equal(r.code, 1);
    assert.match(untimed(r.stderr), /Halt reason: CircuitBreakerTripped\n/);
    const calls = await p.calls();
    const second = calls.find((c) => c.item === "WRK-001" && c.phase === "prd" && c.attempt === 2)!;
    assert.match(
      second.prompt,
      /## Previous Failure\n\nThe previous attempt at this phase failed\. Here is what happened:\n\nMissing context\n/,
    );
    assert.equal(
      (await p.item("WRK-002"))!.blockedReason,
      "Phase prd failed after 2 attempts. Last failure: Still broken",
    );
    assert.match(
      (await p.item("WRK-003"))!.blockedReason!,
      /^Phase prd failed after 2 attempts\. Last error: Agent failed \(exit code 2\): Result file not found: /,
    );
    assert.equal(await p.git("status", "--porcelain"), "");
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e (7)+(8): follow-ups as strings and objects; duplicates merge with a Merged entry", async () => {
  const p = await e2eProject([
    e2eItem("WRK-001", "Ready", { created: 1, deps: ["WRK-000"] }),
    e2eItem("WRK-000", "Blocked"),
    e2eItem("WRK-002", "New", { created: 2, title: "Parser, again" }),
  ]);
  try {
    await p.scenarios({
      "WRK-002/triage/1": {
        result: {
          duplicates: ["WRK-001"],
          follow_ups: [
            "Document the parser",
            {
              title: "Fuzz the parser",
              context: "Inputs from users",
              suggested_size: "small",
              suggested_risk: "low",
            },
            { title: "  " },
          ],
        },
      },
      "*/triage/*": { result: { result: "blocked", summary: "later" } },
    });
    const r = await p.pg(["run"]);
    const active = await p.store.loadActive();
    const followUps = active.filter((i) => i.extensions["x-pg-origin"] === "WRK-002/triage");
    assert.deepEqual(followUps.map((i) => i.title).sort(), [
      "Document the parser",
      "Fuzz the parser",
    ]);
    for (const f of followUps) assert.match(f.id, /^WRK-[0-9a-z]{5}$/);
    const fuzz = followUps.find((f) => f.title === "Fuzz the parser")!;
    assert.equal(fuzz.description, "Inputs from users");
    assert.equal(fuzz.extensions["x-pg-size"], "small");
    assert.ok(untimed(r.stderr).includes("Follow-ups: 2 new items added to backlog"));
    assert.equal(await p.item("WRK-002"), null, "merged away");
    assert.match(
      (await p.item("WRK-001"))!.description()!.context,
      /\[Merged from WRK-002\] Title: Parser, again/,
    );
    assert.match(
      await p.worklog(),
      /— WRK-002 \(Parser, again\)\n\n- \*\*Phase:\*\* triage\n- \*\*Outcome:\*\* Merged\n- \*\*Summary:\*\* Merged into WRK-001\n/,
    );
    assert.match(untimed(r.stderr), /Items merged: 1\n/);
    assert.equal(await p.git("status", "--porcelain"), "");
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e (9): subphase_complete twice then phase_complete", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "InProgress", { phase: "build", pool: "main" })]);
  try {
    await p.scenarios({
      "WRK-001/build/1": {
        result: { result: "subphase_complete", summary: "Step 1 of 3", commit_summary: "Step 1" },
      },
      "WRK-001/build/2": {
        result: { result: "subphase_complete", summary: "Step 2 of 3", commit_summary: "Step 2" },
      },
      "WRK-001/build/3": { result: { commit_summary: "Step 3" } },
    });
    const r = await p.pg(["run", "--cap", "3"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await p.subjects()).slice(0, 3), [
      "[WRK-001][build] Step 3",
      "[WRK-001][build] Step 2",
      "[WRK-001][build] Step 1",
    ]);
    const calls = await p.calls();
    assert.match(calls[2]!.prompt, /## Previous Phase Summary\n\nStep 2 of 3\n/);
    assert.equal((await p.item("WRK-001"))!.phase(), "review");
    assert.match(untimed(r.stderr), /Halt reason: CapReached\n$/);
  } finally {
    await p.cleanup();
  }
});

Deno.test("e2e (10): --target order, --auto-advance, --only impact=high, --cap 1", async () => {
  const items = () => [
    e2eItem("WRK-001", "InProgress", { phase: "review", pool: "main", created: 1, impact: "low" }),
    e2eItem("WRK-002", "InProgress", { phase: "review", pool: "main", created: 2, impact: "high" }),
    e2eItem("WRK-003", "InProgress", { phase: "review", pool: "main", created: 3 }),
  ];
  const config = e2eConfig({ maxWip: 3 });
  const p = await e2eProject(items(), { config });
  try {
    await p.scenarios({ "WRK-001/review/*": { result: { result: "blocked", summary: "no" } } });
    let r = await p.pg([
      "run",
      "--target",
      "WRK-003",
      "--target",
      "WRK-001",
      "--target",
      "WRK-002",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await p.calls()).map((c) => c.item), ["WRK-003", "WRK-001"]);
    assert.match(untimed(r.stderr), /Halt reason: TargetBlocked\n$/);
    r = await p.pg(["run", "--target", "WRK-001", "--target", "WRK-002", "--auto-advance"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(untimed(r.stderr), /\[target\] WRK-001 already blocked\. Skipping \(1\/2\)\.\n/);
    assert.match(
      untimed(r.stderr),
      /Items completed: WRK-002\n[\s\S]*Halt reason: TargetCompleted\n$/,
    );
  } finally {
    await p.cleanup();
  }
  const q = await e2eProject(items(), { config });
  try {
    let r = await q.pg(["run", "--only", "impact=high"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((await q.calls()).map((c) => c.item), ["WRK-002"]);
    assert.match(
      untimed(r.stderr),
      /Filter: impact=high \(no items match\)|Filter: impact=high \(all matching items are done or blocked\)/,
    );
    r = await q.pg(["run", "--cap", "1"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await q.calls()).length, 2);
    assert.match(untimed(r.stderr), /Phases executed: 1\n[\s\S]*Halt reason: CapReached\n$/);
    const both = await q.pg(["run", "--target", "WRK-001", "--only", "impact=high"]);
    assert.equal(both.code, 2, "usage error");
    assert.match(both.stderr, /cannot be used with '--only'/);
  } finally {
    await q.cleanup();
  }
});

Deno.test("e2e (3): a blocked result exits 1 with the all-blocked message", async () => {
  const p = await e2eProject([e2eItem("WRK-001", "InProgress", { phase: "prd", pool: "main" })]);
  try {
    await p.scenarios({
      "WRK-001/prd/1": {
        result: { result: "blocked", context: "Which database?", blocked_type: "decision" },
      },
    });
    const r = await p.pg(["run"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error: All targets blocked; no items completed\n$/);
    const item = (await p.item("WRK-001"))!;
    assert.equal(item.blockedReason, "Which database?");
    assert.equal(item.blockedType(), "decision");
    const status = await p.pg(["status", "WRK-001"]);
    assert.ok(status.stdout.includes("Blocked:  Which database?\n"), status.stdout);
    assert.match(status.stdout, /\nprd +blocked +/);
  } finally {
    await p.cleanup();
  }
});
