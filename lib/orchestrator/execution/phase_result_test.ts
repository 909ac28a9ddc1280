import assert from "node:assert/strict";
import { parsePhaseResult, type PhaseResult, PhaseResultError } from "./phase_result.ts";

const PATH = "./.phase-golem/phase_result_WRK-001_prd.json";
const BASE = { "item_id": "WRK-001", phase: "prd", result: "phase_complete", summary: "Done" };

function parse(doc: unknown): PhaseResult {
  return parsePhaseResult(typeof doc === "string" ? doc : JSON.stringify(doc), PATH);
}

function problemsOf(doc: unknown): readonly string[] {
  try {
    parse(doc);
  } catch (e) {
    assert.ok(e instanceof PhaseResultError, String(e));
    assert.equal(e.path, PATH);
    assert.equal(e.message, `Failed to parse result JSON from ${PATH}: ${e.problems.join("; ")}`);
    return e.problems;
  }
  assert.fail("expected a parse error");
}

Deno.test("parsePhaseResult() maps a full snake_case file to the camelCase model", () => {
  const r = parse({
    "item_id": "WRK-001",
    phase: "triage",
    result: "blocked",
    summary: "Needs a decision",
    context: "Which database?",
    "updated_assessments": { size: "large", complexity: "high", risk: "medium", impact: "low" },
    "follow_ups": [
      "  Plain title  ",
      {
        title: "Object title",
        context: "why",
        "suggested_size": "small",
        "suggested_risk": "high",
      },
    ],
    "based_on_commit": "abc123",
    "pipeline_type": "feature",
    "commit_summary": "Triage WRK-001",
    duplicates: ["WRK-002"],
    description: {
      context: "c",
      problem: "p",
      solution: "s",
      impact: "i",
      "sizing_rationale": "r",
    },
    "requires_human_review": true,
    "blocked_type": "decision",
  });
  assert.deepEqual(r, {
    itemId: "WRK-001",
    phase: "triage",
    result: "blocked",
    summary: "Needs a decision",
    context: "Which database?",
    updatedAssessments: { size: "large", complexity: "high", risk: "medium", impact: "low" },
    followUps: [
      { title: "Plain title" },
      { title: "Object title", context: "why", suggestedSize: "small", suggestedRisk: "high" },
    ],
    basedOnCommit: "abc123",
    pipelineType: "feature",
    commitSummary: "Triage WRK-001",
    duplicates: ["WRK-002"],
    description: {
      context: "c",
      problem: "p",
      solution: "s",
      impact: "i",
      "sizing_rationale": "r",
    },
    requiresHumanReview: true,
    blockedType: "decision",
  });
});

Deno.test("parsePhaseResult() needs only the four required keys; lists default to []", () => {
  const r = parse(BASE);
  assert.deepEqual(r, {
    itemId: "WRK-001",
    phase: "prd",
    result: "phase_complete",
    summary: "Done",
    followUps: [],
    duplicates: [],
  });
  for (const key of Object.keys(r)) {
    assert.notEqual((r as unknown as Record<string, unknown>)[key], undefined, key);
  }
});

Deno.test("parsePhaseResult() accepts every result code", () => {
  for (const code of ["phase_complete", "subphase_complete", "failed", "blocked"]) {
    assert.equal(parse({ ...BASE, result: code }).result, code);
  }
});

Deno.test("parsePhaseResult() treats null as absent for every optional key; [Fix] null lists are []", () => {
  const r = parse({
    ...BASE,
    context: null,
    "updated_assessments": null,
    "follow_ups": null,
    "based_on_commit": null,
    "pipeline_type": null,
    "commit_summary": null,
    duplicates: null,
    description: null,
    "requires_human_review": null,
    "blocked_type": null,
  });
  assert.deepEqual(r, { ...parse(BASE) });
  assert.deepEqual(
    parse({ ...BASE, "updated_assessments": { size: null, risk: "low" } }).updatedAssessments,
    { risk: "low" },
  );
  assert.deepEqual(
    parse({ ...BASE, "follow_ups": [{ title: "T", context: null, "suggested_size": null }] })
      .followUps,
    [{ title: "T" }],
  );
});

