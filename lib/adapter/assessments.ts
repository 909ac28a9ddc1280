/**
 * The small enumerations phase-golem stores on items: size, the three-level
 * dimensions (complexity, risk, impact), phase pool and blocker type.
 *
 * @module
 */

/** Size assessment. */
export type SizeLevel = "small" | "medium" | "large";
/** Complexity, risk or impact assessment. */
export type DimensionLevel = "low" | "medium" | "high";
/** Which phase list of a pipeline a phase belongs to. */
export type PhasePool = "pre" | "main";
/** Kind of human input a blocked item waits for. */
export type BlockType = "clarification" | "decision";

/** Every size, smallest first. */
export const SIZE_LEVELS: readonly SizeLevel[] = ["small", "medium", "large"];
/** Every dimension level, lowest first. */
export const DIMENSION_LEVELS: readonly DimensionLevel[] = ["low", "medium", "high"];
/** Both phase pools. */
export const PHASE_POOLS: readonly PhasePool[] = ["pre", "main"];
/** Both blocker types. */
export const BLOCK_TYPES: readonly BlockType[] = ["clarification", "decision"];

/**
 * Assessments of an item; a missing key means "not assessed" (or, in an
 * update, "leave as it is").
 *
 * @example
 * ```ts
 * import type { Assessments } from "@golem/golem";
 * const a: Assessments = { size: "small", risk: "low" };
 * ```
 */
export interface Assessments {
  /** Size. */
  size?: SizeLevel | undefined;
  /** Complexity. */
  complexity?: DimensionLevel | undefined;
  /** Risk. */
  risk?: DimensionLevel | undefined;
  /** Impact (the scheduling priority). */
  impact?: DimensionLevel | undefined;
}

/**
 * Whether `v` is a size spelling (exact, lower-case).
 *
 * @param v Any value.
 * @returns `true` for `small`, `medium`, `large`.
 *
 * @example
 * ```ts
 * import { isSizeLevel } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.ok(isSizeLevel("small"));
 * assert.ok(!isSizeLevel("Small"));
 * ```
 */
export function isSizeLevel(v: unknown): v is SizeLevel {
  return v === "small" || v === "medium" || v === "large";
}

/**
 * Whether `v` is a dimension spelling (exact, lower-case).
 *
 * @param v Any value.
 * @returns `true` for `low`, `medium`, `high`.
 *
 * @example
 * ```ts
 * import { isDimensionLevel } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.ok(isDimensionLevel("high"));
 * assert.ok(!isDimensionLevel("HIGH"));
 * ```
 */
export function isDimensionLevel(v: unknown): v is DimensionLevel {
  return v === "low" || v === "medium" || v === "high";
}

/**
 * Numeric rank of a size or dimension level, for comparisons: 1, 2, 3 from
 * the lowest; 0 for "not assessed".
 *
 * @param level The level, or `null`.
 * @returns The rank.
 *
 * @example
 * ```ts
 * import { levelRank } from "@golem/golem";
 * import assert from "node:assert/strict";
 * assert.equal(levelRank("high"), 3);
 * assert.equal(levelRank(null), 0);
 * ```
 */
export function levelRank(level: SizeLevel | DimensionLevel | null): number {
  switch (level) {
    case "small":
    case "low":
      return 1;
    case "medium":
      return 2;
    case "large":
    case "high":
      return 3;
    default:
      return 0;
  }
}
