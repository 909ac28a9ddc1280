// The upstream run-loop scenarios (pg.md §10.1) with the scripted runner,
// pipeline feature = pre research, main prd → build (destructive) → review.

import assert from "node:assert/strict";
import { AgentError, type AgentRunRequest } from "../execution/agents/agent_runner.ts";
import { MemoryLogger } from "../../io/logger.ts";
import { type HarnessRun, runHarness } from "../../_testing/run_harness.ts";
import { phaseResult } from "../execution/agents/scripted_agent_runner.ts";
import { item, porcelain, subjects } from "../../_testing/test_repo.ts";
import { parseFilters } from "../scheduling/filter.ts";
import { importItems } from "../../store/ops/add.ts";
import { updateItem } from "../../store/ops/update.ts";

async function done(run: HarnessRun): Promise<void> {
  await run.repo.cleanup();
}

Deno.test("run loop: happy path build → review → Done, archived, committed, tree clean", async () => {
  const run = await runHarness({
    items: [item("WRK-001", "InProgress", { phase: "build", pool: "main" })],
    steps: [
      {
        result: {
          itemId: "WRK-001",
          phase: "build",
          result: "phase_complete",
          commitSummary: "Build it",
        },
      },
      {
        result: {
          itemId: "WRK-001",
          phase: "review",
          result: "phase_complete",
          summary: "Looks good",
          commitSummary: "[WRK-001][review] Looks good",
        },
      },
    ],
  });
  try {
    assert.equal(run.summary.haltReason, "AllDoneOrBlocked");
    assert.deepEqual(run.summary.state.itemsCompleted, ["WRK-001"]);
    assert.equal(run.summary.state.phasesExecuted, 2);
    assert.deepEqual(await run.archived(), ["WRK-001"]);
    assert.equal(await run.item("WRK-001"), null);
    const log = await subjects(run.repo);
    assert.deepEqual(run.commits.map((c) => c.kind), ["phase", "batch"], "review is batched");
    assert.deepEqual(log.slice(0, 2), [
      "[WRK-001][review] Looks good",
      "[WRK-001][build] Build it",
    ]);
    assert.equal(await porcelain(run.repo), "", "nothing left uncommitted");
    const worklog = await Deno.readTextFile(`${run.repo.dir}/_worklog/2026-01.md`);
    assert.deepEqual(
      [...worklog.matchAll(/\*\*Outcome:\*\* (.+)/g)].map((m) => m[1]),
      ["Complete", "Complete", "Archived"],
    );
    assert.ok(run.log.at("INFO").includes("WRK-001 completed and archived"));
    assert.ok(run.log.at("INFO").includes("Scheduling: [WRK-001 → build]"));
    // History is kept in the archived item.
    const archived = (await run.repo.store.loadArchive())[0]!;
    assert.equal((archived.extensions["x-pg-history"] as unknown[]).length, 2);
    assert.deepEqual(
      run.observer.events.map((e) => e.type),
      [
        "phase_started",
        "phase_finished",
        "commit",
        "phase_started",
        "phase_finished",
        "item_completed",
        "commit",
      ],
    );
  } finally {
    await done(run);
  }
});

Deno.test("run loop: a blocked result blocks the item and halts AllDoneOrBlocked", async () => {
  const run = await runHarness({
    items: [item("WRK-001", "InProgress", { phase: "prd", pool: "main" })],
    steps: [{
      result: {
        itemId: "WRK-001",
        phase: "prd",
        result: "blocked",
        context: "Need a decision on the API",
        blockedType: "decision",
      },
    }],
  });
  try {
    assert.equal(run.summary.haltReason, "AllDoneOrBlocked");
    assert.deepEqual([...run.summary.state.itemsBlocked], ["WRK-001"]);
    const pg = (await run.item("WRK-001"))!;
    assert.equal(pg.status(), "Blocked");
    assert.equal(pg.blockedReason, "Need a decision on the API");
    assert.equal(pg.blockedType(), "decision");
    assert.equal(pg.blockedFromStatus(), "InProgress");
    assert.deepEqual(run.observer.of("item_blocked"), [{
      type: "item_blocked",
      item_id: "WRK-001",
      reason: "Need a decision on the API",
    }]);
    assert.equal(await porcelain(run.repo), "", "halt commit saved the block and worklog");
    assert.equal(
      (await subjects(run.repo))[0],
      "[phase-golem] Save task state on halt (AllDoneOrBlocked)",
    );
  } finally {
    await done(run);
  }
});

