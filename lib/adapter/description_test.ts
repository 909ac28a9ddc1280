import assert from "node:assert/strict";
import { emptyDescription, isDescriptionEmpty, parseDescriptionText } from "./description.ts";

Deno.test("parseDescriptionText() splits the five headed sections", () => {
  const { description, conforming } = parseDescriptionText(
    "Context: Users need to log in.\nProblem: No auth exists.\nSolution: Add JWT-based auth.\n" +
      "Impact: Enables user-specific features.\nSizing rationale: Medium because it touches multiple layers.",
  );
  assert.ok(conforming);
  assert.deepEqual(description, {
    context: "Users need to log in.",
    problem: "No auth exists.",
    solution: "Add JWT-based auth.",
    impact: "Enables user-specific features.",
    sizing_rationale: "Medium because it touches multiple layers.",
  });
});

Deno.test("parseDescriptionText() without headers keeps the text as context", () => {
  const { description, conforming } = parseDescriptionText(
    "  Just a simple typo fix, no structured headers\n",
  );
  assert.equal(conforming, false);
  assert.deepEqual(description, {
    ...emptyDescription(),
    context: "Just a simple typo fix, no structured headers",
  });
});

Deno.test("parseDescriptionText() headers are case-insensitive and trimmed", () => {
  const { description } = parseDescriptionText("   PROBLEM:   broken  \n  solution:fix it");
  assert.equal(description.problem, "broken");
  assert.equal(description.solution, "fix it");
});

Deno.test("parseDescriptionText() joins continuation lines and prepends the preamble", () => {
  const { description } = parseDescriptionText(
    "Intro line\nsecond intro\nContext: first\n  more context  \nProblem:\nline a\nline b",
  );
  assert.equal(description.context, "Intro line\nsecond intro\nfirst\nmore context");
  assert.equal(description.problem, "line a\nline b");
});

Deno.test("parseDescriptionText() a repeated header discards the earlier section", () => {
  const { description } = parseDescriptionText("Impact: old\nmore old\nImpact: new");
  assert.equal(description.impact, "new");
});

Deno.test("parseDescriptionText() preamble alone becomes the context of a headed text", () => {
  const { description } = parseDescriptionText("Preamble\nSolution: s");
  assert.equal(description.context, "Preamble");
  assert.equal(description.solution, "s");
});

Deno.test("isDescriptionEmpty() is true only when every field is empty", () => {
  assert.ok(isDescriptionEmpty(emptyDescription()));
  for (const k of ["context", "problem", "solution", "impact", "sizing_rationale"] as const) {
    assert.equal(isDescriptionEmpty({ ...emptyDescription(), [k]: "x" }), false, k);
  }
});
