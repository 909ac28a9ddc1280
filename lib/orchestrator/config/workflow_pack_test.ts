import assert from "node:assert/strict";
import {
  isWorkflowPackPath,
  WORKFLOW_PACK_DIR,
  workflowPackPipelines,
  workflowPackTriage,
} from "./workflow_pack.ts";
import { workflowPackFiles } from "./workflow_pack_files.ts";

const files = new Map(workflowPackFiles().map((f) => [f.path, f.text]));
const pipelines = workflowPackPipelines();

function phaseFiles(): { pipeline: string; phase: string; destructive: boolean; text: string }[] {
  return Object.entries(pipelines).flatMap(([pipeline, p]) =>
    [...p.pre_phases, ...p.phases].map((ph) => ({
      pipeline,
      phase: ph.name,
      destructive: ph.is_destructive,
      text: files.get(ph.workflows[0]!) ?? "",
    }))
  );
}

Deno.test("workflowPackPipelines() are feature (research; prd … review) and fix (build, review)", () => {
  assert.deepEqual(Object.keys(pipelines), ["feature", "fix"]);
  const names = (p: keyof typeof pipelines) => [
    pipelines[p]!.pre_phases.map((x) => x.name),
    pipelines[p]!.phases.map((x) => x.name),
  ];
  assert.deepEqual(names("feature"), [
    ["research"],
    ["prd", "tech-research", "design", "spec", "build", "review"],
  ]);
  assert.deepEqual(names("fix"), [[], ["build", "review"]]);
  for (const p of Object.values(pipelines)) {
    for (const ph of [...p.pre_phases, ...p.phases]) {
      assert.equal(ph.is_destructive, ph.name === "build" || ph.name === "review", ph.name);
      assert.equal(ph.workflows.length, 1);
    }
  }
});

Deno.test("workflowPackFiles() holds exactly the referenced workflows, the triage guide and a README", () => {
  const referenced = new Set([
    ...workflowPackTriage().workflows,
    ...Object.values(pipelines).flatMap((p) =>
      [...p.pre_phases, ...p.phases].flatMap((ph) => ph.workflows)
    ),
  ]);
  assert.deepEqual(
    [...files.keys()].sort(),
    [...referenced, `${WORKFLOW_PACK_DIR}/README.md`].sort(),
  );
  assert.equal(files.size, 11);
  for (const [path, text] of files) {
    assert.ok(path.startsWith(`${WORKFLOW_PACK_DIR}/`) && path.endsWith(".md"), path);
    assert.ok(text.startsWith("# ") && text.endsWith("\n") && !text.endsWith("\n\n"), path);
  }
});

Deno.test("workflowPackFiles() is plain Markdown a user can edit: no placeholders, short lines", () => {
  for (const [path, text] of files) {
    for (const marker of ["{{", "${", "TODO", "FIXME", "TBD", "{ID}", "YOUR_"]) {
      assert.ok(!text.includes(marker), `${path} contains ${marker}`);
    }
    text.split("\n").forEach((line, i) => {
      assert.ok(line.length <= 100, `${path}:${i + 1} is ${line.length} characters long`);
    });
  }
});

Deno.test("the triage guide describes every pipeline of the pack, and when to choose it", () => {
  const guide = files.get(workflowPackTriage().workflows[0]!)!;
  for (const [name, p] of Object.entries(pipelines)) {
    const at = guide.search(new RegExp(`^### \`${name}\`: `, "m"));
    assert.ok(at >= 0, name);
    const section = guide.slice(at).split(/\n##/)[0]!;
    // Its phases, in order.
    let from = 0;
    for (const ph of [...p.pre_phases, ...p.phases]) {
      const i = section.indexOf(`\`${ph.name}\``, from);
      assert.ok(i >= 0, `${name}: ${ph.name}`);
      from = i;
    }
    assert.match(section, /Choose\s+`\w+`/, name);
  }
  assert.match(guide, /When in doubt, choose `feature`/);
  assert.match(guide, /duplicate/i);
});

Deno.test("every phase workflow says what to produce, how to choose the result, and the rules", () => {
  for (const { pipeline, phase, destructive, text } of phaseFiles()) {
    const at = `${pipeline}/${phase}`;
    for (const section of ["## Before you start", "## What to do", "## Result", "## Rules"]) {
      assert.ok(text.includes(section), `${at}: ${section}`);
    }
    for (const code of ["phase_complete", "failed", "blocked"]) {
      assert.ok(text.includes(`\`${code}\``), `${at}: ${code}`);
    }
    // Only the feature build works through the spec in sub-phases.
    assert.equal(
      text.includes("`subphase_complete`"),
      pipeline === "feature" && phase === "build",
      at,
    );
    assert.match(text, /Follow-ups|follow-ups/, at);
    assert.match(text, /change folder/, at);
    assert.match(text, /Do not commit/, at);
    // Phases that change no code say so; the ones that do run the project's checks.
    if (destructive) assert.match(text, /project's (full )?test.* lint/s, at);
    else assert.match(text, /This phase changes no code/, at);
  }
});

Deno.test("the workflows leave the result-file contract to pg's prompt", () => {
  for (const [path, text] of files) {
    if (path.endsWith("README.md")) continue; // it tells users the contract is pg's
    for (const word of ["result file", "phase_result", "item_id", "JSON", "commit_summary"]) {
      assert.ok(!text.includes(word), `${path} mentions ${word}`);
    }
  }
});

Deno.test("isWorkflowPackPath() recognises paths in the pack's folder", () => {
  assert.equal(isWorkflowPackPath("phase-golem-workflows/fix/build.md"), true);
  assert.equal(isWorkflowPackPath("./phase-golem-workflows/triage.md"), true);
  assert.equal(isWorkflowPackPath("workflows/build.md"), false);
  assert.equal(isWorkflowPackPath("phase-golem-workflows-old/build.md"), false);
});
