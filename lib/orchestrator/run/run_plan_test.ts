// The dry-run plan against the real run loop: for each backlog, the plan's
// promotions and first agent tasks are the ones the loop makes, and a plan
// that halts names the loop's halt reason.

import assert from "node:assert/strict";
import { PgItem } from "../../adapter/pg_item.ts";
import { runHarness } from "../../_testing/run_harness.ts";
import { testConfig } from "../../_testing/scheduler_fixtures.ts";
import { item } from "../../_testing/test_repo.ts";
import type { Item } from "../../store/item.ts";
import type { AgentRunRequest } from "../execution/agents/agent_runner.ts";
import { phaseResult, type ScriptStep } from "../execution/agents/scripted_agent_runner.ts";
import { parseFilters } from "../scheduling/filter.ts";
import { schedulerItemOf } from "../scheduling/scheduler_item.ts";
import { planRun, type PlanRunOptions } from "./run_plan.ts";

/** An agent that completes whatever it is asked to do. */
function completesEverything(n: number): ScriptStep[] {
  return Array.from({ length: n }, () => (req: AgentRunRequest) => {
    const [, id, phase] = /phase_result_(.+)_([^_]+)\.json$/.exec(req.resultPath)!;
    return {
      result: phaseResult(id!, phase!),
      exitCode: 0,
      signal: null,
      durationMs: 0,
      warnings: [],
    };
  });
}

interface Case {
  name: string;
  items: Item[];
  wip?: number;
  conc?: number;
  cap?: number;
  only?: string[];
  targets?: string[];
  /** The plan, as `promote X` and `X phase` lines, and its halt. */
  expect: { actions: string[]; halt: string | null };
}

const CASES: Case[] = [
  {
    name: "promotions, the furthest phase first, destructive exclusivity",
    items: [
      item("WRK-001", "Ready", { impact: "low" }),
      item("WRK-002", "Ready", { impact: "high", created: 5 }),
      item("WRK-003", "InProgress", { phase: "prd", pool: "main" }),
      item("WRK-004", "Scoping", { phase: "research", pool: "pre" }),
      item("WRK-005", "New"),
    ],
    wip: 2,
    conc: 2,
    expect: { actions: ["promote WRK-002", "WRK-003 prd", "WRK-004 research"], halt: null },
  },
  {
    name: "only Ready items: the promotions, then their phases",
    items: [item("WRK-001", "Ready"), item("WRK-002", "Ready", { created: 1 })],
    wip: 2,
    conc: 2,
    expect: {
      actions: ["promote WRK-001", "promote WRK-002", "WRK-001 prd", "WRK-002 prd"],
      halt: null,
    },
  },
  {
    name: "a filter",
    items: [item("WRK-001", "New"), item("WRK-002", "New", { impact: "high", created: 1 })],
    only: ["impact=high"],
    expect: { actions: ["WRK-002 triage"], halt: null },
  },
  {
    name: "targets: the first target's promotion, then its phase",
    items: [item("WRK-001", "New"), item("WRK-002", "Ready")],
    targets: ["WRK-002", "WRK-001"],
    expect: { actions: ["promote WRK-002", "WRK-002 prd"], halt: null },
  },
  {
    name: "cap 0: promotions only",
    items: [item("WRK-001", "Ready"), item("WRK-002", "New")],
    cap: 0,
    expect: { actions: ["promote WRK-001"], halt: "CapReached" },
  },
  {
    name: "nothing to do",
    items: [item("WRK-001", "Blocked"), item("WRK-002", "New", { deps: ["WRK-001"] })],
    expect: { actions: [], halt: "AllDoneOrBlocked" },
  },
  {
    name: "a filter nothing matches",
    items: [item("WRK-001", "New")],
    only: ["tag=none"],
    expect: { actions: [], halt: "NoMatchingItems" },
  },
];

for (const c of CASES) {
  Deno.test(`planRun() matches the run loop's first actions: ${c.name}`, async () => {
    const config = testConfig(c.wip ?? 1, c.conc ?? 1);
    config.execution.max_retries = 0;
    const options: PlanRunOptions = {
      config,
      cap: c.cap ?? 100,
      ...(c.only ? { filter: parseFilters(c.only) } : {}),
      ...(c.targets ? { targets: c.targets } : {}),
    };
    const plan = planRun(c.items.map((i) => schedulerItemOf(new PgItem(i))), options);
    const lines = plan.actions.map((a) =>
      a.action.kind === "Promote"
        ? `promote ${a.action.itemId}`
        : `${a.action.itemId} ${a.action.kind === "Triage" ? "triage" : a.action.phase}`
    );
    assert.deepEqual({ actions: lines, halt: plan.halt }, c.expect);

    const starts = lines.filter((l) => !l.startsWith("promote"));
    const run = await runHarness({
      items: c.items,
      steps: completesEverything(starts.length),
      config: (cfg) => Object.assign(cfg.execution, config.execution),
      params: {
        cap: plan.halt === null ? starts.length : options.cap,
        ...(options.filter ? { filter: options.filter } : {}),
        ...(options.targets ? { targets: options.targets } : {}),
      },
    });
    try {
      const promoted = run.log.at("INFO").filter((l) => / → in_progress /.test(l))
        .map((l) => `promote ${l.split(" ")[0]}`);
      const started = run.observer.of("phase_started").map((e) => `${e.item_id} ${e.phase}`);
      const planned = lines.filter((l) => l.startsWith("promote"));
      assert.deepEqual(promoted.slice(0, planned.length), planned);
      assert.deepEqual(started.slice(0, starts.length), starts);
      if (plan.halt !== null) {
        assert.equal(run.summary.haltReason, plan.halt);
        assert.equal(run.summary.state.phasesExecuted, 0);
      }
    } finally {
      await run.repo.cleanup();
    }
  });
}

Deno.test("planRun() explains every item it does not start", () => {
  const config = testConfig(1, 1);
  const items = [
    item("WRK-001", "InProgress", { phase: "build", pool: "main" }),
    item("WRK-002", "InProgress", { phase: "prd", pool: "main" }),
    item("WRK-003", "Ready", { deps: ["WRK-002"] }),
    item("WRK-004", "Blocked"),
  ].map((i) => schedulerItemOf(new PgItem(i)));
  const plan = planRun(items, { config, cap: 100 });
  assert.deepEqual(plan.actions.map((a) => a.why), [
    "in progress at build (phase 3 of 4 in feature; furthest first); destructive: runs alone; slot 1/1",
  ]);
  assert.deepEqual(plan.skipped.map((s) => `${s.itemId} ${s.code}`), [
    "WRK-002 destructive",
    "WRK-003 dependency",
    "WRK-004 blocked",
  ]);
  const capped = planRun(items, { config: testConfig(1, 2), cap: 0 });
  assert.equal(capped.halt, "CapReached");
  assert.deepEqual(capped.skipped.find((s) => s.itemId === "WRK-001")?.code, "cap");
});
