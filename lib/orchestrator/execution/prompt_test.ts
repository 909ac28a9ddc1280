import assert from "node:assert/strict";
import { emptyDescription } from "../../adapter/description.ts";
import {
  buildPhasePrompt,
  buildTriagePrompt,
  MAX_PROMPT_BYTES,
  type PromptItem,
} from "./prompt.ts";

const ITEM: PromptItem = {
  id: "WRK-001",
  title: "Add a parser",
  assessments: {},
  description: null,
  nativeDescription: null,
};

Deno.test("buildPhasePrompt() minimal: preamble, task, structured output", () => {
  const p = buildPhasePrompt({
    item: ITEM,
    phase: "spec",
    workflows: ["./workflows/spec.md"],
    changeFolder: "./changes/WRK-001_add-a-parser",
    resultPath: "./.phase-golem/phase_result_WRK-001_spec.json",
  });
  const blocks = p.split("\n\n## Task\n\n");
  assert.equal(
    blocks[0],
    "# Autonomous Agent\n\n" +
      "You are running autonomously as part of the phase-golem changes workflow.\n" +
      "No human is available for questions — use your judgment to make decisions.\n" +
      'Record any questions you would normally ask in an "Assumptions" section of the artifact,\n' +
      "documenting decisions made without human input.\n\n" +
      "## Item\n\n- **ID:** WRK-001\n- **Title:** Add a parser",
  );
  assert.ok(
    blocks[1]!.startsWith(
      "Read and follow the workflow at `./workflows/spec.md`.\n\n" +
        "The change folder for this item is: `./changes/WRK-001_add-a-parser`\n\n" +
        "## Structured Output\n\nWhen you are finished, write a JSON result file to:\n\n" +
        "```\n./.phase-golem/phase_result_WRK-001_spec.json\n```\n\n" +
        "The file must contain valid JSON matching this schema:\n\n```json\n{\n" +
        '  "item_id": "WRK-001",\n  "phase": "spec",\n' +
        '  "result": "phase_complete | subphase_complete | failed | blocked",\n',
    ),
  );
  const keys = [...p.matchAll(/^ {2}"(\w+)":/gm)].map((m) => m[1]);
  assert.deepEqual(keys, [
    "item_id",
    "phase",
    "result",
    "summary",
    "context",
    "updated_assessments",
    "commit_summary",
    "follow_ups",
  ]);
  assert.match(p, /- `subphase_complete` — .*more work remains in this phase \(build only\)\.\n/);
  assert.match(
    p,
    /\*\*Important:\*\*\n(- .+\n){3}- The JSON must be valid — do not include comments or trailing commas\.$/,
  );
  // The body of the JSON example is valid JSON.
  JSON.parse(/```json\n([\s\S]+?)\n```/.exec(p)![1]!);
});

