/**
 * The prompts pg gives agents (pg.md §8.12): the phase prompt (preamble,
 * task, structured-output instructions) and the triage prompt (preamble,
 * current backlog, pipeline types and routing instructions, structured
 * output). Pure: the caller supplies every path and value.
 *
 * @module
 */

import type { Assessments } from "../../adapter/assessments.ts";
import type { StructuredDescription } from "../../adapter/description.ts";
import type { PgItem } from "../../adapter/pg_item.ts";

/** What a prompt shows about an item. */
export interface PromptItem {
  /** ID. */
  id: string;
  /** Title. */
  title: string;
  /** Known assessments. */
  assessments: Assessments;
  /** Structured description, if any. */
  description: StructuredDescription | null;
  /** Native free-text description (`tg add --description`), if any. */
  nativeDescription: string | null;
}

/**
 * Reads what a prompt needs from an item.
 *
 * @param pg The item.
 * @returns The prompt view.
 */
export function promptItemOf(pg: PgItem): PromptItem {
  return {
    id: pg.id,
    title: pg.title,
    assessments: pg.assessments(),
    description: pg.description(),
    nativeDescription: pg.nativeDescription,
  };
}

/** Inputs of {@linkcode buildPhasePrompt}. */
export interface PhasePromptParams {
  /** The item. */
  item: PromptItem;
  /** Phase name. */
  phase: string;
  /** Workflow paths (config base joined with the configured paths). */
  workflows: readonly string[];
  /** The item's change folder. */
  changeFolder: string;
  /** Where the agent writes its result. */
  resultPath: string;
  /** Summary of this item's previous phase in this run. */
  previousSummary?: string | null | undefined;
  /** Notes the human gave on unblock. */
  unblockNotes?: string | null | undefined;
  /** What went wrong in the previous attempt. */
  failureContext?: string | null | undefined;
}

const INTRO_TAIL =
  'Record any questions you would normally ask in an "Assumptions" section of the ' +
  "artifact,\ndocumenting decisions made without human input.";

function assessmentLines(a: Assessments): string | null {
  const lines: string[] = [];
  if (a.size !== undefined) lines.push(`- **Size:** ${a.size}`);
  if (a.complexity !== undefined) lines.push(`- **Complexity:** ${a.complexity}`);
  if (a.risk !== undefined) lines.push(`- **Risk:** ${a.risk}`);
  if (a.impact !== undefined) lines.push(`- **Impact:** ${a.impact}`);
  return lines.length === 0 ? null : lines.join("\n");
}

function descriptionText(item: PromptItem): string | null {
  const d = item.description;
  if (d !== null) {
    const lines: string[] = [];
    if (d.context !== "") lines.push(`**Context:** ${d.context}`);
    if (d.problem !== "") lines.push(`**Problem:** ${d.problem}`);
    if (d.solution !== "") lines.push(`**Solution:** ${d.solution}`);
    if (d.impact !== "") lines.push(`**Impact:** ${d.impact}`);
    if (d.sizing_rationale !== "") lines.push(`**Sizing Rationale:** ${d.sizing_rationale}`);
    if (lines.length > 0) return lines.join("\n");
  }
  // [Fix] items created with `tg add --description` have only the native text.
  const native = item.nativeDescription?.trim() ?? "";
  return native === "" ? null : native;
}

interface PreambleOptions {
  heading: string;
  intro: string;
  itemHeading: string;
  previousSummary?: string | null | undefined;
  unblockNotes?: string | null | undefined;
  failureContext?: string | null | undefined;
}

function preamble(item: PromptItem, o: PreambleOptions): string {
  let s = `# ${o.heading}\n\n${o.intro}\n${INTRO_TAIL}\n\n## ${o.itemHeading}\n\n` +
    `- **ID:** ${item.id}\n- **Title:** ${item.title}`;
  const a = assessmentLines(item.assessments);
  if (a !== null) s += `\n\n## Current Assessments\n\n${a}`;
  const d = descriptionText(item);
  if (d !== null) s += `\n\n## Description\n\n${d}`;
  if (o.previousSummary) s += `\n\n## Previous Phase Summary\n\n${o.previousSummary}`;
  if (o.unblockNotes) {
    s += "\n\n## Unblock Context\n\nThis item was previously blocked. Context from the human:" +
      `\n\n${o.unblockNotes}`;
  }
  if (o.failureContext) {
    s += "\n\n## Previous Failure\n\nThe previous attempt at this phase failed. Here is what " +
      `happened:\n\n${o.failureContext}\n\nAnalyze the failure and try a different approach.`;
  }
  return s;
}

