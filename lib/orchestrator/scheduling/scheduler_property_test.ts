// Property tests: random backlogs from a seeded generator, checked against
// the scheduler's invariants.

import assert from "node:assert/strict";
import type { DimensionLevel } from "../../adapter/assessments.ts";
import type { PgStatus } from "../../adapter/pg_status.ts";
import { it, testConfig } from "../../_testing/scheduler_fixtures.ts";
import { parseFilters } from "./filter.ts";
import { type RunningTask, type SchedulerAction, selectActions } from "./scheduler.ts";
import { planActions } from "./schedule_plan.ts";
import type { SchedulerItem } from "./scheduler_item.ts";

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES: PgStatus[] = ["New", "Scoping", "Ready", "InProgress", "Done", "Blocked"];
const LEVELS: (DimensionLevel | undefined)[] = ["low", "medium", "high", undefined];
const FEATURE_PRE = ["research"];
const FEATURE_MAIN = ["prd", "build", "review"];
const DESTRUCTIVE = new Set(["build", "publish"]);

interface Case {
  items: SchedulerItem[];
  running: Map<string, RunningTask>;
  maxWip: number;
  maxConcurrent: number;
}

function randomCase(rand: () => number): Case {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const n = 1 + Math.floor(rand() * 30);
  const ids = Array.from({ length: n }, (_, i) => `WRK-${String(i).padStart(3, "0")}`);
  const items = ids.map((id) => {
    const status = pick(STATUSES);
    const blog = rand() < 0.2;
    let phase: string | undefined;
    let pool: "pre" | "main" | undefined;
    if (status === "InProgress" || status === "Scoping" || rand() < 0.1) {
      if (blog) {
        phase = pick(["draft", "publish", "nope"]);
        pool = "main";
      } else if (status === "Scoping" || rand() < 0.2) {
        phase = pick([...FEATURE_PRE, "nope"]);
        pool = "pre";
      } else {
        phase = pick([...FEATURE_MAIN, "nope"]);
        pool = rand() < 0.8 ? "main" : undefined;
      }
      if (rand() < 0.1) phase = undefined;
    }
    const deps = ids.filter((d) => d !== id && rand() < 0.08);
    if (rand() < 0.1) deps.push("WRK-archived");
    const impact = pick(LEVELS);
    return it(id, status, {
      ...(phase === undefined ? {} : { phase }),
      ...(pool === undefined ? {} : { pool }),
      ...(blog ? { pipeline: rand() < 0.9 ? "blog" : "unknown" } : {}),
      ...(impact === undefined ? {} : { impact }),
      deps,
      created: Math.floor(rand() * 60),
    });
  });
  const maxConcurrent = 1 + Math.floor(rand() * 5);
  const maxWip = 1 + Math.floor(rand() * 5);
  const runningTable = new Map<string, RunningTask>();
  for (const item of items) {
    if (runningTable.size >= maxConcurrent) break;
    if ((item.status === "InProgress" || item.status === "Scoping") && item.phase && rand() < 0.3) {
      const destructive = DESTRUCTIVE.has(item.phase);
      if (destructive && runningTable.size > 0) continue;
      runningTable.set(item.id, {
        phase: item.phase,
        phasePool: item.phasePool ?? "main",
        isDestructive: destructive,
      });
      if (destructive) break;
    } else if (item.status === "New" && rand() < 0.2) {
      runningTable.set(item.id, { phase: "triage", phasePool: "pre", isDestructive: false });
    }
  }
  return { items, running: runningTable, maxWip, maxConcurrent };
}

function unmet(item: SchedulerItem, items: readonly SchedulerItem[]): boolean {
  return item.dependencies.some((d) => {
    const dep = items.find((x) => x.id === d);
    return dep !== undefined && dep.status !== "Done";
  });
}

function checkInvariants(c: Case, actions: SchedulerAction[], label: string): void {
  const spawns = actions.filter((a) => a.kind !== "Promote");
  const promotes = actions.filter((a) => a.kind === "Promote");
  // Never more than max_concurrent tasks in flight.
  assert.ok(c.running.size + spawns.length <= c.maxConcurrent, `${label}: concurrency`);
  // A destructive phase never runs beside another task.
  const runningDestructive = [...c.running.values()].some((t) => t.isDestructive);
  if (runningDestructive) assert.deepEqual(actions, [], `${label}: destructive running`);
  const destructive = spawns.filter((a) => a.kind === "RunPhase" && a.isDestructive);
  if (destructive.length > 0) {
    assert.equal(spawns.length, 1, `${label}: destructive alone`);
    assert.equal(c.running.size, 0, `${label}: destructive with nothing running`);
  }
  // Never an item with an unmet dependency, a running item or one item twice.
  const seen = new Set<string>();
  for (const a of actions) {
    const item = c.items.find((x) => x.id === a.itemId)!;
    assert.ok(!unmet(item, c.items), `${label}: ${a.itemId} has unmet dependencies`);
    assert.ok(!c.running.has(a.itemId), `${label}: ${a.itemId} already running`);
    assert.ok(!seen.has(a.itemId), `${label}: ${a.itemId} twice`);
    seen.add(a.itemId);
    const expected = a.kind === "Promote" ? "Ready" : a.kind === "Triage" ? "New" : undefined;
    if (expected) assert.equal(item.status, expected, `${label}: ${a.kind} of ${item.status}`);
    else assert.ok(item.status === "InProgress" || item.status === "Scoping", label);
  }
  // Promotions never exceed the free WIP slots.
  const wip = c.items.filter((x) => x.status === "InProgress").length;
  assert.ok(promotes.length <= Math.max(0, c.maxWip - wip), `${label}: wip`);
  // Promotions come first.
  const firstSpawn = actions.findIndex((a) => a.kind !== "Promote");
  if (firstSpawn >= 0) {
    assert.ok(actions.slice(firstSpawn).every((a) => a.kind !== "Promote"), `${label}: order`);
  }
}

