/**
 * Builders shared by the scheduler tests and benchmarks. Test-only, never
 * published (see `lib/_testing/README.md`).
 *
 * @module
 */

import type { PhasePool } from "../adapter/assessments.ts";
import type { DimensionLevel } from "../adapter/assessments.ts";
import type { PgStatus } from "../adapter/pg_status.ts";
import { defaultConfig, type PgConfig, type PhaseConfig } from "../orchestrator/config/config.ts";
import type { RunningTask } from "../orchestrator/scheduling/scheduler.ts";
import type { SchedulerItem } from "../orchestrator/scheduling/scheduler_item.ts";

function ph(name: string, destructive = false): PhaseConfig {
  return { name, workflows: [], is_destructive: destructive, staleness: "ignore" };
}

/**
 * A config with pipeline `feature` = pre `research`, main `prd`, `build`
 * (destructive), `review`, and pipeline `blog` = main `draft`, `publish`
 * (destructive).
 */
export function testConfig(maxWip = 1, maxConcurrent = 1): PgConfig {
  const c = defaultConfig();
  c.execution.max_wip = maxWip;
  c.execution.max_concurrent = maxConcurrent;
  c.pipelines = {
    feature: { pre_phases: [ph("research")], phases: [ph("prd"), ph("build", true), ph("review")] },
    blog: { pre_phases: [], phases: [ph("draft"), ph("publish", true)] },
  };
  return c;
}

/** Optional attributes of a test item. */
export interface ItemSpec {
  phase?: string;
  pool?: PhasePool;
  pipeline?: string;
  impact?: DimensionLevel;
  deps?: string[];
  tags?: string[];
  /** Seconds after 2026-01-01T00:00:00Z, or a full timestamp. */
  created?: number | string;
}

/** A scheduler item. */
export function it(id: string, status: PgStatus, spec: ItemSpec = {}): SchedulerItem {
  const created = typeof spec.created === "string"
    ? spec.created
    : `2026-01-01T00:${String(Math.floor((spec.created ?? 0) / 60)).padStart(2, "0")}:${
      String((spec.created ?? 0) % 60).padStart(2, "0")
    }Z`;
  return {
    id,
    status,
    phase: spec.phase ?? null,
    phasePool: spec.pool ?? null,
    pipelineType: spec.pipeline ?? null,
    impact: spec.impact ?? null,
    size: null,
    risk: null,
    complexity: null,
    tags: spec.tags ?? [],
    dependencies: spec.deps ?? [],
    createdAt: created,
  };
}

/** A running-task table. */
export function running(
  entries: [string, string, boolean?][] = [],
): Map<string, RunningTask> {
  return new Map(
    entries.map(([id, phase, destructive]) => [
      id,
      {
        phase,
        phasePool: phase === "triage" ? "pre" : "main",
        isDestructive: destructive ?? false,
      },
    ]),
  );
}