function taskBlock(workflows: readonly string[], changeFolder: string): string {
  const body = workflows.length === 1
    ? `Read and follow the workflow at \`${workflows[0]}\`.`
    : "Complete the following workflows in order:\n\n" +
      workflows.map((w, i) => `${i + 1}. Read and follow the workflow at \`${w}\`.`).join("\n");
  return `## Task\n\n${body}\n\nThe change folder for this item is: \`${changeFolder}\``;
}

const JSON_RULE = "- The JSON must be valid — do not include comments or trailing commas.";
const COMMIT_RULE =
  "- Include a short `commit_summary` (under 72 chars) describing what changed — " +
  "used as the git commit title.";

function phaseOutputBlock(itemId: string, phase: string, resultPath: string): string {
  const example = [
    "{",
    `  "item_id": ${JSON.stringify(itemId)},`,
    `  "phase": ${JSON.stringify(phase)},`,
    '  "result": "phase_complete | subphase_complete | failed | blocked",',
    '  "summary": "Brief description of what was accomplished",',
    '  "context": "Optional additional context (for failures/blocks, explain why)",',
    '  "updated_assessments": {',
    '    "size": "small | medium | large (optional)",',
    '    "complexity": "low | medium | high (optional)",',
    '    "risk": "low | medium | high (optional)",',
    '    "impact": "low | medium | high (optional)"',
    "  },",
    '  "commit_summary": "One-line summary for git commit message",',
    '  "follow_ups": [',
    "    {",
    '      "title": "Follow-up item title",',
    '      "context": "Why this follow-up is needed",',
    '      "suggested_size": "small | medium | large (optional)",',
    '      "suggested_risk": "low | medium | high (optional)"',
    "    }",
    "  ]",
    "}",
  ].join("\n");
  return "## Structured Output\n\nWhen you are finished, write a JSON result file to:\n\n" +
    "```\n" + resultPath + "\n```\n\n" +
    "The file must contain valid JSON matching this schema:\n\n```json\n" + example + "\n```\n\n" +
    "**Result codes:**\n" +
    "- `phase_complete` — This phase is fully done. All work completed successfully.\n" +
    "- `subphase_complete` — A sub-phase is done but more work remains in this phase " +
    "(build only).\n" +
    "- `failed` — The phase could not be completed. Explain why in `context`.\n" +
    "- `blocked` — The phase needs human input to proceed, or the work is not needed " +
    "(e.g., already implemented, obsolete, out of scope). Explain what's needed in `context`.\n\n" +
    "**Important:**\n" +
    "- Update assessments if your work revealed the item is larger/smaller/riskier than " +
    "expected.\n" +
    "- Report any follow-up work items discovered during this phase.\n" +
    COMMIT_RULE + "\n" + JSON_RULE;
}

/**
 * The phase prompt: preamble (item, assessments, description, previous
 * summary, unblock notes, previous failure), task (workflows and change
 * folder) and structured-output instructions, joined by blank lines.
 *
 * @param p The inputs.
 * @returns The prompt.
 */
export function buildPhasePrompt(p: PhasePromptParams): string {
  return [
    preamble(p.item, {
      heading: "Autonomous Agent",
      intro: "You are running autonomously as part of the phase-golem changes workflow.\n" +
        "No human is available for questions — use your judgment to make decisions.",
      itemHeading: "Item",
      previousSummary: p.previousSummary,
      unblockNotes: p.unblockNotes,
      failureContext: p.failureContext,
    }),
    taskBlock(p.workflows, p.changeFolder),
    phaseOutputBlock(p.item.id, p.phase, p.resultPath),
  ].join("\n\n");
}

/** One other item, as the triage prompt lists it. */
export interface BacklogLine {
  /** ID. */
  id: string;
  /** Title. */
  title: string;
  /** Lower-cased status variant name (`inprogress`, `blocked`, …). */
  status: string;
}

/** Prompts longer than this (UTF-8 bytes) get their backlog list cut (OS argument limits). */
export const MAX_PROMPT_BYTES = 100 * 1024;

