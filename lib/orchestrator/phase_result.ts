/**
 * `PhaseResult`: the JSON file an agent writes at the end of a phase
 * (pg.md §8.9). The parser and validator belong here too.
 *
 * @module
 */

import type { Assessments, BlockType, SizeLevel } from "../adapter/assessments.ts";
import type { StructuredDescription } from "../adapter/description.ts";

/** How a phase ended. */
export type ResultCode = "phase_complete" | "subphase_complete" | "failed" | "blocked";

/** A follow-up item the agent proposes. */
export interface FollowUp {
  /** Title (trimmed; must be one non-empty line to be ingested). */
  title: string;
  /** Context for the new item's description. */
  context?: string | undefined;
  /** Suggested size. */
  suggestedSize?: SizeLevel | undefined;
  /** Suggested risk. */
  suggestedRisk?: Assessments["risk"];
}

/** A validated result file. */
export interface PhaseResult {
  /** The item the result is for. */
  itemId: string;
  /** The phase (`triage` for triage). */
  phase: string;
  /** Outcome. */
  result: ResultCode;
  /** Summary for the worklog, prompts and failure reasons. */
  summary: string;
  /** Reason for blocked/failed. */
  context?: string | undefined;
  /** New assessments. */
  updatedAssessments?: Assessments | undefined;
  /** Proposed follow-up items (`[]` when none or `null`). */
  followUps: FollowUp[];
  /** SHA the work is based on. */
  basedOnCommit?: string | undefined;
  /** Triage classification. */
  pipelineType?: string | undefined;
  /** Commit title. */
  commitSummary?: string | undefined;
  /** IDs this item duplicates (triage; `[]` when none or `null`). */
  duplicates: string[];
  /** Structured description (triage). */
  description?: StructuredDescription | undefined;
  /** Human review required before entering the pipeline ([Fix] B10). */
  requiresHumanReview?: boolean | undefined;
  /** Blocker kind when the result blocks the item ([Fix] B10). */
  blockedType?: BlockType | undefined;
}
