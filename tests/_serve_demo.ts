/**
 * A demo backlog for `tg serve`'s screenshots and browser tests: pg items in
 * every status (phases, pipelines, assessments, phase histories with cost),
 * tags, a claim with a lease, a blocked item, dependencies, a parent with
 * children, and finished items in the archive. IDs and times are fixed.
 *
 * @module
 */

import { advanceTo } from "../lib/_testing/pg_item_fixtures.ts";
import { newPgItem, PgItem } from "../lib/adapter/pg_item.ts";
import type { PgStatus } from "../lib/adapter/pg_status.ts";
import type { PhaseRun } from "../lib/adapter/phase_history.ts";
import { FixedClock } from "../lib/io/clock.ts";
import { type Item, newItem } from "../lib/store/item.ts";

const CLOCK = new FixedClock({ secs: 1767225600, nanos: 0 });

/** A canonical timestamp `hours` before `base` (default: 2026-01-01 09:00 UTC plus `days`). */
export function ts(hoursAgo: number, base = Date.now()): string {
  return new Date(base - hoursAgo * 3600_000).toISOString().replace(/\.\d+Z$/, "Z");
}

interface PgOptions {
  phase?: string;
  pool?: "pre" | "main";
  size?: "small" | "medium" | "large";
  complexity?: "low" | "medium" | "high";
  risk?: "low" | "medium" | "high";
  impact?: "low" | "medium" | "high";
  tags?: string[];
  deps?: string[];
  parent?: string;
  priority?: bigint;
  history?: [string, PhaseRun["outcome"], number, number | null][];
  review?: boolean;
  description?: string;
  createdHoursAgo?: number;
}

function pgItem(id: string, title: string, status: PgStatus, o: PgOptions, now: number): Item {
  const created = ts(o.createdHoursAgo ?? 72, now);
  const item = newPgItem(id, title, { now: created, dependencies: o.deps ?? [] });
  const pg = new PgItem(item, { clock: CLOCK });
  advanceTo(pg, status);
  if (o.phase !== undefined) pg.setPhase(o.phase);
  if (o.pool !== undefined) pg.setPhasePool(o.pool);
  if (o.size !== undefined) pg.setSize(o.size);
  if (o.complexity !== undefined) pg.setComplexity(o.complexity);
  if (o.risk !== undefined) pg.setRisk(o.risk);
  if (o.impact !== undefined) pg.setImpact(o.impact);
  if (o.review) pg.setRequiresHumanReview(true);
  if (status !== "New") pg.setPipelineType("feature");
  let at = now - (o.history?.length ?? 0) * 3 * 3600_000;
  for (const [phase, outcome, minutes, cost] of o.history ?? []) {
    const run: PhaseRun = {
      phase,
      outcome,
      startedAt: ts(0, at),
      durationMs: minutes * 60_000,
      attempts: outcome === "failed" ? 2 : 1,
    };
    if (cost !== null) {
      run.costUsd = cost;
      run.inputTokens = Math.round(cost * 61000);
      run.outputTokens = Math.round(cost * 5200);
    }
    pg.appendHistory(run);
    at += 3 * 3600_000;
  }
  item.tags = o.tags ?? [];
  item.parent = o.parent ?? null;
  item.priority = o.priority ?? 0n;
  item.description = o.description ?? null;
  const stamp = ts(1 + (id.charCodeAt(id.length - 1) % 7), now);
  item.created_at = created;
  item.updated_at = stamp > created ? stamp : created;
  return item;
}

function tgItem(
  id: string,
  title: string,
  status: "todo" | "doing" | "blocked" | "done",
  o: { tags?: string[]; priority?: bigint; hoursAgo?: number; deps?: string[] },
  now: number,
): Item {
  const t = ts(o.hoursAgo ?? 30, now);
  const item = newItem(id, title, t, {
    tags: o.tags ?? [],
    priority: o.priority ?? 0n,
    dependencies: o.deps ?? [],
  });
  item.status = status;
  return item;
}