/** Inputs of {@linkcode buildTriagePrompt}. */
export interface TriagePromptParams {
  /** The item to triage. */
  item: PromptItem;
  /** Where the agent writes its result. */
  resultPath: string;
  /** Configured pipeline names. */
  pipelines: readonly string[];
  /**
   * The project's triage guides (config base joined with `triage.workflows`),
   * shown before the instructions; none by default.
   */
  guides?: readonly string[] | undefined;
  /** The other active items, in file order. */
  backlog: readonly BacklogLine[];
  /** Size limit (default {@linkcode MAX_PROMPT_BYTES}). */
  maxBytes?: number;
  /**
   * What went wrong in the previous attempt (**[Fix]** retried triage);
   * shown as in phase prompts. Absent on a first attempt.
   */
  failureContext?: string | null | undefined;
}

/** A triage prompt and how many backlog lines were left out to fit the size limit. */
export interface TriagePrompt {
  /** The prompt. */
  prompt: string;
  /** Backlog lines omitted (0 when the whole list fits). */
  omitted: number;
}

function triageGuide(guides: readonly string[]): string {
  const why = "what each pipeline type is for and how this project routes its items; where";
  const body = guides.length === 1
    ? `Read and follow the triage guide at \`${guides[0]}\`. It says ${why} it is more ` +
      "specific than the instructions below, the guide wins."
    : `Read and follow these triage guides, in order. They say ${why} they are more specific ` +
      "than the instructions below, the guides win.\n\n" +
      guides.map((g, i) => `${i + 1}. \`${g}\``).join("\n");
  return `## Triage Guide\n\n${body}\n\n`;
}

function triageInstructions(pipelines: readonly string[], guides: readonly string[]): string {
  const list = [...pipelines].sort().map((n) => `- \`${n}\``).join("\n");
  const guide = guides.length === 0 ? "" : triageGuide(guides);
  return `## Available Pipeline Types\n\n${list}\n\n${guide}## Instructions\n\n` +
    "Assess this backlog item and determine how to route it:\n\n" +
    "1. **Read the item title and any available context** to understand what this work item " +
    "involves.\n" +
    "2. **Check for duplicates** — compare against the Current Backlog (if provided). If this " +
    "item duplicates existing work, list the existing item ID(s) in the `duplicates` field.\n" +
    "3. **Classify the pipeline type** — choose the most appropriate pipeline from the list " +
    "above. Include `pipeline_type` in your structured output.\n" +
    "4. **Assess dimensions** — evaluate size, complexity, risk, and impact using these " +
    "guidelines:\n" +
    "   - **Size:** Small (1-3 files), Medium (4-10 files), Large (11+ files)\n" +
    "   - **Complexity:** Low (single pattern), Medium (design decisions), High (new " +
    "architecture)\n" +
    "   - **Risk:** Low (no shared interfaces), Medium (modifies shared code), High (breaking " +
    "changes)\n" +
    "   - **Impact:** Low (nice-to-have), Medium (meaningful improvement), High " +
    "(critical/blocking)\n" +
    "5. **Write a description** — fill in the `description` object with its five fields: " +
    "`context`, `problem`, `solution`, `impact`, `sizing_rationale`.\n" +
    "6. **Decide routing:**\n" +
    "   - If the item is **small size AND low risk**: promote directly (no idea file needed). " +
    "Set `requires_human_review: false` in your result.\n" +
    "   - If the item is **medium+ size OR medium+ risk**: create an idea file at " +
    "`_ideas/{item_id}_{slug}.md` with problem statement, proposed approach, and assessment. " +
    "Set `requires_human_review` based on risk level (true if high risk).\n" +
    "7. **Report your assessment** in the structured output.\n\n" +
    "Also use `blocked` if the work is not needed (e.g., already implemented, obsolete, out of " +
    "scope).\n\n" +
    "Use your judgment. When uncertain, err on the side of creating an idea file and flagging " +
    "for review.";
}

