/**
 * `PhaseResult`: the JSON file an agent writes at the end of a phase
 * (pg.md §8.9), and its parser.
 *
 * @module
 */

import {
  type Assessments,
  BLOCK_TYPES,
  type BlockType,
  DIMENSION_LEVELS,
  SIZE_LEVELS,
  type SizeLevel,
} from "../../adapter/assessments.ts";
import {
  DESCRIPTION_FIELDS,
  emptyDescription,
  type StructuredDescription,
} from "../../adapter/description.ts";

/** How a phase ended. */
export type ResultCode = "phase_complete" | "subphase_complete" | "failed" | "blocked";

/** Every result code, in the order the spec lists them. */
export const RESULT_CODES: readonly ResultCode[] = [
  "subphase_complete",
  "phase_complete",
  "failed",
  "blocked",
];

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

/**
 * A result file that is not valid JSON or does not match the schema of
 * pg.md §8.9. `message` is `Failed to parse result JSON from {path}: {detail}`;
 * `problems` lists every problem found (key path first).
 *
 * @example Every problem is listed
 * ```ts
 * import { parsePhaseResult, PhaseResultError } from "./phase_result.ts";
 * import assert from "node:assert/strict";
 * assert.throws(
 *   () => parsePhaseResult('{"item_id": "WRK-001", "result": "done"}', "r.json"),
 *   (e: unknown) =>
 *     e instanceof PhaseResultError &&
 *     e.problems[0] === "missing field `phase`" &&
 *     e.message.startsWith("Failed to parse result JSON from r.json: missing field `phase`; "),
 * );
 * ```
 */
export class PhaseResultError extends SyntaxError {
  /** The file the text came from. */
  readonly path: string;
  /** Every problem, in document order. */
  readonly problems: readonly string[];

  /**
   * Builds the error and its message.
   *
   * @param path The result file.
   * @param problems What is wrong.
   */
  constructor(path: string, problems: readonly string[]) {
    super(`Failed to parse result JSON from ${path}: ${problems.join("; ")}`);
    this.name = "PhaseResultError";
    this.path = path;
    this.problems = problems;
  }
}

/**
 * Parses and validates a result file (pg.md §8.9) into the camelCase model.
 *
 * - `item_id`, `phase`, `result` and `summary` are required; the three
 *   strings must be strings (`"summary": null` is an error).
 * - Enum values are lower-case and strict everywhere (`result`, the
 *   assessments, follow-up suggestions, `blocked_type`): one bad spelling
 *   invalidates the file.
 * - Optional keys accept `null` (= absent). **[Fix]** `null` for
 *   `follow_ups` or `duplicates` is `[]`.
 * - A follow-up is a title string or an object with a string `title`
 *   (trimmed) and optional `context`, `suggested_size`, `suggested_risk`.
 * - `description` is an object whose five fields are strings (missing = `""`,
 *   `null` is an error).
 * - **[Fix]** optional boolean `requires_human_review` and optional
 *   `blocked_type` (`clarification`/`decision`).
 * - Unknown keys are ignored at every level.
 *
 * @param text The file's content.
 * @param path The file's path, for the message.
 * @returns The result.
 * @throws {PhaseResultError} Listing every problem.
 *
 * @example Snake case in, camel case out
 * ```ts
 * import { parsePhaseResult } from "./phase_result.ts";
 * import assert from "node:assert/strict";
 * const r = parsePhaseResult(
 *   '{"item_id":"WRK-001","phase":"prd","result":"phase_complete","summary":"Done",' +
 *     '"commit_summary":"Write the PRD","follow_ups":null}',
 *   "result.json",
 * );
 * assert.equal(r.itemId, "WRK-001");
 * assert.equal(r.commitSummary, "Write the PRD");
 * assert.deepEqual(r.followUps, []);
 * ```
 */
