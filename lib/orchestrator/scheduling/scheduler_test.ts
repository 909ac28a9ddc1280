import assert from "node:assert/strict";
import { it, running, testConfig } from "../../_testing/scheduler_fixtures.ts";
import { parseFilters } from "./filter.ts";
import {
  advanceToNextActiveTarget,
  phaseIndex,
  type SchedulerAction,
  selectActions,
  selectTargetedActions,
  unmetDependencies,
} from "./scheduler.ts";
import type { SchedulerItem } from "./scheduler_item.ts";

function select(
  items: SchedulerItem[],
  opts: { wip?: number; conc?: number; run?: [string, string, boolean?][]; only?: string[] } = {},
): SchedulerAction[] {
  return selectActions(
    { items, running: running(opts.run) },
    testConfig(opts.wip ?? 1, opts.conc ?? 1),
    opts.only ? { filter: parseFilters(opts.only) } : {},
  );
}

function short(actions: SchedulerAction[]): string[] {
  return actions.map((a) =>
    a.kind === "RunPhase"
      ? `run ${a.itemId} ${a.phase}${a.isDestructive ? "!" : ""}${
        a.phasePool === "pre" ? " pre" : ""
      }`
      : `${a.kind === "Promote" ? "promote" : "triage"} ${a.itemId}`
  );
}

// ---------------------------------------------------------------------------
// Empty, done, blocked

Deno.test("selectActions() returns nothing for an empty backlog", () => {
  assert.deepEqual(select([]), []);
});

Deno.test("selectActions() returns nothing when every item is Done or Blocked", () => {
  assert.deepEqual(
    select([it("A", "Done"), it("B", "Blocked"), it("C", "Blocked", { phase: "prd" })], {
      conc: 3,
      wip: 3,
    }),
    [],
  );
});

// ---------------------------------------------------------------------------
// Promotion (rule 3)

Deno.test("selectActions() promotes Ready items up to max_wip", () => {
  const items = [
    it("A", "Ready", { created: 1 }),
    it("B", "Ready", { created: 2 }),
    it("C", "Ready", { created: 3 }),
  ];
  assert.deepEqual(short(select(items, { wip: 2 })), ["promote A", "promote B"]);
});

Deno.test("selectActions() counts InProgress items against max_wip", () => {
  const items = [it("A", "InProgress"), it("B", "Ready")];
  assert.deepEqual(short(select(items, { wip: 1, run: [["A", "prd"]], conc: 2 })), []);
  assert.deepEqual(short(select(items, { wip: 2, run: [["A", "prd"]], conc: 2 })), ["promote B"]);
});

Deno.test("selectActions() promotes by impact, then by age (impact tie-break)", () => {
  const items = [
    it("none", "Ready", { created: 0 }),
    it("low", "Ready", { impact: "low", created: 1 }),
    it("high-new", "Ready", { impact: "high", created: 9 }),
    it("medium", "Ready", { impact: "medium", created: 2 }),
    it("high-old", "Ready", { impact: "high", created: 3 }),
  ];
  assert.deepEqual(short(select(items, { wip: 5 })), [
    "promote high-old",
    "promote high-new",
    "promote medium",
    "promote low",
    "promote none",
  ]);
});

Deno.test("selectActions() orders by the full timestamp instant, not by text", () => {
  const items = [
    it("A", "Ready", { created: "2026-01-01T00:00:00.5Z" }),
    it("B", "Ready", { created: "2026-01-01T00:00:00.123456789Z" }),
  ];
  assert.deepEqual(short(select(items, { wip: 1 })), ["promote B"]);
});

Deno.test("selectActions() promotions do not consume slots", () => {
  const items = [it("R", "Ready"), it("N", "New")];
  assert.deepEqual(short(select(items, { wip: 1, conc: 1 })), ["promote R", "triage N"]);
});

Deno.test("selectActions() a Ready item with unmet dependencies does not use a WIP slot", () => {
  const items = [
    it("D", "New"),
    it("A", "Ready", { impact: "high", deps: ["D"] }),
    it("B", "Ready", { impact: "low" }),
  ];
  assert.deepEqual(short(select(items, { wip: 1, conc: 0 + 1 })), ["promote B", "triage D"]);
});

// ---------------------------------------------------------------------------
// Candidates (rule 4)

Deno.test("selectActions() advances the furthest phase first, then the oldest", () => {
  const items = [
    it("prd-old", "InProgress", { phase: "prd", pool: "main", created: 1 }),
    it("review", "InProgress", { phase: "review", pool: "main", created: 5 }),
    it("prd-new", "InProgress", { phase: "prd", pool: "main", created: 2 }),
  ];
  assert.deepEqual(short(select(items, { wip: 3, conc: 3 })), [
    "run review review",
    "run prd-old prd",
    "run prd-new prd",
  ]);
});