Deno.test("parsePhaseResult() ignores unknown keys at every level", () => {
  const r = parse({
    ...BASE,
    extra: { deep: [1, 2] },
    "updated_assessments": { size: "small", colour: "red" },
    "follow_ups": [{ title: "T", priority: 9 }],
    description: { context: "c", extra: 1 },
  });
  assert.deepEqual(r.updatedAssessments, { size: "small" });
  assert.deepEqual(r.followUps, [{ title: "T" }]);
  assert.deepEqual(r.description, {
    context: "c",
    problem: "",
    solution: "",
    impact: "",
    "sizing_rationale": "",
  });
});

Deno.test("parsePhaseResult() fills missing description fields with empty strings", () => {
  assert.deepEqual(parse({ ...BASE, description: {} }).description, {
    context: "",
    problem: "",
    solution: "",
    impact: "",
    "sizing_rationale": "",
  });
});

Deno.test("parsePhaseResult() accepts requires_human_review false and both blocked types", () => {
  assert.equal(parse({ ...BASE, "requires_human_review": false }).requiresHumanReview, false);
  assert.equal(parse({ ...BASE, "blocked_type": "clarification" }).blockedType, "clarification");
});

Deno.test("parsePhaseResult() strips a UTF-8 byte order mark", () => {
  assert.equal(parse("\ufeff" + JSON.stringify(BASE)).itemId, "WRK-001");
});

