/**
 * `run --only KEY=VALUE[,VALUE…]` filters (pg.md §7.6): parsing, the
 * checks across flags, matching (OR within a criterion, AND across
 * criteria) and display.
 *
 * @module
 */

import type { DimensionLevel, SizeLevel } from "../../adapter/assessments.ts";
import { type PgStatus, pgStatusFromSnake, pgStatusToSnake } from "../../adapter/pg_status.ts";
import type { SchedulerItem } from "./scheduler_item.ts";

/** The attributes a filter can test. */
export type FilterField =
  | "status"
  | "impact"
  | "size"
  | "risk"
  | "complexity"
  | "tag"
  | "pipeline_type";

/** One `--only` criterion: the item matches when its attribute is one of `values`. */
export type FilterCriterion =
  | { field: "status"; values: PgStatus[] }
  | { field: "size"; values: SizeLevel[] }
  | { field: "impact" | "risk" | "complexity"; values: DimensionLevel[] }
  | { field: "tag" | "pipeline_type"; values: string[] };

/** A `--only` value that cannot be used; `message` says why. */
export class FilterError extends Error {
  /**
   * Builds the error.
   *
   * @param message What is wrong.
   */
  constructor(message: string) {
    super(message);
    this.name = "FilterError";
  }
}

const FIELDS: readonly FilterField[] = [
  "status",
  "impact",
  "size",
  "risk",
  "complexity",
  "tag",
  "pipeline_type",
];

const SIZE_ALIASES: Readonly<Record<string, SizeLevel>> = {
  small: "small",
  medium: "medium",
  large: "large",
  s: "small",
  m: "medium",
  l: "large",
};

const LEVEL_ALIASES: Readonly<Record<string, DimensionLevel>> = {
  low: "low",
  medium: "medium",
  high: "high",
  l: "low",
  m: "medium",
  h: "high",
};

const VALID_VALUES: Readonly<Record<FilterField, string>> = {
  status: "new, scoping, ready, in_progress, done, blocked",
  size: "small, medium, large (or s, m, l)",
  impact: "low, medium, high (or l, m, h)",
  risk: "low, medium, high (or l, m, h)",
  complexity: "low, medium, high (or l, m, h)",
  tag: "any tag",
  "pipeline_type": "any pipeline name",
};

/**
 * Parses one `--only` value.
 *
 * @param raw `KEY=VALUE[,VALUE…]`; the key is case-insensitive, enum values
 *   are case-insensitive, tags and pipeline names are case-sensitive.
 * @returns The criterion.
 * @throws {FilterError} With the message of pg.md §7.6.
 */
export function parseFilter(raw: string): FilterCriterion {
  const eq = raw.indexOf("=");
  const key = eq < 0 ? "" : raw.slice(0, eq).trim();
  const value = eq < 0 ? "" : raw.slice(eq + 1).trim();
  if (key === "" || value === "") {
    throw new FilterError(`Filter must be in format KEY=VALUE, got: ${raw}`);
  }
  const field = key.toLowerCase() as FilterField;
  if (!FIELDS.includes(field)) {
    throw new FilterError(`Unknown filter field: ${key}. Supported: ${FIELDS.join(", ")}`);
  }
  const parts = value.split(",").map((v) => v.trim());
  if (parts.some((v) => v === "")) {
    throw new FilterError(
      `Empty value in comma-separated list for field '${field}'. Each value must be non-empty.`,
    );
  }
  const seen = new Set<string>();
  const values: string[] = [];
  for (const part of parts) {
    const v = parseValue(field, part);
    if (v === null) {
      throw new FilterError(
        `Invalid value '${part}' for field '${field}'. Valid values: ${VALID_VALUES[field]}`,
      );
    }
    if (seen.has(v)) {
      throw new FilterError(
        `Duplicate value '${part}' in comma-separated list for field '${field}'`,
      );
    }
    seen.add(v);
    values.push(v);
  }
  return { field, values } as FilterCriterion;
}

function parseValue(field: FilterField, v: string): string | null {
  switch (field) {
    case "status":
      return pgStatusFromSnake(v.toLowerCase());
    case "size":
      return SIZE_ALIASES[v.toLowerCase()] ?? null;
    case "impact":
    case "risk":
    case "complexity":
      return LEVEL_ALIASES[v.toLowerCase()] ?? null;
    default:
      return v;
  }
}

/**
 * Parses every `--only` value and checks them together: a field other than
 * `tag` may appear in one flag only, and two identical tag criteria are
 * rejected.
 *
 * @param raws The `--only` values, in order.
 * @returns The criteria.
 * @throws {FilterError} For the first problem found.
 */
export function parseFilters(raws: readonly string[]): FilterCriterion[] {
  const criteria = raws.map(parseFilter);
  const fields = new Set<FilterField>();
  const tags = new Set<string>();
  for (const c of criteria) {
    if (c.field === "tag") {
      const shown = formatFilter(c);
      if (tags.has(shown)) {
        throw new FilterError(`Duplicate filter: ${shown} specified multiple times`);
      }
      tags.add(shown);
      continue;
    }
    if (fields.has(c.field)) {
      throw new FilterError(
        `Field '${c.field}' specified multiple times in separate --only flags. Combine values in a single flag: --only ${c.field}=value1,value2`,
      );
    }
    fields.add(c.field);
  }
  return criteria;
}

/**
 * Whether an item matches one criterion (an item without the attribute
 * never matches).
 *
 * @param item The item.
 * @param c The criterion.
 * @returns `true` when the item's attribute is one of the values.
 */
export function matchesFilter(item: SchedulerItem, c: FilterCriterion): boolean {
  switch (c.field) {
    case "status":
      return c.values.includes(item.status);
    case "size":
      return item.size !== null && c.values.includes(item.size);
    case "impact":
      return item.impact !== null && c.values.includes(item.impact);
    case "risk":
      return item.risk !== null && c.values.includes(item.risk);
    case "complexity":
      return item.complexity !== null && c.values.includes(item.complexity);
    case "tag":
      return item.tags.some((t) => c.values.includes(t));
    case "pipeline_type":
      return item.pipelineType !== null && c.values.includes(item.pipelineType);
  }
}

/**
 * Whether an item matches every criterion.
 *
 * @param item The item.
 * @param criteria The criteria.
 * @returns `true` when all match (also for no criteria).
 */
export function matchesFilters(item: SchedulerItem, criteria: readonly FilterCriterion[]): boolean {
  return criteria.every((c) => matchesFilter(item, c));
}

/**
 * Displays one criterion as `field=v1,v2`.
 *
 * @param c The criterion.
 * @returns The text.
 */
export function formatFilter(c: FilterCriterion): string {
  const values = c.field === "status" ? c.values.map(pgStatusToSnake) : c.values;
  return `${c.field}=${values.join(",")}`;
}

/**
 * Displays criteria joined by ` AND `.
 *
 * @param criteria The criteria.
 * @returns The text.
 */
export function formatFilters(criteria: readonly FilterCriterion[]): string {
  return criteria.map(formatFilter).join(" AND ");
}