Deno.test("selectActions() runs InProgress before Scoping before triage", () => {
  const items = [
    it("N", "New", { created: 0 }),
    it("S", "Scoping", { phase: "research", pool: "pre", created: 1 }),
    it("I", "InProgress", { phase: "prd", pool: "main", created: 2 }),
  ];
  assert.deepEqual(short(select(items, { wip: 1, conc: 3 })), [
    "run I prd",
    "run S research pre",
    "triage N",
  ]);
  assert.deepEqual(short(select(items, { wip: 1, conc: 1 })), ["run I prd"]);
});

Deno.test("selectActions() triages New items oldest first", () => {
  const items = [
    it("B", "New", { created: 5 }),
    it("A", "New", { created: 9 }),
    it("C", "New", { created: 1 }),
  ];
  assert.deepEqual(short(select(items, { conc: 2 })), ["triage C", "triage B"]);
});

Deno.test("selectActions() skips items without a phase and with unknown pipelines or phases", () => {
  const items = [
    it("nophase", "InProgress"),
    it("badpipe", "InProgress", { phase: "prd", pipeline: "nope" }),
    it("badphase", "InProgress", { phase: "nope" }),
    it("scoping-nophase", "Scoping"),
    it("ok", "InProgress", { phase: "draft", pipeline: "blog", created: 9 }),
  ];
  assert.deepEqual(short(select(items, { wip: 9, conc: 9 })), ["run ok draft"]);
});

Deno.test("selectActions() uses the item's pool or main, and the phase config's destructiveness", () => {
  const items = [it("A", "Scoping", { phase: "research" })];
  assert.deepEqual(select(items), [{
    kind: "RunPhase",
    itemId: "A",
    phase: "research",
    phasePool: "main",
    isDestructive: false,
  }]);
});

Deno.test("phaseIndex() counts pre-phases first and falls back to 0", () => {
  const c = testConfig();
  assert.equal(phaseIndex(it("a", "Scoping", { phase: "research", pool: "pre" }), c), 0);
  assert.equal(phaseIndex(it("a", "InProgress", { phase: "prd", pool: "main" }), c), 1);
  assert.equal(phaseIndex(it("a", "InProgress", { phase: "review" }), c), 3);
  assert.equal(phaseIndex(it("a", "InProgress", { phase: "nope" }), c), 1);
  assert.equal(phaseIndex(it("a", "Scoping", { phase: "nope", pool: "pre" }), c), 0);
  assert.equal(phaseIndex(it("a", "InProgress", { phase: "prd", pipeline: "x" }), c), 0);
  assert.equal(phaseIndex(it("a", "InProgress"), c), 0);
  assert.equal(phaseIndex(it("a", "InProgress", { phase: "publish", pipeline: "blog" }), c), 1);
});

// ---------------------------------------------------------------------------
// Slots, running tasks, destructive exclusivity (rules 1, 2, 5)

Deno.test("selectActions() respects max_concurrent, counting running tasks", () => {
  const items = [
    it("A", "New", { created: 1 }),
    it("B", "New", { created: 2 }),
    it("C", "New", { created: 3 }),
  ];
  assert.deepEqual(short(select(items, { conc: 2 })), ["triage A", "triage B"]);
  assert.deepEqual(short(select([...items, it("R", "New")], { conc: 2, run: [["R", "triage"]] })), [
    "triage A",
  ]);
  assert.deepEqual(
    short(select(items, { conc: 2, run: [["X", "prd"], ["Y", "triage"]] })),
    [],
  );
});

Deno.test("selectActions() skips items that are already running", () => {
  const items = [
    it("A", "InProgress", { phase: "review", created: 1 }),
    it("B", "InProgress", { phase: "prd", created: 2 }),
    it("N", "New"),
  ];
  assert.deepEqual(short(select(items, { wip: 2, conc: 3, run: [["A", "review"]] })), [
    "run B prd",
    "triage N",
  ]);
});

Deno.test("selectActions() a running destructive task blocks everything, promotions included", () => {
  const items = [it("B", "InProgress", { phase: "build" }), it("R", "Ready"), it("N", "New")];
  assert.deepEqual(select(items, { wip: 3, conc: 5, run: [["B", "build", true]] }), []);
});

Deno.test("selectActions() a destructive phase runs alone when nothing runs", () => {
  const items = [
    it("B", "InProgress", { phase: "build", created: 1 }),
    it("P", "InProgress", { phase: "prd", created: 2 }),
    it("N", "New"),
  ];
  assert.deepEqual(short(select(items, { wip: 2, conc: 3 })), ["run B build!"]);
});