Deno.test("buildPhasePrompt() optional sections in order; several workflows are numbered", () => {
  const p = buildPhasePrompt({
    item: {
      ...ITEM,
      assessments: { size: "small", risk: "low", impact: "high" },
      description: {
        ...emptyDescription(),
        context: "Ctx",
        solution: "Sol",
        sizing_rationale: "Few files",
      },
      nativeDescription: "Ctx",
    },
    phase: "build",
    workflows: ["a.md", "b.md"],
    changeFolder: "/r/changes/x",
    resultPath: "/r/.phase-golem/r.json",
    previousSummary: "Spec written",
    unblockNotes: "Use v2",
    failureContext: "Tests failed",
  });
  const headings = [...p.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  assert.deepEqual(headings, [
    "Item",
    "Current Assessments",
    "Description",
    "Previous Phase Summary",
    "Unblock Context",
    "Previous Failure",
    "Task",
    "Structured Output",
  ]);
  assert.ok(
    p.includes(
      "## Current Assessments\n\n- **Size:** small\n- **Risk:** low\n- **Impact:** high\n\n",
    ),
  );
  assert.ok(
    p.includes(
      "## Description\n\n**Context:** Ctx\n**Solution:** Sol\n**Sizing Rationale:** Few files\n\n",
    ),
  );
  assert.ok(
    p.includes(
      "## Unblock Context\n\nThis item was previously blocked. Context from the human:\n\nUse v2\n\n",
    ),
  );
  assert.ok(p.includes(
    "## Previous Failure\n\nThe previous attempt at this phase failed. Here is what happened:\n\n" +
      "Tests failed\n\nAnalyze the failure and try a different approach.\n\n## Task",
  ));
  assert.ok(p.includes(
    "Complete the following workflows in order:\n\n" +
      "1. Read and follow the workflow at `a.md`.\n2. Read and follow the workflow at `b.md`.\n\n",
  ));
});

Deno.test("buildPhasePrompt() [Fix] shows the native description of a tg-added item", () => {
  const p = buildPhasePrompt({
    item: { ...ITEM, nativeDescription: "Written with tg add --description" },
    phase: "prd",
    workflows: [],
    changeFolder: "c",
    resultPath: "r",
  });
  assert.ok(p.includes("## Description\n\nWritten with tg add --description\n\n## Task"));
  assert.ok(
    p.includes("## Task\n\nComplete the following workflows in order:\n\n\n\nThe change folder"),
  );
});

Deno.test("buildTriagePrompt(): preamble, backlog, pipelines and instructions, triage output", () => {
  const { prompt: p, omitted } = buildTriagePrompt({
    item: { ...ITEM, assessments: { size: "medium" } },
    resultPath: "/r/.phase-golem/phase_result_WRK-001_triage.json",
    pipelines: ["feature", "blog"],
    backlog: [
      { id: "WRK-002", title: "Other", status: "inprogress" },
      { id: "tg-1rh14", title: "Added by tg", status: "blocked" },
    ],
  });
  assert.equal(omitted, 0);
  assert.ok(p.startsWith(
    "# Autonomous Triage Agent\n\n" +
      "You are running autonomously as a triage agent. No human is available for questions.\n" +
      'Record any questions you would normally ask in an "Assumptions" section of the artifact,\n' +
      "documenting decisions made without human input.\n\n## Item to Triage\n\n- **ID:** WRK-001\n",
  ));
  const headings = [...p.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  assert.deepEqual(headings, [
    "Item to Triage",
    "Current Assessments",
    "Current Backlog",
    "Available Pipeline Types",
    "Instructions",
    "Structured Output",
  ]);
  assert.ok(p.includes("\n- WRK-002: Other [inprogress]\n- tg-1rh14: Added by tg [blocked]\n\n"));
  assert.ok(p.includes("## Available Pipeline Types\n\n- `blog`\n- `feature`\n\n"));
  assert.ok(!/Higher-numbered/i.test(p), "[Fix] B13: no merge-direction promise");
  assert.equal([...p.matchAll(/^\d\. \*\*/gm)].length, 7, "seven numbered steps");
  assert.ok(p.includes("`_ideas/{item_id}_{slug}.md`"));
  const keys = [...p.matchAll(/^ {2}"(\w+)":/gm)].map((m) => m[1]);
  assert.deepEqual(keys, [
    "item_id",
    "phase",
    "result",
    "summary",
    "context",
    "pipeline_type",
    "updated_assessments",
    "commit_summary",
    "follow_ups",
    "duplicates",
    "description",
  ]);
  assert.ok(p.includes('"phase": "triage"'));
  assert.ok(p.includes('"duplicates": ["WRK-xxx"]'));
  JSON.parse(/```json\n([\s\S]+?)\n```/.exec(p)![1]!);
  assert.ok(!p.includes("## Previous"), "no summary or failure sections on a first attempt");
});

Deno.test("buildTriagePrompt() points to the project's triage guides before the instructions", () => {
  const one = buildTriagePrompt({
    item: ITEM,
    resultPath: "r",
    pipelines: ["fix", "feature"],
    guides: ["/p/phase-golem-workflows/triage.md"],
    backlog: [],
  }).prompt;
  const headings = [...one.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  assert.deepEqual(headings, [
    "Item to Triage",
    "Available Pipeline Types",
    "Triage Guide",
    "Instructions",
    "Structured Output",
  ]);
  assert.ok(one.includes(
    "## Available Pipeline Types\n\n- `feature`\n- `fix`\n\n## Triage Guide\n\n" +
      "Read and follow the triage guide at `/p/phase-golem-workflows/triage.md`. It says what " +
      "each pipeline type is for",
  ));
  const two = buildTriagePrompt({
    item: ITEM,
    resultPath: "r",
    pipelines: ["feature"],
    guides: ["a.md", "b.md"],
    backlog: [],
  }).prompt;
  assert.ok(two.includes("the guides win.\n\n1. `a.md`\n2. `b.md`\n\n## Instructions"), two);
  const none = buildTriagePrompt({ item: ITEM, resultPath: "r", pipelines: ["x"], backlog: [] });
  assert.ok(!none.prompt.includes("Triage Guide"));
});

Deno.test("buildTriagePrompt() leaves the backlog out when there is none", () => {
  const { prompt } = buildTriagePrompt({
    item: ITEM,
    resultPath: "r",
    pipelines: ["feature"],
    backlog: [],
  });
  assert.ok(!prompt.includes("## Current Backlog"));
});

Deno.test("buildTriagePrompt() [Fix] B34 cuts the backlog to stay under 100 KB", () => {
  const backlog = Array.from({ length: 5000 }, (_, i) => ({
    id: `WRK-${String(i).padStart(5, "0")}`,
    title: "A fairly long title that takes some room in the prompt",
    status: "new",
  }));
  const { prompt, omitted } = buildTriagePrompt({
    item: ITEM,
    resultPath: "r",
    pipelines: ["feature"],
    backlog,
  });
  const bytes = new TextEncoder().encode(prompt).length;
  assert.ok(bytes <= MAX_PROMPT_BYTES, `${bytes}`);
  assert.ok(omitted > 0 && omitted < 5000);
  assert.ok(prompt.includes(`- … ${omitted} more item(s) not shown (prompt size limit)\n`));
  assert.ok(prompt.includes("- WRK-00000: "), "the first items are kept");
  assert.ok(prompt.endsWith("trailing commas."), "the instructions are never cut");
});
