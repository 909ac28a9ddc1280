// selectActions() on 1k / 10k / 100k items with 20 tasks running.
// Targets: ≤ 1 ms / ≤ 10 ms / ≤ 120 ms per call.

import type { DimensionLevel } from "../../adapter/assessments.ts";
import type { PgStatus } from "../../adapter/pg_status.ts";
import { it, testConfig } from "../../_testing/scheduler_fixtures.ts";
import { type RunningTask, selectActions } from "./scheduler.ts";
import type { SchedulerItem } from "./scheduler_item.ts";

const STATUSES: PgStatus[] = ["New", "Scoping", "Ready", "InProgress", "Done", "Blocked"];
const LEVELS: DimensionLevel[] = ["low", "medium", "high"];
const MAIN = ["prd", "review"];

function backlog(n: number): { items: SchedulerItem[]; running: Map<string, RunningTask> } {
  let seed = 12345;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const items: SchedulerItem[] = [];
  for (let i = 0; i < n; i++) {
    const status = STATUSES[Math.floor(rand() * STATUSES.length)]!;
    const id = `WRK-${i.toString(36).padStart(5, "0")}`;
    const deps = rand() < 0.3
      ? [`WRK-${Math.floor(rand() * n).toString(36).padStart(5, "0")}`]
      : [];
    const secs = Math.floor(rand() * 86400 * 365);
    const created = new Date(Date.UTC(2025, 0, 1) + secs * 1000).toISOString().replace(
      ".000Z",
      `.${String(Math.floor(rand() * 1e9)).padStart(9, "0")}Z`,
    );
    items.push(it(id, status, {
      ...(status === "InProgress"
        ? { phase: MAIN[i % 2]!, pool: "main" as const }
        : status === "Scoping"
        ? { phase: "research", pool: "pre" as const }
        : {}),
      impact: LEVELS[i % 3]!,
      deps,
      created: created.replace(/\.(\d{3})Z$/, ".$1000000Z").replace(/(\.\d{9})\d*Z$/, "$1Z"),
    }));
  }
  const running = new Map<string, RunningTask>();
  for (const item of items) {
    if (running.size === 20) break;
    if (item.status === "InProgress") {
      running.set(item.id, { phase: item.phase!, phasePool: "main", isDestructive: false });
    }
  }
  return { items, running };
}

const config = testConfig(25, 24);
for (const n of [1_000, 10_000, 100_000]) {
  const state = backlog(n);
  Deno.bench({
    name: `selectActions() ${n / 1000}k items, 20 running`,
    group: "selectActions",
    fn() {
      selectActions(state, config);
    },
  });
}