Deno.test("selectActions() a pending destructive phase blocks lower non-destructive work and triage", () => {
  const items = [
    it("B", "InProgress", { phase: "build", created: 1 }),
    it("P", "InProgress", { phase: "prd", created: 2 }),
    it("N", "New"),
  ];
  // Something runs: the destructive phase cannot start and nothing below it may start either.
  assert.deepEqual(short(select(items, { wip: 3, conc: 3, run: [["X", "triage"]] })), []);
});

Deno.test("selectActions() a destructive phase is not chosen beside a non-destructive one", () => {
  const items = [
    it("R", "InProgress", { phase: "review", created: 1 }),
    it("B", "InProgress", { phase: "build", created: 2 }),
    it("N", "New"),
  ];
  // review ranks above build: review runs, then filling stops at build.
  assert.deepEqual(short(select(items, { wip: 2, conc: 3 })), ["run R review"]);
});

Deno.test("selectActions() a destructive phase may follow promotions", () => {
  const items = [it("B", "InProgress", { phase: "build" }), it("R", "Ready")];
  assert.deepEqual(short(select(items, { wip: 2, conc: 2 })), ["promote R", "run B build!"]);
});

Deno.test("selectActions() returns nothing when no slot is free, even for promotions", () => {
  const items = [it("R", "Ready"), it("A", "InProgress", { phase: "prd" })];
  assert.deepEqual(select(items, { wip: 3, conc: 1, run: [["A", "prd"]] }), []);
});

// ---------------------------------------------------------------------------
// Dependencies

Deno.test("selectActions() dependency cases: unmet, met, absent, partial, blocked, in progress", () => {
  const base = [
    it("DONE", "Done"),
    it("BLK", "Blocked"),
    it("PROG", "InProgress", { phase: "prd" }),
    it("NEW", "New", { created: 50 }),
  ];
  const cases: [string[], boolean][] = [
    [["DONE"], true], // met
    [["GONE"], true], // absent (archived or deleted) = met
    [["NEW"], false], // unmet
    [["DONE", "NEW"], false], // partially met = unmet
    [["BLK"], false], // blocked dependency = unmet
    [["PROG"], false], // in-progress dependency = unmet
    [["DONE", "GONE"], true],
  ];
  for (const [deps, runs] of cases) {
    const items = [...base, it("X", "New", { deps, created: 1 })];
    const actions = short(select(items, { conc: 2, run: [["PROG", "prd"]], wip: 9 }));
    assert.deepEqual(actions, runs ? ["triage X"] : ["triage NEW"], deps.join(","));
  }
});

Deno.test("selectActions() mixed legacy and random IDs resolve dependencies alike", () => {
  const items = [
    it("WRK-001", "Done"),
    it("WRK-a1b2c", "Scoping", { phase: "research" }),
    it("X", "New", { deps: ["WRK-001", "WRK-a1b2c"], created: 1 }),
    it("Y", "New", { deps: ["WRK-001"], created: 2 }),
  ];
  assert.deepEqual(short(select(items, { conc: 3 })), ["run WRK-a1b2c research", "triage Y"]);
});

Deno.test("unmetDependencies() summarises what each waiting item waits for", () => {
  const items = [
    it("A", "New"),
    it("B", "Blocked"),
    it("C", "Ready", { deps: ["A", "B", "Z"] }),
    it("D", "Done", { deps: ["A"] }),
  ];
  assert.deepEqual(unmetDependencies(items), [{ id: "C", summary: "A (New), B (Blocked)" }]);
});

// ---------------------------------------------------------------------------
// Filters (§7.6, Fix B4)

Deno.test("selectActions() with a filter only chooses matching items", () => {
  const items = [
    it("H", "New", { impact: "high", created: 2 }),
    it("L", "New", { impact: "low", created: 1 }),
  ];
  assert.deepEqual(short(select(items, { conc: 2, only: ["impact=high"] })), ["triage H"]);
});

Deno.test("selectActions() filter mode checks dependencies against the full snapshot (Fix B4)", () => {
  const items = [
    it("DEP", "New", { impact: "low", created: 1 }),
    it("X", "New", { impact: "high", deps: ["DEP"], created: 2 }),
  ];
  // Upstream treated the filtered-out DEP as absent (met) and triaged X.
  assert.deepEqual(short(select(items, { conc: 2, only: ["impact=high"] })), []);
});

Deno.test("selectActions() filter mode counts WIP over the full snapshot (Fix B4)", () => {
  const items = [
    it("I", "InProgress", { impact: "low", phase: "prd" }),
    it("R", "Ready", { impact: "high" }),
  ];
  assert.deepEqual(short(select(items, { wip: 1, conc: 2, only: ["impact=high"] })), []);
  assert.deepEqual(short(select(items, { wip: 2, conc: 2, only: ["impact=high"] })), ["promote R"]);
});