export function parsePhaseResult(text: string, path: string): PhaseResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new PhaseResultError(path, [(e as Error).message]);
  }
  const problems: string[] = [];
  const r = new FieldReader(problems);
  if (!isObject(doc)) {
    throw new PhaseResultError(path, [
      `invalid type: ${describe(doc)}, expected a JSON object`,
    ]);
  }
  const itemId = r.required(doc, "item_id", "");
  const phase = r.required(doc, "phase", "");
  const result = r.requiredEnum(doc, "result", RESULT_CODES);
  const summary = r.required(doc, "summary", "");
  const out: PhaseResult = {
    itemId: itemId ?? "",
    phase: phase ?? "",
    result: result ?? "failed",
    summary: summary ?? "",
    followUps: [],
    duplicates: [],
  };
  const context = r.optString(doc, "context", "");
  if (context !== undefined) out.context = context;
  const assessments = readAssessments(r, doc.updated_assessments, "updated_assessments");
  if (assessments !== undefined) out.updatedAssessments = assessments;
  out.followUps = readFollowUps(r, doc.follow_ups);
  const basedOn = r.optString(doc, "based_on_commit", "");
  if (basedOn !== undefined) out.basedOnCommit = basedOn;
  const pipelineType = r.optString(doc, "pipeline_type", "");
  if (pipelineType !== undefined) out.pipelineType = pipelineType;
  const commitSummary = r.optString(doc, "commit_summary", "");
  if (commitSummary !== undefined) out.commitSummary = commitSummary;
  out.duplicates = readDuplicates(r, doc.duplicates);
  const description = readDescription(r, doc.description);
  if (description !== undefined) out.description = description;
  const review = doc.requires_human_review;
  if (review !== undefined && review !== null) {
    if (typeof review === "boolean") out.requiresHumanReview = review;
    else {r.problem(
        "requires_human_review",
        `invalid type: ${describe(review)}, expected a boolean`,
      );}
  }
  const blockedType = r.optEnum(doc, "blocked_type", BLOCK_TYPES, "");
  if (blockedType !== undefined) out.blockedType = blockedType;
  if (problems.length > 0) throw new PhaseResultError(path, problems);
  return out;
}

type JsonObj = Record<string, unknown>;

function isObject(v: unknown): v is JsonObj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value's JSON kind, in the style of serde's messages. */
function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "sequence";
  switch (typeof v) {
    case "string":
      return `string ${JSON.stringify(v)}`;
    case "number":
      return Number.isInteger(v) ? `integer \`${v}\`` : `floating point \`${v}\``;
    case "boolean":
      return `boolean \`${v}\``;
    default:
      return "map";
  }
}

function alternatives(values: readonly string[]): string {
  const q = values.map((v) => `\`${v}\``);
  if (q.length === 1) return q[0]!;
  if (q.length === 2) return `${q[0]} or ${q[1]}`;
  return `one of ${q.join(", ")}`;
}

/** Collects problems while reading fields; `at` is the key path prefix (`""` at top level). */
class FieldReader {
  readonly #problems: string[];

  constructor(problems: string[]) {
    this.#problems = problems;
  }

  problem(key: string, text: string): void {
    this.#problems.push(key === "" ? text : `${key}: ${text}`);
  }

  /** A required string field. */
  required(obj: JsonObj, key: string, at: string): string | undefined {
    const v = obj[key];
    if (v === undefined) {
      this.problem(at, `missing field \`${key}\``);
      return undefined;
    }
    if (typeof v !== "string") {
      this.problem(join(at, key), `invalid type: ${describe(v)}, expected a string`);
      return undefined;
    }
    return v;
  }

  /** A required enum field. */
  requiredEnum<T extends string>(obj: JsonObj, key: string, values: readonly T[]): T | undefined {
    if (obj[key] === undefined) {
      this.problem("", `missing field \`${key}\``);
      return undefined;
    }
    return this.enumValue(obj[key], key, values);
  }