Deno.test("selectActions() invariants hold on 3000 random backlogs", () => {
  const rand = prng(20260101);
  const seen = new Set<string>();
  for (let i = 0; i < 3000; i++) {
    const c = randomCase(rand);
    const config = testConfig(c.maxWip, c.maxConcurrent);
    const actions = selectActions({ items: c.items, running: c.running }, config);
    checkInvariants(c, actions, `case ${i}`);
    // Same input, same output.
    assert.deepEqual(selectActions({ items: c.items, running: c.running }, config), actions);
    for (const a of actions) {
      seen.add(a.kind === "RunPhase" ? `RunPhase${a.isDestructive ? "!" : ""}` : a.kind);
    }
    if (actions.length === 0) seen.add("none");
    if (actions.length > 1) seen.add("several");
  }
  // The generator reaches every kind of decision.
  assert.deepEqual(
    [...seen].sort(),
    ["Promote", "RunPhase", "RunPhase!", "Triage", "none", "several"],
  );
});

Deno.test("selectActions() invariants hold in filter mode, candidates all matching", () => {
  const rand = prng(7);
  const filters = [["impact=high"], ["status=new,in_progress"], [
    "impact=low,medium",
    "status=ready",
  ]];
  for (let i = 0; i < 2000; i++) {
    const c = randomCase(rand);
    const config = testConfig(c.maxWip, c.maxConcurrent);
    const criteria = parseFilters(filters[i % filters.length]!);
    const actions = selectActions({ items: c.items, running: c.running }, config, {
      filter: criteria,
    });
    checkInvariants(c, actions, `filter case ${i}`);
    for (const a of actions) {
      const item = c.items.find((x) => x.id === a.itemId)!;
      for (const crit of criteria) {
        if (crit.field === "impact") assert.ok(item.impact && crit.values.includes(item.impact));
        if (crit.field === "status") assert.ok(crit.values.includes(item.status));
      }
    }
  }
});

Deno.test("selectActions() fills every free slot when enough plain candidates exist", () => {
  const rand = prng(99);
  for (let i = 0; i < 500; i++) {
    const n = 1 + Math.floor(rand() * 20);
    const items = Array.from(
      { length: n },
      (_, k) => it(`N${k}`, "New", { created: Math.floor(rand() * 50) }),
    );
    const conc = 1 + Math.floor(rand() * 6);
    const actions = selectActions({ items, running: new Map() }, testConfig(1, conc));
    assert.equal(actions.length, Math.min(n, conc));
    // Oldest first, ties in input order.
    const created = actions.map((a) => items.find((x) => x.id === a.itemId)!.createdAt);
    assert.deepEqual(created, [...created].sort());
  }
});

Deno.test("planActions() chooses what selectActions() chooses and explains every other item once", () => {
  const rand = prng(424242);
  const filters = [[], ["impact=high"], ["status=new,in_progress"]];
  const codes = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const c = randomCase(rand);
    const config = testConfig(c.maxWip, c.maxConcurrent);
    const options = { filter: parseFilters(filters[i % filters.length]!) };
    const state = { items: c.items, running: c.running };
    const plan = planActions(state, config, options);
    assert.deepEqual(plan.actions.map((a) => a.action), selectActions(state, config, options));
    const acted = plan.actions.map((a) => a.action.itemId);
    const skipped = plan.skipped.map((s) => s.itemId);
    assert.deepEqual(
      [...acted, ...skipped].sort(),
      c.items.map((x) => x.id).sort(),
      `case ${i}: every item once`,
    );
    for (const s of plan.skipped) {
      codes.add(s.code);
      const item = c.items.find((x) => x.id === s.itemId)!;
      if (s.code === "dependency") assert.ok(unmet(item, c.items), `case ${i}: ${s.itemId}`);
      if (s.code === "running") assert.ok(c.running.has(s.itemId));
      if (s.code === "wip") assert.equal(item.status, "Ready");
    }
  }
  assert.deepEqual([...codes].sort(), [
    "blocked",
    "concurrency",
    "dependency",
    "destructive",
    "done",
    "filtered",
    "no_phase",
    "running",
    "unknown_phase",
    "wip",
  ]);
});