// ---------------------------------------------------------------------------
// Target mode (§7.2)

function target(
  items: SchedulerItem[],
  t: string,
  run: [string, string, boolean?][] = [],
): string[] {
  return short(
    selectTargetedActions({ items, running: running(run) }, testConfig(1, 1), { target: t }),
  );
}

Deno.test("selectTargetedActions() by status", () => {
  const items = [
    it("N", "New"),
    it("R", "Ready"),
    it("S", "Scoping", { phase: "research", pool: "pre" }),
    it("I", "InProgress", { phase: "build" }),
    it("D", "Done"),
    it("B", "Blocked"),
    it("I0", "InProgress"),
  ];
  assert.deepEqual(target(items, "N"), ["triage N"]);
  assert.deepEqual(target(items, "R"), ["promote R"]);
  assert.deepEqual(target(items, "S"), ["run S research pre"]);
  assert.deepEqual(target(items, "I"), ["run I build!"]);
  assert.deepEqual(target(items, "D"), []);
  assert.deepEqual(target(items, "B"), []);
  assert.deepEqual(target(items, "I0"), []);
  assert.deepEqual(target(items, "missing"), []);
});

Deno.test("selectTargetedActions() ignores max_wip and max_concurrent", () => {
  const items = [it("I", "InProgress", { phase: "prd" }), it("R", "Ready"), it("N", "New")];
  assert.deepEqual(target(items, "R", [["I", "prd"]]), ["promote R"]);
  assert.deepEqual(target(items, "N", [["I", "prd"]]), ["triage N"]);
});

Deno.test("selectTargetedActions() waits for running, destructive and dependencies", () => {
  const items = [
    it("N", "New"),
    it("I", "InProgress", { phase: "prd" }),
    it("W", "New", { deps: ["N"] }),
  ];
  assert.deepEqual(target(items, "N", [["N", "triage"]]), []);
  assert.deepEqual(target(items, "I", [["I", "prd"]]), []);
  assert.deepEqual(target(items, "N", [["X", "build", true]]), []);
  assert.deepEqual(target(items, "W"), []);
});

Deno.test("advanceToNextActiveTarget() skips absent, done, completed and blocked targets", () => {
  const items = [it("A", "Done"), it("B", "Blocked"), it("C", "InProgress"), it("E", "New")];
  const r = advanceToNextActiveTarget(items, {
    targets: ["X", "A", "B", "E", "C"],
    index: 0,
    completed: new Set(["E"]),
  });
  assert.equal(r.index, 4);
  assert.deepEqual(r.skipped, [
    "[target] X not found (archived?). Skipping (1/5).",
    "[target] A already done. Skipping (2/5).",
    "[target] B already blocked. Skipping (3/5).",
    "[target] E already done. Skipping (4/5).",
  ]);
  const done = advanceToNextActiveTarget(items, { targets: ["A"], index: 0, completed: new Set() });
  assert.equal(done.index, 1);
  assert.deepEqual(
    advanceToNextActiveTarget(items, { targets: ["C", "E"], index: 1, completed: new Set() }),
    { index: 1, skipped: [] },
  );
});

// ---------------------------------------------------------------------------
// Claims (pg run --sync)

Deno.test("selectActions() with claims passes over items another worker holds, without using a slot", () => {
  const claims = { worker: "w1", now: "2026-01-01T01:00:00Z" };
  const held = (by: string, expiresAt: string | null) => ({ claim: { by, expiresAt } });
  const items = [
    {
      ...it("A", "InProgress", { phase: "review", pool: "main" }),
      ...held("w2", "2026-01-01T01:30:00Z"),
    },
    {
      ...it("B", "InProgress", { phase: "prd", pool: "main" }),
      ...held("w1", "2026-01-01T01:30:00Z"),
    },
    {
      ...it("C", "InProgress", { phase: "prd", pool: "main", created: 1 }),
      ...held("w3", "2026-01-01T01:00:00Z"),
    },
    { ...it("R", "Ready"), ...held("alice", null) },
    { ...it("N", "New"), ...held("w2", "2026-01-01T02:00:00Z") },
  ];
  const config = testConfig(9, 2);
  assert.deepEqual(
    short(selectActions({ items, running: running(), claims }, config)),
    ["run B prd", "run C prd"],
    "own claims and expired ones are free; live claims of others hold, also without a lease",
  );
  assert.deepEqual(
    short(selectActions({ items, running: running() }, config)),
    ["promote R", "run A review", "run B prd"],
    "without claims nothing changes",
  );
  assert.deepEqual(
    selectTargetedActions({ items, running: running(), claims }, config, { target: "A" }),
    [],
  );
  assert.deepEqual(
    short(selectTargetedActions({ items, running: running(), claims }, config, { target: "C" })),
    ["run C prd"],
  );
});