// Every rule that invalidates a file, with its message.
const INVALID: [string, unknown, string[]][] = [
  ["not JSON", "{not json", [
    "Expected property name or '}' in JSON at position 1 (line 1 column 2)",
  ]],
  ["empty file", "", ["Unexpected end of JSON input"]],
  ["trailing comma", '{"item_id": "a",\n}', [
    "Expected double-quoted property name in JSON at position 17 (line 2 column 1)",
  ]],
  ["an array", "[]", ["invalid type: sequence, expected a JSON object"]],
  ["a string", '"done"', ['invalid type: string "done", expected a JSON object']],
  ["null", "null", ["invalid type: null, expected a JSON object"]],
  ["missing item_id", { phase: "p", result: "failed", summary: "s" }, [
    "missing field `item_id`",
  ]],
  ["non-string item_id", { ...BASE, "item_id": 7 }, [
    "item_id: invalid type: integer `7`, expected a string",
  ]],
  ["null item_id", { ...BASE, "item_id": null }, [
    "item_id: invalid type: null, expected a string",
  ]],
  ["missing phase", { "item_id": "a", result: "failed", summary: "s" }, [
    "missing field `phase`",
  ]],
  ["non-string phase", { ...BASE, phase: ["prd"] }, [
    "phase: invalid type: sequence, expected a string",
  ]],
  ["missing summary", { "item_id": "a", phase: "p", result: "failed" }, [
    "missing field `summary`",
  ]],
  ['"summary": null', { ...BASE, summary: null }, [
    "summary: invalid type: null, expected a string",
  ]],
  ["missing result", { "item_id": "a", phase: "p", summary: "s" }, ["missing field `result`"]],
  ["unknown result", { ...BASE, result: "done" }, [
    "result: unknown variant `done`, expected one of `subphase_complete`, `phase_complete`, `failed`, `blocked`",
  ]],
  ["upper-case result", { ...BASE, result: "Phase_Complete" }, [
    "result: unknown variant `Phase_Complete`, expected one of `subphase_complete`, `phase_complete`, `failed`, `blocked`",
  ]],
  ["null result", { ...BASE, result: null }, [
    "result: invalid type: null, expected one of `subphase_complete`, `phase_complete`, `failed`, `blocked`",
  ]],
  ["non-string context", { ...BASE, context: 1.5 }, [
    "context: invalid type: floating point `1.5`, expected a string",
  ]],
  ["assessments not an object", { ...BASE, "updated_assessments": "small" }, [
    'updated_assessments: invalid type: string "small", expected an object',
  ]],
  ["bad size", { ...BASE, "updated_assessments": { size: "huge" } }, [
    "updated_assessments.size: unknown variant `huge`, expected one of `small`, `medium`, `large`",
  ]],
  ["upper-case risk", { ...BASE, "updated_assessments": { risk: "LOW" } }, [
    "updated_assessments.risk: unknown variant `LOW`, expected one of `low`, `medium`, `high`",
  ]],
  ["bad complexity and impact", {
    ...BASE,
    "updated_assessments": { complexity: "Medium", impact: 3 },
  }, [
    "updated_assessments.complexity: unknown variant `Medium`, expected one of `low`, `medium`, `high`",
    "updated_assessments.impact: invalid type: integer `3`, expected one of `low`, `medium`, `high`",
  ]],
  ["follow_ups not a list", { ...BASE, "follow_ups": "x" }, [
    'follow_ups: invalid type: string "x", expected a sequence',
  ]],
  ["follow-up object without title", { ...BASE, "follow_ups": ["ok", { context: "c" }] }, [
    "follow_ups[1]: missing field `title`",
  ]],
  ["follow-up with null title", { ...BASE, "follow_ups": [{ title: null }] }, [
    "follow_ups[0].title: invalid type: null, expected a string",
  ]],
  ["follow-up of the wrong type", { ...BASE, "follow_ups": [42, null] }, [
    "follow_ups[0]: invalid type: integer `42`, expected a title string or an object with a `title`",
    "follow_ups[1]: invalid type: null, expected a title string or an object with a `title`",
  ]],
  ["bad enum inside a follow-up", {
    ...BASE,
    "follow_ups": [{ title: "T", "suggested_size": "Small" }, {
      title: "U",
      "suggested_risk": "none",
    }],
  }, [
    "follow_ups[0].suggested_size: unknown variant `Small`, expected one of `small`, `medium`, `large`",
    "follow_ups[1].suggested_risk: unknown variant `none`, expected one of `low`, `medium`, `high`",
  ]],
  ["non-string follow-up context", { ...BASE, "follow_ups": [{ title: "T", context: {} }] }, [
    "follow_ups[0].context: invalid type: map, expected a string",
  ]],
  ["non-string based_on_commit", { ...BASE, "based_on_commit": true }, [
    "based_on_commit: invalid type: boolean `true`, expected a string",
  ]],
  ["non-string pipeline_type", { ...BASE, "pipeline_type": 1 }, [
    "pipeline_type: invalid type: integer `1`, expected a string",
  ]],
  ["non-string commit_summary", { ...BASE, "commit_summary": [] }, [
    "commit_summary: invalid type: sequence, expected a string",
  ]],
  ["duplicates not a list", { ...BASE, duplicates: "WRK-002" }, [
    'duplicates: invalid type: string "WRK-002", expected a sequence',
  ]],
  ["non-string duplicate", { ...BASE, duplicates: ["WRK-002", 3] }, [
    "duplicates[1]: invalid type: integer `3`, expected a string",
  ]],
  ["description not an object", { ...BASE, description: "text" }, [
    'description: invalid type: string "text", expected an object',
  ]],
  ["null description string", { ...BASE, description: { context: "c", problem: null } }, [
    "description.problem: invalid type: null, expected a string",
  ]],
  ["non-string description field", { ...BASE, description: { "sizing_rationale": 2 } }, [
    "description.sizing_rationale: invalid type: integer `2`, expected a string",
  ]],
  ["non-boolean requires_human_review", { ...BASE, "requires_human_review": "yes" }, [
    'requires_human_review: invalid type: string "yes", expected a boolean',
  ]],
  ["bad blocked_type", { ...BASE, "blocked_type": "Decision" }, [
    "blocked_type: unknown variant `Decision`, expected `clarification` or `decision`",
  ]],
  ["several problems at once", { result: "ok", summary: null }, [
    "missing field `item_id`",
    "missing field `phase`",
    "result: unknown variant `ok`, expected one of `subphase_complete`, `phase_complete`, `failed`, `blocked`",
    "summary: invalid type: null, expected a string",
  ]],
];

for (const [name, doc, expected] of INVALID) {
  Deno.test(`parsePhaseResult() rejects ${name}`, () => {
    assert.deepEqual(problemsOf(doc), expected);
  });
}

Deno.test("parsePhaseResult() leaves identity checks to the caller (any item_id/phase string parses)", () => {
  const r = parse({ ...BASE, "item_id": "WRK-999", phase: "" });
  assert.equal(r.itemId, "WRK-999");
  assert.equal(r.phase, "");
});
