/**
 * The structured description phase-golem keeps in `x-pg-description`, and
 * the parser that turns legacy free-text descriptions into it (pg.md §9.3).
 *
 * @module
 */

/**
 * A structured description. Every field is a string; an empty string means
 * "not written".
 *
 * @example
 * ```ts
 * import { isDescriptionEmpty, type StructuredDescription } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const d: StructuredDescription = {
 *   context: "Users need to log in.", problem: "", solution: "", impact: "", sizing_rationale: "",
 * };
 * assert.ok(!isDescriptionEmpty(d));
 * ```
 */
export interface StructuredDescription {
  /** Background; mirrored into the native `description` field. */
  context: string;
  /** What is wrong. */
  problem: string;
  /** What to do. */
  solution: string;
  /** Why it matters. */
  impact: string;
  /** Why the size/complexity/risk assessments are what they are. */
  "sizing_rationale": string;
}

/** The field names of a structured description, in the order people write them. */
export const DESCRIPTION_FIELDS: readonly (keyof StructuredDescription)[] = [
  "context",
  "problem",
  "solution",
  "impact",
  "sizing_rationale",
];

/**
 * A description with every field empty.
 *
 * @returns A fresh object.
 *
 * @example
 * ```ts
 * import { emptyDescription, isDescriptionEmpty } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.ok(isDescriptionEmpty(emptyDescription()));
 * ```
 */
export function emptyDescription(): StructuredDescription {
  return { context: "", problem: "", solution: "", impact: "", sizing_rationale: "" };
}

/**
 * Whether every field of a description is empty.
 *
 * @param d The description.
 * @returns `true` when nothing is written.
 *
 * @example
 * ```ts
 * import { isDescriptionEmpty } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.ok(isDescriptionEmpty({ context: "", problem: "", solution: "", impact: "", sizing_rationale: "" }));
 * ```
 */
export function isDescriptionEmpty(d: StructuredDescription): boolean {
  return DESCRIPTION_FIELDS.every((k) => d[k] === "");
}

/** What {@linkcode parseDescriptionText} found. */
export interface ParsedDescription {
  /** The structured description. */
  description: StructuredDescription;
  /** Whether the text had at least one section header. */
  conforming: boolean;
}

const HEADERS: readonly [string, keyof StructuredDescription][] = [
  ["context:", "context"],
  ["problem:", "problem"],
  ["solution:", "solution"],
  ["impact:", "impact"],
  ["sizing rationale:", "sizing_rationale"],
];

/**
 * Parses a free-text description into sections. A line whose trimmed text
 * starts (in any case) with `Context:`, `Problem:`, `Solution:`, `Impact:`
 * or `Sizing rationale:` opens that section, the text after the colon being
 * its first line; a repeated header starts its section afresh. Other lines
 * (trimmed) join the open section, or a preamble before the first header
 * that is put in front of the context. Text without any header becomes the
 * context as it is (trimmed) and is reported as not conforming.
 *
 * @param text The legacy description.
 * @returns The description and whether the text used headers.
 *
 * @example
 * ```ts
 * import { parseDescriptionText } from "@golem/golem";
 * import assert from "node:assert/strict";
 * const { description } = parseDescriptionText("Context: Users need to log in.\nProblem: No auth.");
 * assert.equal(description.context, "Users need to log in.");
 * assert.equal(description.problem, "No auth.");
 * ```
 */
export function parseDescriptionText(text: string): ParsedDescription {
  const sections = new Map<keyof StructuredDescription, string[]>();
  const preamble: string[] = [];
  let open: string[] | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    const lower = line.toLowerCase();
    const header = HEADERS.find(([h]) => lower.startsWith(h));
    if (header) {
      open = [];
      sections.set(header[1], open);
      const rest = line.slice(header[0].length).trim();
      if (rest !== "") open.push(rest);
    } else if (open) {
      open.push(line);
    } else {
      preamble.push(line);
    }
  }
  const d = emptyDescription();
  if (sections.size === 0) {
    d.context = text.trim();
    return { description: d, conforming: false };
  }
  for (const [k, lines] of sections) d[k] = lines.join("\n").trim();
  const pre = preamble.join("\n").trim();
  if (pre !== "") d.context = d.context === "" ? pre : pre + "\n" + d.context;
  return { description: d, conforming: true };
}
