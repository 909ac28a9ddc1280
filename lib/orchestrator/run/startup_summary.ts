/**
 * What `pg run` logs before its loop starts (pg.md §2.4 step 9): the
 * configuration, what this run covers, the pipelines, and the backlog's
 * counts per status with up to three actionable items.
 *
 * @module
 */

import { pgStatusLabel } from "../../adapter/pg_status.ts";
import type { PgConfig } from "../config/config.ts";
import { type FilterCriterion, formatFilters } from "../scheduling/filter.ts";
import type { SchedulerItem } from "../scheduling/scheduler_item.ts";

/** What a run covers. */
export interface RunScope {
  /** `--target` items, in order (target mode). */
  targets: readonly string[];
  /** `--only` criteria (filter mode). */
  filter: readonly FilterCriterion[];
  /** Most phase executions. */
  cap: number;
  /** The cost limit in US dollars, if any. */
  maxCostUsd?: number | null;
  /** `--watch`: wait for work instead of halting. */
  watch?: boolean;
}

/**
 * The `[config]` and `[pipeline:{name}]` lines.
 *
 * @param config The configuration.
 * @param scope Targets or filter, and the cap.
 * @returns The lines.
 */
export function configSummaryLines(config: PgConfig, scope: RunScope): string[] {
  const g = config.guardrails;
  const e = config.execution;
  const mode = scope.targets.length > 0
    ? `targets ${scope.targets.join(", ")}`
    : scope.filter.length > 0
    ? `filter ${formatFilters(scope.filter)}`
    : "all items";
  return [
    `[config] Prefix: ${config.project.prefix} | Guardrails: size<=${g.max_size}, ` +
    `complexity<=${g.max_complexity}, risk<=${g.max_risk} | Execution: timeout ` +
    `${e.phase_timeout_minutes}m, retries ${e.max_retries}, max_wip ${e.max_wip}, ` +
    `max_concurrent ${e.max_concurrent}`,
    `[config] Run: ${mode} | cap ${scope.cap}` +
    (scope.maxCostUsd == null ? "" : ` | cost limit $${scope.maxCostUsd.toFixed(2)}`) +
    (scope.watch ? " | watch" : ""),
    ...Object.entries(config.pipelines).map(([name, p]) =>
      `[pipeline:${name}] pre: [${p.pre_phases.map((x) => x.name).join(" -> ")}] -> main: [${
        p.phases.map((x) => x.name).join(" -> ")
      }]`
    ),
  ];
}

/**
 * The `[backlog]` lines: items per status, then up to three items that are
 * neither Done nor Blocked.
 *
 * @param items The active items, in file order.
 * @returns One or two lines.
 */
export function backlogSummaryLines(items: readonly SchedulerItem[]): string[] {
  const counts = new Map<string, number>();
  const actionable: string[] = [];
  for (const it of items) {
    const label = pgStatusLabel(it.status);
    counts.set(label, (counts.get(label) ?? 0) + 1);
    if (it.status !== "Done" && it.status !== "Blocked" && actionable.length < 3) {
      actionable.push(`${it.id} (${label}${it.phase ? `, ${it.phase}` : ""})`);
    }
  }
  const parts = [...counts.entries()].map(([k, n]) => `${k} ${n}`);
  const lines = [`[backlog] ${items.length} item(s)${parts.length ? `: ${parts.join(", ")}` : ""}`];
  if (actionable.length > 0) lines.push(`[backlog] Next: ${actionable.join(", ")}`);
  return lines;
}