  /** An optional string field (`null` = absent). */
  optString(obj: JsonObj, key: string, at: string): string | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") {
      this.problem(join(at, key), `invalid type: ${describe(v)}, expected a string`);
      return undefined;
    }
    return v;
  }

  /** An optional enum field (`null` = absent). */
  optEnum<T extends string>(
    obj: JsonObj,
    key: string,
    values: readonly T[],
    at: string,
  ): T | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    return this.enumValue(v, join(at, key), values);
  }

  enumValue<T extends string>(v: unknown, keyPath: string, values: readonly T[]): T | undefined {
    if (typeof v !== "string") {
      this.problem(keyPath, `invalid type: ${describe(v)}, expected ${alternatives(values)}`);
      return undefined;
    }
    if (!(values as readonly string[]).includes(v)) {
      this.problem(keyPath, `unknown variant \`${v}\`, expected ${alternatives(values)}`);
      return undefined;
    }
    return v as T;
  }
}

function join(at: string, key: string | number): string {
  if (typeof key === "number") return `${at}[${key}]`;
  return at === "" ? key : `${at}.${key}`;
}

function readAssessments(r: FieldReader, v: unknown, at: string): Assessments | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) {
    r.problem(at, `invalid type: ${describe(v)}, expected an object`);
    return undefined;
  }
  const a: Assessments = {};
  const size = r.optEnum(v, "size", SIZE_LEVELS, at);
  if (size !== undefined) a.size = size;
  const complexity = r.optEnum(v, "complexity", DIMENSION_LEVELS, at);
  if (complexity !== undefined) a.complexity = complexity;
  const risk = r.optEnum(v, "risk", DIMENSION_LEVELS, at);
  if (risk !== undefined) a.risk = risk;
  const impact = r.optEnum(v, "impact", DIMENSION_LEVELS, at);
  if (impact !== undefined) a.impact = impact;
  return a;
}

function readFollowUps(r: FieldReader, v: unknown): FollowUp[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    r.problem("follow_ups", `invalid type: ${describe(v)}, expected a sequence`);
    return [];
  }
  const out: FollowUp[] = [];
  v.forEach((el: unknown, i) => {
    const at = join("follow_ups", i);
    if (typeof el === "string") {
      out.push({ title: el.trim() });
      return;
    }
    if (!isObject(el)) {
      r.problem(
        at,
        `invalid type: ${describe(el)}, expected a title string or an object with a \`title\``,
      );
      return;
    }
    const title = r.required(el, "title", at);
    const f: FollowUp = { title: title?.trim() ?? "" };
    const context = r.optString(el, "context", at);
    if (context !== undefined) f.context = context;
    const size = r.optEnum(el, "suggested_size", SIZE_LEVELS, at);
    if (size !== undefined) f.suggestedSize = size;
    const risk = r.optEnum(el, "suggested_risk", DIMENSION_LEVELS, at);
    if (risk !== undefined) f.suggestedRisk = risk;
    if (title !== undefined) out.push(f);
  });
  return out;
}

function readDuplicates(r: FieldReader, v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    r.problem("duplicates", `invalid type: ${describe(v)}, expected a sequence`);
    return [];
  }
  const out: string[] = [];
  v.forEach((el: unknown, i) => {
    if (typeof el === "string") out.push(el);
    else r.problem(join("duplicates", i), `invalid type: ${describe(el)}, expected a string`);
  });
  return out;
}

function readDescription(r: FieldReader, v: unknown): StructuredDescription | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) {
    r.problem("description", `invalid type: ${describe(v)}, expected an object`);
    return undefined;
  }
  const d = emptyDescription();
  for (const key of DESCRIPTION_FIELDS) {
    const f = v[key];
    if (f === undefined) continue;
    if (typeof f === "string") d[key] = f;
    else {
      r.problem(join("description", key), `invalid type: ${describe(f)}, expected a string`);
    }
  }
  return d;
}