function triageOutputBlock(itemId: string, resultPath: string): string {
  const example = [
    "{",
    `  "item_id": ${JSON.stringify(itemId)},`,
    '  "phase": "triage",',
    '  "result": "phase_complete | failed | blocked",',
    '  "summary": "Brief description of triage assessment",',
    '  "context": "Optional additional context",',
    '  "pipeline_type": "feature",',
    '  "updated_assessments": {',
    '    "size": "small | medium | large",',
    '    "complexity": "low | medium | high",',
    '    "risk": "low | medium | high",',
    '    "impact": "low | medium | high"',
    "  },",
    '  "commit_summary": "One-line summary for git commit message",',
    '  "follow_ups": [',
    "    {",
    '      "title": "Follow-up item title",',
    '      "context": "Why this follow-up is needed (optional)",',
    '      "suggested_size": "small | medium | large (optional)",',
    '      "suggested_risk": "low | medium | high (optional)"',
    "    }",
    "  ],",
    '  "duplicates": ["WRK-xxx"],',
    '  "description": {',
    '    "context": "Background and where this comes from",',
    '    "problem": "What is wrong or missing",',
    '    "solution": "The proposed approach",',
    '    "impact": "What changes for users",',
    '    "sizing_rationale": "Why the size and risk are what they are"',
    "  }",
    "}",
  ].join("\n");
  return "## Structured Output\n\nWhen you are finished, write a JSON result file to:\n\n" +
    "```\n" + resultPath + "\n```\n\n" +
    "The file must contain valid JSON matching this schema:\n\n```json\n" + example + "\n```\n\n" +
    "**Result codes:**\n" +
    "- `phase_complete` — Triage complete, item assessed and routed.\n" +
    "- `failed` — Could not assess the item. Explain why in `context`.\n" +
    "- `blocked` — The item needs human input before it can be triaged. Also use `blocked` if " +
    "the work is not needed (e.g., already implemented, obsolete, out of scope).\n\n" +
    "**Important:**\n" +
    "- Set `pipeline_type` to classify this item into the appropriate pipeline.\n" +
    COMMIT_RULE + "\n" +
    "- List item IDs this work duplicates in `duplicates`. Omit if no duplicates.\n" +
    JSON_RULE;
}

const BACKLOG_INTRO = "## Current Backlog\n\nThe following items already exist in the backlog. " +
  "Check for duplicates — if this item duplicates an existing one, report the existing item's " +
  "ID in the `duplicates` field.";

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/**
 * The triage prompt: preamble (`# Autonomous Triage Agent`, `## Item to
 * Triage`, assessments and description only), the other items of the
 * backlog when there are any, the pipeline types and routing instructions,
 * and the triage structured-output block. **[Fix]** When the prompt would
 * exceed `maxBytes`, backlog lines are left out from the end and a note
 * says how many.
 *
 * @param p The inputs.
 * @returns The prompt and the number of backlog lines left out.
 */
export function buildTriagePrompt(p: TriagePromptParams): TriagePrompt {
  const head = preamble(p.item, {
    heading: "Autonomous Triage Agent",
    intro: "You are running autonomously as a triage agent. No human is available for questions.",
    itemHeading: "Item to Triage",
    failureContext: p.failureContext,
  });
  const tail = [
    triageInstructions(p.pipelines, p.guides ?? []),
    triageOutputBlock(p.item.id, p.resultPath),
  ];
  const lines = p.backlog.map((b) => `- ${b.id}: ${b.title} [${b.status}]`);
  const assemble = (shown: readonly string[], omitted: number) => {
    const sections = [head];
    if (p.backlog.length > 0) {
      let list = shown.join("\n");
      if (omitted > 0) {
        list += (list === "" ? "" : "\n") +
          `- … ${omitted} more item(s) not shown (prompt size limit)`;
      }
      sections.push(`${BACKLOG_INTRO}\n\n${list}`);
    }
    return [...sections, ...tail].join("\n\n");
  };
  const max = p.maxBytes ?? MAX_PROMPT_BYTES;
  const full = assemble(lines, 0);
  if (utf8Length(full) <= max) return { prompt: full, omitted: 0 };
  // Keep as many leading lines as fit, measured once per line.
  const fixed = utf8Length(assemble([], lines.length)) + 16;
  let budget = max - fixed;
  let keep = 0;
  for (const l of lines) {
    const n = utf8Length(l) + 1;
    if (n > budget) break;
    budget -= n;
    keep++;
  }
  return {
    prompt: assemble(lines.slice(0, keep), lines.length - keep),
    omitted: lines.length - keep,
  };
}
