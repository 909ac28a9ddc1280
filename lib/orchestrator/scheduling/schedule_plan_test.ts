import assert from "node:assert/strict";
import { it, running, testConfig } from "../../_testing/scheduler_fixtures.ts";
import { parseFilters } from "./filter.ts";
import { planActions, planTargetedActions, type SchedulePlan } from "./schedule_plan.ts";
import type { SchedulerItem } from "./scheduler_item.ts";

function plan(
  items: SchedulerItem[],
  opts: { wip?: number; conc?: number; run?: [string, string, boolean?][]; only?: string[] } = {},
): SchedulePlan {
  return planActions(
    { items, running: running(opts.run) },
    testConfig(opts.wip ?? 1, opts.conc ?? 1),
    opts.only ? { filter: parseFilters(opts.only) } : {},
  );
}

function skips(p: SchedulePlan): string[] {
  return p.skipped.map((s) => `${s.itemId} ${s.code}: ${s.detail}`);
}

Deno.test("planActions() says why each action was chosen", () => {
  const p = plan([
    it("R", "Ready", { impact: "high" }),
    it("I", "InProgress", { phase: "review", pool: "main" }),
    it("S", "Scoping", { phase: "research", pool: "pre" }),
    it("N", "New"),
  ], { wip: 2, conc: 3 });
  assert.deepEqual(p.actions.map((a) => `${a.action.itemId}: ${a.why}`), [
    "R: ready, impact high (highest impact first, then oldest); WIP 2/2",
    "I: in progress at review (phase 4 of 4 in feature; furthest first); slot 1/3",
    "S: scoping at research (phase 1 of 4 in feature; furthest first); slot 2/3",
    "N: new (oldest first); slot 3/3",
  ]);
  assert.deepEqual(p.skipped, []);
});

Deno.test("planActions() says why the other items wait: status, dependency, WIP, slots, config", () => {
  const p = plan([
    it("D", "Done"),
    it("B", "Blocked"),
    it("I", "InProgress", { phase: "prd", pool: "main", created: 1 }),
    it("R", "Ready", { impact: "high" }),
    it("W", "Ready", { deps: ["I"] }),
    it("N", "New", { created: 5 }),
    it("X", "InProgress"),
    it("P", "InProgress", { phase: "prd", pipeline: "nope" }),
    it("Q", "InProgress", { phase: "nope" }),
  ]);
  assert.deepEqual(p.actions.map((a) => a.action.itemId), ["I"]);
  assert.deepEqual(skips(p), [
    "D done: done",
    "B blocked: blocked",
    "R wip: WIP limit reached (4/1 in progress)",
    "W dependency: waits on I (InProgress)",
    "N concurrency: no free slot (max_concurrent 1)",
    "X no_phase: InProgress without a phase",
    "P unknown_phase: pipeline 'nope' is not in the config",
    "Q unknown_phase: phase 'nope' is not in pipeline 'feature'",
  ]);
});

Deno.test("planActions() explains destructive exclusivity in all three forms", () => {
  // A destructive phase is chosen: everything after it waits.
  const alone = plan([
    it("A", "InProgress", { phase: "build", pool: "main" }),
    it("B", "InProgress", { phase: "prd", pool: "main" }),
  ], { wip: 2, conc: 2 });
  assert.equal(alone.actions[0]!.why.includes("destructive: runs alone"), true);
  assert.deepEqual(skips(alone), ["B destructive: A runs build, a destructive phase, alone"]);

  // Something runs: the destructive candidate waits, and so does what comes after it.
  const waits = plan([
    it("A", "InProgress", { phase: "build", pool: "main" }),
    it("B", "InProgress", { phase: "prd", pool: "main" }),
    it("C", "InProgress", { phase: "prd", pool: "main" }),
  ], { wip: 3, conc: 3, run: [["C", "prd"]] });
  assert.deepEqual(waits.actions, []);
  assert.deepEqual(skips(waits), [
    "A destructive: build is destructive: it waits until nothing else runs, then runs alone",
    "B destructive: waits behind A build, a destructive phase that runs alone next",
    "C running: already running prd",
  ]);

  // A destructive task runs: nothing else starts, not even a promotion.
  const running = plan([it("A", "InProgress", { phase: "build" }), it("R", "Ready")], {
    wip: 3,
    conc: 3,
    run: [["A", "build", true]],
  });
  assert.deepEqual(skips(running), [
    "A running: already running build",
    "R destructive: A is running build, a destructive phase, alone",
  ]);
});

Deno.test("planActions() names the filter and the full slots", () => {
  const p = plan([it("A", "New", { impact: "low" }), it("B", "New", { impact: "high" })], {
    only: ["impact=high"],
  });
  assert.deepEqual(p.actions.map((a) => a.action.itemId), ["B"]);
  assert.deepEqual(skips(p), ["A filtered: does not match --only impact=high"]);
  const full = plan([it("A", "New"), it("B", "New")], { run: [["B", "triage"]] });
  assert.deepEqual(skips(full), [
    "A concurrency: no free slot: 1 of 1 running",
    "B running: already running triage",
  ]);
});

Deno.test("planTargetedActions() explains the target and the other items", () => {
  const items = [
    it("T1", "Ready"),
    it("T2", "New"),
    it("O", "New"),
    it("D", "Done"),
  ];
  const p = planTargetedActions({ items, running: running() }, testConfig(), {
    target: "T1",
    targets: ["T1", "T2"],
  });
  assert.deepEqual(p.actions.map((a) => `${a.action.kind} ${a.why}`), [
    "Promote target 1/2: ready (promoted whatever max_wip says)",
  ]);
  assert.deepEqual(skips(p), [
    "T2 not_target: target 2/2: waits for T1",
    "O not_target: not a --target",
    "D done: done",
  ]);
  const waiting = planTargetedActions(
    { items: [it("T", "New", { deps: ["O"] }), it("O", "New")], running: running() },
    testConfig(),
    { target: "T" },
  );
  assert.deepEqual(skips(waiting), [
    "T dependency: waits on O (New)",
    "O not_target: not a --target",
  ]);
});

Deno.test("planActions() and planTargetedActions() name the worker that holds a claim, and until when", () => {
  const claims = { worker: "w1", now: "2026-01-01T01:00:00Z" };
  const items = [
    {
      ...it("A", "InProgress", { phase: "prd", pool: "main" }),
      claim: { by: "w2", expiresAt: "2026-01-01T01:30:00Z" },
    },
    { ...it("N", "New"), claim: { by: "alice", expiresAt: null } },
    it("M", "New", { created: 5 }),
  ];
  const p = planActions({ items, running: running(), claims }, testConfig(1, 1));
  assert.deepEqual(p.actions.map((a) => a.action.itemId), ["M"]);
  assert.deepEqual(skips(p), [
    "A claimed: claimed by w2 until 2026-01-01T01:30:00Z",
    "N claimed: claimed by alice (no expiry)",
  ]);
  const t = planTargetedActions({ items, running: running(), claims }, testConfig(), {
    target: "A",
  });
  assert.deepEqual(t.actions, []);
  assert.deepEqual(skips(t)[0], "A claimed: claimed by w2 until 2026-01-01T01:30:00Z");
});
