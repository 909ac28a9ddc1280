import assert from "node:assert/strict";
import { emptyDescription } from "../../adapter/description.ts";
import { phaseResult } from "../execution/agents/scripted_agent_runner.ts";
import { triageRouting } from "./triage_routing.ts";
import { testConfig } from "../../_testing/scheduler_fixtures.ts";

const C = testConfig();
const NONE = { assessments: {}, pipelineType: null };

Deno.test("triageRouting(): small and low (or unknown) risk goes straight to Ready", () => {
  const r = triageRouting(
    NONE,
    phaseResult("W-1", "triage", "phase_complete", {
      updatedAssessments: { size: "small" },
    }),
    C,
  );
  assert.deepEqual(r, {
    updates: [
      { kind: "UpdateAssessments", assessments: { size: "small" } },
      { kind: "TransitionStatus", to: "Scoping" },
      { kind: "TransitionStatus", to: "Ready" },
    ],
    blockedReason: null,
  });
});

Deno.test("triageRouting(): otherwise Scoping at the first pre-phase; no pre-phases → Ready", () => {
  const r = triageRouting(
    { assessments: { size: "small" }, pipelineType: null },
    phaseResult("W-1", "triage", "phase_complete", {
      updatedAssessments: { risk: "medium" },
    }),
    C,
  );
  assert.deepEqual(r.updates.slice(1), [
    { kind: "TransitionStatus", to: "Scoping" },
    { kind: "SetPhase", phase: "research" },
    { kind: "SetPhasePool", pool: "pre" },
  ]);
  const blog = triageRouting(
    NONE,
    phaseResult("W-1", "triage", "phase_complete", {
      pipelineType: "blog",
      updatedAssessments: { size: "large" },
    }),
    C,
  );
  assert.deepEqual(blog.updates.slice(1), [
    { kind: "SetPipelineType", pipelineType: "blog" },
    { kind: "TransitionStatus", to: "Scoping" },
    { kind: "TransitionStatus", to: "Ready" },
  ]);
});

Deno.test("triageRouting(): description, review flag, invalid pipeline, blocked, failed", () => {
  const d = { ...emptyDescription(), problem: "P" };
  const r = triageRouting(
    NONE,
    phaseResult("W-1", "triage", "failed", {
      description: d,
      requiresHumanReview: true,
    }),
    C,
  );
  assert.deepEqual(r.updates, [
    { kind: "SetDescription", description: d },
    { kind: "SetRequiresHumanReview", required: true },
  ]);
  const empty = triageRouting(
    NONE,
    phaseResult("W-1", "triage", "subphase_complete", {
      description: emptyDescription(),
    }),
    C,
  );
  assert.deepEqual(empty.updates, [], "an all-empty description is ignored");
  const bad = triageRouting(
    NONE,
    phaseResult("W-1", "triage", "phase_complete", { pipelineType: "x" }),
    C,
  );
  assert.equal(
    bad.blockedReason,
    "Triage assigned invalid pipeline type 'x'. Available: blog, feature",
  );
  assert.deepEqual(bad.updates.at(-1), { kind: "SetBlocked", reason: bad.blockedReason });
  const blocked = triageRouting(
    NONE,
    phaseResult("W-1", "triage", "blocked", {
      summary: "s",
      context: "Obsolete",
      blockedType: "decision",
    }),
    C,
  );
  assert.deepEqual(blocked, {
    updates: [
      { kind: "SetBlocked", reason: "Obsolete" },
      { kind: "SetBlockedType", blockedType: "decision" },
    ],
    blockedReason: "Obsolete",
  });
});