Deno.test("run loop: a failed attempt is retried with the failure in the prompt", async () => {
  const run = await runHarness({
    items: [item("WRK-001", "InProgress", { phase: "prd", pool: "main" })],
    config: (c) => (c.execution.max_retries = 2),
    steps: [
      {
        result: {
          itemId: "WRK-001",
          phase: "prd",
          result: "failed",
          summary: "Tests did not compile",
        },
      },
      {
        error: new AgentError("no_result", "Agent failed (exit code 3): Result file not found: /x"),
      },
      { result: { itemId: "WRK-001", phase: "prd", result: "phase_complete" } },
      { result: { itemId: "WRK-001", phase: "build", result: "blocked" } },
    ],
  });
  try {
    const prompts = run.runner.requests.map((r) => r.prompt);
    assert.ok(!prompts[0]!.includes("## Previous Failure"));
    assert.match(
      prompts[1]!,
      /## Previous Failure\n\nThe previous attempt at this phase failed\. Here is what happened:\n\nTests did not compile\n\nAnalyze the failure/,
    );
    assert.match(
      prompts[2]!,
      /happened:\n\nAgent failed \(exit code 3\): Result file not found: \/x\n/,
    );
    assert.equal(run.summary.state.phasesExecuted, 2, "retries do not count against the cap");
    assert.ok(run.log.at("INFO").includes("[WRK-001][PRD] Starting phase (attempt 3/3)"));
    assert.equal((await run.item("WRK-001"))!.phase(), "build");
  } finally {
    await done(run);
  }
});

Deno.test("run loop: retries exhausted → Blocked with the last failure", async () => {
  const run = await runHarness({
    items: [item("WRK-001", "InProgress", { phase: "prd", pool: "main" })],
    config: (c) => (c.execution.max_retries = 1),
    steps: [
      { result: { itemId: "WRK-001", phase: "prd", result: "failed", summary: "first" } },
      { result: { itemId: "WRK-001", phase: "prd", result: "failed", summary: "second" } },
    ],
  });
  try {
    const pg = (await run.item("WRK-001"))!;
    assert.equal(pg.status(), "Blocked");
    assert.equal(pg.blockedReason, "Phase prd failed after 2 attempts. Last failure: second");
    assert.equal(run.summary.state.consecutiveExhaustions, 1);
    assert.deepEqual(pg.history().map((h) => [h.phase, h.outcome, h.attempts]), [[
      "prd",
      "failed",
      2,
    ]]);
  } finally {
    await done(run);
  }
});

Deno.test("run loop: --cap stops spawning and halts CapReached", async () => {
  const run = await runHarness({
    items: [
      item("WRK-001", "InProgress", { phase: "prd", pool: "main" }),
      item("WRK-002", "New"),
    ],
    params: { cap: 1 },
    steps: [{ result: { itemId: "WRK-001", phase: "prd", result: "phase_complete" } }],
  });
  try {
    assert.equal(run.summary.haltReason, "CapReached");
    assert.equal(run.summary.state.phasesExecuted, 1);
    assert.equal(run.runner.requests.length, 1);
    assert.equal(await porcelain(run.repo), "");
  } finally {
    await done(run);
  }
});

