/**
 * The workflow pack: the Markdown workflows `pg init` writes into a project
 * (their texts are in `workflow_pack_files.ts`) and the pipelines of the
 * config it writes, which use them. Two pipelines:
 *
 * - `feature`: pre-phase `research` (scoping), then `prd` → `tech-research`
 *   → `design` → `spec` → `build` → `review`;
 * - `fix`, for small, low-risk changes: `build` → `review`.
 *
 * `build` and `review` change code, so they are destructive (they run alone
 * and are committed at once). Triage routes items with the guide
 * `triage.md`, which describes both pipelines.
 *
 * @module
 */

import type { PhaseConfig, PipelineConfig, TriageConfig } from "./config.ts";

/** The folder of the workflow pack, relative to the project root (committed with the project). */
export const WORKFLOW_PACK_DIR = "phase-golem-workflows";

function phase(name: string, file: string, destructive = false): PhaseConfig {
  return {
    name,
    workflows: [`${WORKFLOW_PACK_DIR}/${file}`],
    is_destructive: destructive,
    staleness: "ignore",
  };
}

/**
 * The pipelines of the workflow pack, `feature` first.
 *
 * @returns Fresh copies, workflow paths relative to the project root.
 *
 * @example
 * ```ts
 * import { workflowPackPipelines } from "./workflow_pack.ts";
 * import assert from "node:assert/strict";
 *
 * const { feature, fix } = workflowPackPipelines();
 * assert.deepEqual(feature!.pre_phases.map((p) => p.name), ["research"]);
 * assert.deepEqual(fix!.phases.map((p) => p.name), ["build", "review"]);
 * assert.equal(fix!.phases[0]!.workflows[0], "phase-golem-workflows/fix/build.md");
 * ```
 */
export function workflowPackPipelines(): Record<string, PipelineConfig> {
  return {
    feature: {
      pre_phases: [phase("research", "feature/research.md")],
      phases: [
        phase("prd", "feature/prd.md"),
        phase("tech-research", "feature/tech-research.md"),
        phase("design", "feature/design.md"),
        phase("spec", "feature/spec.md"),
        phase("build", "feature/build.md", true),
        phase("review", "feature/review.md", true),
      ],
    },
    fix: {
      pre_phases: [],
      phases: [
        phase("build", "fix/build.md", true),
        phase("review", "fix/review.md", true),
      ],
    },
  };
}

/**
 * The `triage` section of the pack: its triage guide.
 *
 * @returns A fresh copy.
 */
export function workflowPackTriage(): TriageConfig {
  return { workflows: [`${WORKFLOW_PACK_DIR}/triage.md`] };
}

/**
 * Whether a configured workflow path is in the pack's folder (so `pg init`
 * can restore it).
 *
 * @param path A workflow path as configured.
 * @returns `true` for `phase-golem-workflows/…` (also as `./phase-golem-workflows/…`).
 */
export function isWorkflowPackPath(path: string): boolean {
  return path.replace(/^(\.\/)+/, "").startsWith(`${WORKFLOW_PACK_DIR}/`);
}