/** The demo backlog, relative to `now` (ms). */
export function demoItems(now: number = Date.now()): { active: Item[]; archived: Item[] } {
  const active: Item[] = [
    pgItem("WRK-a1", "Rate-limit the public API per token", "InProgress", {
      phase: "build",
      pool: "main",
      size: "medium",
      complexity: "medium",
      risk: "low",
      impact: "high",
      tags: ["api", "security"],
      priority: 3n,
      history: [["triage", "complete", 2, 0.08], ["research", "complete", 11, 0.62], [
        "prd",
        "complete",
        7,
        0.41,
      ]],
      description:
        "Clients can hammer /v1/search without limit. Add a token bucket per API token, 429 with Retry-After.",
    }, now),
    pgItem("WRK-b2", "Export invoices as CSV", "InProgress", {
      phase: "review",
      pool: "main",
      size: "small",
      complexity: "low",
      risk: "low",
      impact: "medium",
      tags: ["billing"],
      priority: 2n,
      history: [["triage", "complete", 1, 0.05], ["prd", "complete", 6, 0.33], [
        "build",
        "failed",
        19,
        1.12,
      ], ["build", "complete", 14, 0.94]],
    }, now),
    pgItem("WRK-c3", "Cache rendered invoice PDFs", "Scoping", {
      phase: "research",
      pool: "pre",
      size: "medium",
      impact: "medium",
      tags: ["billing", "perf"],
      parent: "WRK-p0",
      history: [["triage", "complete", 2, 0.07]],
    }, now),
    pgItem("WRK-d4", "Fix the crash on an empty config file", "Ready", {
      phase: "build",
      pool: "main",
      size: "small",
      complexity: "low",
      risk: "low",
      impact: "high",
      tags: ["bug"],
      priority: 3n,
      history: [["triage", "complete", 1, 0.04]],
    }, now),
    pgItem("WRK-e5", "Document webhook retries and backoff", "New", {
      tags: ["docs"],
      deps: ["WRK-a1"],
      createdHoursAgo: 5,
    }, now),
    pgItem("WRK-f6", "Move sessions to Redis", "Blocked", {
      phase: "prd",
      size: "large",
      complexity: "high",
      risk: "high",
      impact: "medium",
      tags: ["infra"],
      history: [["triage", "complete", 2, 0.06], ["research", "blocked", 16, 0.88]],
    }, now),
    pgItem("WRK-g7", "Proration for mid-cycle plan changes", "New", {
      tags: ["billing"],
      parent: "WRK-p0",
      deps: ["WRK-c3"],
      priority: 1n,
      createdHoursAgo: 20,
    }, now),
    pgItem("WRK-p0", "Billing v2", "Ready", {
      phase: "prd",
      pool: "main",
      size: "large",
      impact: "high",
      tags: ["billing", "epic"],
      priority: 2n,
    }, now),
    pgItem("WRK-h8", "Show the plan limits on the account page", "Ready", {
      phase: "prd",
      pool: "main",
      size: "small",
      impact: "low",
      tags: ["web"],
      deps: ["WRK-p0"],
    }, now),
    tgItem("tg-k9m2x", "Upgrade Deno to 2.9 in CI", "doing", { tags: ["chore"], hoursAgo: 4 }, now),
    tgItem("tg-r7w4q", "Rotate the staging database password", "todo", {
      tags: ["security"],
      priority: 1n,
    }, now),
    tgItem("tg-z3n8v", "Try the new flame graph profiler", "todo", { tags: ["perf"] }, now),
  ];
  const f6 = active.find((it) => it.id === "WRK-f6")!;
  f6.blocked_reason = "Needs a decision: keep sticky sessions, or move every session to Redis?";
  new PgItem(f6, { clock: CLOCK }).setBlockedType("decision");
  const k9 = active.find((it) => it.id === "tg-k9m2x")!;
  k9.claimed_by = "alice@acme.dev";
  k9.claimed_at = ts(0.5, now);
  k9.extensions["x-tg-claim-lease"] = {
    agent: "alice@acme.dev",
    "claimed_at": k9.claimed_at,
    "expires_at": ts(-1.5, now),
  };
  const archived: Item[] = [
    ["WRK-0a", "Add a /healthz endpoint", 3],
    ["WRK-0b", "Set up CI on main", 26],
    ["tg-q2w8e", "Rotate the production API keys", 49],
  ].map(([id, title, h]) => {
    const it = pgItem(id as string, title as string, "Done", {
      history: [["build", "complete", 12, 0.7]],
    }, now);
    it.updated_at = ts(h as number, now);
    return it;
  });
  return { active, archived };
}
