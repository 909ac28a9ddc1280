import assert from "node:assert/strict";
import { PgItem } from "../../adapter/pg_item.ts";
import { newItem } from "../../store/item.ts";
import { testConfig } from "../../_testing/scheduler_fixtures.ts";
import { selectActions } from "./scheduler.ts";
import { schedulerItemOf } from "./scheduler_item.ts";

Deno.test("schedulerItemOf() reads each value once, so an invalid value warns once", () => {
  const item = newItem("WRK-001", "T", "2026-01-01T00:00:00Z", {
    tags: ["a"],
    dependencies: ["WRK-000"],
  });
  item.extensions["x-pg-status"] = "scoping";
  item.extensions["x-pg-phase"] = "research";
  item.extensions["x-pg-phase-pool"] = "pre";
  item.extensions["x-pg-impact"] = "urgent";
  item.extensions["x-pg-size"] = "small";
  const warnings: string[] = [];
  const view = schedulerItemOf(new PgItem(item, { warn: (m) => warnings.push(m) }));
  assert.deepEqual(view, {
    id: "WRK-001",
    status: "Scoping",
    phase: "research",
    phasePool: "pre",
    pipelineType: null,
    impact: null,
    size: "small",
    risk: null,
    complexity: null,
    tags: ["a"],
    dependencies: ["WRK-000"],
    createdAt: "2026-01-01T00:00:00Z",
  });
  assert.deepEqual(warnings, [
    "Item WRK-001: invalid x-pg-impact value 'urgent', treating as absent",
  ]);
});

Deno.test("a bare `tg add` item is New and gets triaged (snapshot → selectActions)", () => {
  const added = newItem("tg-abcde", "Added with tg", "2026-01-01T00:00:00Z");
  const items = [schedulerItemOf(new PgItem(added))];
  assert.deepEqual(selectActions({ items, running: new Map() }, testConfig()), [
    { kind: "Triage", itemId: "tg-abcde" },
  ]);
});

Deno.test("schedulerItemOf() reads the claim and its lease, only when the item is claimed", () => {
  const item = newItem("WRK-001", "T", "2026-01-01T00:00:00Z");
  assert.equal("claim" in schedulerItemOf(new PgItem(item)), false);
  item.claimed_by = "w1";
  item.claimed_at = "2026-01-01T00:00:00Z";
  assert.deepEqual(schedulerItemOf(new PgItem(item)).claim, { by: "w1", expiresAt: null });
  item.extensions["x-tg-claim-lease"] = {
    agent: "w1",
    "claimed_at": "2026-01-01T00:00:00Z",
    "expires_at": "2026-01-01T00:35:00Z",
  };
  assert.deepEqual(schedulerItemOf(new PgItem(item)).claim, {
    by: "w1",
    expiresAt: "2026-01-01T00:35:00Z",
  });
});