Deno.test("run loop: nothing actionable halts at once and logs waiting dependencies", async () => {
  const run = await runHarness({
    items: [
      item("WRK-001", "Blocked"),
      item("WRK-002", "Ready", { deps: ["WRK-001"] }),
    ],
    steps: [],
  });
  try {
    assert.equal(run.summary.haltReason, "AllDoneOrBlocked");
    assert.equal(run.summary.state.phasesExecuted, 0);
    assert.ok(
      run.log.at("INFO").includes(
        "Items blocked by unmet dependencies: WRK-002 waits on WRK-001 (Blocked)",
      ),
    );
    assert.ok(run.log.at("INFO").includes("No actionable items — all done or blocked."));
    assert.equal(run.commits.length, 0);
  } finally {
    await done(run);
  }
});

Deno.test("run loop: a sub-phase re-runs the phase, each committed at once, summary carried", async () => {
  const run = await runHarness({
    items: [item("WRK-001", "InProgress", { phase: "prd", pool: "main" })],
    params: { cap: 3 },
    steps: [
      {
        result: { itemId: "WRK-001", phase: "prd", result: "subphase_complete", summary: "part 1" },
      },
      {
        result: { itemId: "WRK-001", phase: "prd", result: "subphase_complete", summary: "part 2" },
      },
      {
        result: { itemId: "WRK-001", phase: "prd", result: "phase_complete", summary: "all parts" },
      },
    ],
  });
  try {
    assert.equal(run.summary.haltReason, "CapReached");
    const prompts = run.runner.requests.map((r) => r.prompt);
    assert.match(prompts[1]!, /## Previous Phase Summary\n\npart 1\n/);
    assert.match(prompts[2]!, /## Previous Phase Summary\n\npart 2\n/);
    assert.deepEqual(run.commits.map((c) => c.message), [
      "[WRK-001][prd] Phase output",
      "[WRK-001][prd] Phase output",
      "[WRK-001][prd] Phase output",
    ]);
    assert.deepEqual(run.commits.map((c) => c.kind), ["phase", "phase", "batch"]);
    assert.equal((await run.item("WRK-001"))!.phase(), "build");
    assert.equal(run.summary.state.previousSummaries.get("WRK-001"), "all parts");
  } finally {
    await done(run);
  }
});

Deno.test("run loop: follow-ups become New items with the origin and get triaged", async () => {
  const run = await runHarness({
    items: [item("WRK-001", "InProgress", { phase: "review", pool: "main" })],
    params: { cap: 2 },
    steps: [
      {
        result: {
          itemId: "WRK-001",
          phase: "review",
          result: "phase_complete",
          followUps: [{ title: "Add docs", suggestedSize: "small" }, { title: "bad\ntitle" }],
        },
      },
      (req) => {
        const id = /- \*\*ID:\*\* (\S+)/.exec(req.prompt)![1]!;
        return {
          result: phaseResult(id, "triage", "blocked", { summary: "not needed" }),
          exitCode: 0,
          signal: null,
          durationMs: 1,
          warnings: [],
        };
      },
    ],
  });
  try {
    assert.equal(run.summary.state.followUpsCreated, 1);
    const active = await run.repo.store.loadActive();
    assert.equal(active.length, 1);
    const id = active[0]!.id;
    assert.match(id, /^WRK-[0-9a-z]{5}$/);
    const pg = (await run.item(id))!;
    assert.equal(pg.origin(), "WRK-001/review");
    assert.equal(pg.status(), "Blocked", "triaged in the same run");
    assert.ok(run.log.at("INFO").includes("Follow-ups: 1 new items added to backlog"));
    assert.ok(run.log.at("WARN").some((l) => l.includes("title spans several lines")));
    assert.match(run.runner.requests[1]!.prompt, /^# Autonomous Triage Agent/);
  } finally {
    await done(run);
  }
});

Deno.test("run loop: triage routes small/low items to Ready and the rest to the first pre-phase", async () => {
  const run = await runHarness({
    items: [item("WRK-001", "New", { created: 1 }), item("WRK-002", "New", { created: 2 })],
    params: { cap: 2 },
    steps: [
      {
        result: {
          itemId: "WRK-001",
          phase: "triage",
          result: "phase_complete",
          updatedAssessments: { size: "small", risk: "low", impact: "high" },
          pipelineType: "feature",
          description: {
            context: "Ctx",
            problem: "P",
            solution: "",
            impact: "",
            sizing_rationale: "",
          },
          commitSummary: "Triage WRK-001",
        },
      },
      {
        result: {
          itemId: "WRK-002",
          phase: "triage",
          result: "phase_complete",
          updatedAssessments: { size: "medium", risk: "high" },
          requiresHumanReview: true,
        },
      },
    ],
  });
  try {
    // Ready after triage, then promoted (max_wip 1): InProgress at the first main phase.
    const a = (await run.item("WRK-001"))!;
    assert.equal(a.status(), "InProgress");
    assert.equal(a.phase(), "prd");
    assert.equal(a.phasePool(), "main");
    assert.ok(run.log.at("INFO").includes("WRK-001 → in_progress (starting at prd)"));
    assert.equal(a.pipelineType(), "feature");
    assert.equal(a.description()?.problem, "P");
    assert.equal(a.nativeDescription, "Ctx");
    const b = (await run.item("WRK-002"))!;
    assert.equal(b.status(), "Scoping");
    assert.equal(b.phase(), "research");
    assert.equal(b.phasePool(), "pre");
    assert.equal(b.requiresHumanReview(), true, "[Fix] B10");
    assert.ok(run.commits.some((c) => c.message === "[WRK-001][triage] Triage WRK-001"));
    // [Target] the triage commit already holds the routing.
    const sha = run.commits.find((c) => c.message.startsWith("[WRK-002][triage]"))!.sha;
    assert.match(
      await run.repo.sh("show", `${sha}:.task-golem/tasks.jsonl`),
      /"x-pg-phase":"research"/,
    );
  } finally {
    await done(run);
  }
});

Deno.test("run loop: triage with an unknown pipeline type blocks; a failed triage is retried", async () => {
  const run = await runHarness({
    items: [item("WRK-001", "New", { created: 1 }), item("WRK-002", "New", { created: 2 })],
    params: { cap: 2 },
    config: (c) => (c.execution.max_retries = 1),
    steps: [
      {
        result: {
          itemId: "WRK-001",
          phase: "triage",
          result: "phase_complete",
          pipelineType: "nope",
        },
      },
      { result: { itemId: "WRK-002", phase: "triage", result: "failed", summary: "confused" } },
      {
        result: { itemId: "WRK-002", phase: "triage", result: "blocked", summary: "needs a human" },
      },
    ],
  });
  try {
    const a = (await run.item("WRK-001"))!;
    assert.equal(a.status(), "Blocked");
    assert.equal(
      a.blockedReason,
      "Triage assigned invalid pipeline type 'nope'. Available: blog, feature",
    );
    const b = (await run.item("WRK-002"))!;
    assert.equal(b.status(), "Blocked");
    assert.equal(b.blockedReason, "needs a human");
    assert.match(run.runner.requests[2]!.prompt, /## Previous Failure\n\n[^\n]+\n\nconfused\n/);
    assert.ok(
      run.log.at("INFO").includes(
        "[WRK-001][TRIAGE] Result: PHASE_COMPLETE — triage of WRK-001: phase_complete",
      ),
    );
  } finally {
    await done(run);
  }
});

Deno.test("run loop: a triage result for another item is an identity mismatch, not retried", async () => {
  const run = await runHarness({
    items: [item("WRK-001", "New")],
    config: (c) => (c.execution.max_retries = 2),
    steps: [{ result: { itemId: "WRK-999", phase: "build", result: "phase_complete" } }],
  });
  try {
    const pg = (await run.item("WRK-001"))!;
    assert.equal(pg.status(), "Blocked");
    assert.equal(
      pg.blockedReason,
      "Result identity mismatch: item_id: expected 'WRK-001', got 'WRK-999'; phase: expected 'triage', got 'build'",
    );
    assert.equal(run.runner.requests.length, 1);
  } finally {
    await done(run);
  }
});

Deno.test("run loop: triage duplicates merge the higher-numbered item into the lower one", async () => {
  const run = await runHarness({
    items: [
      item("WRK-001", "Ready", { created: 1 }),
      item("WRK-005", "New", { created: 5 }),
      item("WRK-006", "New", { created: 6 }),
    ],
    params: { cap: 2 },
    config: (c) => (c.execution.max_wip = 0 + 1),
    steps: [
      {
        result: {
          itemId: "WRK-005",
          phase: "triage",
          result: "phase_complete",
          duplicates: ["WRK-001"],
        },
      },
      {
        result: {
          itemId: "WRK-006",
          phase: "triage",
          result: "phase_complete",
          duplicates: ["WRK-404"],
        },
      },
    ],
    before: async (repo) => {
      // WRK-001 is Ready with its dependency unmet, so it is not promoted.
      await importItems(repo.store, { active: [item("WRK-000", "Blocked")] });
      await updateItem(repo.store, "WRK-001", (it) => void (it.dependencies = ["WRK-000"]));
      await repo.sh("commit", "-qam", "setup");
    },
  });
  try {
    assert.equal(run.summary.state.itemsMerged, 1);
    assert.equal(await run.item("WRK-005"), null);
    assert.ok((await run.archived()).includes("WRK-005"));
    assert.match(
      (await run.item("WRK-001"))!.description()!.context,
      /\[Merged from WRK-005\] Title: Item WRK-005/,
    );
    const worklog = await Deno.readTextFile(`${run.repo.dir}/_worklog/2026-01.md`);
    assert.match(
      worklog,
      /— WRK-005 \(Item WRK-005\)\n\n- \*\*Phase:\*\* triage\n- \*\*Outcome:\*\* Merged\n- \*\*Summary:\*\* Merged into WRK-001/,
    );
    assert.ok(run.commits.some((c) => c.message.startsWith("[WRK-005][triage]")));
    assert.ok(
      run.log.at("INFO").includes(
        "[WRK-006][TRIAGE] Duplicate WRK-404 not found in backlog; skipping merge",
      ),
    );
    assert.equal((await run.item("WRK-006"))!.status(), "Scoping");
    assert.equal(await porcelain(run.repo), "");
  } finally {
    await done(run);
  }
});

Deno.test("run loop: two consecutive failures trip the circuit breaker", async () => {
  const run = await runHarness({
    items: [
      item("WRK-001", "Scoping", { phase: "research", pool: "pre", created: 1 }),
      item("WRK-002", "Scoping", { phase: "research", pool: "pre", created: 2 }),
      item("WRK-003", "Scoping", { phase: "research", pool: "pre", created: 3 }),
    ],
    steps: [
      { error: new AgentError("timeout", "Agent timed out after 1 seconds") },
      { error: new AgentError("timeout", "Agent timed out after 1 seconds") },
    ],
  });
  try {
    assert.equal(run.summary.haltReason, "CircuitBreakerTripped");
    assert.deepEqual([...run.summary.state.itemsBlocked].sort(), ["WRK-001", "WRK-002"]);
    assert.equal((await run.item("WRK-003"))!.status(), "Scoping");
    assert.equal(
      (await run.item("WRK-001"))!.blockedReason,
      "Phase research failed after 1 attempts. Last error: Agent timed out after 1 seconds",
    );
  } finally {
    await done(run);
  }
});

Deno.test("run loop: targets run in order and halt TargetCompleted", async () => {
  const run = await runHarness({
    items: [
      item("WRK-001", "InProgress", { phase: "review", pool: "main", created: 1 }),
      item("WRK-002", "InProgress", { phase: "review", pool: "main", created: 2 }),
      item("WRK-003", "InProgress", { phase: "review", pool: "main", created: 3 }),
    ],
    params: { targets: ["WRK-002", "WRK-001"] },
    config: (c) => (c.execution.max_wip = 3),
    steps: [
      { result: { itemId: "WRK-002", phase: "review", result: "phase_complete" } },
      { result: { itemId: "WRK-001", phase: "review", result: "phase_complete" } },
    ],
  });
  try {
    assert.equal(run.summary.haltReason, "TargetCompleted");
    assert.deepEqual(run.summary.state.itemsCompleted, ["WRK-002", "WRK-001"]);
    assert.equal((await run.item("WRK-003"))!.status(), "InProgress");
  } finally {
    await done(run);
  }
});

Deno.test("run loop: a blocked target halts TargetBlocked, or is skipped with --auto-advance", async () => {
  const items = () => [
    item("WRK-001", "InProgress", { phase: "review", pool: "main", created: 1 }),
    item("WRK-002", "InProgress", { phase: "review", pool: "main", created: 2 }),
  ];
  const steps = () => [
    { result: { itemId: "WRK-001", phase: "review", result: "blocked" as const } },
    { result: { itemId: "WRK-002", phase: "review", result: "phase_complete" as const } },
  ];
  const halt = await runHarness({
    items: items(),
    steps: steps(),
    params: { targets: ["WRK-001", "WRK-002"] },
    config: (c) => (c.execution.max_wip = 2),
  });
  try {
    assert.equal(halt.summary.haltReason, "TargetBlocked");
    assert.equal(halt.runner.requests.length, 1);
  } finally {
    await done(halt);
  }
  const skip = await runHarness({
    items: items(),
    steps: steps(),
    params: { targets: ["WRK-001", "WRK-002"], autoAdvance: true },
    config: (c) => (c.execution.max_wip = 2),
  });
  try {
    assert.equal(skip.summary.haltReason, "TargetCompleted");
    assert.deepEqual(skip.summary.state.itemsCompleted, ["WRK-002"]);
    assert.ok(skip.log.at("INFO").includes("[target] WRK-001 blocked. Auto-advancing (1/2)."));
  } finally {
    await done(skip);
  }
});

Deno.test("run loop: --only runs matching items; NoMatchingItems and FilterExhausted", async () => {
  const run = await runHarness({
    items: [
      item("WRK-001", "InProgress", { phase: "review", pool: "main", impact: "high", created: 1 }),
      item("WRK-002", "InProgress", { phase: "review", pool: "main", impact: "low", created: 2 }),
    ],
    params: { filter: parseFilters(["impact=high"]) },
    config: (c) => (c.execution.max_wip = 2),
    steps: [{ result: { itemId: "WRK-001", phase: "review", result: "phase_complete" } }],
  });
  try {
    // The completed item is archived, so nothing matches any more.
    assert.equal(run.summary.haltReason, "FilterExhausted");
    assert.equal(run.summary.filterDisplay, "impact=high");
    assert.deepEqual(run.summary.state.itemsCompleted, ["WRK-001"]);
    assert.equal((await run.item("WRK-002"))!.status(), "InProgress");
  } finally {
    await done(run);
  }
  const none = await runHarness({
    items: [item("WRK-001", "New")],
    params: { filter: parseFilters(["size=large"]) },
    steps: [],
  });
  try {
    assert.equal(none.summary.haltReason, "NoMatchingItems");
  } finally {
    await done(none);
  }
});

Deno.test("run loop: shutdown cancels the running agent; item unchanged; halt commit made", async () => {
  const ctrl = new AbortController();
  const run = await runHarness({
    items: [item("WRK-001", "InProgress", { phase: "build", pool: "main" })],
    steps: [
      (req) => {
        queueMicrotask(() => setTimeout(() => ctrl.abort(), 20));
        return new Promise((_, reject) => {
          req.signal!.addEventListener(
            "abort",
            () => reject(new AgentError("shutdown", "Shutdown requested")),
          );
        });
      },
    ],
    signal: ctrl.signal,
  });
  try {
    assert.equal(run.summary.haltReason, "ShutdownRequested");
    const pg = (await run.item("WRK-001"))!;
    assert.equal(pg.status(), "InProgress");
    assert.equal(pg.phase(), "build");
    assert.deepEqual(pg.history(), [], "a cancelled phase leaves no history entry");
    const worklog = await Deno.readTextFile(`${run.repo.dir}/_worklog/2026-01.md`);
    assert.match(worklog, /- \*\*Outcome:\*\* Cancelled\n- \*\*Summary:\*\* Shutdown requested/);
    assert.equal(
      (await subjects(run.repo))[0],
      "[phase-golem] Save task state on halt (ShutdownRequested)",
    );
    assert.equal(await porcelain(run.repo), "");
    assert.deepEqual(run.observer.of("phase_finished").map((e) => e.outcome), ["cancelled"]);
  } finally {
    await done(run);
  }
});

Deno.test("run loop: non-destructive phases run concurrently and share a batch commit", async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  // Each agent waits until both run (or 5 s pass), so a slow machine cannot
  // make concurrent phases look sequential.
  let bothRunning!: () => void;
  const together = new Promise<void>((r) => (bothRunning = r));
  const slow = (id: string) => async () => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (inFlight === 2) bothRunning();
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([together, new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    inFlight--;
    return {
      result: phaseResult(id, "prd", "phase_complete", { commitSummary: `PRD ${id}` }),
      exitCode: 0,
      signal: null,
      durationMs: 30,
      warnings: [],
    };
  };
  const run = await runHarness({
    items: [
      item("WRK-001", "InProgress", { phase: "prd", pool: "main", created: 1 }),
      item("WRK-002", "InProgress", { phase: "prd", pool: "main", created: 2 }),
    ],
    params: { cap: 2 },
    config: (c) => {
      c.execution.max_wip = 2;
      c.execution.max_concurrent = 2;
    },
    steps: [slow("WRK-001"), slow("WRK-002")],
  });
  try {
    assert.equal(maxInFlight, 2);
    assert.equal(run.summary.haltReason, "CapReached");
    assert.ok(run.commits.every((c) => c.kind === "batch"));
    const all = run.commits.map((c) => c.message).join("\n");
    assert.match(all, /PRD WRK-001/);
    assert.match(all, /PRD WRK-002/);
    assert.equal(await porcelain(run.repo), "");
  } finally {
    await done(run);
  }
});

Deno.test("run loop: the cost limit starts nothing new, lets running tasks finish, halts CostLimitReached", async () => {
  const log = new MemoryLogger();
  const costs: Record<string, number> = { "WRK-001": 1.0, "WRK-002": 0.25 };
  const agent = async (req: AgentRunRequest) => {
    const id = /phase_result_(.+)_prd\.json$/.exec(req.resultPath)![1]!;
    if (id === "WRK-002") {
      // Still running when the loop sees the limit reached.
      const end = Date.now() + 5000;
      while (!log.at("INFO").some((l) => l.startsWith("Cost limit reached")) && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    return {
      result: phaseResult(id, "prd", "phase_complete"),
      exitCode: 0,
      signal: null,
      durationMs: 1,
      warnings: [],
      usage: { costUsd: costs[id]! },
    };
  };
  const run = await runHarness({
    items: [
      item("WRK-001", "InProgress", { phase: "prd", pool: "main", created: 1 }),
      item("WRK-002", "InProgress", { phase: "prd", pool: "main", created: 2 }),
      item("WRK-003", "New", { created: 3 }),
    ],
    params: { maxCostUsd: 1 },
    config: (c) => {
      c.execution.max_wip = 2;
      c.execution.max_concurrent = 2;
    },
    steps: [agent, agent, agent],
    log,
  });
  try {
    assert.equal(run.summary.haltReason, "CostLimitReached");
    assert.equal(run.summary.maxCostUsd, 1);
    assert.equal(run.summary.state.costUsd, 1.25, "the running task finished and counted");
    assert.equal(run.runner.requests.length, 2, "WRK-003 was never triaged");
    assert.deepEqual(
      run.observer.of("phase_finished").map((e) => `${e.item_id} ${e.outcome}`).sort(),
      ["WRK-001 complete", "WRK-002 complete"],
    );
    assert.ok(
      log.at("INFO").includes(
        "Cost limit reached: the agents reported $1.00 of $1.00; starting no further phase",
      ),
    );
    assert.equal(await porcelain(run.repo), "", "committed");
  } finally {
    await done(run);
  }
});

Deno.test("run loop: a hostile item ID is blocked with a reason and the run goes on", async () => {
  const run = await runHarness({
    items: [
      item("../../etc/x", "New", { created: 1 }),
      item("WRK-$(rm -rf ~)", "InProgress", { phase: "prd", pool: "main", created: 2 }),
      item("WRK-002", "InProgress", { phase: "review", pool: "main", created: 3 }),
    ],
    config: (c) => {
      c.execution.max_wip = 3;
    },
    steps: [{ result: { itemId: "WRK-002", phase: "review", result: "phase_complete" } }],
  });
  try {
    assert.deepEqual(run.summary.state.itemsCompleted, ["WRK-002"]);
    const a = (await run.item("../../etc/x"))!;
    assert.equal(a.status(), "Blocked");
    assert.match(a.blockedReason!, /^Item ID '\.\.\/\.\.\/etc\/x' cannot be used in file names: /);
    const b = (await run.item("WRK-$(rm -rf ~)"))!;
    assert.equal(b.status(), "Blocked");
    assert.equal(run.runner.requests.length, 1, "no agent ran for the hostile items");
    for (const r of run.runner.requests) {
      assert.ok(r.resultPath.startsWith(`${run.repo.dir}/.phase-golem/`));
    }
    const changes = [...(await Array.fromAsync(Deno.readDir(`${run.repo.dir}/changes`)))].map((e) =>
      e.name
    );
    assert.deepEqual(changes, ["WRK-002_item-wrk-002"]);
  } finally {
    await done(run);
  }
});

Deno.test("run loop: guardrails block at the last pre-phase; phase result history records usage", async () => {
  const run = await runHarness({
    items: [item("WRK-001", "Scoping", { phase: "research", pool: "pre" })],
    steps: [{
      result: {
        itemId: "WRK-001",
        phase: "research",
        result: "phase_complete",
        updatedAssessments: { size: "large" },
      },
      usage: { costUsd: 0.25, inputTokens: 1000, outputTokens: 200 },
    }],
  });
  try {
    const pg = (await run.item("WRK-001"))!;
    assert.equal(pg.status(), "Blocked");
    assert.equal(pg.blockedReason, "Exceeds autonomous guardrail thresholds");
    assert.equal(pg.size(), "large");
    const [h] = pg.history();
    assert.deepEqual([h!.phase, h!.outcome, h!.costUsd, h!.inputTokens, h!.outputTokens], [
      "research",
      "blocked",
      0.25,
      1000,
      200,
    ]);
    assert.equal(run.summary.state.costUsd, 0.25);
    assert.equal(run.summary.state.tokens, 1200);
    const fin = run.observer.of("phase_finished")[0]!;
    assert.equal(fin.cost_usd, 0.25);
  } finally {
    await done(run);
  }
});

Deno.test("run loop: unblock notes reach the next prompt and are cleared after the phase", async () => {
  const run = await runHarness({
    items: [item("WRK-001", "InProgress", { phase: "prd", pool: "main" })],
    params: { cap: 1 },
    before: async (repo) => {
      await updateItem(repo.store, "WRK-001", (it) => {
        it.extensions["x-pg-unblock-context"] = "Use the v2 API";
      });
      await repo.sh("commit", "-qam", "notes");
    },
    steps: [{ result: { itemId: "WRK-001", phase: "prd", result: "phase_complete" } }],
  });
  try {
    assert.match(
      run.runner.requests[0]!.prompt,
      /## Unblock Context\n\nThis item was previously blocked\. Context from the human:\n\nUse the v2 API/,
    );
    assert.equal((await run.item("WRK-001"))!.unblockContext(), null, "[Fix] B21");
  } finally {
    await done(run);
  }
});
