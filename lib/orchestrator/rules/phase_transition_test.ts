import assert from "node:assert/strict";
import type { PipelineConfig } from "../config/config.ts";
import { phaseResult } from "../execution/agents/scripted_agent_runner.ts";
import { passesGuardrails, resolveTransition, type TransitionItem } from "./phase_transition.ts";

const G = { max_size: "medium", max_complexity: "medium", max_risk: "low" } as const;

function ph(name: string) {
  return { name, workflows: [], is_destructive: false, staleness: "ignore" as const };
}
const P: PipelineConfig = {
  "pre_phases": [ph("research"), ph("scope")],
  phases: [ph("prd"), ph("build"), ph("review")],
};

function at(
  phase: string,
  pool: "pre" | "main" | null,
  o: Partial<TransitionItem> = {},
): TransitionItem {
  return { phase, phasePool: pool, assessments: {}, requiresHumanReview: false, ...o };
}

Deno.test("passesGuardrails() compares each known dimension; equal passes, unknown passes", () => {
  assert.ok(passesGuardrails({}, G));
  assert.ok(passesGuardrails({ size: "medium", complexity: "medium", risk: "low" }, G));
  assert.ok(!passesGuardrails({ size: "large" }, G));
  assert.ok(!passesGuardrails({ complexity: "high" }, G));
  assert.ok(!passesGuardrails({ risk: "medium" }, G));
  assert.ok(passesGuardrails({ size: "small", impact: "high" }, G), "impact is not a guardrail");
});

Deno.test("resolveTransition(): pre phases move on, the last one gates into Ready", () => {
  const done = (item: TransitionItem, extra = {}) =>
    resolveTransition(item, phaseResult("WRK-001", item.phase!, "phase_complete", extra), P, G);
  assert.deepEqual(done(at("research", "pre")), [{ kind: "SetPhase", phase: "scope" }]);
  assert.deepEqual(done(at("research", "pre"), { basedOnCommit: "abc123" }), [
    { kind: "SetPhase", phase: "scope" },
    { kind: "SetLastPhaseCommit", sha: "abc123" },
  ]);
  assert.deepEqual(done(at("scope", "pre")), [{ kind: "ClearPhase" }, {
    kind: "TransitionStatus",
    to: "Ready",
  }]);
  assert.deepEqual(done(at("scope", "pre", { requiresHumanReview: true })), [{
    kind: "SetBlocked",
    reason: "Requires human review before entering pipeline",
  }]);
  assert.deepEqual(done(at("scope", "pre", { assessments: { risk: "high" } })), [{
    kind: "SetBlocked",
    reason: "Exceeds autonomous guardrail thresholds",
  }]);
  assert.deepEqual(done(at("nope", "pre")), [{
    kind: "SetBlocked",
    reason: "Phase nope not found in pre_phases",
  }]);
});

Deno.test("resolveTransition(): main phases move on; the last makes the item Done", () => {
  const done = (item: TransitionItem) =>
    resolveTransition(item, phaseResult("WRK-001", item.phase!), P, G);
  assert.deepEqual(done(at("prd", "main")), [{ kind: "SetPhase", phase: "build" }]);
  assert.deepEqual(
    done(at("build", null)),
    [{ kind: "SetPhase", phase: "review" }],
    "no pool = main",
  );
  assert.deepEqual(done(at("review", "main")), [{ kind: "TransitionStatus", to: "Done" }]);
  assert.deepEqual(done(at("x", "main")), [{
    kind: "SetBlocked",
    reason: "Phase x not found in pipeline phases",
  }]);
  // Guardrails only apply at the last pre-phase.
  assert.deepEqual(
    done(at("review", "main", { assessments: { size: "large" }, requiresHumanReview: true })),
    [{ kind: "TransitionStatus", to: "Done" }],
  );
});

Deno.test("resolveTransition(): failed, blocked and subphase_complete", () => {
  const item = at("build", "main");
  assert.deepEqual(
    resolveTransition(item, phaseResult("W", "build", "failed", { summary: "tests red" }), P, G),
    [{
      kind: "SetBlocked",
      reason: "Phase build failed after retries exhausted. Last failure: tests red",
    }],
  );
  assert.deepEqual(
    resolveTransition(item, phaseResult("W", "build", "blocked", { context: "need key" }), P, G),
    [{ kind: "SetBlocked", reason: "need key" }],
  );
  assert.deepEqual(
    resolveTransition(item, phaseResult("W", "build", "blocked", { summary: "s" }), P, G),
    [{ kind: "SetBlocked", reason: "s" }],
  );
  assert.deepEqual(
    resolveTransition(item, phaseResult("W", "build", "subphase_complete"), P, G),
    [],
  );
});
